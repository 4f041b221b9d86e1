"""The first history: nightlies, one run per (nightly, supplier, profile), requirement outcomes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nightly",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("registry_digest", sa.String(64), nullable=False),
    )
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("nightly_id", sa.String(120), sa.ForeignKey("nightly.id"), nullable=False),
        sa.Column("supplier", sa.String(64), nullable=False),
        sa.Column("profile", sa.String(120), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        # conformant | not_conformant | incomplete | unchecked (no verdict: timeout, bad input)
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("must_passed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("must_total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("should_passed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("should_total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("artefacts", sa.String(500), nullable=False, server_default=""),
        sa.UniqueConstraint("nightly_id", "supplier", "profile", name="uq_run_pair"),
    )
    op.create_table(
        "requirement_result",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id"), primary_key=True),
        sa.Column("requirement_id", sa.String(120), primary_key=True),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
