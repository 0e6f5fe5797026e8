"""The demonstration data reads like a partnership's papers: no wording written for the test suite (issue #14)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from desktop.resources import resource_path

# Words that belong to a test suite, not to a partnership's plan or a committee's papers.
TEST_WORDING = re.compile(r"\b(used by the tests?|the tests|test suite|[A-Z]+(-[A-Z]+)*-MARKER|lorem ipsum|foo|"
                          r"dummy|placeholder text|xxx+)\b", re.IGNORECASE)


def _demo_texts() -> list[tuple[str, str]]:
    folder = resource_path("demo")
    texts = [(str(p.relative_to(folder)), p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.yaml"))]
    pdftotext = shutil.which("pdftotext")
    for pdf in sorted(folder.rglob("*.pdf")):
        if pdftotext is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        out = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        texts.append((str(pdf.relative_to(folder)), out))
    return texts


def test_demo_files_hold_no_test_wording() -> None:
    texts = _demo_texts()
    assert any(name.endswith(".pdf") for name, _ in texts) and len(texts) > 5
    found = [(name, m.group(0)) for name, text in texts for m in TEST_WORDING.finditer(text)]
    assert found == []


def test_the_pattern_catches_what_it_is_for() -> None:
    assert TEST_WORDING.search("Its wording is used by the tests to prove that")
    assert TEST_WORDING.search("(CLOSED-SESSION-MARKER)")
    assert not TEST_WORDING.search("Tested positive for Class A drugs; contested hearing")
