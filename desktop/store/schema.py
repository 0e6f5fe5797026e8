"""Schema versions: create at head, upgrade older stores step by step, refuse stores from a newer Pathways."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, column, inspect, select, table

if TYPE_CHECKING:
    from alembic.config import Config

# alembic is imported inside each function: importing it costs ~0.2 s, which opening a store of the current schema
# does not pay: the store's revision is read directly, and the newest revision is worked out once per process
# (the desktop does that while the passphrase is typed: see keys.KeyPrimer).

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head_revision() -> str:
    """The newest schema revision this Pathways knows (the migration scripts do not change while it runs)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


_VERSION = table("alembic_version", column("version_num"))


def current_revision(connection: Connection) -> str | None:
    """The store's schema revision (None for a database alembic never stamped), from alembic's own table."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = list(connection.scalars(select(_VERSION.c.version_num)))
    if len(found) <= 1:
        return found[0] if found else None
    from alembic.runtime.migration import MigrationContext  # several heads: alembic says what that means

    return MigrationContext.configure(connection).get_current_revision()


def stamp_head(connection: Connection) -> None:
    from alembic.command import stamp

    stamp(alembic_config(connection), "head")


def upgrade_to_head(connection: Connection) -> None:
    from alembic.command import upgrade

    upgrade(alembic_config(connection), "head")
