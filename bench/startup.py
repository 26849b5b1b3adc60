"""Cold start to the shown main window, against a bare PySide6 QMainWindow.

Both run as fresh processes offscreen; the time is from spawning the process to the
line it prints once its window is shown. The counter's profile exists already (made by
a first, unmeasured start), as on any working day.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import print_table

RUNS = 5
_BARE = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "w = QMainWindow(); w.resize(1024, 640); w.show(); app.processEvents()\n"
    "print('main window shown', flush=True)\n"
)


def _time_until_shown(command: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "main window shown" in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{command} never showed its window")
    proc.wait(timeout=60)
    return elapsed


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        counter = [
            sys.executable,
            "-m",
            "counter_app",
            "--profile",
            str(Path(tmp) / "p"),
            "--demo",
            "smoke-test",
        ]
        _time_until_shown(counter)  # creates the profile: not measured
        bare = sorted(_time_until_shown([sys.executable, "-c", _BARE]) for _ in range(RUNS))
        ours = sorted(_time_until_shown(counter) for _ in range(RUNS))
    median_bare, median_ours = bare[RUNS // 2], ours[RUNS // 2]
    print_table(
        f"Cold start to a shown main window (offscreen, median of {RUNS} processes)",
        ["program", "median s", "min s", "max s", "vs bare"],
        [
            ("bare PySide6 QMainWindow", median_bare, bare[0], bare[-1], 1.0),
            (
                "counter-app (store, migrations check, window)",
                median_ours,
                ours[0],
                ours[-1],
                median_ours / median_bare,
            ),
        ],
    )
