"""Helpers shared by tests: opening a demo workstation in a folder."""

from __future__ import annotations

import json
from pathlib import Path

from counter_app.services.clock import Clock
from counter_app.services.config import render_config
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_CLERK, open_demo_workstation
from counter_app.services.profile import Profile


def open_demo(root: Path, *, clock: Clock | None = None, sign_in: bool = True) -> AppContext:
    ctx = open_demo_workstation(Profile(root), clock=clock, log_to_file=False)
    if sign_in:
        ctx.session.sign_in(DEMO_CLERK[0], DEMO_CLERK[3])
    return ctx


def open_window(root: Path, *, window: int, clock: Clock | None = None) -> AppContext:
    """A demo office profile configured as another window number."""
    profile = Profile(root)
    profile.ensure()
    profile.config_path.write_text(
        render_config(
            office_code="ASW-0101",
            name_ar="مكتب بريد أسوان الرئيسي",
            name_en="Aswan Main Post Office",
            window=window,
            demo=True,
        ),
        encoding="utf-8",
    )
    return open_demo_workstation(profile, clock=clock, log_to_file=False)


def route_through(ctx: AppContext, url: str) -> None:
    """Point an enrolled window at another HQ address (a proxy in front of the real HQ)."""
    with ctx.db.write() as tx:
        enrolment = json.loads(tx.fact("sync.enrolment") or "{}")
        enrolment["hq_url"] = url
        tx.set_fact("sync.enrolment", json.dumps(enrolment))
