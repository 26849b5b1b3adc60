"""The program as an IT officer installs it: `make dist`'s PyInstaller folder inside its
Debian package, unpacked and run with an empty environment (no virtual environment, no
PYTHONPATH, no Python on the PATH). The window starts, checks itself, and a day's
entries reach the built HQ exactly once; the auditor's export from the built HQ verifies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.support.hq_server import free_port, sqlite_rows, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("dpkg-deb") is None,
    reason="the Debian package is built and unpacked with dpkg-deb (Linux only); "
    "Windows builds in .github/workflows/windows-dist.yml",
)


def bare_env(home: Path) -> dict[str, str]:
    """What a freshly installed machine's session has: none of this project's Python."""
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb `make dist` makes, unpacked: its /opt/counter-post folder."""
    work = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "installer" / "counter-post.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-4000:]
    packed = subprocess.run(
        ["bash", str(ROOT / "installer/linux/build-deb.sh"), str(work / "dist/counter-post"),
         str(work / "deb")],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
        env={**os.environ, "DEB_COMPRESS": "none"},
    )  # fmt: skip
    assert packed.returncode == 0, packed.stderr
    deb = Path(packed.stdout.strip())
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    for path in ("./usr/bin/counter-app", "./usr/bin/hq-server",
                 "./usr/share/applications/counter-app.desktop",
                 "./opt/counter-post/counter-app", "./opt/counter-post/hq-server"):  # fmt: skip
        assert path in listing, path
    root = work / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    shutil.rmtree(work / "build")  # the package holds everything from here on
    shutil.rmtree(work / "dist")
    return root / "opt" / "counter-post"


def run(program: Path, args: Sequence[str], home: Path) -> str:
    done = subprocess.run(
        [str(program), *args], capture_output=True, text=True, timeout=300,
        env=bare_env(home), cwd=home, check=False,
    )  # fmt: skip
    said = done.stdout + done.stderr
    assert done.returncode == 0, f"{program.name} {' '.join(args)}: {said[-3000:]}"
    return said


def test_the_built_window_starts_and_checks_itself_without_a_python_environment(
    unpacked: Path, tmp_path: Path
) -> None:
    profile = ["--profile", str(tmp_path / "profile"), "--demo"]
    said = run(unpacked / "counter-app", [*profile, "smoke-test"], tmp_path)
    assert "main window shown" in said
    said = run(unpacked / "counter-app", [*profile, "doctor"], tmp_path)
    assert "fonts: 6 fonts found" in said and "journal chain" in said
    assert "healthy" in said
    # Nothing of the program's own folder was written: the profile is elsewhere.
    assert not list(unpacked.rglob("*.db")) and not list(unpacked.rglob("*.log"))


def test_a_day_reaches_the_built_hq_exactly_once(unpacked: Path, tmp_path: Path) -> None:
    hq_args = ["--db", f"sqlite:///{tmp_path / 'hq.db'}", "--key-file", str(tmp_path / "key.pem")]
    hq = unpacked / "hq-server"
    run(hq, [*hq_args, "init"], tmp_path)
    run(hq, [*hq_args, "office", "add", "ASW-0101", "--name", "Aswan Main",
             "--governorate", "Aswan"], tmp_path)  # fmt: skip
    code = run(hq, [*hq_args, "enroll-code", "ASW-0101", "--window", "1"], tmp_path).strip()
    port = free_port()
    with (tmp_path / "hq.log").open("ab") as log:
        server = subprocess.Popen(
            [str(hq), *hq_args, "serve", "--port", str(port)],
            env=bare_env(tmp_path), cwd=tmp_path, stdout=log, stderr=log,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, tmp_path / "hq.log")
        window = unpacked / "counter-app"
        profile = ["--profile", str(tmp_path / "window"), "--demo"]
        run(window, [*profile, "enroll", "--hq", url, "--code", code], tmp_path)
        run(window, [*profile, "simulate", "--days", "1"], tmp_path)
        said = run(window, [*profile, "sync"], tmp_path)
        assert "pushed" in said
    finally:
        server.terminate()
        server.wait(30)
    own = sqlite_rows(tmp_path / "window" / "counter.db", "SELECT seq, hash FROM journal_entries")
    held = sqlite_rows(tmp_path / "hq.db", "SELECT seq, hash FROM journal_entries WHERE "
                "workstation_id = 'ASW-0101-W01'")  # fmt: skip
    assert len(own) > 500
    assert held == own  # every entry, once, with the window's own hash

    days = [
        d for (d,) in sqlite_rows(tmp_path / "hq.db", "SELECT business_day FROM journal_entries")
    ]
    out = tmp_path / "export"
    run(hq, [*hq_args, "export", "--from", min(days), "--to", max(days), "--out", str(out)],
        tmp_path)  # fmt: skip
    checked = subprocess.run(
        [sys.executable, "-I", str(out / "verify_export.py"), str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert checked.returncode == 0 and "EXPORT VERIFIES" in checked.stdout, checked.stdout
