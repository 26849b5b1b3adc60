"""One running counter per profile.

Two programs writing one store is how counter systems elsewhere duplicated orders, so a
second instance on the same profile is refused. The lock is an OS file lock (filelock):
the OS releases it when the process dies, even by SIGKILL, so a crash never leaves the
window locked out.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout


class AlreadyRunning(RuntimeError):
    """Another counter-app holds this profile."""


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = FileLock(str(path), timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise AlreadyRunning(
                f"Counter App is already running on this profile ({self._path.parent}). "
                "Use the open window, or close it first.\n"
                "البرنامج يعمل بالفعل على هذا الملف الشخصي. استخدم النافذة المفتوحة أو أغلقها أولًا."
            ) from exc
        # The pid is informative only (for the IT officer); the OS lock is what counts.
        self._path.with_suffix(".pid").write_text(str(os.getpid()), encoding="ascii")

    def release(self) -> None:
        self._lock.release()

    def is_held_elsewhere(self) -> bool:
        """True when another process holds the lock (for `doctor`)."""
        probe = FileLock(str(self._path), timeout=0)
        try:
            probe.acquire()
        except Timeout:
            return True
        probe.release()
        return False

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
