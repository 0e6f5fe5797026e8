"""Upgrading a store made by the first release, and refusing to guess about schemas."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from desktop.models import Base
from desktop.services.health import check_store
from desktop.services.queries import plan_summaries
from desktop.store import Store
from desktop.store.schema import current_revision, head_revision

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store-v0001.pathways"
FIXTURE_PASSPHRASE = "fixture passphrase v0001"


def _schema_diff(store: Store) -> list[object]:
    with store.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_upgrade_from_first_version_fixture(tmp_path: Path) -> None:
    path = tmp_path / "old.pathways"
    shutil.copy(FIXTURE, path)
    with Store.open(path, FIXTURE_PASSPHRASE, migrate=False) as old, old.engine.connect() as c:
        assert current_revision(c) == "0001_foundation"

    with Store.open(path, FIXTURE_PASSPHRASE) as store:
        with store.engine.connect() as c:
            assert current_revision(c) == head_revision()
        assert _schema_diff(store) == []
        with store.session() as s:
            (summary,) = plan_summaries(s)
        assert summary.title == "Fixture plan v0001"
        assert summary.actions == 1
        assert [p.label for p in summary.periods] == ["2014/15 Q1"]

    assert check_store(path, FIXTURE_PASSPHRASE).ok
    if head_revision() != "0001_foundation":
        # An encrypted copy was taken before migrating, and it still opens at the old version.
        (backup,) = tmp_path.glob("old.before-*.pathways")
        with Store.open(backup, FIXTURE_PASSPHRASE, migrate=False) as copy, copy.engine.connect() as c:
            assert current_revision(c) == "0001_foundation"


def test_new_store_schema_matches_models(store: Store) -> None:
    assert _schema_diff(store) == []
