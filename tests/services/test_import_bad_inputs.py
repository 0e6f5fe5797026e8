"""Bad input gives one clear sentence, quotes nothing from the file, and writes nothing."""

from __future__ import annotations

import io
import random
import string
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.models import Action, AuditEvent, Objective, Organisation, Partnership, Person, Plan, Priority
from desktop.services.actor import Actor
from desktop.services.importing import ImportRejected, apply_import, preview_import
from desktop.services.importing.reading import MAX_ROWS
from desktop.store import Store

SECRET = "Zebedee Quartermaine"  # stands for personal data in a cell: it must never appear in a message


def store_counts(store: Store) -> tuple[int, ...]:
    with store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(model)) or 0
                     for model in (Partnership, Plan, Objective, Priority, Action, Person, Organisation, AuditEvent))


def _import(store: Store, path: Path) -> None:
    with store.session() as session:
        preview = preview_import(session, path)
        apply_import(session, Actor(None, "Importer"), preview)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _encrypted_ooxml() -> bytes:
    """What Excel writes for a workbook with an opening password: an OLE compound file holding the encrypted
    package (the directory names the EncryptionInfo and EncryptedPackage streams)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")
    directory = bytearray(512)
    for i, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[i * 128:i * 128 + len(encoded)] = encoded
        directory[i * 128 + 64:i * 128 + 66] = len(encoded).to_bytes(2, "little")
    return bytes(header) + bytes(directory) + random.Random(1).randbytes(4096)


CASES = {
    "not a spreadsheet (a PDF)": ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20,
                                  "not a spreadsheet"),
    "not a spreadsheet (binary)": ("photo.csv", bytes(range(256)) * 40, "not a spreadsheet"),
    "not a spreadsheet (a Word file)": ("minutes.xlsx", None, "not a spreadsheet"),
    "password-protected workbook": ("locked.xlsx", _encrypted_ooxml(), "password-protected"),
    "old .xls": ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), ".xls"),
    "empty file": ("empty.csv", b"", "empty"),
    "empty CSV": ("blank.csv", b",,,\r\n , ,\r\n\r\n", "empty"),
    "empty workbook": ("blank.xlsx", _xlsx([]), "empty"),
    "no action column": ("people.csv", f"Name,Team\n{SECRET},Housing\n".encode(), "No column of actions"),
    "no action column (xlsx)": ("people.xlsx", _xlsx([["Name", "Team"], [SECRET, "Housing"]]),
                                "No column of actions"),
    "headings but no rows": ("headings.csv", b"Action,Lead officer,Timescale\n", "no new actions"),
}


def _docx() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document>{SECRET}</w:document>")
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_input_gives_one_clear_sentence(store: Store, tmp_path: Path, case: str) -> None:
    name, data, expected = CASES[case]
    path = tmp_path / name
    path.write_bytes(_docx() if data is None else data)
    before = store_counts(store)
    with pytest.raises(ImportRejected) as caught:
        _import(store, path)
    message = str(caught.value)
    assert expected in message
    assert message.endswith(".") and "\n" not in message and message.count(". ") == 0
    assert SECRET not in message and "Zebedee" not in message
    assert store_counts(store) == before


def test_a_hundred_thousand_rows_of_junk_are_refused(store: Store, tmp_path: Path) -> None:
    rnd = random.Random(8)
    lines = (",".join("".join(rnd.choices(string.ascii_letters, k=8)) for _ in range(6)) for _ in range(100_000))
    path = tmp_path / "junk.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = store_counts(store)
    with pytest.raises(ImportRejected, match=f"more than {MAX_ROWS:,} rows"):
        _import(store, path)
    assert store_counts(store) == before


def test_too_many_rows_in_a_workbook(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services.importing import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    path = tmp_path / "long.xlsx"
    path.write_bytes(_xlsx([["Action"]] + [[f"Action {i}"] for i in range(60)]))
    with pytest.raises(ImportRejected, match="more than 50 rows"):
        _import(store, path)


def test_errors_name_the_row_and_column_not_the_contents(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(f"Action,Lead officer,Due date\nDo it,{'x' * 300},{SECRET}\n", encoding="utf-8")
    with store.session() as session:
        preview = preview_import(session, path)
    notes = [n for f in preview.fates for n in f.notes]
    assert "column 'Lead officer' could not be read as lead officers; no lead was set" in notes
    assert "column 'Due date' is not a date Pathways can read; no due date set" in notes
    assert all(SECRET not in n for n in notes)


def test_a_failure_while_writing_leaves_nothing_behind(store: Store, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services import plans

    path = tmp_path / "plan.csv"
    path.write_text("Priority,Action\n1.1 Housing,One\n1.1 Housing,Two\n1.2 Work,Three\n", encoding="utf-8")
    before = store_counts(store)
    real = plans.add_actions

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)  # the objectives, priorities and every action are written by now…
        raise RuntimeError("disk full")  # …and then the disk fills

    monkeypatch.setattr(plans, "add_actions", failing)
    with store.session() as session:
        preview = preview_import(session, path)
        with pytest.raises(RuntimeError):
            apply_import(session, Actor(None, "Importer"), preview)
        # The caller's unit of work carries on: the savepoint took the partial import away with it.
        assert session.scalar(select(func.count()).select_from(Action)) == 0
    assert store_counts(store) == before
