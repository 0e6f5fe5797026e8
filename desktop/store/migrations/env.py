"""Alembic environment: always runs on the store's own, already keyed connection (never a URL)."""

from alembic import context

from desktop.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite has almost no ALTER TABLE: batch mode recreates tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
