"""terminal_status.restarts: the systemd restart count a terminal reports

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02 02:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('terminal_status', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('restarts', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('terminal_status', schema=None) as batch_op:
        batch_op.drop_column('restarts')
