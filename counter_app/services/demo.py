"""The demo office, prepared from outside the workstation it runs on.

`open_demo_workstation` writes the demo configuration into a profile that has none, gives
the demo a secret store when the OS has no usable keyring, opens the workstation the
ordinary way (`AppContext.open`) and seeds the demo clerks and a pack of security paper.
Nothing in the production services knows it is a demo.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from counter_app.services import secrets_at_rest
from counter_app.services.config import render_config, write_config
from counter_app.services.profile import Profile
from sync import credentials

if TYPE_CHECKING:
    from counter_app.services.context import AppContext

log = logging.getLogger(__name__)

DEMO_CLERK = ("mona", "منى عبد الرحمن", "clerk", "1234")
DEMO_SUPERVISOR = ("ahmed", "أحمد السيد", "supervisor", "9876")
DEMO_SHEETS = (4_500_001, 4_500_100)  # a pack of security paper in the demo stock
DEMO_SECRETS = "demo-secrets.json"
_NOTICE = (
    "FOR THE DEMO ONLY. These secrets are NOT protected: a real counter window keeps them in "
    "the OS keyring (Windows Credential Manager, the Secret Service on Linux). "
    "للعرض التجريبي فقط: هذه الأسرار غير محمية."
)


def write_demo_config(profile: Profile) -> bool:
    """Write the demo config.toml when the profile has none. True when written."""
    if profile.config_path.exists():
        return False
    profile.ensure()
    write_config(
        profile.config_path,
        render_config(
            office_code="ASW-0101",
            name_ar="مكتب بريد أسوان الرئيسي",
            name_en="Aswan Main Post Office",
            window=1,
            demo=True,
        ),
    )
    return True


class DemoProfileKeyring(KeyringBackend):
    """A keyring in a JSON file inside a demo profile, marked as such in the file itself.

    Only for a demo profile on a machine whose OS keyring cannot be used (a headless
    Linux, a CI box); a real window refuses to run without the OS keyring.
    """

    priority = 0.1  # never chosen by keyring on its own

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return dict(data.get("secrets", {}))

    def _save(self, secrets: dict[str, str]) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_text(
            json.dumps({"notice": _NOTICE, "secrets": secrets}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        partial.chmod(0o600)
        os.replace(partial, self.path)

    def holds_secrets(self) -> bool:
        return self.path.exists()

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        secrets = self._load()
        secrets[f"{service}/{username}"] = password
        self._save(secrets)

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._load()
        if secrets.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(secrets)


def open_demo_workstation(profile: Profile, **options: Any) -> AppContext:
    """Prepare a demo profile, open it as any workstation, then seed the demo office."""
    from counter_app.services.context import AppContext

    write_demo_config(profile)
    ctx = AppContext.open(profile, **options)
    # Only a demo may fall back to a file when the OS keyring cannot be used.
    credentials.use_fallback(DemoProfileKeyring(profile.root / DEMO_SECRETS))
    try:
        secrets_at_rest.take_up(ctx.uow)  # at open the OS keyring may have refused
        seed_demo(ctx)
    except BaseException:
        ctx.close()
        raise
    return ctx


def seed_demo(ctx: AppContext) -> None:
    """The demo clerks and a pack of security paper, each added only when missing (a crash
    between two leaves the next start to add the rest)."""
    if not ctx.config.demo:
        return
    for username, name, role, pin in (DEMO_CLERK, DEMO_SUPERVISOR):
        if not ctx.status.has_clerk(username):
            ctx.session.add_clerk(username, name, role, pin)
    if not ctx.printing.sheet_counts():
        ctx.printing.load_sheets(*DEMO_SHEETS, "system")
