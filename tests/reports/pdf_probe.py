"""Reading PDFs back in tests: text per page (pypdf), outline titles, and pdftoppm renders."""

from __future__ import annotations

import io
import subprocess

from pypdf import PdfReader
from report_fixtures import require_tool


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def outline_titles(pdf: bytes) -> list[tuple[int, str]]:
    """(depth, title) for every bookmark, in order."""
    out: list[tuple[int, str]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(item.title)))  # type: ignore[attr-defined]

    walk(PdfReader(io.BytesIO(pdf)).outline, 0)
    return out


def render_gray(pdf: bytes, page: int, dpi: int = 30) -> tuple[int, int, bytes]:
    """Page ``page`` (1-based) as 8-bit greyscale pixels, rendered by poppler's pdftoppm."""
    tool = require_tool("pdftoppm")
    result = subprocess.run(
        [
            tool,
            "-f",
            str(page),
            "-l",
            str(page),
            "-r",
            str(dpi),
            "-gray",
            "-",
        ],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return _parse_pgm(result.stdout)


def _parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P5", fields[0]
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1 : pos + 1 + width * height]
    return width, height, pixels
