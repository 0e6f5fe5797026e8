"""The identifier scanner: the store's identifiers in any spelling, UK identifier patterns, and masked findings."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.services.disclosure.identifiers import (
    Finding,
    IdentifierKind,
    IdentifierSet,
    dedupe,
    mask,
    scan_text,
)

STORE = IdentifierSet(
    names=frozenset({"Demo Subject 07", "Siân O'Brien-Jones"}),
    dates_of_birth=frozenset({dt.date(1987, 3, 4)}),
    pnc_ids=frozenset({"00/0000007Z"}),
    cro_numbers=frozenset({"000007/00Z"}),
    prison_numbers=frozenset({"Z0007ZZ"}),
    postcodes=frozenset({"ZZ99 3AB"}),
    addresses=frozenset({"7 Demonstration Street, Exampletown"}),
)
EMPTY = IdentifierSet()


def kinds(text: str, ids: IdentifierSet = STORE) -> list[IdentifierKind]:
    return [f.kind for f in scan_text(text, ids, "in the test")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Met Demo Subject 07 at the hub", IdentifierKind.NAME),
        ("met demo   subject\n07 again", IdentifierKind.NAME),
        ("DEMO SUBJECT 07", IdentifierKind.NAME),
        ("Subject, Demo 07 is not a reversal of the last token, but this is: O'Brien-Jones, Siân", IdentifierKind.NAME),
        ("Siân O\u2019Brien\u2013Jones", IdentifierKind.NAME),
        ("seen on 04/03/1987", IdentifierKind.DATE_OF_BIRTH),
        ("seen on 4.3.87", IdentifierKind.DATE_OF_BIRTH),
        ("born 4th March 1987", IdentifierKind.DATE_OF_BIRTH),
        ("1987-03-04", IdentifierKind.DATE_OF_BIRTH),
        ("March 4, 1987", IdentifierKind.DATE_OF_BIRTH),
        ("ref 04031987", IdentifierKind.DATE_OF_BIRTH),
        ("PNC 00/0000007Z", IdentifierKind.PNC_ID),
        ("CRO 000007/00Z", IdentifierKind.CRO_NUMBER),
        ("prison no z0007zz", IdentifierKind.PRISON_NUMBER),
        ("lives at zz993ab", IdentifierKind.POSTCODE),
        ("7 Demonstration Street", IdentifierKind.ADDRESS),
        ("7 demonstration street, exampletown", IdentifierKind.ADDRESS),
    ],
)
def test_store_identifiers_are_found_however_written(text: str, kind: IdentifierKind) -> None:
    findings = scan_text(text, STORE, "in the test")
    assert [f.kind for f in findings if f.from_store] == [kind]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("PNC ID 12/345678A recorded", IdentifierKind.PNC_ID),
        ("PNC 2012/0012345A", IdentifierKind.PNC_ID),
        ("PNC 98/12345X", IdentifierKind.PNC_ID),
        ("CRO 123456/12A", IdentifierKind.CRO_NUMBER),
        ("CRO SF 93/123456A", IdentifierKind.CRO_NUMBER),
        ("prison number A1234BC", IdentifierKind.PRISON_NUMBER),
        ("NI AB123456C", IdentifierKind.NI_NUMBER),
        ("NI JG 10 37 92 D", IdentifierKind.NI_NUMBER),
        ("office TS24 7BT", IdentifierKind.POSTCODE),
        ("SW1A 1AA", IdentifierKind.POSTCODE),
        ("M1 1AE", IdentifierKind.POSTCODE),
        ("DOB: 12/01/1990", IdentifierKind.DATE_OF_BIRTH),
        ("D.O.B. 3 June 1979", IdentifierKind.DATE_OF_BIRTH),
        ("date of birth 1990-01-12", IdentifierKind.DATE_OF_BIRTH),
    ],
)
def test_identifier_patterns_are_found_without_the_store(text: str, kind: IdentifierKind) -> None:
    assert kinds(text, EMPTY) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "2015/16 Q3 update: 12 of 20 actions complete",
        "End May 2014; due 31/03/2016; reviewed 1 April 2015",
        "Appendix 3 - Offender profiles - this has been redacted",
        "1,704 offenders, 531 re-offended; ages 18-24 and 25-34",
        "Meeting on the 2nd floor, room B1 2nd",
        "NI BG123456A and QQ123456C",  # BG is never issued; Q is never a first letter
        "Offender 1 Offender 12 <5 * Total",
        "Demo Subject 7 and Demo Subject 070",  # other people, not "Demo Subject 07"
        "TS24 outward code alone",
        "snapshot 3f2a9bd1c0e4a5b6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0",
    ],
)
def test_ordinary_plan_text_is_not_flagged(text: str) -> None:
    assert kinds(text) == []


def test_allowed_values_pass_the_pattern_scan_but_never_a_subjects_own() -> None:
    office = IdentifierSet(postcodes=frozenset({"TS24 8AY"}), allowed=frozenset({"ts24 8ay", "TS24 8AZ"}))
    assert kinds("Civic Centre, TS24 8AZ", office) == []
    assert kinds("Civic Centre, TS24 8AY", office) == [IdentifierKind.POSTCODE]  # a subject lives there


def test_finding_never_contains_the_identifier() -> None:
    text = "Commentary: met Demo Subject 07 (PNC 00/0000007Z) at ZZ99 3AB, DOB 04/03/1987, NI AB123456C"
    findings = scan_text(text, STORE, "on page 4")
    assert {f.kind for f in findings} == {
        IdentifierKind.NAME,
        IdentifierKind.PNC_ID,
        IdentifierKind.POSTCODE,
        IdentifierKind.DATE_OF_BIRTH,
        IdentifierKind.NI_NUMBER,
    }
    for f in findings:
        for secret in ("Demo Subject 07", "0000007", "ZZ99 3AB", "04/03/1987", "123456", "AB123456C"):
            assert secret not in f.describe()
            assert secret not in repr(f)
            assert secret not in f.location
    pnc = next(f for f in findings if f.kind is IdentifierKind.PNC_ID)
    assert pnc.masked == "00/0\u2026Z"
    assert pnc.describe().startswith("a PNC ID (00/0\u2026Z) was found on page 4")
    assert "Commentary" in next(f for f in findings if f.kind is IdentifierKind.NAME).location


def test_context_masks_neighbouring_identifiers() -> None:
    findings = scan_text("PNC 12/345678A Demo Subject 07", STORE, "in the test")
    name = next(f for f in findings if f.kind is IdentifierKind.NAME)
    assert "345678" not in name.location
    assert "\u2026" in name.location


def test_line_numbers_are_reported_for_multiline_text() -> None:
    (finding,) = scan_text("Summary\nAction 2.2\nCommentary: PNC 12/345678A", EMPTY, "on page 4")
    assert finding.location.startswith("on page 4, line 3")


def test_mask_shapes() -> None:
    assert mask("12/345678A", IdentifierKind.PNC_ID) == "12/3\u2026A"
    assert mask("Demo Subject 07", IdentifierKind.NAME) == "D\u2026 S\u2026 0\u2026"
    assert mask("A1234BC", IdentifierKind.PRISON_NUMBER) == "A1\u2026C"
    assert mask("04/03/1987", IdentifierKind.DATE_OF_BIRTH) == "0\u20267"


def test_identifier_set_repr_shows_counts_only() -> None:
    text = repr(STORE)
    assert "Demo" not in text and "ZZ99" not in text
    assert "2 names" in text


def test_dedupe_keeps_the_first_location_of_each_value() -> None:
    a = scan_text("Demo Subject 07", STORE, "on page 1")
    b = scan_text("Demo Subject 07", STORE, "in PDF object 9")
    merged = dedupe([*a, *b])
    assert [f.location for f in merged] == ["on page 1"]
    assert isinstance(merged[0], Finding)


def test_initials_alone_are_not_matched_as_a_name() -> None:
    ids = IdentifierSet(names=frozenset({"J S"}))
    assert kinds("J S attended", ids) == []


def test_placeholder_values_are_not_treated_as_identifiers() -> None:
    ids = IdentifierSet(names=frozenset({"Unknown", "Not known"}), addresses=frozenset({"No fixed abode", "NFA"}))
    assert kinds("Not known to probation; two offenders of no fixed abode (NFA); address unknown", ids) == []


def test_a_large_store_is_scanned_whole() -> None:
    # Speed is measured in bench/, not asserted here; this checks a 5,000-subject store finds the one hit.
    names = frozenset(f"Demo Subject {n:05d}" for n in range(5000))
    pncs = frozenset(f"00/{n:07d}Z" for n in range(5000))
    ids = IdentifierSet(names=names, pnc_ids=pncs)
    text = "Action 2.2 commentary: progress on the accommodation pathway, 12 referrals in 2015/16 Q3. " * 2000
    assert kinds(text + " demo subject 04711", ids) == [IdentifierKind.NAME]
    assert kinds(text, ids) == []
