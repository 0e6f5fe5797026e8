"""The encrypted store: create, open (unlock), units of work, passphrase change, backup, restore, close.

One long-lived SQLCipher connection per open store: key derivation costs ~0.1 s per connection, and a single
connection serialises access (the GUI touches the store from one worker thread only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from desktop.models import Base, StoreMeta
from desktop.store import cipher, integrity, keys, schema
from desktop.store.errors import (
    NotAStore,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreNotFound,
    StoreTooNew,
    WrongPassphrase,
)

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
        self._check: integrity.BackgroundCheck | None = None  # the whole-file check, when it runs after opening

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
    def open(
        cls, path: Path | str, passphrase: str, *, migrate: bool = True, check_later: bool = False,
        read_only: bool = False,
    ) -> Store:
        """Unlock ``path``. The whole-file integrity check runs first; or, with ``check_later`` (the desktop, to
        show the plan sooner), when :meth:`start_integrity_check` is called after the first reads. Writes wait for
        it (starting it if need be) and are refused, saying why, if it fails. ``read_only``: for reading a file
        that must not change (a backup being restored, a store being checked); implies no migration."""
        path = Path(path)
        if not path.is_file():
            raise StoreNotFound(f"No store at {path}.")
        migrate = migrate and not read_only
        # Derived while the passphrase was typed, if it was. Otherwise SQLCipher derives it (its own derivation is
        # the quickest), and the later whole-file check derives it again, in the background after the first reads.
        key = keys.primer.take(path, passphrase)
        try:
            conn = cipher.connect(path, passphrase, key=key, read_only=read_only)
        except WrongPassphrase:
            if key is None:
                raise
            key = None  # a store made with other key-derivation settings: its passphrase decides
            conn = cipher.connect(path, passphrase, read_only=read_only)
        check = None
        try:
            if check_later:
                check = integrity.BackgroundCheck(path, passphrase, key)
            else:
                problems = cipher.integrity_problems(conn, full=False)
                if problems:
                    raise StoreDamaged(damage_message(path, problems))
            cls._require_pathways(path, conn)
        except BaseException:
            if check is not None:
                check.stop()
            conn.close()
            raise
        store = cls(path, conn)
        store._check = check
        try:
            store._ensure_schema(passphrase, migrate=migrate)
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def _require_pathways(path: Path, conn: cipher.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "store_meta" not in tables or "alembic_version" not in tables:
            raise NotAStore(f"{path.name} is an encrypted database but not a Pathways store.")
        mark = conn.execute("SELECT value FROM store_meta WHERE key = 'app'").fetchone()
        if not mark or mark[0] != APP_MARK:
            raise NotAStore(f"{path.name} is an encrypted database but not a Pathways store.")

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
        self._require_intact()
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
        if self._check is not None:
            self._check.stop()
        self.engine.dispose()
        with contextlib.suppress(cipher.DatabaseError):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()
        self._conn = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    # ---- the whole-file integrity check

    @property
    def integrity(self) -> str:
        """"intact" (checked before opening, or since), "pending", "damaged" or "stopped"."""
        return integrity.INTACT if self._check is None else self._check.state

    def start_integrity_check(self) -> None:
        """Start the whole-file check of a store opened with ``check_later`` (once; then it does nothing)."""
        if self._check is not None:
            self._check.start()

    def wait_for_integrity(self, timeout: float | None = None) -> str:
        if self._check is not None:
            self._check.wait(timeout)
        return self.integrity

    def when_checked(self, listener: Callable[[str, str], None]) -> None:
        """``listener(state, message)`` once the whole-file check has finished (at once if it has; otherwise on the
        checking thread). ``message`` says what to do when the store is damaged, else it is ""."""
        if self._check is None:
            listener(integrity.INTACT, "")
            return
        self._check.when_done(lambda c: listener(c.state, damage_message(self.path, c.problems)
                                                 if c.state == integrity.DAMAGED else ""))

    def _require_intact(self) -> None:
        """Before anything is written: wait for the whole-file check; refuse if it found damage."""
        check = self._check
        if check is None:
            return
        check.wait()
        if check.state == integrity.DAMAGED:
            conn = self._require()
            # Also below the ORM, for anything that writes on the raw connection.
            conn.execute("PRAGMA query_only = ON")
            raise StoreDamaged(damage_message(self.path, check.problems, refused=True))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- units of work

    @contextlib.contextmanager
    def session(self, *, serializable: bool = False) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back (nothing written) if it raises.

        ``serializable`` is for the server backend's sake (desktop.store.server); one SQLCipher connection already
        runs every transaction serialisably.
        """
        conn = self._require()
        session = self._sessions()
        try:
            changes = conn.total_changes
            yield session
            session.flush()
            if conn.total_changes != changes:
                self._require_intact()
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
        self._require_intact()
        conn.execute(f"PRAGMA rekey = {cipher.quote_key(new_passphrase)}")

    def backup(self, dest: Path | str, passphrase: str) -> Path:
        """Encrypted copy of the whole store keyed with ``passphrase``; never overwrites."""
        dest = Path(dest)
        if dest.exists():
            raise StoreExists(f"{dest.name} already exists; backups never overwrite a file.")
        conn = self._require()
        self._require_intact()
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


def damage_message(path: Path, problems: list[str], *, refused: bool = False) -> str:
    found = f"{path.name} is damaged or has been tampered with ({len(problems)} problem(s) found)"
    if refused:
        return f"{found}, so Pathways will not save anything to it; nothing was saved. Restore it from a backup."
    return f"{found}; restore it from a backup."


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

