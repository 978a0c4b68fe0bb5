"""taxfirewall: sourced data, charts and reports on the IRS sharing taxpayer data with DHS."""

from importlib.metadata import PackageNotFoundError, version

from .errors import DataError, Problem

try:
    __version__ = version("taxfirewall")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"


def load_incident(path=None, *, as_of=None, lang=None):
    """Load and validate an incident folder; see :func:`taxfirewall.data.load_incident`."""
    from .data import load_incident as _load

    return _load(path, as_of=as_of, lang=lang)


__all__ = ["DataError", "Problem", "load_incident", "__version__"]
