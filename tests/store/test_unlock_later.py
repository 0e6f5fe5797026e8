"""Unlocking sooner without trusting less: the key derived while typing, the whole-file check after the first
reads, and no write before that check has passed (none at all once it has failed)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from desktop.models import StoreMeta
from desktop.store import Store, StoreDamaged, WrongPassphrase, cipher, integrity, keys


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage_a_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 + 100] ^= 0x01  # well past the first page, which carries the salt and is read on opening
    path.write_bytes(bytes(data))


def test_a_late_failed_check_stops_every_write_and_says_so(demo_store_path: Path, passphrase: str) -> None:
    _damage_a_middle_page(demo_store_path)
    before = _digest(demo_store_path)
    store = Store.open(demo_store_path, passphrase, check_later=True)  # opens: the damaged page is not read yet
    heard: list[tuple[str, str]] = []
    try:
        assert store.wait_for_integrity(timeout=60) == "damaged"
        store.when_checked(lambda state, message: heard.append((state, message)))
        assert heard and heard[0][0] == "damaged" and "restore it from a backup" in heard[0][1]

        with pytest.raises(StoreDamaged, match="will not save anything to it; nothing was saved"), \
                store.session() as s:
            s.add(StoreMeta(key="note", value="written after the damage"))
        with pytest.raises(StoreDamaged):
            store.change_passphrase("otter kiln semaphore lantern")
        # Below the ORM too: the connection itself is now read-only.
        with pytest.raises(sqlcipher.OperationalError):
            store.raw_connection().execute("INSERT INTO store_meta (key, value) VALUES ('raw', 'write')")
        with store.session() as s:  # reading what is intact still works
            assert s.get(StoreMeta, "app") is not None
            assert s.get(StoreMeta, "note") is None
    finally:
        store.close()
    assert _digest(demo_store_path) == before


def test_an_intact_store_opened_early_is_writable(demo_store_path: Path, passphrase: str) -> None:
    with Store.open(demo_store_path, passphrase, check_later=True) as store:
        with store.session() as s:
            s.add(StoreMeta(key="note", value="after the check"))
        assert store.integrity == "intact"
    with Store.open(demo_store_path, passphrase) as again:
        assert again.meta("note") == "after the check"


def _blocking_check(monkeypatch: pytest.MonkeyPatch, problems: list[str]) -> threading.Event:
    """Make the whole-file check wait until the test releases it, then report ``problems``."""
    release = threading.Event()

    def slow_check(conn: cipher.Connection, *, full: bool) -> list[str]:
        release.wait(30)
        return problems

    monkeypatch.setattr(integrity.cipher, "integrity_problems", slow_check)
    return release


@pytest.mark.parametrize("problems", [[], ["page 9: HMAC check failed"]])
def test_a_write_waits_for_the_check(store_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch,
                                     problems: list[str]) -> None:
    Store.create(store_path, passphrase).close()
    release = _blocking_check(monkeypatch, problems)
    store = Store.open(store_path, passphrase, check_later=True)
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            with store.session() as s:
                s.add(StoreMeta(key="note", value="typed in the first second"))
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 — handed to the test thread
            outcome.append(exc)

    try:
        with store.session() as s:  # reading does not wait
            assert s.get(StoreMeta, "app") is not None
        assert store.integrity == "pending"
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive() and not outcome  # held at the commit while the check runs
        release.set()
        writer.join(timeout=30)
        assert len(outcome) == 1
        if problems:
            assert isinstance(outcome[0], StoreDamaged)
            assert store.integrity == "damaged"
        else:
            assert outcome[0] is None and store.integrity == "intact"
        with store.session() as s:
            assert (s.get(StoreMeta, "note") is not None) == (not problems)
    finally:
        release.set()
        store.close()


def test_the_check_waits_to_be_started_and_closing_stops_it(demo_store_path: Path, passphrase: str) -> None:
    store = Store.open(demo_store_path, passphrase, check_later=True)
    with store.session() as s:  # the first reads: nothing competes with them
        assert s.get(StoreMeta, "app") is not None
    assert store.integrity == "pending"
    assert not any(t.name == "pathways-integrity" for t in threading.enumerate())
    store.start_integrity_check()
    store.close()
    assert store.integrity in ("intact", "stopped")
    assert not any(t.name == "pathways-integrity" and t.is_alive() for t in threading.enumerate())
    never_started = Store.open(demo_store_path, passphrase, check_later=True)
    never_started.close()
    assert never_started.integrity == "stopped"


def test_a_wrong_passphrase_is_refused_early_too(demo_store_path: Path) -> None:
    before = _digest(demo_store_path)
    with pytest.raises(WrongPassphrase):
        Store.open(demo_store_path, "not the passphrase at all", check_later=True)
    assert _digest(demo_store_path) == before


@pytest.mark.parametrize("passphrase", ["test passphrase: Tees Valley 2015", "l'été est très long, même à Hartlepool"])
def test_the_key_derived_in_python_is_sqlciphers_key(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "s.pathways"
    Store.create(path, passphrase).close()
    salt = keys.read_salt(path)
    assert salt is not None
    conn = sqlcipher.connect(str(path))
    try:
        conn.execute(f"PRAGMA key = {cipher.key_literal(passphrase, keys.derive(passphrase, salt))}")
        assert conn.execute("SELECT value FROM store_meta WHERE key = 'app'").fetchone() == ("pathways",)
    finally:
        conn.close()


def test_a_primed_key_is_handed_over_once_and_only_for_its_passphrase(store_path: Path, passphrase: str) -> None:
    Store.create(store_path, passphrase).close()
    primer = keys.KeyPrimer()
    primer.prime(store_path, "not the passphrase")
    primer.prime(store_path, passphrase)  # the newer request wins
    assert primer.wait(timeout=30)  # the pause before Enter
    key = primer.take(store_path, passphrase)
    salt = keys.read_salt(store_path)
    assert salt is not None and key == keys.derive(passphrase, salt)
    assert primer.take(store_path, passphrase) is None  # handed over once
    assert primer.take(store_path, "not the passphrase") is None
    primer.prime(store_path, passphrase)
    primer.clear()
    assert primer.take(store_path, passphrase) is None


def test_typing_faster_than_a_derivation_never_makes_unlocking_wait_twice(store_path: Path, passphrase: str) -> None:
    Store.create(store_path, passphrase).close()
    primer = keys.KeyPrimer()
    for end in range(1, len(passphrase) + 1):  # every prefix, as fast as a test can type
        primer.prime(store_path, passphrase[:end])
    # The full passphrase is still queued behind a prefix: take() says so at once, and the caller derives it.
    assert primer.take(store_path, passphrase) is None
    assert primer.wait(timeout=30)
    assert primer.take(store_path, passphrase) is None  # the queued request was dropped, not derived later


def test_unlocking_with_the_primed_key(store_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.create(store_path, passphrase).close()
    primer = keys.KeyPrimer()
    monkeypatch.setattr(keys, "primer", primer)
    primer.prime(store_path, passphrase)
    assert primer.wait(timeout=30)
    with Store.open(store_path, passphrase, check_later=True) as store:
        assert store.meta("app") == "pathways"
        assert store.wait_for_integrity(timeout=60) == "intact"
    primer.prime(store_path, "a different passphrase entirely")
    with pytest.raises(WrongPassphrase):
        Store.open(store_path, "a different passphrase entirely")
