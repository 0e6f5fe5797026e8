"""The export gate checks HTML like every other export: visible text and what a screen reader announces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.services.disclosure.identifiers import IdentifierSet
from desktop.services.export_gate import ExportBlocked, check_output, write_checked

NAME = "Demo Subject 07"
PNC = "00/0000007Z"
IDS = IdentifierSet(
    names=frozenset({NAME}),
    pnc_ids=frozenset({PNC}),
    dates_of_birth=frozenset({dt.date(1987, 3, 4)}),
    postcodes=frozenset({"ZZ99 3AB"}),
)


def page(body: str) -> bytes:
    return f'<!DOCTYPE html><html lang="en-GB"><head><title>Update</title></head><body>{body}</body></html>'.encode()


def test_a_clean_page_passes_and_is_written(tmp_path: Path) -> None:
    target = tmp_path / "update.html"
    write_checked(target, page("<table><tr><th scope='col'>Status</th></tr><tr><td>Red</td></tr></table>"),
                  "html", IDS)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("body", [
    f"<p>Commentary about {NAME}.</p>",
    f"<table><tr><td>{PNC}</td></tr></table>",
    f'<img alt="Photo of {NAME}" src="data:image/png;base64,AAAA">',
    f'<svg role="img"><title>Chart</title><desc>Offences by {NAME}</desc></svg>',
    f'<a href="mailto:x@example.org" title="{PNC}">contact</a>',
    "<p>Born 04/03/1987, lives at ZZ99&nbsp;3AB</p>",
    f"<p>Demo&#32;Subject&#32;07 named in an entity-escaped form: {NAME.replace(' ', '&#x20;')}</p>",
])
def test_an_identifier_anywhere_a_reader_would_meet_it_blocks_the_page(tmp_path: Path, body: str) -> None:
    target = tmp_path / "update.html"
    assert check_output(page(body), "html", IDS)
    with pytest.raises(ExportBlocked):
        write_checked(target, page(body), "html", IDS)
    assert not target.exists()
