"""Fuzz suite (hypothesis): every input gives a clear refusal or a correct result; never a traceback, never a
half-write; and no spreadsheet Pathways writes carries a live formula, whatever text went into the plan.

Short and derandomised under `make test` (the "reliability" hypothesis profile in conftest.py), long under
`make soak`. Coverage-guided fuzzing of the same readers (atheris) lives in scripts/fuzz/.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from harness import SEED, TALLY, SignedUpdate, scale
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy import func, select

from desktop.models import IndicatorValue, ProfileAppendix, ProfileSubject
from desktop.reports.signing import verify_pdf
from desktop.services.actor import Actor
from desktop.services.disclosure.importing import import_profile_file, read_table
from desktop.services.errors import PathwaysError
from desktop.services.importing.reading import read_bytes
from desktop.services.indicator_import import import_indicator_values, read_value_rows
from desktop.services.periods import plan_actions
from desktop.services.plan_export import plan_bytes
from desktop.services.queries import find_period, find_plan
from desktop.services.returns import issue_return_forms
from desktop.services.spreadsheet_safety import clean_text, is_risky
from desktop.services.updates import record_update
from desktop.store import Store

settings.load_profile("reliability")
SUITE = "fuzz (inputs tried / clear outcome)"
FUZZER = Actor(None, "Fuzzer")


def _clear(exc: BaseException) -> bool:
    """A refusal a user can act on: one of ours, with words in it."""
    return isinstance(exc, PathwaysError) and bool(str(exc).strip()) and "Traceback" not in str(exc)


# ---------------------------------------------------------------- inputs

_words = st.sampled_from([
    "", " ", "RO 1", "RO 2", "ro 3", "XX 9", "2013/14", "2014/15", "31/03/2015", "2015-03-31", "31 Mar 2015",
    "50", "1,256", "28.2%", "50% Reduction", "1.13 (44 offences) (39 offenders)", "M: 2378 F: 1157", "n/a", "-",
    "=1+1", "@SUM(A1)", "Testname Alpha", "11/1111111Q", "TS1 1AA", "1985-04-12", "yes", "no", "PPO;IOM", "M",
    "female", "Rift House", "\u00a0", "\ufeff", "1e308", "-0", "NaN", "inf", "9" * 40,
])
_cell = st.one_of(
    st.none(), _words, st.text(max_size=30), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.booleans(),
)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        try:
            ws.append(row)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl's writer refuses some text outright
            ws.append([None if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def _spliced(data: bytes, at: int, junk: bytes) -> bytes:
    out = bytearray(data)
    at %= max(len(out), 1)
    out[at:at + len(junk)] = junk
    return bytes(out)


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


_grid = st.lists(st.lists(_cell, max_size=8), max_size=12)
_header = st.lists(st.sampled_from([
    "code", "period", "period_end", "value", "parts", "part:M", "national", "regional", "note", "name",
    "date_of_birth", "pnc_id", "age", "gender", "district", "flags", "offence:Shoplifting", "need:Accommodation",
    "Priority", "Key Action", "Lead officer", "Status", "RAG", "",
]), min_size=1, max_size=8)


@st.composite
def spreadsheet_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """Whole files as a reader meets them: good, odd, damaged, or not spreadsheets at all."""
    rows = [draw(_header), *draw(_grid)]
    kind = draw(st.sampled_from(["xlsx", "csv", "spliced xlsx", "zip", "bytes", "csv bytes"]))
    if kind == "xlsx":
        return _xlsx(rows), "fuzz.xlsx"
    if kind == "csv":
        return _csv(rows), "fuzz.csv"
    if kind == "spliced xlsx":
        return _spliced(_xlsx(rows), draw(st.integers(0, 20_000)), draw(st.binary(min_size=1, max_size=64))), \
            "fuzz.xlsx"
    if kind == "zip":
        names = st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                 "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "docProps/app.xml"])
        return _zip_of(draw(st.dictionaries(names, st.binary(max_size=200), max_size=5))), "fuzz.xlsx"
    if kind == "csv bytes":
        return draw(st.binary(max_size=400)), "fuzz.csv"
    return draw(st.binary(max_size=400)), draw(st.sampled_from(["fuzz.xlsx", "fuzz.csv", "fuzz.txt"]))


# ---------------------------------------------------------------- the readers


READERS: dict[str, Callable[[bytes, str, Path], object]] = {
    "plan import reader": lambda data, name, tmp: read_bytes(data, name),
    "profile reader": lambda data, name, tmp: read_table(data, name),
    "indicator reader": lambda data, name, tmp: _via_file(read_value_rows, data, name, tmp),
}


def _via_file(reader: Callable[[Path], object], data: bytes, name: str, tmp: Path) -> object:
    path = tmp / name
    path.write_bytes(data)
    return reader(path)


@pytest.mark.parametrize("reader", READERS)
def test_spreadsheet_readers_give_a_result_or_a_clear_refusal(reader: str, tmp_path: Path) -> None:
    @given(file=spreadsheet_files())
    @example(file=(_zip_of({"xl/workbook.xml": b"<not-a-workbook/>"}), "odd.xlsx"))
    @example(file=(b"", "empty.csv"))
    @example(file=(b"\xff\xfe\x00\x00", "bom.csv"))
    def attempt(file: tuple[bytes, str]) -> None:
        data, name = file
        try:
            READERS[reader](data, name, tmp_path)
            held = True
        except Exception as exc:  # noqa: BLE001 — anything but a clear refusal is the finding
            held = _clear(exc)
            if not held:
                TALLY.record(SUITE, reader, False, f"{type(exc).__name__}: {str(exc)[:80]}")
                raise
        TALLY.record(SUITE, reader, held)

    attempt()


# ---------------------------------------------------------------- importers: all or nothing, and correct


def _profile_counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        return (s.scalar(select(func.count()).select_from(ProfileSubject)) or 0,
                s.scalar(select(func.count()).select_from(ProfileAppendix)) or 0)


PROFILE_HEADER = ["name", "date_of_birth", "pnc_id", "age", "gender", "district", "flags", "offence:Shoplifting",
                  "need:Accommodation"]


def test_profile_import_is_all_or_nothing(demo_store: Store, tmp_path: Path) -> None:
    @given(rows=st.lists(st.lists(_cell, min_size=0, max_size=10), max_size=10),
           header=st.one_of(st.just(PROFILE_HEADER), _header), xlsx=st.booleans(), new_appendix=st.booleans())
    def attempt(rows: list[list[object]], header: list[str], xlsx: bool, new_appendix: bool) -> None:
        path = tmp_path / ("cohort.xlsx" if xlsx else "cohort.csv")
        path.write_bytes((_xlsx if xlsx else _csv)([list(header), *rows]))
        before = _profile_counts(demo_store)
        title = "Fuzzed appendix" if new_appendix else "Appendix \u2013 Re-offending cohort profile"
        try:
            with demo_store.session() as session:
                result = import_profile_file(session, find_plan(session, "Hartlepool"), title, path, actor=FUZZER)
        except Exception as exc:  # noqa: BLE001
            held = _clear(exc) and _profile_counts(demo_store) == before
            TALLY.record(SUITE, "profile importer", held, f"{type(exc).__name__}: {str(exc)[:80]}")
            assert held, exc
            return
        subjects, appendices = _profile_counts(demo_store)
        held = subjects - before[0] == result.imported - result.replaced and appendices - before[1] in (0, 1)
        TALLY.record(SUITE, "profile importer", held, f"imported {result.imported}, store gained "
                                                      f"{subjects - before[0]}")
        assert held

    attempt()


_INDICATOR_CODES = ["RO 1", "RO 2", "RO 5", "ro 6", "XX 1"]


def _values(store: Store) -> dict[tuple[str, str], float | None]:
    with store.session() as s:
        return {(v.indicator.code.casefold(), v.period_label.casefold()): v.value
                for v in s.scalars(select(IndicatorValue))}


def test_indicator_import_is_all_or_nothing_and_records_what_the_file_says(demo_store: Store,
                                                                          tmp_path: Path) -> None:
    @given(rows=st.lists(st.tuples(
        st.sampled_from(_INDICATOR_CODES), st.sampled_from(["2014/15", "2015/16", "2013/14", "Q9", ""]),
        st.one_of(st.sampled_from(["2015-03-31", "2016-03-31", "31/03/2014", "not a date", ""]), _cell),
        st.one_of(st.integers(0, 100_000), _cell),
    ), max_size=6), xlsx=st.booleans())
    def attempt(rows: list[tuple[str, str, object, object]], xlsx: bool) -> None:
        path = tmp_path / ("values.xlsx" if xlsx else "values.csv")
        path.write_bytes((_xlsx if xlsx else _csv)([["code", "period", "period_end", "value"],
                                                     *[list(r) for r in rows]]))
        before = _values(demo_store)
        try:
            with demo_store.session() as session:
                import_indicator_values(session, FUZZER, find_plan(session, "Hartlepool"), path)
        except Exception as exc:  # noqa: BLE001
            held = _clear(exc) and _values(demo_store) == before
            TALLY.record(SUITE, "indicator importer", held, f"{type(exc).__name__}: {str(exc)[:80]}")
            assert held, exc
            return
        after = _values(demo_store)
        wrong = [(code, period, value) for code, period, _, value in rows
                 if isinstance(value, int) and not isinstance(value, bool)
                 and after.get((code.casefold(), period.strip().casefold())) != value]
        untouched = {k: v for k, v in before.items()
                     if k not in {(c.casefold(), p.strip().casefold()) for c, p, _, _ in rows}}
        held = not wrong and all(after.get(k) == v for k, v in untouched.items())
        TALLY.record(SUITE, "indicator importer", held, f"recorded differently from the file: {wrong[:2]}")
        assert held, wrong

    attempt()


# ---------------------------------------------------------------- verify


def _signature_hex(pdf: bytes) -> tuple[int, int]:
    """Where the signature's hex string sits (between the two signed byte ranges)."""
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    return int(match.group(2)), int(match.group(3))


def test_verify_never_passes_a_changed_file(signed_update: SignedUpdate) -> None:
    pdf, root = signed_update.pdf, signed_update.root_pem.read_bytes()
    hole = _signature_hex(pdf)

    # distinct positions: the same byte XORed twice with one mask would be no change at all
    @given(edits=st.lists(st.tuples(st.integers(0, len(pdf) - 1), st.integers(1, 255)), min_size=1, max_size=4,
                          unique_by=lambda edit: edit[0]),
           cut=st.one_of(st.none(), st.integers(0, len(pdf) - 1)), tail=st.binary(max_size=64))
    def attempt(edits: list[tuple[int, int]], cut: int | None, tail: bytes) -> None:
        data = bytearray(pdf)
        for at, mask in edits:
            data[at] ^= mask
        if cut is not None:
            del data[cut:]
        data += tail
        changed = bytes(data)
        try:
            report = verify_pdf(changed, [root])
        except Exception as exc:  # noqa: BLE001
            TALLY.record(SUITE, "verify", False, f"{type(exc).__name__}: {str(exc)[:80]}")
            raise
        # Bytes inside the signature's hex string but past the signature itself are padding nobody signs; a change
        # there alone leaves the document as signed. Anything else must fail.
        only_padding = cut is None and not tail and all(hole[0] < at < hole[1] - 1 for at, _ in edits)
        held = bool(report.message) and (only_padding or not report.ok)
        TALLY.record(SUITE, "verify", held, f"passed a changed file: {edits} cut {cut} tail {len(tail)}")
        assert held, report.lines()

    attempt()


def test_verify_of_random_bytes_is_a_clear_no(signed_update: SignedUpdate) -> None:
    root = signed_update.root_pem.read_bytes()

    @given(data=st.one_of(st.binary(max_size=2000), st.builds(lambda b: b"%PDF-1.7\n" + b, st.binary(max_size=2000))))
    def attempt(data: bytes) -> None:
        report = verify_pdf(data, [root])
        held = not report.ok and bool(report.message)
        TALLY.record(SUITE, "verify (not a PDF)", held)
        assert held

    attempt()


# ---------------------------------------------------------------- formula cells in every export

RISKY = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["=", "+", "-", "@", "\t=", "\r=", "=cmd|' /C calc'!", "@SUM(1+1)*cmd|' /C calc'!",
                     "+cmd|'/c calc'!", "-2+3+cmd|' /C notepad'!", '=HYPERLINK("http://example.invalid","x")',
                     "=DDE(\"cmd\";\"/C calc\";\"A0\")", "=1+1", "-", "@"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
)


def _live_cells_xlsx(data: bytes) -> list[str]:
    """Cells a spreadsheet program would run: formulas, or risky text without Excel's quote-prefix flag."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    live = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    live.append(f"{ws.title}!{cell.coordinate} formula")
                elif isinstance(cell.value, str) and is_risky(cell.value) and not cell.quotePrefix:
                    live.append(f"{ws.title}!{cell.coordinate} {cell.value[:20]!r}")
    return live


def _live_cells_csv(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [f"row {r} column {c} {v[:20]!r}" for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1)
            if is_risky(v)]


def test_no_export_carries_a_live_formula(demo_store: Store, tmp_path: Path) -> None:
    @settings(max_examples=scale(4, 40))
    @given(texts=st.lists(RISKY, min_size=6, max_size=6))
    def attempt(texts: list[str]) -> None:
        with demo_store.session() as session:
            plan = find_plan(session, "Hartlepool")
            period = find_period(session, plan.id, "current")
            action = plan_actions(session, plan)[0]
            action.text, action.timescale = texts[0], texts[1]
            action.priority.text = texts[2]
            lead = action.primary_lead
            if lead is not None:
                lead.name = texts[3]
            record_update(session, FUZZER, action, period, rag="red", commentary=texts[4] or "c",
                          remedial_action=texts[5] or "r", remedial_owner=lead)
            exports = {"plan as xlsx": ("xlsx", plan_bytes(session, plan, "xlsx")),
                       "plan as csv": ("csv", plan_bytes(session, plan, "csv"))}
            out = tmp_path / f"forms-{random.Random(repr(texts)).random()}"
            for path in issue_return_forms(session, plan, period, out).paths:
                exports[f"return form {path.name}"] = ("xlsx", path.read_bytes())
            session.rollback()  # the hostile text is only needed for the exports
        # The control: the hostile action text did reach the exports (inert), so the check below can fail.
        wb = openpyxl.load_workbook(io.BytesIO(exports["plan as xlsx"][1]))
        assert any(cell.value == clean_text(texts[0]) for ws in wb.worksheets for row in ws.iter_rows()
                   for cell in row), "the action text is not in the exported plan"
        for name, (kind, data) in exports.items():
            live = _live_cells_xlsx(data) if kind == "xlsx" else _live_cells_csv(data)
            kind_name = "return forms" if name.startswith("return form") else name
            TALLY.record("formula cells (exports checked / all inert)", kind_name, not live,
                         f"{name}: {live[:3]}")
            assert not live, (name, live)

    attempt()


def test_the_fuzz_seed_is_recorded() -> None:
    """The figures name their seed, so a failing run can be repeated exactly (PATHWAYS_SEED)."""
    assert isinstance(SEED, int)
