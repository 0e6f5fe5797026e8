"""Without PostgreSQL the server tests are skipped with a reason a developer can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.store import throwaway_pg


def test_missing_postgres_is_reported_with_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throwaway_pg, "SEARCH_DIRS", ())
    monkeypatch.delenv("PATHWAYS_PG_BIN", raising=False)
    monkeypatch.setattr(throwaway_pg.shutil, "which", lambda name: None)
    reason = throwaway_pg.unavailable_reason()
    assert reason is not None and "apt-get install postgresql-15" in reason
    with pytest.raises(throwaway_pg.NoPostgres, match="not installed"):
        with throwaway_pg.running_cluster():
            pass


def test_cluster_urls_use_psycopg_over_the_socket_and_escape_names() -> None:
    cluster = throwaway_pg.Cluster(Path("/tmp/x/data"), Path("/tmp/x/sock"))
    url = cluster.url("plan db", "lead_alex", "p@ss word")
    assert url == "postgresql+psycopg://lead_alex:p%40ss%20word@/plan%20db?host=%2Ftmp%2Fx%2Fsock"
