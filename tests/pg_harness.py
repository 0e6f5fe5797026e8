"""A throwaway PostgreSQL for the server-backend tests: one cluster per test session, a database per test.

Databases are copied from provisioned templates (CREATE DATABASE … TEMPLATE), so every test starts from a fresh,
fully migrated and policed database in ~0.1 s. Tests connect as a coordinator's own role, never as a superuser, so
row-level security applies to them as it does to the app. Without PostgreSQL the tests that need it are skipped and
say why.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from desktop.store import server
from desktop.store.throwaway_pg import Cluster, NoPostgres, running_cluster, unavailable_reason

DATA_PASSPHRASE = "test passphrase: Tees Valley 2015"
TEMPLATE = "pathways_template"
DEMO_TEMPLATE = "pathways_demo_template"
COORDINATOR_ROLE = "coordinator_test"
_names = itertools.count(1)


# Tests of the encrypted file itself, with the server's own counterpart named: skipped under --backend=postgresql.
FILE_ONLY = {
    "tests/services/test_audit_and_snapshots.py::test_edited_audit_event_is_detected":
        "a server's roles cannot UPDATE audit events at all (tests/store/test_server.py)",
    "tests/services/test_audit_and_snapshots.py::test_deleted_audit_event_is_detected":
        "a server's roles cannot DELETE audit events at all (tests/store/test_server.py)",
    "tests/services/test_audit_and_snapshots.py::test_deleting_the_newest_events_is_detected":
        "a server's roles cannot DELETE audit events at all (tests/store/test_server.py)",
    "tests/services/test_audit_and_snapshots.py::test_bulk_recorded_events_continue_the_same_chain":
        "it edits an audit event to prove detection; a server refuses the edit (tests/store/test_server.py)",
    "tests/services/test_audit_and_snapshots.py::test_altered_snapshot_is_detected":
        "it edits a frozen snapshot to prove detection; a server's roles cannot UPDATE snapshots (test_server.py)",
    "tests/services/test_import_layouts.py::test_blank_heading_and_unrecognised_statuses_wait_for_the_user":
        "it reads the file's audit head record, which a server creates at provisioning",
    "tests/reports/test_signing_setup.py::test_keys_stay_inside_the_encrypted_store_and_out_of_the_audit_trail":
        "it reads the store file's bytes; on a server keys are sealed (test_server.py checks the raw columns)",
    "tests/store/test_migrations.py::test_new_store_schema_matches_models":
        "SQLite's schema; the server's is compared in tests/store/test_server_concurrency.py",
}


def skip_reason() -> str | None:
    reason = unavailable_reason()
    return f"PostgreSQL server tests skipped: {reason}" if reason else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--backend") != "postgresql":
        return
    for item in items:
        reason = FILE_ONLY.get(item.nodeid)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"file store only: {reason}"))


def _unavailable(reason: str) -> None:
    """Skip, saying why; under `make test-server` (PATHWAYS_REQUIRE_POSTGRES=1) fail instead."""
    if os.environ.get("PATHWAYS_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class PgHarness:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.admin_url = cluster.url()
        self._demo_ready = False
        server.provision(self.admin_url, TEMPLATE, DATA_PASSPHRASE)
        server.add_person(self.admin_url, TEMPLATE, COORDINATOR_ROLE, "coordinator", None)

    def admin(self, sql: str, database: str = "postgres") -> None:
        engine = create_engine(self.cluster.url(database), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def clone(self, template: str = TEMPLATE) -> str:
        name = f"pathways_t{next(_names)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER pathways_owner')
        self.admin(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        self.admin(f'GRANT CONNECT ON DATABASE "{name}" TO pathways_app')
        return name

    def drop(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, database: str, role: str = COORDINATOR_ROLE) -> str:
        return self.cluster.url(database, role)

    def open(self, database: str, role: str = COORDINATOR_ROLE) -> server.ServerStore:
        return server.ServerStore.open(self.url(database, role), DATA_PASSPHRASE)

    def demo_template(self) -> str:
        if not self._demo_ready:
            from desktop.services.demo import build_demo

            name = self.clone()
            with self.open(name) as store, store.session() as session:
                build_demo(session)
            self.admin(f'ALTER DATABASE "{name}" RENAME TO "{DEMO_TEMPLATE}"')
            self._demo_ready = True
        return DEMO_TEMPLATE


@pytest.fixture(scope="session")
def pg() -> Iterator[PgHarness]:
    reason = skip_reason()
    if reason:
        _unavailable(reason)
    try:
        with running_cluster() as cluster:
            yield PgHarness(cluster)
    except NoPostgres as exc:
        _unavailable(f"PostgreSQL server tests skipped: {exc}")


@pytest.fixture
def pg_database(pg: PgHarness) -> Iterator[str]:
    name = pg.clone()
    yield name
    pg.drop(name)


@pytest.fixture
def server_store(pg: PgHarness, pg_database: str) -> Iterator[server.ServerStore]:
    store = pg.open(pg_database)
    yield store
    store.close()


@pytest.fixture
def server_demo_store(pg: PgHarness) -> Iterator[server.ServerStore]:
    name = pg.clone(pg.demo_template())
    store = pg.open(name)
    yield store
    store.close()
    pg.drop(name)
