"""--html on update-pdf and agenda-pack: the web version beside the signed PDF, from the same data."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from desktop.cli import main

PASSPHRASE = "test passphrase: Tees Valley 2015"  # as tests/conftest.py


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", PASSPHRASE)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class _Page(HTMLParser):
    """The parts of a page an accessibility review looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_update_html_is_self_contained_links_the_signed_pdf_and_has_accessible_tables_and_chart(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    pdf, html = tmp_path / "update.pdf", tmp_path / "update.html"
    code, out, err = _run(capsys, "update-pdf", str(demo_store_path), "--plan", "Durham", "--period", "2015/16 Q3",
                          "--out", str(pdf), "--html", str(html))
    assert code == 0, err
    assert f"Wrote {html}" in out
    page = _parse(html)
    text = " ".join(page.text)
    assert page.lang == "en-GB"
    links = [a.get("href") for tag, a in page.tags if tag == "a"]
    assert "update.pdf" in links  # relative: the two files are published side by side
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in text
    snapshot = re.search(r"Snapshot SHA-256 ([0-9a-f]{64})", " ".join(text.split()))
    assert snapshot is not None
    assert not [t for t, a in page.tags if t in ("script", "link", "iframe")]
    assert not [a for t, a in page.tags if (a.get("src") or "").startswith("http")]
    headers = [a for tag, a in page.tags if tag == "th"]
    assert headers and all(a.get("scope") in ("col", "row") for a in headers)
    assert sum(1 for tag, _ in page.tags if tag == "caption") >= 3
    svg = [a for tag, a in page.tags if tag == "svg"]
    assert svg and svg[0].get("role") == "img" and svg[0].get("aria-labelledby")
    description = re.search(r"Bar chart of the number of actions in each status, by objective: [^<]*\d", text)
    assert description is not None
    assert "Exceptions" in text and "1.1" in text  # the same sections and actions as the PDF


def test_agenda_front_sheet_html_lists_the_items_with_the_packs_page_ranges(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    pdf, html = tmp_path / "pack.pdf", tmp_path / "agenda.html"
    code, out, err = _run(capsys, "agenda-pack", str(demo_store_path), "--meeting", "2016-02-15", "--out", str(pdf),
                          "--html", str(html))
    assert code == 0, err
    ranges = re.findall(r"\(Pages? \d+(?: – \d+)?\)", out)
    text = " ".join(_parse(html).text)
    assert ranges and all(r in text for r in ranges)
    assert "pack.pdf" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["update.txt", "missing/update.html", "update.pdf"])
def test_a_bad_html_target_is_refused_before_anything_is_written(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None, name: str
) -> None:
    pdf = tmp_path / "update.pdf"
    code, _, err = _run(capsys, "update-pdf", str(demo_store_path), "--plan", "Durham", "--period", "2015/16 Q3",
                        "--out", str(pdf), "--html", str(tmp_path / name))
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    assert not pdf.exists()


def test_agenda_pack_warns_the_clerk_of_an_untagged_paper(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    code, _, err = _run(capsys, "agenda-pack", str(demo_store_path), "--meeting", "2016-02-15", "--part", "b",
                        "--out", str(tmp_path / "part-b.pdf"))
    assert code == 0  # the pack is still built: the clerk decides
    assert "Warning: “Appendix 2: Review action plan” is not a tagged PDF" in err
    code, _, err = _run(capsys, "agenda-pack", str(demo_store_path), "--meeting", "2016-02-15",
                        "--out", str(tmp_path / "part-a.pdf"))
    assert code == 0 and "not a tagged PDF" not in err
