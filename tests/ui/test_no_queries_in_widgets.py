"""No sessions or queries in widgets (#13): the screens and dialogs only build widgets, show results and hand the
user's input to a controller (``*_controller.py``, ``view_reads.py``) or the operation API, which call services.

Read from the source itself: a module here that names ``Session``, calls ``select(``, opens ``.session()`` or
imports SQLAlchemy fails, naming the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "desktop" / "ui"

VIEWS = ("plan_view", "dashboard", "people_view", "quarters_view", "my_actions", "meetings_view", "profiles_view",
         "indicators_view", "detail_panel", "navigator", "filter_bar", "widgets", "unlock")
DIALOGS = ("forms", "returns_dialog", "export_update_dialog", "spreadsheet_export", "import_wizard", "verify_dialog",
           "update_dialog", "dialog_base", "dialog_service", "action_editor")
WINDOW = ("main_window", "commands")


def store_access(path: Path) -> list[str]:
    """Every place in ``path`` that reaches the store itself: ``Session``, ``select(``, ``.session()``, SQLAlchemy."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found.append(f"{path.name}:{line} imports {node.module}")
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            found.append(f"{path.name}:{line} imports sqlalchemy")
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == "Session":
                found.append(f"{path.name}:{line} names Session")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "select":
                found.append(f"{path.name}:{line} calls select(")
            elif isinstance(func, ast.Attribute) and func.attr == "session":
                found.append(f"{path.name}:{line} opens .session()")
    return found


@pytest.mark.parametrize("module", VIEWS + DIALOGS + WINDOW)
def test_no_sessions_or_queries_in_screens_and_dialogs(module: str) -> None:
    assert store_access(UI / f"{module}.py") == []


def test_undo_commands_only_name_service_steps() -> None:
    # The undo stack opens the one unit of work a step runs in; what the step does lives in services.
    assert [f for f in store_access(UI / "undo.py") if "opens .session()" not in f] == []


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
                      "def f(workspace, s: Session):\n    with workspace.session() as session:\n"
                      "        return session.scalars(select(1))\n", encoding="utf-8")
    found = store_access(sample)
    assert any("imports sqlalchemy.orm" in f for f in found)
    assert any("names Session" in f for f in found)
    assert any("calls select(" in f for f in found)
    assert any("opens .session()" in f for f in found)
    # A method called select (the navigator's) or a word in a string is not a query.
    sample.write_text("class N:\n    def select(self, a):\n        return 'Session select('\n\n"
                      "N().select(1)\n", encoding="utf-8")
    assert store_access(sample) == []
