"""Raw SQLCipher connections: keying, hardening pragmas and the cipher-settings assertion.

Everything that touches the cipher lives here so the rest of the store sees an ordinary DB-API connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3.dbapi2 as sqlcipher

from desktop.store.errors import NotAStore, StoreDamaged, WrongPassphrase

if TYPE_CHECKING:
    # sqlcipher3 ships no type information; its DB-API connection is the sqlite3 one, keyed.
    from sqlite3 import Connection as Connection
    from sqlite3 import DatabaseError as DatabaseError
else:
    Connection = sqlcipher.Connection
    DatabaseError = sqlcipher.DatabaseError

PAGE_SIZE = 4096
MIN_KDF_ITER = 256_000
PLAINTEXT_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class CipherSettings:
    version: str
    cipher: str
    kdf_iter: int
    kdf_algorithm: str
    hmac_algorithm: str
    page_size: int
    memory_security: bool

    def problems(self) -> list[str]:
        out = []
        if not self.version.startswith("4."):
            out.append(f"SQLCipher {self.version} is older than 4")
        if self.cipher.upper() != "AES-256-CBC":
            out.append(f"cipher is {self.cipher}, expected AES-256-CBC")
        if self.kdf_iter < MIN_KDF_ITER:
            out.append(f"key derivation uses {self.kdf_iter} iterations, fewer than {MIN_KDF_ITER}")
        if self.kdf_algorithm != "PBKDF2_HMAC_SHA512":
            out.append(f"key derivation is {self.kdf_algorithm}, expected PBKDF2_HMAC_SHA512")
        if self.hmac_algorithm != "HMAC_SHA512":
            out.append(f"page HMAC is {self.hmac_algorithm}, expected HMAC_SHA512")
        if not self.memory_security:
            out.append("cipher memory security is off")
        return out


def quote_key(passphrase: str) -> str:
    """A SQL string literal for PRAGMA key / ATTACH … KEY (PRAGMAs take no bound parameters)."""
    if not passphrase:
        raise WrongPassphrase("An empty passphrase is not allowed.")
    if "\x00" in passphrase:
        raise WrongPassphrase("A passphrase cannot contain a NUL character.")
    return "'" + passphrase.replace("'", "''") + "'"


def key_literal(passphrase: str, key: bytes | None = None) -> str:
    """What PRAGMA key takes: the raw key when it was derived already (see keys.py), else the passphrase."""
    if key is not None:
        return f"\"x'{key.hex()}'\""
    return quote_key(passphrase)


def sniff(path: Path) -> None:
    """Reject files that cannot be an encrypted store before handing them to SQLCipher."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(16)
    if head == PLAINTEXT_SQLITE_MAGIC:
        raise NotAStore(f"{path.name} is an unencrypted SQLite database, not a Pathways store.")
    if size < PAGE_SIZE:
        raise NotAStore(f"{path.name} is not a Pathways store (too small to be one).")
    if size % PAGE_SIZE:
        raise StoreDamaged(f"{path.name} is damaged: its size is not a whole number of pages (truncated?).")


def connect(
    path: Path, passphrase: str, *, create: bool = False, key: bytes | None = None, read_only: bool = False
) -> Connection:
    """Open and key a connection; verify the key by reading the schema. Never writes with a wrong key.

    ``key``: the key already derived from ``passphrase`` (keys.py), used instead of it. ``read_only`` leaves the
    file's journal mode as it is: switching a backup (written in rollback mode) to WAL rewrites its header, so a
    backup that is only read (restore, check) would otherwise change, even a tampered one.
    """
    if not create:
        sniff(path)
    quote_key(passphrase)  # refuses an empty passphrase or a NUL however the store is keyed
    conn: Connection = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key_literal(passphrase, None if create else key)}")
        conn.execute("PRAGMA cipher_memory_security = ON")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except DatabaseError:
            raise WrongPassphrase(
                "The passphrase is not correct for this store (or the start of the file is damaged)."
            ) from None
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        # 32 MB page cache (default 2 MB of pages): large imports and 10,000-action plans stay in memory, where
        # pages are already decrypted.
        conn.execute("PRAGMA cache_size = -32000")
        if read_only:
            return conn
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a laptop that loses power mid-quarter keeps every update the user saw saved.
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def settings(conn: Connection) -> CipherSettings:
    def one(pragma: str) -> str:
        row = conn.execute(f"PRAGMA {pragma}").fetchone()
        return str(row[0]) if row else ""

    return CipherSettings(
        version=one("cipher_version").split()[0],
        cipher=one("cipher"),
        kdf_iter=int(one("kdf_iter") or 0),
        kdf_algorithm=one("cipher_kdf_algorithm"),
        hmac_algorithm=one("cipher_hmac_algorithm"),
        page_size=int(one("cipher_page_size") or 0),
        memory_security=one("cipher_memory_security") == "1",
    )


def integrity_problems(conn: Connection, *, full: bool) -> list[str]:
    """Page HMACs (tampering) then SQLite's own structure check. Empty list: intact."""
    problems: list[str] = []
    try:
        problems += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    except DatabaseError as exc:
        return problems + [f"unreadable page ({exc})"]
    problems += [str(r[0]) for r in rows if str(r[0]) != "ok"]
    return problems


def export_copy(conn: Connection, dest: Path, passphrase: str) -> None:
    """Write an encrypted copy of the open database to ``dest`` keyed with ``passphrase``.

    SQLCipher writes a *plaintext* copy when the key is empty, so an empty key is refused here, at the only place
    copies are made.
    """
    if not passphrase:
        raise WrongPassphrase("A backup needs a non-empty passphrase; refusing to write an unencrypted copy.")
    key = quote_key(passphrase)
    conn.execute(f"ATTACH DATABASE ? AS backup_target KEY {key}", (str(dest),))
    try:
        conn.execute("SELECT sqlcipher_export('backup_target')")
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA backup_target.user_version = {int(version)}")
    finally:
        conn.execute("DETACH DATABASE backup_target")

