"""Alembic environment: always runs on the store's own connection (the keyed SQLCipher one, or the server's)."""

from alembic import context

from desktop.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite has almost no ALTER TABLE: batch mode recreates tables there; PostgreSQL alters in place.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
