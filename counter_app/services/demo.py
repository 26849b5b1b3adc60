"""The demo office: a configuration and clerks, written into a profile on first use."""

from __future__ import annotations

import os

from counter_app.services.config import render_config
from counter_app.services.profile import Profile

DEMO_CLERK = ("mona", "منى عبد الرحمن", "clerk", "1234")
DEMO_SUPERVISOR = ("ahmed", "أحمد السيد", "supervisor", "9876")
DEMO_SHEETS = (4_500_001, 4_500_100)  # a pack of security paper in the demo stock


def write_demo_config(profile: Profile) -> bool:
    """Write the demo config.toml when the profile has none. True when written."""
    if profile.config_path.exists():
        return False
    profile.ensure()
    # Write beside and rename: a crash mid-write must not leave a half config behind.
    partial = profile.config_path.with_suffix(".toml.partial")
    partial.write_text(
        render_config(
            office_code="ASW-0101",
            name_ar="مكتب بريد أسوان الرئيسي",
            name_en="Aswan Main Post Office",
            window=1,
            demo=True,
        ),
        encoding="utf-8",
    )
    os.replace(partial, profile.config_path)
    return True
