"""Replay data on runs (seed, budget), a history index, and the webhook delivery log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.add_column(sa.Column("seed", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("budget", sa.String(20), nullable=True))
    op.create_index("ix_run_pair_time", "run", ["supplier", "profile", "finished_at"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("nightly_id", sa.String(120), nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("supplier", sa.String(64), nullable=False),
        sa.Column("profile", sa.String(120), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
