"""terminal_status: the banknote acceptor's state and its cash box fill a terminal reports

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('terminal_status', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cash', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('cash_box_notes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cash_box_capacity', sa.Integer(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('terminal_status', schema=None) as batch_op:
        batch_op.drop_column('cash_box_capacity')
        batch_op.drop_column('cash_box_notes')
        batch_op.drop_column('cash')
