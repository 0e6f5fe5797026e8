"""A throwaway PostgreSQL for the server-backend tests: one cluster per test session, a database per test.

Databases are copied from provisioned templates (CREATE DATABASE … TEMPLATE), so every test starts from a fresh,
fully migrated and policed database in ~0.1 s. Tests connect as a coordinator's own role, never as a superuser, so
row-level security applies to them as it does to the app. Without PostgreSQL the tests that need it are skipped and
say why.
"""

from __future__ import annotations

import itertools
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


def skip_reason() -> str | None:
    reason = unavailable_reason()
    return f"PostgreSQL server tests skipped: {reason}" if reason else None


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
        pytest.skip(reason)
    try:
        with running_cluster() as cluster:
            yield PgHarness(cluster)
    except NoPostgres as exc:
        pytest.skip(f"PostgreSQL server tests skipped: {exc}")


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
