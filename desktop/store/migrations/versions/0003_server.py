"""server backend: action version (optimistic concurrency), appendix marking and owner; sealed identifiers on PostgreSQL

Revision ID: 0003_server
Revises: 0002_features
Create Date: 2026-12-04 16:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_server'
down_revision = '0002_features'
branch_labels = None
depends_on = None

# Direct identifiers are sealed client-side on a server (desktop.models.sealed): the ciphertext is text, longer than
# the plaintext limits, and a date of birth is no longer a date. SQLite keeps the original types (the whole file is
# encrypted there).
SEALED_COLUMNS = {
    'profile_subject': ("name", "date_of_birth", "pnc_id", "cro_number", "prison_number", "address", "postcode"),
    'signing_root': ("private_key_pem",),
    'signer_credential': ("private_key_pem",),
}


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('profile_appendix', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marking', sa.String(length=20), server_default='restricted', nullable=False))
        batch_op.add_column(sa.Column('owner_role', sa.String(length=63), server_default='', nullable=False))
    if op.get_context().dialect.name == 'postgresql':
        bind = op.get_bind()
        for table, columns in SEALED_COLUMNS.items():
            if bind.execute(sa.text(f'SELECT count(*) FROM {table}')).scalar():
                raise RuntimeError(f'{table} already holds unsealed values; enter them again after upgrading')
            for column in columns:
                op.alter_column(table, column, type_=sa.Text(), postgresql_using='NULL')


def downgrade() -> None:
    if op.get_context().dialect.name == 'postgresql':
        for table, columns in SEALED_COLUMNS.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.LargeBinary() if table != 'profile_subject' else sa.Text(),
                                postgresql_using='NULL')
    with op.batch_alter_table('profile_appendix', schema=None) as batch_op:
        batch_op.drop_column('owner_role')
        batch_op.drop_column('marking')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('version')
