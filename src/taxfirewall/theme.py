"""The house chart theme, in one place: colours, type and sizes for altair and matplotlib.

Light and dark variants share one structure. Colours for marks meet WCAG's 3:1 contrast
for graphics against their background, text colours 4.5:1 (tests check both), and the
category palette is built from Okabe–Ito / Tol hues that stay distinct under the common
colour-vision deficiencies; charts also vary shape, so colour is never the only cue.
Categories are coloured by their position in the dataset's enum, never by name, so a new
incident's categories get colours too.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

FONT_STACK = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans', Arial, sans-serif"
MPL_FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine
SHAPES = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
    "circle",
)
MPL_SHAPES = ("o", "s", "D", "^", "P", "v", ">", "<", "o")
MPL_MARKER = dict(zip(SHAPES, MPL_SHAPES))  # a Vega shape name -> matplotlib's marker
ROLES = ("background", "text", "muted", "grid", "ink", "accent", "range_fill")  # colours a scene names


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str  # body text and labels
    muted: str  # secondary text: subtitles, footers, axis labels
    grid: str  # gridlines and rules (decorative)
    ink: str  # the main data colour (funnel bars)
    accent: str  # what the story turns on (highlighted events, callouts)
    range_fill: str  # fill of a range-only span (drawn with a hatch or at reduced weight)
    palette: tuple[str, ...] = field(default_factory=tuple)

    def colour(self, role: str, categories=()) -> str:
        """The colour a chart scene names by role: one of :data:`ROLES`, or
        "category:<name>", coloured by the name's position in ``categories``."""
        if role.startswith("category:"):
            return self.category_colors(categories)[role.split(":", 1)[1]]
        if role not in ROLES:
            raise ValueError(f"unknown colour role {role!r} (expected one of: {', '.join(ROLES)})")
        return getattr(self, role)

    def category_colors(self, categories) -> dict[str, str]:
        return {c: self.palette[i % len(self.palette)] for i, c in enumerate(categories)}

    @staticmethod
    def category_shapes(categories, mpl: bool = False) -> dict[str, str]:
        shapes = MPL_SHAPES if mpl else SHAPES
        return {c: shapes[i % len(shapes)] for i, c in enumerate(categories)}


LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1a1a1a",
    muted="#595959",
    grid="#d9d9d9",
    ink="#1f4e79",
    accent="#b3261e",
    range_fill="#6a88a8",
    palette=(
        "#0072b2",
        "#c2410c",
        "#00785a",
        "#7b3294",
        "#a0522d",
        "#5f6b7a",
        "#b8307a",
        "#2f6b2f",
        "#3d5a98",
    ),
)

DARK = Theme(
    name="dark",
    background="#121212",
    text="#f0f0f0",
    muted="#b3b3b3",
    grid="#3a3a3a",
    ink="#7fb2e5",
    accent="#ff8a80",
    range_fill="#4f6b88",
    palette=(
        "#56b4e9",
        "#f4a261",
        "#3fcf9f",
        "#c39bd3",
        "#e0a370",
        "#a9b4c2",
        "#f28cc4",
        "#8fd18f",
        "#9db4f0",
    ),
)

THEMES = {"light": LIGHT, "dark": DARK}
SIZES = {"title": 20, "subtitle": 14, "label": 13, "small": 11, "footer": 11}
PT = 72 / 100  # matplotlib points per pixel at 100 dpi: static charts use the browser's px sizes


def get_theme(name: str | Theme = "light") -> Theme:
    if isinstance(name, Theme):
        return name
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme '{name}' (expected one of: {', '.join(THEMES)})") from None


# --------------------------------------------------------------------------- contrast


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two hex colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --------------------------------------------------------------------------- altair


def vega_config(theme: str | Theme = "light") -> dict:
    """The Vega-Lite ``config`` block for the house style."""
    t = get_theme(theme)
    return {
        "background": t.background,
        "font": FONT_STACK,
        "padding": {"left": 8, "right": 8, "top": 8, "bottom": 8},
        "view": {"stroke": None},
        "title": {
            "anchor": "start",
            "color": t.text,
            "font": FONT_STACK,
            "fontSize": SIZES["title"],
            "fontWeight": 700,
            "subtitleColor": t.muted,
            "subtitleFont": FONT_STACK,
            "subtitleFontSize": SIZES["subtitle"],
            "subtitlePadding": 6,
            "offset": 14,
        },
        "axis": {
            "domainColor": t.grid,
            "gridColor": t.grid,
            "tickColor": t.grid,
            "labelColor": t.muted,
            "titleColor": t.muted,
            "labelFont": FONT_STACK,
            "titleFont": FONT_STACK,
            "labelFontSize": SIZES["small"],
            "titleFontSize": SIZES["small"],
            "titleFontWeight": 400,
        },
        "legend": {
            "labelColor": t.text,
            "titleColor": t.muted,
            "labelFont": FONT_STACK,
            "titleFont": FONT_STACK,
            "labelFontSize": SIZES["small"],
            "titleFontSize": SIZES["small"],
            "orient": "bottom",
            "columns": 3,
            "symbolStrokeWidth": 0,
            "titleFontWeight": 400,
        },
        "text": {"color": t.text, "font": FONT_STACK, "fontSize": SIZES["label"]},
        "bar": {"color": t.ink},
        "rule": {"color": t.grid},
        "range": {"category": list(t.palette)},
    }


_REGISTERED = False


def register_altair(default: str = "light") -> None:
    """Register ``taxfirewall-light`` and ``taxfirewall-dark`` with altair once; enable one."""
    global _REGISTERED
    import altair as alt

    if not _REGISTERED:
        for name in THEMES:  # altair 5.5's theme API (alt.themes is deprecated)
            alt.theme.register(f"taxfirewall-{name}", enable=False)(
                lambda name=name: {"config": vega_config(name)}
            )
        _REGISTERED = True
    alt.theme.enable(f"taxfirewall-{get_theme(default).name}")


# --------------------------------------------------------------------------- matplotlib


def mpl_rc(theme: str | Theme = "light") -> dict:
    t = get_theme(theme)
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [MPL_FONT],
        "font.size": SIZES["label"],
        "text.color": t.text,
        "axes.facecolor": t.background,
        "axes.edgecolor": t.grid,
        "axes.labelcolor": t.muted,
        "axes.titlesize": SIZES["title"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": t.muted,
        "ytick.color": t.muted,
        "figure.facecolor": t.background,
        "savefig.facecolor": t.background,
        "grid.color": t.grid,
        "hatch.color": t.ink,
        "svg.fonttype": "none",  # keep text as text in SVG: searchable, checkable by tests
        "svg.hashsalt": "taxfirewall",  # deterministic ids in SVG output
        "pdf.fonttype": 42,
        "path.simplify": True,
    }


@contextmanager
def mpl_style(theme: str | Theme = "light"):
    """Apply the house style to matplotlib inside a ``with`` block."""
    import matplotlib

    with matplotlib.rc_context(mpl_rc(theme)):
        yield get_theme(theme)
