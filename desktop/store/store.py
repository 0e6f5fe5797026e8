"""The encrypted store: create, open (unlock), units of work, passphrase change, backup, restore, close.

One long-lived SQLCipher connection per open store: key derivation costs ~0.1 s per connection, and a single
connection serialises access (the GUI touches the store from one worker thread only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from desktop.models import Base, StoreMeta
from desktop.store import cipher, schema
from desktop.store.errors import NotAStore, StoreDamaged, StoreError, StoreExists, StoreNotFound, StoreTooNew

APP_MARK = "pathways"


class Store:
    """An unlocked store. Obtain one with :meth:`create` or :meth:`open`; call :meth:`close` to lock."""

    def __init__(self, path: Path, conn: cipher.Connection) -> None:
        self.path = path
        self._conn: cipher.Connection | None = conn
        # The engine reuses the one keyed connection; the passphrase itself is not kept anywhere.
        self.engine: Engine = create_engine(
            "sqlite://", creator=lambda: conn, poolclass=StaticPool, future=True
        )
        # SQLAlchemy's pysqlite emulation issues BEGIN itself when the driver is in autocommit mode.
        event.listen(self.engine, "begin", lambda c: c.exec_driver_sql("BEGIN"))
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # ---- lifecycle

    @classmethod
    def create(cls, path: Path | str, passphrase: str) -> Store:
        path = Path(path)
        if path.exists():
            raise StoreExists(f"{path.name} already exists; choose a new file name.")
        path.parent.mkdir(parents=True, exist_ok=True)
        old_umask = os.umask(0o077)
        try:
            conn = cipher.connect(path, passphrase, create=True)
        finally:
            os.umask(old_umask)
        store = cls(path, conn)
        try:
            Base.metadata.create_all(store.engine)
            with store.engine.begin() as connection:
                schema.stamp_head(connection)
            with store.session() as s:
                now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                for key, value in {"app": APP_MARK, "store_id": str(uuid.uuid4()), "created_at": now}.items():
                    s.add(StoreMeta(key=key, value=value))
        except BaseException:
            store.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return store

    @classmethod
    def open(cls, path: Path | str, passphrase: str, *, migrate: bool = True, read_only: bool = False) -> Store:
        """Unlock a store. ``read_only``: for reading a file that must not change (a backup being restored, a store
        being checked); implies no migration."""
        path = Path(path)
        if not path.is_file():
            raise StoreNotFound(f"No store at {path}.")
        migrate = migrate and not read_only
        conn = cipher.connect(path, passphrase, read_only=read_only)
        try:
            problems = cipher.integrity_problems(conn, full=False)
            if problems:
                raise StoreDamaged(
                    f"{path.name} is damaged or has been tampered with ({len(problems)} problem(s) found); "
                    "restore it from a backup."
                )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "store_meta" not in tables or "alembic_version" not in tables:
                raise NotAStore(f"{path.name} is an encrypted database but not a Pathways store.")
            mark = conn.execute("SELECT value FROM store_meta WHERE key = 'app'").fetchone()
            if not mark or mark[0] != APP_MARK:
                raise NotAStore(f"{path.name} is an encrypted database but not a Pathways store.")
        except BaseException:
            conn.close()
            raise
        store = cls(path, conn)
        try:
            store._ensure_schema(passphrase, migrate=migrate)
        except BaseException:
            store.close()
            raise
        return store

    def _ensure_schema(self, passphrase: str, *, migrate: bool) -> None:
        with self.engine.connect() as connection:
            current = schema.current_revision(connection)
        head = schema.head_revision()
        if current == head:
            return
        if current not in schema.known_revisions():
            raise StoreTooNew(f"{self.path.name} was made by a newer version of Pathways; update Pathways to open it.")
        if not migrate:
            return
        # An encrypted copy first, so a failed migration never costs the user their plan.
        backup = self.path.with_name(f"{self.path.stem}.before-{head[:8]}{self.path.suffix or '.pathways'}")
        if not backup.exists():
            self.backup(backup, passphrase)
        with self.engine.begin() as connection:
            schema.upgrade_to_head(connection)

    def close(self) -> None:
        """Lock: checkpoint, close the connection (SQLCipher wipes the key from memory) and forget it."""
        if self._conn is None:
            return
        self.engine.dispose()
        with contextlib.suppress(cipher.DatabaseError):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()
        self._conn = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- units of work

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back (nothing written) if it raises."""
        self._require()
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.scalar(select(StoreMeta).where(StoreMeta.key == key))
            return row.value if row else None

    # ---- keys and copies

    def change_passphrase(self, new_passphrase: str) -> None:
        conn = self._require()
        conn.execute(f"PRAGMA rekey = {cipher.quote_key(new_passphrase)}")

    def backup(self, dest: Path | str, passphrase: str) -> Path:
        """Encrypted copy of the whole store keyed with ``passphrase``; never overwrites."""
        dest = Path(dest)
        if dest.exists():
            raise StoreExists(f"{dest.name} already exists; backups never overwrite a file.")
        conn = self._require()
        # Written under a hidden name and moved into place whole: a process killed mid-copy (flat battery) leaves
        # no half-written file under the name the user chose, only an encrypted partial one beside it.
        partial = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.partial")
        old_umask = os.umask(0o077)
        try:
            cipher.export_copy(conn, partial, passphrase)
            with partial.open("rb") as fh:
                os.fsync(fh.fileno())
            _move_into_place(partial, dest)
        finally:
            partial.unlink(missing_ok=True)
            os.umask(old_umask)
        return dest

    def raw_connection(self) -> cipher.Connection:
        return self._require()

    def _require(self) -> cipher.Connection:
        if self._conn is None:
            raise StoreError("The store is locked.")
        return self._conn


def _move_into_place(source: Path, dest: Path) -> None:
    """Give ``source`` the name ``dest`` in one step, refusing (never overwriting) a file that appeared meanwhile."""
    try:
        os.link(source, dest)  # atomic, and fails if dest exists
    except FileExistsError:
        raise StoreExists(f"{dest.name} already exists; backups never overwrite a file.") from None
    except OSError:  # a file system without hard links (FAT): rename, after checking again
        if dest.exists():
            raise StoreExists(f"{dest.name} already exists; backups never overwrite a file.") from None
        os.replace(source, dest)


def restore(backup: Path | str, backup_passphrase: str, dest: Path | str, new_passphrase: str | None = None) -> Path:
    """Restore a backup to a *new* file (never over an existing one), keyed with ``new_passphrase`` or the backup's."""
    dest = Path(dest)
    if dest.exists():
        raise StoreExists(f"{dest.name} already exists; restore to a new file name.")
    with Store.open(backup, backup_passphrase, read_only=True) as source:
        source.backup(dest, new_passphrase or backup_passphrase)
    with Store.open(dest, new_passphrase or backup_passphrase):
        pass
    return dest

