"""A profile: the folder that holds one workstation's configuration, data and logs.

Layout: `config.toml`, `counter.db` (with its WAL files), `logs/`, `printed/` (what the
simulated devices print), `journal.seal` and `instance.lock`. The default folder comes from
platformdirs, so it is the conventional place on Windows and Linux alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "counter-app"
APP_AUTHOR = "EgyptPost"


@dataclass(frozen=True)
class Profile:
    root: Path

    @classmethod
    def default(cls, *, demo: bool) -> Profile:
        base = user_data_path(APP_NAME, APP_AUTHOR)
        return cls(base / ("demo-profile" if demo else "profile"))

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    @property
    def database_path(self) -> Path:
        return self.root / "counter.db"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def printed_dir(self) -> Path:
        return self.root / "printed"

    @property
    def seal_path(self) -> Path:
        """The journal's last committed head, sealed outside the database."""
        return self.root / "journal.seal"

    @property
    def lock_path(self) -> Path:
        return self.root / "instance.lock"

    def ensure(self) -> None:
        for folder in (self.root, self.logs_dir, self.printed_dir):
            folder.mkdir(parents=True, exist_ok=True)
