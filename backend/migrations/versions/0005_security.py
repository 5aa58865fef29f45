"""security: card validity and photo digest on the real-name record, throttle counters, the
deployment secret

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-02 01:00:00

"""
import secrets
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_valid_from', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('card_valid_to', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('photo_sha256', sa.String(length=64), nullable=True))
    op.create_table('throttle',
    sa.Column('bucket', sa.String(length=80), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', name=op.f('pk_throttle'))
    )
    secrets_table = op.create_table('deployment_secrets',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_deployment_secrets'))
    )
    # Generated here, once per database: every deployment keys its fingerprints differently.
    op.bulk_insert(secrets_table, [{'name': 'fingerprint_key', 'value': secrets.token_hex(32)}])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('deployment_secrets')
    op.drop_table('throttle')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('photo_sha256')
        batch_op.drop_column('card_valid_to')
        batch_op.drop_column('card_valid_from')
