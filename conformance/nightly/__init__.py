"""Nightly checks for a shared-service centre: every supplier, every profile, every night.

registry (what to check) -> shard (which part this worker does) -> runner (child
`conformance run` processes, bounded) -> store (SQLAlchemy history, Alembic schema)
-> status (regressions, certificate status) -> webhooks, dashboard.
"""

DEFAULT_DB = "sqlite:///conformance-history.db"  # here, so the CLI parser needs no SQLAlchemy
