"""The real app in its own process: start it, unlock the demo store, open every screen, quit with File › Quit.
Twenty times, offscreen, and twenty more on a real X server (Xvfb) when one is installed: exit status 0 every time,
nothing unexpected in the log, no traceback and no fatal error on stderr. (The app once aborted on quit,
"Fatal Python error: bool_dealloc", in most of these runs.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

WALK = Path(__file__).with_name("app_walk.py")
RUNS = 20


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    """A private X server for this module (its display number chosen by the server itself)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (scripts/bootstrap.sh lists it)")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def _walk(store: Path, home: Path, passphrase: str, platform: str, display: str = "") -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(PATHWAYS_HOME=str(home), PATHWAYS_WALK_PASSPHRASE=passphrase, QT_QPA_PLATFORM=platform,
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    if display:
        env["DISPLAY"] = display
    for run in range(RUNS):
        done = subprocess.run([sys.executable, str(WALK), str(store)], env=env, capture_output=True, text=True,
                              timeout=180)
        where = f"{platform} run {run + 1}: exit {done.returncode}\n{done.stderr[-2000:]}"
        assert done.returncode == 0, where
        assert "walked" in done.stdout, where
        assert "Traceback" not in done.stderr and "Fatal" not in done.stderr, where
        log = (home / "logs" / "pathways.log").read_text(encoding="utf-8")
        assert " ERROR " not in log, log[-2000:]


def test_the_app_opens_every_screen_and_quits_cleanly_offscreen(demo_store_path: Path, tmp_path: Path,
                                                                 passphrase: str) -> None:
    _walk(demo_store_path, tmp_path / "home", passphrase, "offscreen")


def test_the_app_opens_every_screen_and_quits_cleanly_under_xvfb(xvfb_display: str, demo_store_path: Path,
                                                                tmp_path: Path, passphrase: str) -> None:
    _walk(demo_store_path, tmp_path / "home", passphrase, "xcb", xvfb_display)
