"""Tiny widget helpers shared across the UI."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """Give a widget an object name (for tests and style sheets) and return it."""
    widget.setObjectName(name)
    return widget
