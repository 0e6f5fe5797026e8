"""`pathways check`: cipher settings, page integrity, schema version, audit chain and snapshot chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.services.audit import verify_chain
from desktop.services.periods import verify_snapshots
from desktop.store import Store, cipher, schema
from desktop.store.errors import StoreDamaged


@dataclass(frozen=True)
class CheckItem:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class CheckReport:
    path: str
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)


def check_store(path: Path, passphrase: str) -> CheckReport:
    """Read-only: opens without migrating, reports every problem found, changes nothing."""
    report = CheckReport(str(path))
    try:
        store = Store.open(path, passphrase, read_only=True)
    except StoreDamaged as exc:
        report.items.append(CheckItem("integrity", False, str(exc)))
        return report
    with store:
        conn = store.raw_connection()
        settings = cipher.settings(conn)
        problems = settings.problems()
        report.items.append(CheckItem(
            "cipher", not problems,
            "; ".join(problems) or f"SQLCipher {settings.version}, {settings.cipher}, {settings.kdf_algorithm} "
            f"({settings.kdf_iter:,} iterations), {settings.hmac_algorithm} per {settings.page_size}-byte page",
        ))
        damage = cipher.integrity_problems(conn, full=True)
        report.items.append(CheckItem("integrity", not damage,
                                      f"{len(damage)} problem(s): {damage[0]}" if damage else "every page intact"))
        with store.engine.connect() as connection:
            current = schema.current_revision(connection)
        head = schema.head_revision()
        report.items.append(CheckItem("schema", current == head,
                                      f"version {current}" + ("" if current == head else f", expected {head}")))
        with store.session() as session:
            chain = verify_chain(session)
            report.items.append(CheckItem("audit trail", chain.ok,
                                          "; ".join(chain.problems) or f"{chain.events} events, chain unbroken"))
            snaps = verify_snapshots(session)
            report.items.append(CheckItem("snapshots", not snaps,
                                          "; ".join(p.message for p in snaps) or "every closed quarter intact"))
    return report
