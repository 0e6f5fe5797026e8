"""The encrypted store: what a user relies on when a laptop is lost, a passphrase mistyped or a file damaged."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from desktop.services.queries import plan_summaries
from desktop.store import (
    NotAStore,
    Store,
    StoreDamaged,
    StoreExists,
    StoreNotFound,
    StoreTooNew,
    WrongPassphrase,
    cipher,
    restore,
)

KNOWN_TEXT = [
    b"Safer Hartlepool Partnership",
    b"Reducing Re-offending",
    b"Prevent intergenerational offending",
    b"Head of Offender Services",
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def test_store_file_wal_and_shm_hold_no_plan_text(demo_store_path: Path, passphrase: str) -> None:
    store = Store.open(demo_store_path, passphrase)
    try:
        with store.session() as s:
            assert plan_summaries(s)  # the plan text is really in there
        files = _siblings(demo_store_path)
        assert Path(f"{demo_store_path}-wal") in files  # WAL is on while open
        for path in files:
            raw = path.read_bytes()
            for text in KNOWN_TEXT:
                assert text not in raw, f"{text!r} found in {path.name}"
            assert not raw.startswith(b"SQLite format 3")
    finally:
        store.close()


def test_standard_sqlite_cannot_read_the_store(demo_store_path: Path) -> None:
    conn = sqlite3.connect(demo_store_path)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    conn.close()


def test_cipher_settings_meet_the_design(store: Store) -> None:
    settings = cipher.settings(store.raw_connection())
    assert settings.problems() == []
    assert settings.kdf_iter >= 256_000
    assert settings.memory_security


def test_wrong_passphrase_is_clear_and_changes_nothing(demo_store_path: Path) -> None:
    before = _digest(demo_store_path)
    with pytest.raises(WrongPassphrase, match="passphrase is not correct"):
        Store.open(demo_store_path, "not the passphrase at all")
    assert _digest(demo_store_path) == before
    assert _siblings(demo_store_path) == [demo_store_path]


def test_flipped_byte_is_reported_as_damage_and_nothing_is_written(demo_store_path: Path, passphrase: str) -> None:
    data = bytearray(demo_store_path.read_bytes())
    offset = len(data) // 2 + 100  # inside a page well past the first (which also carries the key salt)
    data[offset] ^= 0x01
    demo_store_path.write_bytes(bytes(data))
    before = _digest(demo_store_path)
    with pytest.raises(StoreDamaged, match="damaged or has been tampered with"):
        Store.open(demo_store_path, passphrase)
    assert _digest(demo_store_path) == before

    from desktop.services.health import check_store

    report = check_store(demo_store_path, passphrase)
    assert not report.ok
    assert _digest(demo_store_path) == before


def test_missing_and_foreign_files(tmp_path: Path, passphrase: str) -> None:
    with pytest.raises(StoreNotFound):
        Store.open(tmp_path / "nope.pathways", passphrase)

    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(NotAStore, match="unencrypted SQLite"):
        Store.open(plain, passphrase)

    text = tmp_path / "notes.pathways"
    text.write_text("meeting notes")
    with pytest.raises(NotAStore):
        Store.open(text, passphrase)

    other = tmp_path / "other.db"
    conn = sqlcipher.connect(str(other))
    conn.execute(f"PRAGMA key = {cipher.quote_key(passphrase)}")
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAStore, match="not a Pathways store"):
        Store.open(other, passphrase)


def test_create_refuses_to_overwrite(store_path: Path, passphrase: str) -> None:
    Store.create(store_path, passphrase).close()
    with pytest.raises(StoreExists):
        Store.create(store_path, passphrase)


def test_backup_restore_round_trip(demo_store: Store, tmp_path: Path, passphrase: str) -> None:
    backup = tmp_path / "backup.pathways"
    demo_store.backup(backup, "a separate backup passphrase")
    with demo_store.session() as s:
        expected = plan_summaries(s)

    with pytest.raises(WrongPassphrase):
        Store.open(backup, passphrase)
    raw = backup.read_bytes()
    assert all(text not in raw for text in KNOWN_TEXT)

    restored = restore(backup, "a separate backup passphrase", tmp_path / "restored.pathways", passphrase)
    with Store.open(restored, passphrase) as again, again.session() as s:
        assert plan_summaries(s) == expected

    with pytest.raises(StoreExists):
        restore(backup, "a separate backup passphrase", restored)
    with pytest.raises(StoreExists):
        demo_store.backup(backup, "anything")


def test_backup_refuses_an_empty_key(store: Store, tmp_path: Path) -> None:
    with pytest.raises(WrongPassphrase, match="non-empty"):
        store.backup(tmp_path / "plain-copy.pathways", "")
    assert not (tmp_path / "plain-copy.pathways").exists()


def test_change_passphrase(store_path: Path, passphrase: str) -> None:
    with Store.create(store_path, passphrase) as s:
        s.change_passphrase("a brand new long passphrase")
    with pytest.raises(WrongPassphrase):
        Store.open(store_path, passphrase)
    Store.open(store_path, "a brand new long passphrase").close()


def test_store_from_a_newer_version_is_refused(store_path: Path, passphrase: str) -> None:
    with Store.create(store_path, passphrase) as s:
        s.raw_connection().execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = _digest(store_path)
    with pytest.raises(StoreTooNew, match="newer version"):
        Store.open(store_path, passphrase)
    assert _digest(store_path) == before


def test_session_rolls_back_on_error(store: Store) -> None:
    from desktop.models import Partnership

    with pytest.raises(RuntimeError), store.session() as s:
        s.add(Partnership(name="Half-written"))
        s.flush()
        raise RuntimeError("boom")
    with store.session() as s:
        assert s.query(Partnership).count() == 0


def test_damage_to_the_first_page_reads_as_a_wrong_passphrase(demo_store_path: Path, passphrase: str) -> None:
    # SQLCipher checks the key with page 1's HMAC, so damage there cannot be told from a wrong key; the message
    # says both, and nothing is written.
    data = bytearray(demo_store_path.read_bytes())
    data[200] ^= 0x01
    demo_store_path.write_bytes(bytes(data))
    before = _digest(demo_store_path)
    with pytest.raises(WrongPassphrase, match="start of the file is damaged"):
        Store.open(demo_store_path, passphrase)
    assert _digest(demo_store_path) == before
