"""The PyInstaller bundle builds and passes its own self-test (slow: `make test-bundle`, not CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bundle_builds_and_self_tests(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, str(ROOT / "installer" / "build.py")], cwd=ROOT, capture_output=True,
                           text=True, timeout=1800, check=False)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    exe = ROOT / "dist" / "pathways" / ("pathways.exe" if os.name == "nt" else "pathways")
    assert exe.is_file()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PATHWAYS_HOME": str(tmp_path)}
    result = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, timeout=600, env=env,
                            check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "self-test: OK" in result.stdout
    assert "signed update verified" in result.stdout
    iss = (ROOT / "dist" / "pathways.iss").read_text(encoding="utf-8")
    assert "@VERSION@" not in iss and ".pathways" in iss
