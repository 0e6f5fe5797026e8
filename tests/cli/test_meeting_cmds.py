"""`pathways meetings`, `pathways agenda-pack` and `pathways cover-report`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cli import main
from desktop.models import Partnership, Plan
from desktop.reports.signing import verify_pdf
from desktop.resources import resource_path
from desktop.services import signing_setup
from desktop.services.meeting_demo import load_demo_meeting
from desktop.store import Store


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def meeting_store(demo_store_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    with Store.open(demo_store_path, passphrase) as store, store.session() as session:
        load_demo_meeting(session, {p.title: p for p in session.scalars(select(Plan))}, resource_path("demo"))
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", passphrase)
    return demo_store_path


def test_meetings_json_lists_the_numbered_agenda(meeting_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "meetings", str(meeting_store), "--json")
    assert code == 0, err
    committees = json.loads(out)
    osc = next(c for c in committees if c["name"].startswith("Safer and Stronger Communities"))
    assert osc["house_style"] == "durham" and osc["is_demo"] is True
    meeting = osc["meetings"][0]
    assert meeting["date"] == "2016-02-15" and meeting["time"] == "9.30 am"
    assert meeting["clear_days_warning"] is None
    numbers = [(i["number"], i["part"]) for i in meeting["items"]]
    assert numbers[0] == ("1", "A") and numbers[-1] == ("15", "B")
    assert meeting["items"][-1]["exempt_paragraph"] == "1"
    code, out, _ = _run(capsys, "meetings", str(meeting_store))
    assert code == 0 and "9. County Durham and Darlington" in out and "Part B, exempt under paragraph 1" in out


def test_agenda_pack_by_date_unsigned(meeting_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "agenda.pdf"
    code, out, err = _run(capsys, "agenda-pack", str(meeting_store), "--meeting", "2016-02-15", "--out",
                          str(out_file), "--no-sign")
    assert code == 0, err
    assert out_file.read_bytes().startswith(b"%PDF-")
    assert "Agenda pack written" in out and "(not signed)" in out
    assert "9. County Durham and Darlington Reducing Re-offending Strategy 2015/18: Delivery Plan Update (Pages" in out
    assert not verify_pdf(out_file.read_bytes()).signed


def test_agenda_pack_part_b_signed_by_the_clerk(meeting_store: Path, tmp_path: Path, passphrase: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "meetings", str(meeting_store), "--json")
    meeting_id = json.loads(out)[0]["meetings"][0]["id"]
    out_file = tmp_path / "part-b.pdf"
    code, out, err = _run(capsys, "agenda-pack", str(meeting_store), "--meeting", str(meeting_id), "--out",
                          str(out_file), "--part", "b")
    assert code == 0, err
    assert "Part B pack (restricted)" in out and "(signed)" in out
    with Store.open(meeting_store, passphrase) as store, store.session() as session:
        partnership = session.scalars(select(Partnership).where(Partnership.name == "Safe Durham Partnership")).one()
        root = signing_setup.root_pem(session, partnership)
    report = verify_pdf(out_file.read_bytes(), [root])
    assert report.ok and report.signer_name == "Democratic Services Officer"


def test_agenda_pack_errors_are_one_line(meeting_store: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "agenda-pack", str(meeting_store), "--meeting", "2016-03-01", "--out",
                        str(tmp_path / "x.pdf"))
    assert code == 2 and err == "pathways: No meeting on 1 March 2016.\n"
    code, _, err = _run(capsys, "agenda-pack", str(meeting_store), "--meeting", "1", "--out", str(tmp_path / "x.txt"))
    assert code == 2 and "ending in .pdf" in err and err.count("\n") == 1
    assert not list(tmp_path.glob("x.*"))


def test_cover_report_docx(meeting_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import docx

    out_file = tmp_path / "item9.docx"
    code, out, err = _run(capsys, "cover-report", str(meeting_store), "--meeting", "2016-02-15", "--item", "9",
                          "--out", str(out_file))
    assert code == 0, err
    text = [p.text for p in docx.Document(str(out_file)).paragraphs]
    assert "Appendix 1: Implications" in text and "Purpose of the Report" in text
    code, _, err = _run(capsys, "cover-report", str(meeting_store), "--meeting", "2016-02-15", "--item", "1",
                        "--out", str(tmp_path / "item1.docx"))
    assert code == 2 and "no cover report" in err
