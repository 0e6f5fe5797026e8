"""profile-import and profile-preview, as a coordinator would run them against the demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.models import ProfileAppendix, ProfileSubject
from desktop.store import Store

DEMO_APPENDIX = "Appendix \u2013 Re-offending cohort profile"

GOOD_CSV = (
    "name,date_of_birth,pnc_id,cro_number,prison_number,address,postcode,age,gender,district,flags,"
    "offence:Shoplifting,need:Accommodation,notes\n"
    "Testname Alpha,1985-04-12,11/1111111Q,111111/11Q,Q1111QQ,1 Test Street,TS1 1AA,29,M,Rift House,PPO;IOM,3,yes,\n"
    "Testname Bravo,12/01/1990,22/2222222Q,,,,,34,female,Owton,,0,no,x\n"
    ",,,,,,,,,,,,,\n"
    "Testname Charlie,,,,,,,19,Male,Rift House,CLASS_A,1,,\n"
)
IDENTIFIERS = ("Testname", "11/1111111Q", "111111/11Q", "Q1111QQ", "Test Street", "TS1 1AA", "1985", "22/2222222Q")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, passphrase: str) -> None:
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", passphrase)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _subjects(path: Path, passphrase: str, appendix: str | None = None) -> int:
    with Store.open(path, passphrase) as store, store.session() as session:
        query = select(func.count()).select_from(ProfileSubject)
        if appendix is not None:
            query = query.join(ProfileAppendix).where(ProfileAppendix.title == appendix)
        return session.scalar(query) or 0


def _appendices(path: Path, passphrase: str) -> list[str]:
    with Store.open(path, passphrase) as store, store.session() as session:
        return list(session.scalars(select(ProfileAppendix.title).order_by(ProfileAppendix.id)))


def test_import_adds_subjects_and_prints_one_line_without_identifiers(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None, passphrase: str
) -> None:
    source = tmp_path / "cohort.csv"
    source.write_text(GOOD_CSV, encoding="utf-8")
    before = _subjects(demo_store_path, passphrase, DEMO_APPENDIX)

    code, out, err = _run(capsys, "profile-import", str(demo_store_path), "--plan", "Hartlepool",
                          "--appendix", DEMO_APPENDIX, str(source))

    assert code == 0, err
    assert len(out.strip().splitlines()) == 1
    assert "3 rows imported" in out and "0 rows rejected" in out and "ignored column: notes" in out
    assert not any(value.casefold() in out.casefold() for value in IDENTIFIERS)
    assert _subjects(demo_store_path, passphrase, DEMO_APPENDIX) == before + 3


def test_import_into_a_new_appendix_with_replace_and_map(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None, passphrase: str
) -> None:
    source = tmp_path / "cohort.csv"
    source.write_text(GOOD_CSV.replace("gender,", "Sex,", 1), encoding="utf-8")
    argv = ("profile-import", str(demo_store_path), "--plan", "Hartlepool", "--appendix", "Appendix 4 \u2013 IOM",
            str(source), "--map", "Sex=gender")
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    assert "a new appendix \u201cAppendix 4 \u2013 IOM\u201d" in out
    code, out, err = _run(capsys, *argv, "--replace")
    assert code == 0, err
    assert "3 existing subjects replaced" in out
    assert _subjects(demo_store_path, passphrase, "Appendix 4 \u2013 IOM") == 3


def test_dry_run_writes_nothing(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None, passphrase: str
) -> None:
    source = tmp_path / "cohort.csv"
    source.write_text(GOOD_CSV, encoding="utf-8")
    before = _subjects(demo_store_path, passphrase)
    titles = _appendices(demo_store_path, passphrase)

    code, out, err = _run(capsys, "profile-import", str(demo_store_path), "--plan", "Hartlepool",
                          "--appendix", "A new appendix", str(source), "--dry-run")

    assert code == 0, err
    assert "3 rows would be imported" in out and "nothing was written" in out
    assert _subjects(demo_store_path, passphrase) == before
    assert _appendices(demo_store_path, passphrase) == titles


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (GOOD_CSV.replace(",29,M,", ",twenty-nine,M,"), "Row 2: the age is not a whole number"),
        (GOOD_CSV.replace("1985-04-12", "not a date").replace(",34,", ",9,"), "(and 1 more row with problems)"),
        (GOOD_CSV.replace("age,gender", "years,gender"), "no age column"),
        (b"\x00\x01\x02 binary", "could not be read"),
        ("", "empty"),
    ],
)
def test_malformed_file_exits_2_with_one_line_and_writes_nothing(
    demo_store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    env: None,
    passphrase: str,
    content: str | bytes,
    expected: str,
) -> None:
    source = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    before = _subjects(demo_store_path, passphrase)
    titles = _appendices(demo_store_path, passphrase)

    code, out, err = _run(capsys, "profile-import", str(demo_store_path), "--plan", "Hartlepool",
                          "--appendix", "Appendix 9", str(source))

    assert code == 2
    assert out == ""
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not any(value.casefold() in err.casefold() for value in IDENTIFIERS)
    assert _subjects(demo_store_path, passphrase) == before
    assert _appendices(demo_store_path, passphrase) == titles


def test_import_of_a_missing_file_exits_2(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    code, _, err = _run(capsys, "profile-import", str(demo_store_path), "--plan", "Hartlepool",
                        "--appendix", DEMO_APPENDIX, str(tmp_path / "missing.csv"))
    assert code == 2 and "could not be opened" in err


def test_import_help_documents_the_columns(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["profile-import", "--help"])
    out = capsys.readouterr().out
    for column in ("name", "date_of_birth", "pnc_id", "cro_number", "prison_number", "address", "postcode", "age",
                   "gender", "district", "flags", "needs", "offence:<type>", "need:<pathway>"):
        assert column in out


def _demo_names(path: Path, passphrase: str) -> list[str]:
    with Store.open(path, passphrase) as store, store.session() as session:
        return [n for n in session.scalars(select(ProfileSubject.name)) if n]


@pytest.mark.parametrize("profile", ["public", "partner", "restricted"])
def test_preview_of_the_demo_appendix(
    demo_store_path: Path, capsys: pytest.CaptureFixture[str], env: None, passphrase: str, profile: str
) -> None:
    code, out, err = _run(capsys, "profile-preview", str(demo_store_path), "--plan", "Hartlepool",
                          "--appendix", "cohort profile", "--profile", profile)

    assert code == 0, err
    assert f"{DEMO_APPENDIX} \u2014 {profile.capitalize()} profile" in out
    assert "Rule: <5 with secondary suppression" in out
    assert "WHAT THE STORE HOLDS" in out and "WHAT WILL BE PUBLISHED" in out
    assert "60 subject rows held (not listed here)" in out
    names = _demo_names(demo_store_path, passphrase)
    assert names and not any(name in out for name in names)

    age_table = out.split("Offenders by age band and gender", 1)[1].split("\n\n", 1)[0]
    under_18 = next(line for line in age_table.splitlines() if line.strip().startswith("Under 18"))
    held, published = under_18.split("|")
    assert "[3]" in held  # the store side marks the counts the published table hides
    if profile == "restricted":
        assert "redacted due to potentially identifiable information" in out
        assert "HBC Community Safety Team" in out
        assert "<5" not in published and "Not published (the appendix is replaced by the notice)" in age_table
    else:
        assert "<5" in published and "Printed under the table: Counts of 1 to 4" in out
        assert "redacted" not in out
    if profile == "partner":
        assert "Offender 1 " in out and "56 published as pseudonymised rows" in out and "4 withheld" in out
        assert "~" in out.split("Pseudonymised offender profiles", 1)[1].split("\n\n", 1)[0]
    else:
        assert "Offender 1 " not in out


def test_preview_of_an_unknown_appendix_exits_2(
    demo_store_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    code, out, err = _run(capsys, "profile-preview", str(demo_store_path), "--plan", "Hartlepool",
                          "--appendix", "no such thing", "--profile", "public")
    assert code == 2 and out == "" and "matches 0 appendices" in err
