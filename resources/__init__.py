"""Files the application ships: fonts (with their OFL licence), later icons and catalogues."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def fonts_dir() -> Path:
    """The folder of the shipped fonts, as a real path (fonts are loaded by file name)."""
    return Path(str(resources.files(__name__) / "fonts"))


def default_catalogue_path() -> Path:
    """The catalogue a window uses until HQ sends one (and HQ imports at `init`)."""
    return Path(str(resources.files(__name__) / "catalogue" / "default.json"))
