"""Cold start to the unlock window, and peak memory with a 10,000-action store open (issue #9).

Each measurement is a fresh process, as a user starting the app would get. Aim: cold start ≤ 1.5 s; peak memory
with a 10,000-action store open ≤ 400 MB.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import build_large_plan, table
from desktop.store import Store

PASSPHRASE = "benchmark passphrase for startup"
ROOT = Path(__file__).resolve().parent.parent

OPEN_LARGE = """
import resource, sys
from pathlib import Path
from desktop.app import _make_application, build_context
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskRunner
app = _make_application(["pathways"])
window = MainWindow(build_context(Settings(Path(sys.argv[2])), runner=TaskRunner(inline=True)))
window.resize(1440, 900)
window.start(Path(sys.argv[1]))
window.workspace.open_store(Path(sys.argv[1]), sys.argv[3], on_error=lambda e: sys.exit(f"open failed: {e}"))
window.show()
app.processEvents()
rows = len(window.workspace.data.rows)
print(rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
            "PATHWAYS_HOME": tempfile.mkdtemp(prefix="pathways-bench-home-")}


def cold_start(command: list[str], runs: int = 5) -> list[float]:
    """Process start → unlock window on screen, in fresh processes (`pathways --exit-when-shown`)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([*command, "--exit-when-shown"], env=_env(), capture_output=True, text=True,
                              check=False)
        if "shown" not in proc.stdout:
            raise SystemExit(f"cold start failed: {proc.stderr[-400:]}")
        samples.append(time.perf_counter() - start)
    return samples


def peak_memory(store: Path) -> tuple[int, int]:
    proc = subprocess.run([sys.executable, "-c", OPEN_LARGE, str(store), tempfile.mkdtemp(), PASSPHRASE],
                          env=_env(), capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"opening the large store failed: {proc.stderr[-400:]}")
    rows, mb = (int(x) for x in proc.stdout.split()[:2])
    return rows, mb


def python_baseline(runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> str:
    folder = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    store = folder / "large.pathways"
    with Store.create(store, PASSPHRASE) as s, s.session() as session:
        build_large_plan(session, actions=10_000, updates_per_action=4)
    starts = cold_start([sys.executable, "-m", "desktop"])
    rows, mb = peak_memory(store)
    bundle = ROOT / "dist" / "pathways" / "pathways"
    out = [
        ["cold start to the unlock window (from the venv, median of 5 fresh processes)",
         f"{statistics.median(starts):.2f} s", "≤ 1.5 s"],
        ["  of which starting Python itself", f"{python_baseline():.2f} s", ""],
        [f"peak memory, main window with a {rows:,}-action store open", f"{mb} MB", "≤ 400 MB"],
    ]
    if bundle.exists():
        out.append(["cold start to the unlock window (the PyInstaller bundle, median of 5)",
                    f"{statistics.median(cold_start([str(bundle)])):.2f} s", "≤ 1.5 s"])
    return table(["measure", "result", "aim"], out)


if __name__ == "__main__":
    print(main())
