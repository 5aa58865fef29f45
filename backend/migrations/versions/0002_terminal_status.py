"""terminal status reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('terminal_status',
    sa.Column('terminal_id', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.Column('reader', sa.String(length=12), nullable=False),
    sa.Column('printer', sa.String(length=12), nullable=False),
    sa.Column('problems', sa.String(length=300), nullable=False),
    sa.Column('journal_unresolved', sa.Integer(), nullable=False),
    sa.Column('in_session', sa.Boolean(), nullable=False),
    sa.Column('uptime_s', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminals.terminal_id'], name=op.f('fk_terminal_status_terminal_id_terminals')),
    sa.PrimaryKeyConstraint('terminal_id', name=op.f('pk_terminal_status'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('terminal_status')
