"""Encrypted vs plain SQLite, same SQLite build, same workload, one run (DESIGN §4; issue #2 benchmark).

Prints: unlock (passphrase → plan tree data on a 10,000-action store), creating 10,000 actions with 100,000
updates, loading the plan's action rows with the latest RAG per action; and the encrypted/plain ratio of each.
Aim: every ratio ≤ 1.3; unlock ≤ 0.5 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from bench.common import build_large_plan, ms, table, timed
from desktop.models import Base
from desktop.services.readmodels import load_rows
from desktop.store import Store, cipher

PASSPHRASE = "benchmark passphrase for the store"


def _plain_store(path: Path) -> Store:
    # The same SQLite (from the sqlcipher3 wheel) with no key: an ordinary unencrypted database.
    conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    for pragma in ("foreign_keys = ON", "temp_store = MEMORY", "journal_mode = WAL", "synchronous = FULL"):
        conn.execute(f"PRAGMA {pragma}")
    return Store(path, conn)


def _open_plain(path: Path) -> Store:
    return _plain_store(path)


def main() -> str:
    folder = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    enc_path, plain_path = folder / "enc.pathways", folder / "plain.db"
    results: dict[str, dict[str, float]] = {"encrypted": {}, "plain": {}}

    for kind, make in (("encrypted", lambda: Store.create(enc_path, PASSPHRASE)),
                       ("plain", lambda: _plain_store(plain_path))):
        store = make()
        if kind == "plain":
            Base.metadata.create_all(store.engine)
        start = time.perf_counter()
        with store.session() as s:
            plan_id = build_large_plan(s, actions=10_000, updates_per_action=10)
        results[kind]["create"] = time.perf_counter() - start

        def load(store: Store = store, plan_id: int = plan_id) -> None:
            with store.session() as s:
                rows = load_rows(s, plan_id)
            assert len(rows) == 10_000

        results[kind]["load"] = timed(load, repeat=5)[0]
        store.close()

    def unlock_encrypted() -> None:
        with Store.open(enc_path, PASSPHRASE) as store, store.session() as s:
            load_rows(s, 1)

    def unlock_plain() -> None:
        with _open_plain(plain_path) as store, store.session() as s:
            load_rows(s, 1)

    results["encrypted"]["unlock"] = timed(unlock_encrypted, repeat=5)[0]
    results["plain"]["unlock"] = timed(unlock_plain, repeat=5)[0]
    size_enc, size_plain = enc_path.stat().st_size, plain_path.stat().st_size

    with Store.open(enc_path, PASSPHRASE) as store:
        key_start = time.perf_counter()
        cipher.settings(store.raw_connection())
    del key_start

    labels = {
        "unlock": "unlock: passphrase → 10,000 action rows with latest RAG (median of 5)",
        "create": "create 10,000 actions + 100,000 updates (bulk, one transaction)",
        "load": "load plan's action rows with latest RAG per action (median of 5)",
    }
    rows = []
    for key in ("unlock", "create", "load"):
        enc, plain = results["encrypted"][key], results["plain"][key]
        rows.append([labels[key], ms(enc), ms(plain), f"{enc / plain:.2f}"])
    rows.append(["file size", f"{size_enc / 1e6:.1f} MB", f"{size_plain / 1e6:.1f} MB", f"{size_enc / size_plain:.2f}"])
    return table(["store workload", "encrypted", "plain SQLite", "ratio"], rows)


if __name__ == "__main__":
    print(main())
