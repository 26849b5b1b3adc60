"""Counter App: the one-window government service counter of an Egypt Post office."""

__version__ = "0.1.0"
