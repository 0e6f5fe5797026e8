"""The single way any exporter writes a file: check the finished bytes for identifiers, then write atomically.

Every exporter (PDF update, agenda pack, XLSX/CSV plan export, return forms) builds its output in memory and hands
it to ``write_checked``. If the check finds a direct identifier held in the store, or something shaped like one (a
PNC ID typed into a commentary), nothing is written and ``ExportBlocked`` says what was found where, without
repeating the identifier itself.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models.profiles import ProfileSubject
from desktop.services.disclosure.html_check import check_html
from desktop.services.disclosure.identifiers import Finding, IdentifierSet
from desktop.services.disclosure.output_check import check_csv, check_docx, check_pdf, check_xlsx
from desktop.services.errors import DisclosureBlocked

ExportKind = Literal["pdf", "xlsx", "csv", "docx", "html"]

CHECKS: dict[str, Callable[[bytes, IdentifierSet], list[Finding]]] = {
    "pdf": check_pdf,
    "xlsx": check_xlsx,
    "csv": check_csv,
    "docx": check_docx,
    "html": check_html,
}
_MAX_LISTED = 3


class ExportBlocked(DisclosureBlocked):
    """The disclosure check stopped an export. ``findings`` lists what was found where (masked)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(blocked_message(findings))
        self.findings = tuple(findings)


def blocked_message(findings: Sequence[Finding]) -> str:
    described = [f.describe() for f in findings[:_MAX_LISTED]]
    more = len(findings) - len(described)
    if more:
        described.append(f"{more} more")
    if len(described) == 1:
        listed = described[0]
    else:
        listed = "; ".join(described[:-1]) + "; and " + described[-1]
    return f"Export stopped: {listed}. Nothing was written."


def check_output(content: bytes, kind: ExportKind, identifiers: IdentifierSet) -> list[Finding]:
    check = CHECKS.get(kind)
    if check is None:
        raise ValueError(f"no disclosure check for {kind!r} output")
    return check(content, identifiers)


def write_checked(path: Path, content: bytes, kind: ExportKind, identifiers: IdentifierSet) -> None:
    """Check ``content`` and write it to ``path`` atomically; raise ``ExportBlocked`` and write nothing on a finding.

    The temporary file lives beside the target (so ``os.replace`` is atomic) and only ever holds checked bytes.
    """
    findings = check_output(content, kind, identifiers)
    if findings:
        raise ExportBlocked(findings)
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def identifiers_for(session: Session, *, allowed: Iterable[str] = ()) -> IdentifierSet:
    """Every direct identifier of every profile subject in the store (all plans, all appendices).

    ``allowed``: pattern matches known not to be personal, such as the partnership's own office postcodes.
    """
    names: set[str] = set()
    dobs = set()
    pnc: set[str] = set()
    cro: set[str] = set()
    prison: set[str] = set()
    postcodes: set[str] = set()
    addresses: set[str] = set()
    for s in session.scalars(select(ProfileSubject)):
        for bucket, value in (
            (names, s.name),
            (pnc, s.pnc_id),
            (cro, s.cro_number),
            (prison, s.prison_number),
            (postcodes, s.postcode),
            (addresses, s.address),
        ):
            if value and value.strip():
                bucket.add(value.strip())
        if s.date_of_birth is not None:
            dobs.add(s.date_of_birth)
    return IdentifierSet(
        names=frozenset(names),
        dates_of_birth=frozenset(dobs),
        pnc_ids=frozenset(pnc),
        cro_numbers=frozenset(cro),
        prison_numbers=frozenset(prison),
        postcodes=frozenset(postcodes),
        addresses=frozenset(addresses),
        allowed=frozenset(allowed),
    )
