"""Encrypted vs plain SQLite, same SQLite build, same workload, one run (DESIGN §4; issues #2 and #17).

Prints: unlock on a 10,000-action, 100,000-update store: the whole-file check first, then all rows (how `pathways`
commands open); and the desktop's way (the check after the first reads): passphrase → the plan's first rows (what
the table shows first: the plan, its structure and its first rows with their latest RAG) and passphrase → all
10,000 rows, with the key derived after Enter and while the passphrase was typed; then creating the store's content
and loading the rows. Encrypted and plain runs alternate, so each ratio compares runs made side by side. Aim
(issue #17): first rows ≤ 0.5 s and unlock ≤ 1.3× plain, with the key derivation cost (256,000 PBKDF2-HMAC-SHA512
iterations) unchanged.
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from bench.common import build_large_plan, ms, table, timed
from desktop.models import Base
from desktop.services.readmodels import load_plan, load_rows
from desktop.store import Store, cipher, keys, schema
from desktop.ui.workspace import FIRST_PAGE

PASSPHRASE = "benchmark passphrase for the store"
REPEAT = 7


def _plain_connection(path: Path) -> cipher.Connection:
    # The same SQLite (from the sqlcipher3 wheel) with no key, and the same pragmas as cipher.connect.
    conn: cipher.Connection = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    for pragma in ("foreign_keys = ON", "temp_store = MEMORY", "cache_size = -32000", "journal_mode = WAL",
                   "synchronous = FULL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _plain_store(path: Path) -> Store:
    return Store(path, _plain_connection(path))


def _open_plain(path: Path) -> Store:
    """What Store.open does after keying, on the unencrypted copy: is it a Pathways store, is its schema current."""
    conn = _plain_connection(path)
    Store._require_pathways(path, conn)
    store = Store(path, conn)
    store._ensure_schema(PASSPHRASE, migrate=False)
    return store


def _rows(store: Store) -> None:
    with store.session() as s:
        assert len(load_rows(s, 1)) == 10_000


def _first_rows(store: Store) -> None:
    """What the desktop reads before it shows the table (workspace.open_store)."""
    with store.session() as s:
        data = load_plan(s, 1, first=FIRST_PAGE)
        assert len(data.rows) == FIRST_PAGE and data.total_actions == 10_000


def main() -> str:
    folder = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    enc_path, plain_path = folder / "enc.pathways", folder / "plain.db"
    results: dict[str, dict[str, float]] = {"encrypted": {}, "plain": {}}

    for kind, make in (("encrypted", lambda: Store.create(enc_path, PASSPHRASE)),
                       ("plain", lambda: _plain_store(plain_path))):
        store = make()
        if kind == "plain":
            Base.metadata.create_all(store.engine)
            with store.engine.begin() as connection:
                schema.stamp_head(connection)
        start = time.perf_counter()
        with store.session() as s:
            build_large_plan(s, actions=10_000, updates_per_action=10)
        results[kind]["create"] = time.perf_counter() - start
        results[kind]["load"] = timed(lambda store=store: _rows(store), repeat=5)[0]  # type: ignore[misc]
        store.close()

    kinds = ("check first", "cold first", "cold", "primed first", "primed", "plain first", "plain")
    samples: dict[str, list[float]] = {k: [] for k in (*kinds, "check done", "kdf")}
    cpu_samples: dict[str, list[float]] = {k: [] for k in kinds}

    def check_first() -> None:
        with Store.open(enc_path, PASSPHRASE) as store:
            _rows(store)

    def desktop(primed: bool) -> Callable[[], None]:
        kind = "primed" if primed else "cold"

        def run() -> None:
            if primed:
                keys.primer.prime(enc_path, PASSPHRASE)
                keys.primer.wait()  # the pause between the last key and Enter
            start, cpu = time.perf_counter(), time.process_time()
            store = Store.open(enc_path, PASSPHRASE, check_later=True)
            _first_rows(store)
            samples[f"{kind} first"].append(time.perf_counter() - start)
            cpu_samples[f"{kind} first"].append(time.process_time() - cpu)
            _rows(store)  # the rest, as the desktop reads them after showing the first
            samples[kind].append(time.perf_counter() - start)
            cpu_samples[kind].append(time.process_time() - cpu)
            store.start_integrity_check()  # as the desktop does once every row is read
            store.wait_for_integrity()
            if not primed:
                samples["check done"].append(time.perf_counter() - start)
            assert store.integrity == "intact"
            store.close()
        return run

    def plain() -> None:
        start, cpu = time.perf_counter(), time.process_time()
        with _open_plain(plain_path) as store:
            _first_rows(store)
            samples["plain first"].append(time.perf_counter() - start)
            cpu_samples["plain first"].append(time.process_time() - cpu)
            _rows(store)
        samples["plain"].append(time.perf_counter() - start)
        cpu_samples["plain"].append(time.process_time() - cpu)

    salt = keys.read_salt(enc_path)
    assert salt is not None
    for _ in range(REPEAT):  # interleaved, so every ratio compares neighbours
        start, cpu = time.perf_counter(), time.process_time()
        check_first()
        samples["check first"].append(time.perf_counter() - start)
        cpu_samples["check first"].append(time.process_time() - cpu)
        plain()
        desktop(primed=False)()
        plain()
        desktop(primed=True)()
        start = time.perf_counter()
        hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), salt, keys.KDF_ITER, keys.KEY_BYTES)
        samples["kdf"].append(time.perf_counter() - start)

    med = {k: statistics.median(v) for k, v in samples.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu_samples.items()}
    size_enc, size_plain = enc_path.stat().st_size, plain_path.stat().st_size

    unlock_rows = [
        ["check first, then all rows (how `pathways` commands open)", "check first", "plain"],
        ["Enter → first rows; key derived after Enter (desktop)", "cold first", "plain first"],
        ["Enter → all 10,000 rows; key derived after Enter (desktop)", "cold", "plain"],
        ["Enter → first rows; key derived while typing (desktop)", "primed first", "plain first"],
        ["Enter → all 10,000 rows; key derived while typing (desktop)", "primed", "plain"],
    ]
    rows = [[f"unlock: {label}", ms(med[key]), ms(med[base]), f"{med[key] / med[base]:.2f}"]
            for label, key, base in unlock_rows]
    cpu_rows = [[f"unlock: {label}", ms(cpu_med[key]), ms(cpu_med[base]), f"{cpu_med[key] / cpu_med[base]:.2f}"]
                for label, key, base in unlock_rows]
    labels = {
        "create": "create 10,000 actions + 100,000 updates (bulk, one transaction)",
        "load": "load plan's action rows with latest RAG per action (open store, median of 5)",
    }
    for key in ("create", "load"):
        enc, plain_value = results["encrypted"][key], results["plain"][key]
        rows.append([labels[key], ms(enc), ms(plain_value), f"{enc / plain_value:.2f}"])
    rows.append(["file size", f"{size_enc / 1e6:.1f} MB", f"{size_plain / 1e6:.1f} MB", f"{size_enc / size_plain:.2f}"])
    notes = (
        "\nThe CPU table is less moved by other work on the machine than the wall clock (the key derivation and the "
        "check run on other threads, so their CPU is counted too; a primed key was derived before the timing)."
        f"\nUnlock figures are medians of {REPEAT} runs, encrypted and plain alternating; first rows = the plan, its "
        f"structure and its first {FIRST_PAGE} action rows in plan order (what the desktop shows first), all rows = "
        "the plan's 10,000 action rows with their latest RAG, read through the desktop's read model. The plain store "
        "is opened the same way minus the key (same checks that it is a Pathways store of the current schema).\n"
        f"Key derivation alone (256,000 PBKDF2-HMAC-SHA512 iterations, unchanged): {ms(med['kdf'])}. "
        f"Whole-file check (every page's HMAC + SQLite quick_check, on its own connection, started once every row "
        f"is read) done {ms(med['check done'])} after Enter (key derived after Enter); no write is committed before "
        "it has passed."
    )
    cpu_table = table(["CPU time of the same runs (every thread of the process)", "encrypted", "plain SQLite",
                       "ratio"], cpu_rows)
    return (table(["store workload (wall clock)", "encrypted", "plain SQLite", "ratio"], rows) + "\n\n" + cpu_table
            + "\n" + notes)


if __name__ == "__main__":
    print(main())
