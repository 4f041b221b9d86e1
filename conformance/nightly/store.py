"""The nightly history, through SQLAlchemy: embedded SQLite by default, PostgreSQL by URL.

The schema is versioned with Alembic (``migrations/``) and upgraded to the newest revision
each time a store is opened, so a centre that updates the harness loses nothing. One run
per (nightly, supplier, profile) is enforced by a unique constraint: a resumed nightly or
a second worker can never write a pair twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError

from ..errors import UsageError
from . import DEFAULT_DB

_MIGRATION_LOCK = 0x47454D4D41  # pg advisory lock id: two workers never migrate at once

metadata = sa.MetaData()
nightly_table = sa.Table(
    "nightly", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("registry_digest", sa.String(64), nullable=False),
)
run_table = sa.Table(
    "run", metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("nightly_id", sa.String(120), nullable=False),
    sa.Column("supplier", sa.String(64), nullable=False),
    sa.Column("profile", sa.String(120), nullable=False),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime(), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("exit_code", sa.Integer()),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("must_passed", sa.Integer(), nullable=False),
    sa.Column("must_total", sa.Integer(), nullable=False),
    sa.Column("should_passed", sa.Integer(), nullable=False),
    sa.Column("should_total", sa.Integer(), nullable=False),
    sa.Column("artefacts", sa.String(500), nullable=False),
    sa.Column("seed", sa.BigInteger()),
    sa.Column("budget", sa.String(20)),
)
requirement_table = sa.Table(
    "requirement_result", metadata,
    sa.Column("run_id", sa.Integer(), primary_key=True),
    sa.Column("requirement_id", sa.String(120), primary_key=True),
    sa.Column("level", sa.String(10), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
)
notification_table = sa.Table(
    "notification", metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("nightly_id", sa.String(120), nullable=False),
    sa.Column("event", sa.String(30), nullable=False),
    sa.Column("supplier", sa.String(64), nullable=False),
    sa.Column("profile", sa.String(120), nullable=False),
    sa.Column("url", sa.Text(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("delivered", sa.Boolean(), nullable=False),
    sa.Column("error", sa.Text(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
)


@dataclass
class RunRecord:
    """One finished (supplier, profile) check of one nightly."""

    nightly_id: str
    supplier: str
    profile: str
    started_at: datetime
    finished_at: datetime
    outcome: str  # conformant | not_conformant | incomplete | unchecked
    exit_code: int | None = None
    reason: str = ""
    must_passed: int = 0
    must_total: int = 0
    should_passed: int = 0
    should_total: int = 0
    artefacts: str = ""  # run folder, relative to the dashboard folder
    seed: int | None = None
    budget: str | None = None
    requirements: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (level, outcome)
    id: int | None = None

    @property
    def checked(self) -> bool:
        """A verdict was reached: the supplier answered and every MUST was decided."""
        return self.outcome in ("conformant", "not_conformant")


def engine_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy's default driver is psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def migrations_dir() -> str:
    return str(resources.files("conformance.nightly").joinpath("migrations"))


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic), under a lock on PostgreSQL."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migrations_dir())
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class HistoryStore:
    """Read and write the history; every method is one short transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # --- writing ---------------------------------------------------------------------
    def begin_nightly(self, nightly_id: str, registry_digest: str, started_at: datetime) -> None:
        """Create the nightly unless another worker (or an earlier attempt) already did."""
        try:
            with self.engine.begin() as conn:
                conn.execute(nightly_table.insert().values(
                    id=nightly_id, started_at=started_at, registry_digest=registry_digest))
        except IntegrityError:
            pass

    def record_run(self, record: RunRecord) -> bool:
        """Store a finished run with its requirement outcomes; False when the pair was there."""
        values = {k: getattr(record, k) for k in (
            "nightly_id", "supplier", "profile", "started_at", "finished_at", "outcome",
            "exit_code", "reason", "must_passed", "must_total", "should_passed",
            "should_total", "artefacts", "seed", "budget")}
        try:
            with self.engine.begin() as conn:
                run_id = conn.execute(run_table.insert().values(**values)).inserted_primary_key[0]
                if record.requirements:
                    conn.execute(requirement_table.insert(), [
                        {"run_id": run_id, "requirement_id": rid, "level": level,
                         "outcome": outcome}
                        for rid, (level, outcome) in sorted(record.requirements.items())])
        except IntegrityError:
            return False
        record.id = run_id
        return True

    def record_notifications(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.engine.begin() as conn:
                conn.execute(notification_table.insert(), rows)

    # --- reading ---------------------------------------------------------------------
    def finished_pairs(self, nightly_id: str) -> set[tuple[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(run_table.c.supplier, run_table.c.profile)
                                .where(run_table.c.nightly_id == nightly_id))
            return {(r.supplier, r.profile) for r in rows}

    def runs(self, *, supplier: str | None = None, profile: str | None = None,
             nightly_id: str | None = None, with_requirements: bool = True) -> list[RunRecord]:
        """Runs oldest first (by finish time), optionally of one supplier/profile/nightly."""
        query = sa.select(run_table).order_by(run_table.c.finished_at, run_table.c.id)
        if supplier is not None:
            query = query.where(run_table.c.supplier == supplier)
        if profile is not None:
            query = query.where(run_table.c.profile == profile)
        if nightly_id is not None:
            query = query.where(run_table.c.nightly_id == nightly_id)
        with self.engine.connect() as conn:
            records = [RunRecord(**{k: v for k, v in row._mapping.items()})
                       for row in conn.execute(query)]
            if with_requirements and records:
                by_id = {r.id: r for r in records}
                req_query = sa.select(requirement_table)
                if supplier is not None or profile is not None or nightly_id is not None:
                    req_query = req_query.where(requirement_table.c.run_id.in_(list(by_id)))
                for row in conn.execute(req_query):
                    if row.run_id in by_id:
                        by_id[row.run_id].requirements[row.requirement_id] = (row.level,
                                                                               row.outcome)
        return records

    def nightlies(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(nightly_table).order_by(nightly_table.c.started_at))
            return [dict(r._mapping) for r in rows]

    def notifications(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(notification_table).order_by(notification_table.c.id))
            return [dict(r._mapping) for r in rows]

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str = DEFAULT_DB, *, migrate: bool = True) -> HistoryStore:
    """Connect, upgrade the schema to the newest revision, and hand back the store."""
    try:
        engine = sa.create_engine(engine_url(url), pool_pre_ping=True)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise UsageError(f"--db {_safe(url)}: not a database URL SQLAlchemy can use ({exc}); "
                         "e.g. sqlite:///history.db or postgresql://user@host/db") from None
    try:
        if migrate:
            upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise UsageError(f"--db {_safe(url)}: cannot open the history database: "
                         f"{str(exc.orig).strip().splitlines()[0]}") from None
    return HistoryStore(engine)


def _safe(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
