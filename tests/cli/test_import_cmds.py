"""import, export-plan, returns and returns-import from the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.models import Action, ActionUpdate, UpdateSource
from desktop.services.returns import COL_COMMENTARY, COL_RAG, FORM_SHEET, HEADER_ROW
from desktop.store import Store


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch, passphrase: str) -> None:
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", passphrase)


@pytest.fixture
def empty_store(tmp_path: Path, passphrase: str) -> Path:
    path = tmp_path / "empty.pathways"
    with Store.create(path, passphrase):
        pass
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _actions(path: Path, passphrase: str) -> int:
    with Store.open(path, passphrase) as store, store.session() as s:
        return s.scalar(select(func.count()).select_from(Action)) or 0


def _plan_csv(tmp_path: Path, status: str = "On track") -> Path:
    rows = [
        ["Safer Hartlepool Partnership Reducing Re-offending"],
        ["Objective 1: Improving pathways out of re-offending"],
        ["Priority", "Key Action", "Lead officer", "Timescale", "Status"],
        ["1.1 Improve housing pathways", "Create a Housing Liaison post\nDevelop supported housing",
         "Craig Thelwell (HBC)", "March 2015", status],
        ["1.2 Employment", "Change for Change", "Chair / Vice Chair", "ongoing", "Not started"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "plan.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_dry_run_shows_every_row_then_import_writes(empty_store: Path, tmp_path: Path, passphrase: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    plan = _plan_csv(tmp_path)
    code, out, err = _run(capsys, "import", empty_store, plan, "--dry-run")
    assert code == 0 and not err
    assert "row 1 " in out and "row 2 " in out and "row 3 " in out and "row 4 " in out and "row 5 " in out
    assert "2 new actions (1.1a, 1.1b) from one cell" in out and "Key Action" in out and "\u2192 Action" in out
    assert "Dry run: nothing was written." in out
    assert _actions(empty_store, passphrase) == 0
    code, out, err = _run(capsys, "import", empty_store, plan)
    assert code == 0, err
    assert "Imported into plan [1]" in out and "3 actions" in out
    assert _actions(empty_store, passphrase) == 3


def test_unmapped_status_stops_the_import_until_mapped(empty_store: Path, tmp_path: Path, passphrase: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    plan = _plan_csv(tmp_path, status="Sort of fine")
    code, out, err = _run(capsys, "import", empty_store, plan)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("pathways: 1 status value is not recognised") and err.endswith("nothing was written.\n")
    assert err.count(". ") == 0
    assert "\u201cSort of fine\u201d in column 'Status'" in out and "rag:amber" in out
    assert _actions(empty_store, passphrase) == 0
    code, out, err = _run(capsys, "import", empty_store, plan, "--map-status", "sort of fine=rag:amber")
    assert code == 0, err
    assert _actions(empty_store, passphrase) == 3


def test_bad_file_is_one_line_on_stderr(empty_store: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(b"%PDF-1.4 not really a spreadsheet")
    code, out, err = _run(capsys, "import", empty_store, bad)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("pathways: The file is not a spreadsheet")


def test_export_plan_then_import_it_elsewhere(demo_store_path: Path, empty_store: Path, tmp_path: Path,
                                              passphrase: str, capsys: pytest.CaptureFixture[str]) -> None:
    out_xlsx = tmp_path / "hartlepool.xlsx"
    code, out, err = _run(capsys, "export-plan", demo_store_path, "--plan", "Hartlepool", "--format", "xlsx",
                          "--out", out_xlsx)
    assert code == 0 and f"Wrote {out_xlsx}" in out, err
    code, out, err = _run(capsys, "export-plan", demo_store_path, "--plan", "Durham", "--format", "csv",
                          "--out", tmp_path / "durham.csv")
    assert code == 0, err
    assert (tmp_path / "durham.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, err = _run(capsys, "import", empty_store, out_xlsx)
    assert code == 0, err
    assert _actions(empty_store, passphrase) == 24


def test_returns_status_forms_and_import(demo_store_path: Path, tmp_path: Path, passphrase: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "returns", demo_store_path, "--plan", "Durham", "--period", "current", "--status")
    assert code == 0, err
    assert out.startswith("2015/16 Q4 returns (deadline 15 Apr 2016):") and "Chase list" in out
    forms_dir = tmp_path / "forms"
    code, out, err = _run(capsys, "returns", demo_store_path, "--plan", "Durham", "--period", "current",
                          "--out-dir", forms_dir)
    assert code == 0, err
    forms = sorted(forms_dir.glob("*.xlsx"))
    assert forms and f"Wrote {len(forms)} return forms for 2015/16 Q4." in out
    form = forms[0]
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_SHEET]
    ws.cell(HEADER_ROW + 1, COL_RAG).value = "Green"
    ws.cell(HEADER_ROW + 1, COL_COMMENTARY).value = "Delivered to plan"
    wb.save(form)
    code, out, err = _run(capsys, "returns-import", demo_store_path, form)
    assert code == 0, err
    assert "RAG:" in out and "1 update can be recorded" in out and "Nothing was written" in out
    with Store.open(demo_store_path, passphrase) as store, store.session() as s:
        assert not s.scalars(select(ActionUpdate).where(ActionUpdate.source == UpdateSource.RETURN)).all()
    code, out, err = _run(capsys, "returns-import", demo_store_path, form, "--accept")
    assert code == 0, err
    assert "Recorded 1 update" in out
    with Store.open(demo_store_path, passphrase) as store, store.session() as s:
        assert len(s.scalars(select(ActionUpdate).where(ActionUpdate.source == UpdateSource.RETURN)).all()) == 1
    code, out, err = _run(capsys, "returns-import", demo_store_path, form, "--plan", "Hartlepool")
    assert "REFUSED: This form is for another plan." in out


def test_a_colour_coded_tracker_comes_in_with_its_statuses_in_the_quarter_named(
        empty_store: Path, tmp_path: Path, passphrase: str, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl.styles import PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Ref", "What are we going to do?", "Who will lead?", "RAG", "Where are we now?"],
                ["PATHWAY: Health"],
                ["H1", "Agree a GP registration route for people leaving custody\n"
                 "Update \u2013 two practices signed up", "Health Lead", None,
                 "Route agreed with the practice manager"],
                ["H2", "Offer naloxone training at the hostel", "Health Lead", None, "Sessions running"]):
        ws.append(row)
    ws.merge_cells("A2:E2")
    ws["D3"].fill = PatternFill("solid", fgColor="FF00B050")
    ws["D4"].fill = PatternFill("solid", fgColor="FF92D050")
    path = tmp_path / "tracker.xlsx"
    wb.save(path)
    code, out, err = _run(capsys, "import", empty_store, path, "--period", "2025/26 Q1", "--dry-run")
    assert code == 0 and not err
    assert "Inferred from the layout (check these):" in out
    assert "Colour \u2192 RAG: 2 actions" in out and "Section row \u2192 objective: 1 row" in out
    assert "Note lines \u2192 progress: 1 line under 1 action" in out
    assert "2 updates recorded in 2025/26 Q1 (a new quarter)" in out
    assert _actions(empty_store, passphrase) == 0
    code, out, err = _run(capsys, "import", empty_store, path, "--period", "2025/26 Q1")
    assert code == 0, err
    assert "2 actions, 2 updates" in out
    with Store.open(empty_store, passphrase) as store, store.session() as s:
        updates = list(s.scalars(select(ActionUpdate)))
        assert [(u.rag, u.period.label, u.source) for u in updates] == \
            [("green", "2025/26 Q1", UpdateSource.IMPORT)] * 2
        assert updates[0].commentary == "Route agreed with the practice manager\nUpdate \u2013 two practices signed up"
