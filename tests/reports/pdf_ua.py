"""What the accessibility tests look at in a finished PDF: the PDF/UA checker's errors, pdfinfo and pdffonts (the
tools a council's web team would run), and the structure tree read back with pikepdf."""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
from pdfua import Severity, validate
from pdfua.document import as_integer
from report_fixtures import require_tool


def ua_errors(pdf: bytes) -> list[str]:
    """PDF/UA-1 checker (pdfua) findings of error severity, as "RULE page N: message"."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.pdf"
        path.write_bytes(pdf)
        report = validate(str(path))
    return [f"{f.rule_id} page {f.location.page}: {f.message}" for f in report.findings
            if f.severity is Severity.ERROR]


def pdfinfo_tagged(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.pdf"
        path.write_bytes(pdf)
        out = subprocess.run([require_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Tagged:"))


def unembedded_fonts(pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.pdf"
        path.write_bytes(pdf)
        out = subprocess.run([require_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return [row.split()[0] for row in rows if row.split()[-5] != "yes"]


def elements(pdf: pikepdf.Pdf) -> Iterator[tuple[int, pikepdf.Dictionary]]:
    """(depth, structure element) in reading order."""
    def walk(node: Any, depth: int) -> Iterator[tuple[int, pikepdf.Dictionary]]:
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        yield depth, node
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            yield from walk(kid, depth + 1)

    root = pdf.Root.StructTreeRoot.K
    for top in (root if isinstance(root, pikepdf.Array) else [root]):
        yield from walk(top, 0)


def roles(pdf: pikepdf.Pdf) -> Counter[str]:
    return Counter(str(e.S) for _, e in elements(pdf))


def marked_ids(page: pikepdf.Page) -> list[int]:
    """MCIDs of the page's marked-content sequences, in content order."""
    out = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            out.append(int(operands[1].MCID))
    return out


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    out: dict[int, Any] = {}

    def walk(node: Any) -> None:
        nums = node.get("/Nums")
        if nums is not None:
            for i in range(0, len(nums), 2):
                out[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(pdf.Root.StructTreeRoot.ParentTree)
    return out


def owns(element: pikepdf.Dictionary, mcid: int) -> bool:
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if as_integer(kid) == mcid:
            return True
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" and int(kid.MCID) == mcid:
            return True
    return False
