"""Helpers shared by tests: opening a demo workstation in a folder."""

from __future__ import annotations

from pathlib import Path

from counter_app.services.clock import Clock
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_CLERK
from counter_app.services.profile import Profile


def open_demo(root: Path, *, clock: Clock | None = None, sign_in: bool = True) -> AppContext:
    ctx = AppContext.open(Profile(root), demo_mode=True, clock=clock, log_to_file=False)
    if sign_in:
        ctx.session.sign_in(DEMO_CLERK[0], DEMO_CLERK[3])
    return ctx
