"""`pathways` decides between the window and a command before loading any command module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.cli import wants_window


def test_window_or_command(tmp_path: Path) -> None:
    store = tmp_path / "plan.db"
    store.write_bytes(b"x")
    assert wants_window([])
    assert wants_window(["--self-test"])
    assert wants_window(["missing.pathways"])  # the window explains the file is not there
    assert wants_window([str(store)])
    assert not wants_window(["plans", "x.pathways"])
    assert not wants_window(["--help"])
    assert not wants_window(["plnas"])  # a mistyped command gets argparse's message, not a window


def test_opening_the_window_loads_no_feature_command_module() -> None:
    heavy = "('pandas', 'pyhanko', 'reportlab')"
    code = (
        "import sys; import desktop.cli as c; c._launch_gui = lambda argv: 0; c.main([]); "
        "print(sorted(m for m in sys.modules if m.split('.')[-1] in c.COMMAND_MODULES or m in " + heavy + "))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = code.replace("c.main([])", "c.build_parser()")  # the check above can fail: a command line loads them
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "desktop.cli.report_cmds" in out and "pyhanko" in out
