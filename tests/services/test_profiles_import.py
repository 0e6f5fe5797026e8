"""Importing profile subjects from CSV/XLSX: documented columns, mapping, and all-or-nothing validation."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from desktop.models import Base, Partnership, Plan, ProfileAppendix, ProfileSubject
from desktop.services.disclosure.importing import (
    DOCUMENTED_COLUMNS,
    import_profile_file,
    import_subjects,
    read_table,
    suggest_mapping,
)
from desktop.services.errors import ValidationError

GOOD_CSV = (
    "name,date_of_birth,pnc_id,cro_number,prison_number,address,postcode,age,gender,district,flags,"
    "offence:Shoplifting,offence:Violence,need:Accommodation,needs\n"
    'Demo Subject 01,1985-04-12,00/0000001z,000001/00Z,z0001zz,"1 Demonstration Street, Exampletown",zz99 1ab,'
    "27,M,Jesmond,PPO; class a,3,,yes,Drugs and Alcohol\n"
    ",,,,,,,,,,,,,,\n"
    "Demo Subject 02,12/01/1990,00/0000002Z,,,,,,female,,,0,x,no,\n"
)


@pytest.fixture()
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


@pytest.fixture()
def plan(session: Session) -> Plan:
    plan = Plan(partnership=Partnership(name="Safer Hartlepool Partnership"), title="Reducing Re-offending")
    session.add(plan)
    session.flush()
    return plan


@pytest.fixture()
def appendix(session: Session, plan: Plan) -> ProfileAppendix:
    appendix = ProfileAppendix(plan=plan, title="Appendix 3 - Offender profiles")
    session.add(appendix)
    session.flush()
    return appendix


def subject_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ProfileSubject)) or 0


def test_csv_with_documented_columns(session: Session, appendix: ProfileAppendix) -> None:
    result = import_subjects(session, appendix, GOOD_CSV.encode(), "subjects.csv")
    assert (result.imported, result.replaced, result.ignored_columns) == (2, 0, ())
    first, second = appendix.subjects
    assert first.name == "Demo Subject 01"
    assert first.date_of_birth == dt.date(1985, 4, 12)
    assert (first.pnc_id, first.prison_number, first.postcode) == ("00/0000001Z", "Z0001ZZ", "ZZ99 1AB")
    assert first.address == "1 Demonstration Street, Exampletown"
    assert (first.age, first.gender, first.district) == (27, "Male", "Jesmond")
    assert first.flag_list == ["PPO", "CLASS_A"]
    assert first.offences == {"Shoplifting": 3}
    assert first.needs == ["Accommodation", "Drugs and Alcohol"]
    assert second.date_of_birth == dt.date(1990, 1, 12)
    assert (second.age, second.gender, second.district) == (None, "Female", "")
    assert second.offences == {"Violence": 1}
    assert second.needs == []


def test_xlsx_with_a_column_mapping(session: Session, appendix: ProfileAppendix) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Offender name", "DOB", "PNC", "Age at 31 March", "Sex", "Ward", "Shoplifting", "Keyworker"])
    ws.append(["Demo Subject 03", dt.datetime(1979, 6, 3), "00/0000003Z", 33.0, "F", "Hart", 2, "Someone"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    headers = read_table(data, "s.xlsx").headers
    suggested = suggest_mapping(headers)
    assert suggested == {"DOB": "date_of_birth", "PNC": "pnc_id", "Sex": "gender", "Ward": "district"}
    mapping = {**suggested, "Offender name": "name", "Age at 31 March": "age", "Shoplifting": "offence:Shoplifting"}
    result = import_subjects(session, appendix, data, "s.xlsx", mapping)
    assert result.ignored_columns == ("Keyworker",)
    (subject,) = appendix.subjects
    assert (subject.name, subject.age, subject.gender, subject.district) == ("Demo Subject 03", 33, "Female", "Hart")
    assert subject.date_of_birth == dt.date(1979, 6, 3)
    assert subject.offences == {"Shoplifting": 2}


def test_mapping_to_blank_ignores_a_column_quietly(session: Session, appendix: ProfileAppendix) -> None:
    data = b"age,gender,keyworker\n30,Male,Someone\n"
    result = import_subjects(session, appendix, data, "s.csv", {"keyworker": ""})
    assert result.ignored_columns == ()


def test_semicolon_separated_csv(session: Session, appendix: ProfileAppendix) -> None:
    data = "age;gender;district\n30;Male;Jesmond\n41;Female;Hart\n".encode("utf-8-sig")
    assert import_subjects(session, appendix, data, "s.csv").imported == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,gender\nDemo Subject 01,Male\n", "The file has no age column"),
        (b"name,district\nDemo Subject 01,Hart\n", "The file has no age or gender column"),
        (b"age,gender\n", "The file has no subject rows"),
        (b"", "The file is empty"),
        (b"PK\x03\x04 broken zip", "could not be read as a spreadsheet"),
        (b"\x00\x01\x02\x03", "could not be read"),
        (b"age,gender\n30,Male\nforty,Male\n200,Female\n", "Row 3: the age is not a whole number from 10 to 110"),
        (b"age,gender,date_of_birth\n30,Male,31/02/1990\n", "Row 2: the date of birth is not a date"),
        (b"age,gender,offence:Theft\n30,Male,lots\n", "Row 2: the offence:Theft count is not a whole number"),
        (b"age,gender,need:Health\n30,Male,maybe\n", "Row 2: the need:Health column is not yes or no"),
        (b"age,gender,pnc_id\n30,Male,00/00000000000000000000001Z\n", "Row 2: the pnc id is too long"),
    ],
)
def test_bad_input_is_one_clear_message_and_nothing_is_written(
    session: Session, appendix: ProfileAppendix, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        import_subjects(session, appendix, data, "subjects.csv")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert subject_count(session) == 0


def test_several_bad_rows_are_counted(session: Session, appendix: ProfileAppendix) -> None:
    data = b"age,gender\nforty,Male\n200,Female\n9,Male\n30,Male\n"
    with pytest.raises(ValidationError) as caught:
        import_subjects(session, appendix, data, "s.csv")
    assert str(caught.value) == (
        "Row 2: the age is not a whole number from 10 to 110 (and 2 more rows with problems). Nothing was imported."
    )


def test_messages_never_repeat_a_cell_value(session: Session, appendix: ProfileAppendix) -> None:
    # The name column mapped to age by mistake: the message must not show the names.
    data = b"Full name,Sex\nDemo Subject 09,Male\n"
    with pytest.raises(ValidationError) as caught:
        import_subjects(session, appendix, data, "s.csv", {"Full name": "age"})
    assert "Demo Subject" not in str(caught.value)


def test_two_columns_mapped_to_one_field_is_refused(session: Session, appendix: ProfileAppendix) -> None:
    with pytest.raises(ValidationError, match="Two columns are mapped"):
        import_subjects(session, appendix, b"age,gender,Age\n1,2,3\n", "s.csv", {"Age": "age"})


def test_profile_import_command_creates_appends_and_replaces(session: Session, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "subjects.csv"
    path.write_text(GOOD_CSV)
    first = import_profile_file(session, plan, "Appendix  3 - Offender profiles", path)
    again = import_profile_file(session, plan, "appendix 3 - offender profiles", path)
    assert first.appendix_id == again.appendix_id
    assert subject_count(session) == 4
    replaced = import_profile_file(session, plan, "Appendix 3 - Offender profiles", path, replace=True)
    assert (replaced.imported, replaced.replaced) == (2, 4)
    assert subject_count(session) == 2
    appendix = session.get(ProfileAppendix, first.appendix_id)
    assert appendix is not None and appendix.title == "Appendix 3 - Offender profiles"


def test_failed_import_into_a_new_appendix_keeps_neither(session: Session, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "subjects.csv"
    path.write_text("age,gender\nforty,Male\n")
    with pytest.raises(ValidationError):
        import_profile_file(session, plan, "Appendix 4", path)
    assert session.scalar(select(func.count()).select_from(ProfileAppendix)) == 0
    with pytest.raises(ValidationError, match="could not be opened"):
        import_profile_file(session, plan, "Appendix 4", tmp_path / "missing.csv")


def test_documented_columns_are_the_ones_in_the_issue() -> None:
    assert DOCUMENTED_COLUMNS[:10] == (
        "name",
        "date_of_birth",
        "pnc_id",
        "cro_number",
        "prison_number",
        "address",
        "postcode",
        "age",
        "gender",
        "district",
    )
    assert "flags" in DOCUMENTED_COLUMNS


def test_an_import_is_audited_by_count_never_by_identifier(session: Session, appendix: ProfileAppendix) -> None:
    from desktop.models import AuditEvent
    from desktop.services.actor import Actor

    import_subjects(session, appendix, GOOD_CSV.encode(), "subjects.csv", actor=Actor(None, "Coordinator"))
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.verb == "import_subjects")).all()
    assert event.actor_label == "Coordinator" and event.entity_id == appendix.id
    assert '"imported": 2' in event.after and "subjects.csv" in event.after
    for identifier in ("Demo Subject 01", "00/0000001Z", "Z0001ZZ", "ZZ99 1AB", "1985"):
        assert identifier not in event.before + event.after
