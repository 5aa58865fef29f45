"""idempotency keys carry an outcome: applied, or abandoned by settlement (the fence)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Every key stored so far was stored by its mutation: 'applied'."""
    with op.batch_alter_table('idempotency', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('outcome', sa.String(length=10), server_default='applied', nullable=False)
        )


def downgrade() -> None:
    """Abandoned keys go too: without the column they would read as applied."""
    op.execute("DELETE FROM idempotency WHERE outcome = 'abandoned'")
    with op.batch_alter_table('idempotency', schema=None) as batch_op:
        batch_op.drop_column('outcome')
