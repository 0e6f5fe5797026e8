"""Exported plans open cleanly in LibreOffice Calc: converted headless, every action's cells read back as written.

LibreOffice is a test-only dependency (``libreoffice-calc-nogui`` in scripts/bootstrap.sh); without ``soffice`` the
test is skipped and says why.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from desktop.services.importing.reading import cell_text
from desktop.services.plan_export import HEADINGS, export_plan
from desktop.services.queries import find_plan
from desktop.services.spreadsheet_safety import restore
from desktop.store import Store

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; scripts/bootstrap.sh "
                                "installs libreoffice-calc-nogui for this test")
# Columns compared as text: dates and numbers are shown in the locale's format, so they are left out here.
TEXT_COLUMNS = ("Objective code", "Objective", "Priority code", "Priority", "Action code", "Action",
                "Lead officer(s)", "Status", "RAG", "Commentary", "Remedial action")


def _convert(source: Path, target_ext: str, out_dir: Path, profile: Path, infilter: str | None = None) -> Path:
    argv = [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        argv.append(f"--infilter={infilter}")
    argv += ["--convert-to", target_ext, "--outdir", str(out_dir), str(source)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=240, check=False)
    converted = out_dir / f"{source.stem}.{target_ext.split(':')[0]}"
    assert done.returncode == 0 and converted.exists(), (done.returncode, done.stdout, done.stderr)
    assert "error" not in done.stderr.casefold(), done.stderr
    return converted


def _rows(table: list[list[str]]) -> list[dict[str, str]]:
    header = next(i for i, row in enumerate(table) if row and row[0] == "Objective code")
    headings = table[header]
    assert tuple(headings[: len(HEADINGS)]) == HEADINGS
    return [{h: row[i] if i < len(row) else "" for i, h in enumerate(headings) if h in TEXT_COLUMNS}
            for row in table[header + 1:] if any(row)]


def _xlsx_table(path: Path) -> list[list[str]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]


def _csv_table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [[restore(v) for v in row] for row in csv.reader(handle)]


def test_exports_open_in_libreoffice_calc(demo_store: Store, tmp_path: Path) -> None:
    xlsx, plain = tmp_path / "plan.xlsx", tmp_path / "plan-csv.csv"
    with demo_store.session() as session:
        plan = find_plan(session, "Durham")
        export_plan(session, plan, "xlsx", xlsx)
        export_plan(session, plan, "csv", plain)
    profile = tmp_path / "lo-profile"
    out = tmp_path / "converted"
    out.mkdir()
    # The workbook as Calc reads it, saved as CSV (UTF-8, comma, quoted); the CSV as Calc reads it, saved as XLSX.
    from_xlsx = _convert(xlsx, "csv:Text - txt - csv (StarCalc):44,34,76,1", out, profile)
    from_csv = _convert(plain, "xlsx", out, profile, infilter="CSV:44,34,76,1")

    expected = _rows(_xlsx_table(xlsx))
    assert len(expected) > 20 and any(row["RAG"] for row in expected)
    assert _rows(_csv_table(from_xlsx)) == expected
    assert _rows(_xlsx_table(from_csv)) == _rows(_csv_table(plain))
    # Both exports hold the same actions (the workbook writes RAG as its letter, the CSV as its label).
    assert [r["Action"] for r in _rows(_csv_table(plain))] == [r["Action"] for r in expected]
