"""The window's menu actions: each with a shortcut, each off while nobody is signed in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from counter_app.ui.strings import tr

# (menu, text key, shortcut, what it runs); every action here needs a signed-in clerk.
Binding = tuple[str, str, str, Callable[[], None]]


SIGNED_OUT_ACTIONS = frozenset({"close_day"})


class CounterActions:
    """Builds the menus from bindings and switches them with the sign-in state."""

    def __init__(self, window: QMainWindow, lang: str, bindings: list[Binding]) -> None:
        self.actions: dict[str, QAction] = {}
        menus: dict[str, QMenu] = {}
        for menu_key, text_key, keys, slot in bindings:
            if menu_key not in menus:
                menus[menu_key] = window.menuBar().addMenu(tr(menu_key, lang))
            action = QAction(tr(text_key, lang), window)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            menus[menu_key].addAction(action)
            window.addAction(action)  # shortcuts work with the menu closed
            self.actions[text_key] = action
        # F10 opens the menu bar from the keyboard, in either language.
        self.open_menu = QAction(window)
        self.open_menu.setShortcut(QKeySequence("F10"))
        first = next(iter(menus.values()))
        self.open_menu.triggered.connect(
            lambda: window.menuBar().setActiveAction(first.menuAction())
        )
        window.addAction(self.open_menu)
        self.set_signed_in(False)

    def set_signed_in(self, signed_in: bool) -> None:
        for key, action in self.actions.items():
            # The day is closed after the last shift has closed and its clerk signed out.
            action.setEnabled(signed_in or key in SIGNED_OUT_ACTIONS)
        self.open_menu.setEnabled(signed_in)
