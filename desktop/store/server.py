"""The store on a shared PostgreSQL server: the same models, migrations and services as the encrypted file.

A :class:`ServerStore` offers what the services and the app use of :class:`desktop.store.Store` (units of work,
``meta``, ``close``), so no service knows which backend it runs on. What differs stays here:

- Each person connects as their own database role; row-level security (desktop.store.policies) decides what they
  see and change. The app never connects as the owner.
- Direct identifiers are sealed client-side with the partnership's data key (desktop.store.sealing), derived from
  the data passphrase at unlock; the server stores only ciphertext.
- The audit chain is extended by the database in the writing transaction; sessions say so in ``session.info``.
- Conflicts between concurrent transactions (serialisation failures, deadlocks) become
  :class:`SerializationConflict`, which :func:`desktop.store.units.run_serializable` retries.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterator

from sqlalchemy import URL, Connection, Engine, create_engine, make_url, select, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop.errors import ConcurrentChange
from desktop.models import StoreMeta
from desktop.models.sealed import SEALER_ATTRIBUTE
from desktop.store import policies, schema
from desktop.store.errors import NotAStore, StoreError, StoreTooNew, WrongPassphrase
from desktop.store.integrity import INTACT
from desktop.store.sealing import DataKey, new_salt
from desktop.store.units import CHAINED_BY_DATABASE

APP_MARK = "pathways"
SERVER_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class SerializationConflict(ConcurrentChange):
    """Another transaction changed what this one read; the whole unit of work can be run again."""


def is_server_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(SERVER_SCHEMES)


def server_url(target: str | URL) -> URL:
    """A SQLAlchemy URL on the psycopg 3 driver (plain postgresql:// would mean psycopg2 to SQLAlchemy)."""
    try:
        url = make_url(target)
    except ArgumentError:
        raise StoreError("That is not a server address: use postgresql://role@host/database.") from None
    if url.get_backend_name() != "postgresql":
        raise StoreError("Only PostgreSQL servers are supported: use postgresql://role@host/database.")
    return url.set(drivername="postgresql+psycopg")


def connection_address(address: str, password: str = "") -> str:
    """What the unlock screen's server form hands to open_target: the typed address, checked, with the role's
    password if one was typed (else it comes from the address, ~/.pgpass or PGPASSWORD)."""
    url = server_url(address.strip())
    if not url.username or not url.database:
        raise StoreError("Give your role and the database in the address: postgresql://role@host/database.")
    if password:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)


def describe(url: URL) -> str:
    """The address without its password, for titles and messages."""
    return url.render_as_string(hide_password=True)


def display_name(target: str | URL) -> str:
    """How the app names a server store (window title, unlock screen): its database and host, no role or password."""
    url = server_url(target)
    return f"{url.database or 'postgres'} on {url.host or 'this computer'}"


def _connect_error(url: URL, exc: DBAPIError) -> StoreError:
    first = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else "no answer"
    return StoreError(f"Cannot connect to the server ({describe(url)}): {first}")


class ServerStore:
    """An unlocked server store. Obtain one with :meth:`open`; :meth:`close` drops the connections and the key."""

    backend = "postgresql"

    def __init__(self, engine: Engine, key: DataKey, label: str) -> None:
        self.engine: Engine | None = engine
        self.label = label
        setattr(engine.dialect, SEALER_ATTRIBUTE, key)
        self._sessions = sessionmaker(engine, expire_on_commit=False, info={CHAINED_BY_DATABASE: True})
        self._serializable = sessionmaker(
            engine.execution_options(isolation_level="SERIALIZABLE"), expire_on_commit=False,
            info={CHAINED_BY_DATABASE: True},
        )

    @classmethod
    def open(cls, target: str | URL, passphrase: str, *, pool_size: int = 4) -> ServerStore:
        """Connect as the role in ``target``; check it is a Pathways database at our schema; unlock the data key."""
        url = server_url(target)
        engine = create_engine(url, pool_size=pool_size, max_overflow=2, pool_pre_ping=True,
                               connect_args={"application_name": "pathways"})
        try:
            with engine.connect() as conn:
                meta = _read_meta(conn, url)
                current = schema.current_revision(conn)
        except DBAPIError as exc:
            engine.dispose()
            raise _connect_error(url, exc) from None
        except BaseException:
            engine.dispose()
            raise
        head = schema.head_revision()
        if current != head:
            engine.dispose()
            if current not in schema.known_revisions():
                raise StoreTooNew("The server's database was made by a newer version of Pathways; update Pathways.")
            raise StoreError(f"The server's database is at schema {current}, not {head}: ask its administrator "
                             "to run `pathways server-upgrade`.")
        salt, check = meta.get("server_key_salt"), meta.get("server_key_check")
        if not salt or not check:
            engine.dispose()
            raise NotAStore("The server's database has no data key; it was not provisioned by Pathways.")
        key = DataKey.derive(passphrase, bytes.fromhex(salt))
        if not key.matches(check):
            engine.dispose()
            raise WrongPassphrase("That is not the partnership's data passphrase; nothing was read.")
        return cls(engine, key, describe(url))

    def close(self) -> None:
        if self.engine is None:
            return
        with contextlib.suppress(AttributeError):
            delattr(self.engine.dialect, SEALER_ATTRIBUTE)
        self.engine.dispose()
        self.engine = None

    @property
    def is_open(self) -> bool:
        return self.engine is not None

    def start_integrity_check(self) -> None:
        """Nothing to start: a server keeps its own pages whole; the file check (Store) has no counterpart here."""

    def when_checked(self, listener: Callable[[str, str], None]) -> None:
        """As Store.when_checked: a server is reported intact at once."""
        listener(INTACT, "")

    def __enter__(self) -> ServerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def session(self, *, serializable: bool = False) -> Iterator[Session]:
        """One unit of work (READ COMMITTED, or SERIALIZABLE for a quarter close): committed or rolled back."""
        if self.engine is None:
            raise StoreError("The store is locked.")
        session = (self._serializable if serializable else self._sessions)()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
                raise SerializationConflict(
                    "Someone else changed the same records at the same moment; nothing was saved. Try again."
                ) from None
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.scalar(select(StoreMeta).where(StoreMeta.key == key))
            return row.value if row else None


def _read_meta(conn: Connection, url: URL) -> dict[str, str]:
    try:
        rows = conn.execute(text("SELECT key, value FROM store_meta")).all()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) in ("42P01", "42501"):  # undefined table, insufficient privilege
            raise NotAStore(f"{describe(url)} is not a Pathways database (or this role may not use it).") from None
        raise
    meta = {str(k): str(v) for k, v in rows}
    if meta.get("app") != APP_MARK:
        raise NotAStore(f"{describe(url)} is not a Pathways database (or this role may not use it).")
    return meta


# ---- administration: run with a superuser (or CREATEROLE + CREATEDB) connection, never by the app


def _admin_engine(admin_url: str | URL, database: str | None = None) -> Engine:
    url = server_url(admin_url)
    if database is not None:
        url = url.set(database=database)
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=None)


def provision(admin_url: str | URL, database: str, passphrase: str) -> None:
    """Create the partnership's database: group roles, the database owned by ``pathways_owner``, the schema by the
    same alembic migrations as a file store (run as the owner), the policies, and the data key's salt and check."""
    policies.check_role_name(database)
    admin = _admin_engine(admin_url)
    try:
        with admin.connect() as conn:
            policies.ensure_group_roles(conn)
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).scalar():
                raise StoreError(f"A database called {database} already exists on the server.")
            conn.execute(text(f'CREATE DATABASE "{database}" OWNER {policies.OWNER} ENCODING \'UTF8\' '
                              "TEMPLATE template0"))
            conn.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
    finally:
        admin.dispose()
    key_salt = new_salt()
    key = DataKey.derive(passphrase, key_salt)
    with _owner_connection(admin_url, database) as conn:
        conn.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {policies.APP}"))
        schema.upgrade_to_head(conn)
        policies.apply_policies(conn)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows = {"app": APP_MARK, "store_id": str(uuid.uuid4()), "created_at": now, "audit_head": "0:",
                "server_key_salt": key_salt.hex(), "server_key_check": key.check_value()}
        for k, v in rows.items():
            conn.execute(text("INSERT INTO store_meta (key, value) VALUES (:k, :v)"), {"k": k, "v": v})


def upgrade(admin_url: str | URL, database: str) -> None:
    """Run newer migrations as the owner, then re-apply the policies (new tables are denied until then)."""
    with _owner_connection(admin_url, database) as conn:
        schema.upgrade_to_head(conn)
        policies.apply_policies(conn)


def add_person(admin_url: str | URL, database: str, role: str, kind: str, person_id: int | None,
               password: str | None = None) -> None:
    """Give a person their own login role (coordinator, lead or partner), mapped to their Person."""
    admin = _admin_engine(admin_url, database)
    try:
        with admin.connect() as conn:
            policies.add_principal(conn, database, role, kind, person_id, password)
    finally:
        admin.dispose()


@contextlib.contextmanager
def _owner_connection(admin_url: str | URL, database: str) -> Iterator[Connection]:
    """A transaction acting as ``pathways_owner`` (SET ROLE from the admin login): the owner never logs in."""
    engine = create_engine(server_url(admin_url).set(database=database))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"SET LOCAL ROLE {policies.OWNER}"))
            yield conn
    finally:
        engine.dispose()
