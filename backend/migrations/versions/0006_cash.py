"""cash top-up: cash orders, stacked notes, clearances (清机)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 01:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('cash_orders',
    sa.Column('order_id', sa.String(length=32), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('credited_fen', sa.Integer(), nullable=True),
    sa.Column('balance_after_fen', sa.Integer(), nullable=True),
    sa.Column('transaction_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_cash_orders_line_id_lines')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_cash_orders'))
    )
    with op.batch_alter_table('cash_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_orders_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cash_orders_terminal_id'), ['terminal_id'], unique=False)

    op.create_table('cash_notes',
    sa.Column('order_id', sa.String(length=32), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.String(length=40), nullable=False),
    sa.Column('value_fen', sa.Integer(), nullable=False),
    sa.Column('event_counter', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('clearance_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['cash_orders.order_id'], name=op.f('fk_cash_notes_order_id_cash_orders')),
    sa.PrimaryKeyConstraint('order_id', 'sequence', name=op.f('pk_cash_notes'))
    )
    with op.batch_alter_table('cash_notes', schema=None) as batch_op:
        batch_op.create_index('ix_cash_notes_box', ['terminal_id', 'clearance_id'], unique=False)

    op.create_table('cash_clearances',
    sa.Column('clearance_id', sa.String(length=32), nullable=False),
    sa.Column('terminal_id', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('previous_at', sa.DateTime(), nullable=True),
    sa.Column('expected_count', sa.Integer(), nullable=False),
    sa.Column('expected_fen', sa.Integer(), nullable=False),
    sa.Column('counted_count', sa.Integer(), nullable=False),
    sa.Column('counted_fen', sa.Integer(), nullable=False),
    sa.Column('difference_fen', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('clearance_id', name=op.f('pk_cash_clearances'))
    )
    with op.batch_alter_table('cash_clearances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_clearances_terminal_id'), ['terminal_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('cash_clearances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_clearances_terminal_id'))
    op.drop_table('cash_clearances')
    with op.batch_alter_table('cash_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_cash_notes_box')
    op.drop_table('cash_notes')
    with op.batch_alter_table('cash_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_orders_terminal_id'))
        batch_op.drop_index(batch_op.f('ix_cash_orders_line_id'))
    op.drop_table('cash_orders')
