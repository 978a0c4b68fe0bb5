"""The contract between the notebooks in ``notebooks/`` and the report build.

A notebook has exactly one code cell tagged ``parameters`` holding plain assignments
(``name = literal`` or ``name: type = literal``, types written as papermill can read them:
``str``, ``bool``, ``Optional[str]``, ``Optional[list]`` ...), each with a trailing
``# comment`` that documents it. A comment starting ``one of "a", "b"`` restricts the
values. The build reads that cell with :mod:`ast` (no kernel, no nbformat) to check a
report's parameters before anything runs; papermill injects the values after it. A
parameter whose default is None also accepts a string (TOML has no null).

Inside a kernel, :func:`setup` makes charts display as the Vega-Lite mimetype (JupyterLab
draws it offline; the report template turns it into an inline figure) and
:func:`resolve_incident` finds the incident folder from notebooks/ or the project root;
``setup(lang=...)`` makes the notebook's ``lang`` parameter the kernel's language.

:func:`clean_for_git` and :func:`strip_volatile` keep stored and executed notebooks free of
outputs, timestamps and random ids, so the same inputs always give the same bytes;
:func:`git_text` is the git clean filter's cleaning (tools/clean_notebooks.py --stdin).

Only the standard library is imported at module level: the build's unchanged path uses
this module and must stay fast.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
ERROR_MARKER_TAG = "papermill-error-cell-tag"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"

_CHOICES = re.compile(r'^one of ("(?:[^"\\]|\\.)*"(?:\s*(?:,|or)\s*"(?:[^"\\]|\\.)*")*)')


class NotebookContractError(ValueError):
    """A notebook that breaks the contract (no parameters cell, a non-literal default ...)."""


@dataclass(frozen=True)
class Parameter:
    """One assignment of a notebook's parameters cell."""

    name: str
    default: object
    annotation: str | None  # source text of the annotation, e.g. "str | None"
    doc: str
    line: int

    @property
    def choices(self) -> tuple | None:
        """Values allowed by a doc comment starting 'one of "a", "b"', else None."""
        m = _CHOICES.match(self.doc)
        return tuple(json.loads(q) for q in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1))) if m else None

    @property
    def kind(self) -> str:
        """What the parameter accepts, for messages: 'str', 'bool', 'str or None' ..."""
        allowed = _allowed(self)
        return " or ".join(_describe(a) for a in allowed) if allowed else "anything"

    def check(self, value) -> str | None:
        """None when ``value`` fits, else what was expected (a sentence fragment)."""
        return _check(self, value)


# --------------------------------------------------------------------------- reading


def read_json(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def parameters_cell(nb: dict) -> tuple[int, str]:
    """Index and source of the one code cell tagged ``parameters``."""
    found = [
        (i, _source(c))
        for i, c in enumerate(nb.get("cells", []))
        if c.get("cell_type") == "code" and PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])
    ]
    if len(found) != 1:
        raise NotebookContractError(
            f"expected exactly one code cell tagged '{PARAMETERS_TAG}', found {len(found)}"
        )
    return found[0]


def _comments(source: str) -> dict[int, str]:
    out: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return out


def parse_parameters(source: str) -> dict[str, Parameter]:
    """Assignments of a parameters cell, in order. Imports are allowed; anything else is not."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookContractError(
            f"parameters cell does not parse: {exc.msg} (line {exc.lineno})"
        ) from None
    comments = _comments(source)
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, annotation = (
                node.target.id,
                node.value,
                ast.get_source_segment(source, node.annotation),
            )
        else:
            raise NotebookContractError(
                f"parameters cell line {node.lineno}: only 'name = literal' assignments are allowed"
            )
        try:
            default = ast.literal_eval(value)
        except ValueError:
            raise NotebookContractError(
                f"parameters cell line {node.lineno}: the default of '{name}' is not a literal"
            ) from None
        params[name] = Parameter(name, default, annotation, comments.get(node.lineno, ""), node.lineno)
    return params


def read_parameters(path: str | Path) -> dict[str, Parameter]:
    """The declared parameters of the notebook at ``path``."""
    return parse_parameters(parameters_cell(read_json(path))[1])


# --------------------------------------------------------------------------- checking values

_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


def _annotation_options(node: ast.AST) -> list | None:
    """Accepted shapes from an annotation: type names, ('list', item) or ('literal', values)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _annotation_options(node.left), _annotation_options(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Constant) and node.value is None:
        return ["None"]
    if isinstance(node, ast.Name) and (node.id in _TYPES or node.id == "None"):
        return [node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "Literal":
            try:
                return [("literal", tuple(ast.literal_eval(a) for a in args))]
            except ValueError:
                return None
        if node.value.id == "Optional" and len(args) == 1:
            inner = _annotation_options(args[0])
            return None if inner is None else inner + ["None"]
        if node.value.id == "Union":
            parts = [_annotation_options(a) for a in args]
            return None if any(p is None for p in parts) else [o for p in parts for o in p]
        if (
            node.value.id == "list"
            and len(args) == 1
            and isinstance(args[0], ast.Name)
            and args[0].id in _TYPES
        ):
            return [("list", args[0].id)]
    return None


def _allowed(param: Parameter) -> list:
    if param.choices:
        return [("literal", param.choices)]
    options = None
    if param.annotation:
        try:
            options = _annotation_options(ast.parse(param.annotation, mode="eval").body)
        except SyntaxError:
            options = None
    if options is None:
        if param.default is None:
            options = ["None"]
        else:
            name = type(param.default).__name__
            options = [name] if name in _TYPES else []
    if param.default is None and options and "str" not in options:
        options = ["str", *options]  # TOML has no null: a None default accepts a string
    return options


def _fits(value, option) -> bool:
    if option == "None":
        return value is None
    if isinstance(option, tuple) and option[0] == "literal":
        return any(value == v and type(value) is type(v) for v in option[1])
    if isinstance(option, tuple) and option[0] == "list":
        return isinstance(value, list) and all(_fits(v, option[1]) for v in value)
    if option == "bool":
        return isinstance(value, bool)
    if option == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if option == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[option])


def _describe(option) -> str:
    if isinstance(option, tuple) and option[0] == "literal":
        return "one of " + ", ".join(json.dumps(v) for v in option[1])
    if isinstance(option, tuple) and option[0] == "list":
        return f"a list of {option[1]}"
    return option


def _check(param: Parameter, value) -> str | None:
    options = _allowed(param)
    if not options or any(_fits(value, o) for o in options):
        return None
    return " or ".join(_describe(o) for o in options)


# --------------------------------------------------------------------------- kernel side


def resolve_incident(incident: str | Path) -> Path:
    """An incident folder given relative to the project root (or absolute), as a path."""
    from .paths import ROOT

    path = Path(incident).expanduser()
    return path if path.is_absolute() else ROOT / path


def split_list(value) -> list[str] | None:
    """A list parameter given as a list or as one string separated by ';' or ','."""
    if value is None or isinstance(value, list):
        return value
    return [part.strip() for part in str(value).replace(",", ";").split(";") if part.strip()]


def setup(phone_layouts: bool = True, lang: str = "en") -> None:
    """Display charts as the Vega-Lite mimetype (offline in JupyterLab, embeddable by the
    report template) instead of altair's default HTML, which loads its runtime from a CDN.

    ``phone_layouts``: charts also carry their phone layouts, which a report page switches
    to on a narrow screen (about 25 KB a page for both charts; see taxfirewall.layouts).
    ``lang``: the edition's language ("en" or "es"), the kernel's language from here on."""
    import altair as alt

    from . import i18n, layouts
    from .charts.render.vega import notebook_renderer

    i18n.set_language(lang)  # first: a bad value fails before anything else is set up

    # the mimetype, its spec naming the Vega-Lite JupyterLab draws with (no version warning)
    alt.renderers.register("taxfirewall", notebook_renderer)
    alt.renderers.enable("taxfirewall")
    layouts.phone_layouts(phone_layouts)


# --------------------------------------------------------------------------- hygiene


def clean_for_git(nb: dict) -> dict:
    """A notebook as it is stored in git: no outputs, no execution counts, no volatile
    metadata (only the kernelspec, the language name and cell tags are kept)."""
    meta = nb.get("metadata", {})
    nb["metadata"] = {
        k: v
        for k, v in {
            "kernelspec": meta.get("kernelspec"),
            "language_info": {"name": meta.get("language_info", {}).get("name", "python")},
        }.items()
        if v
    }
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags")
        cell["metadata"] = {"tags": tags} if tags else {}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


# nbformat splits these mimetypes into lines too (see nbformat.v4.rwbase.split_lines)
_SPLIT_MIMES = ("application/javascript", "image/svg+xml")


def git_text(text: str) -> str:
    """The notebook JSON ``text`` cleaned for git and written exactly as nbformat writes it
    (sorted keys, one-space indent, text split into lines, a final newline). Standard library
    only: the git clean filter calls this on every ``git add`` and ``git status`` of a changed
    notebook, and importing nbformat takes seconds."""
    nb = clean_for_git(json.loads(text))
    for cell in nb.get("cells", []):
        if "source" in cell:
            cell["source"] = _source(cell).splitlines(True)
        for bundle in cell.get("attachments", {}).values():
            for mime, value in bundle.items():
                if isinstance(value, str) and (mime.startswith("text/") or mime in _SPLIT_MIMES):
                    bundle[mime] = value.splitlines(True)
    return json.dumps(nb, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False) + "\n"


_VOLATILE_NB_KEYS = ("start_time", "end_time", "duration", "exception", "output_path")


def strip_volatile(nb: dict, input_path: str | None = None) -> dict:
    """Drop what differs between two runs of the same inputs from an executed notebook:
    papermill timestamps and durations, nbclient's execution timing, the temporary output
    path, random ids of the cells papermill adds."""
    pm = nb.get("metadata", {}).get("papermill")
    if isinstance(pm, dict):
        for key in _VOLATILE_NB_KEYS:
            pm.pop(key, None)
        if input_path is not None:
            pm["input_path"] = input_path
    nb.get("metadata", {}).pop("widgets", None)
    markers = 0
    for cell in nb.get("cells", []):
        md = cell.get("metadata", {})
        md.pop("execution", None)
        md.pop("papermill", None)
        md.pop("collapsed", None)
        md.pop("scrolled", None)
        tags = md.get("tags", [])
        if INJECTED_TAG in tags:
            cell["id"] = INJECTED_TAG
        elif ERROR_MARKER_TAG in tags:
            markers += 1
            cell["id"] = f"papermill-error-{markers}"
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
    return nb


def source_cell_number(nb: dict, cell_index: int) -> int:
    """1-based position in the source notebook of cell ``cell_index`` of an executed notebook
    (papermill's error markers are ignored and its injected parameters cell does not count)."""
    cells = [c for c in nb.get("cells", []) if ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])]
    injected = sum(1 for c in cells[:cell_index] if INJECTED_TAG in c.get("metadata", {}).get("tags", []))
    return cell_index - injected + 1
