"""The nightly history on embedded SQLite and on a real PostgreSQL server.

PostgreSQL: ``$CONFORMANCE_TEST_PG_URL`` when set, else a throwaway cluster made here with
Debian's binaries (initdb + pg_ctl as the ``postgres`` user, loopback only). Without a
server the PostgreSQL tests fail when ``$CI`` is set (CI installs the package) and are
skipped with the reason otherwise.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from conformance.nightly.registry import load_registry
from conformance.nightly.shard import parse_shard, select
from conformance.nightly.store import (
    RunRecord,
    current_revision,
    engine_url,
    open_store,
    upgrade,
)

PG_ENV = "CONFORMANCE_TEST_PG_URL"
MINI_PROFILE = Path(__file__).with_name("test_nightly_profile.yaml")
T0 = datetime(2026, 11, 1, 2, 0, 0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _no_server(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL history tests cannot run: {reason} (CI must install "
                    "Debian's postgresql package; see .ci/run)")
    pytest.skip(f"no PostgreSQL server: {reason}; install Debian's postgresql package or set "
                f"{PG_ENV}")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server URL (maintenance database); fresh databases are made per test."""
    if os.environ.get(PG_ENV):
        yield os.environ[PG_ENV]
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        _no_server("initdb/pg_ctl not found")
    data = Path(tempfile.mkdtemp(prefix="conformance-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        if shutil.which("runuser") is None:
            _no_server("running as root without runuser")
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run([*as_user, initdb, "-D", str(data / "db"), "-A", "trust", "-U",
                        "postgres", "-E", "UTF8", "--no-sync"], check=True,
                       capture_output=True, timeout=120)
        subprocess.run([*as_user, pg_ctl, "-D", str(data / "db"), "-l", str(data / "log"),
                        "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(data, ignore_errors=True)
        _no_server(f"could not start a throwaway cluster: {exc} "
                   f"{getattr(exc, 'stderr', b'') or b''!r}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data / "db"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(data, ignore_errors=True)


def fresh_pg_database(server_url: str) -> str:
    """A new, empty database on the server; its URL."""
    name = "h_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(engine_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return fresh_pg_database(request.getfixturevalue("pg_server"))


def _record(nightly: str, supplier: str, day: int, outcome: str,
            requirements: dict[str, tuple[str, str]]) -> RunRecord:
    must = [o for lv, o in requirements.values() if lv == "MUST"]
    return RunRecord(nightly_id=nightly, supplier=supplier, profile="zrc-1.5",
                     started_at=T0 + timedelta(days=day),
                     finished_at=T0 + timedelta(days=day, minutes=3), outcome=outcome,
                     exit_code={"conformant": 0, "not_conformant": 1}.get(outcome, 3),
                     reason="" if outcome == "conformant" else "MUST failed: zrc-001",
                     must_passed=must.count("passed"), must_total=len(must),
                     artefacts=f"runs/{nightly}/{supplier}/zrc-1.5", seed=1234 + day,
                     budget="quick", requirements=requirements)


def test_history_round_trip(db_url):
    store = open_store(db_url)
    try:
        assert current_revision(store.engine) == "0002"
        for day, (outcome, zrc001) in enumerate([("conformant", "passed"),
                                                ("not_conformant", "failed")]):
            nightly = f"2026-11-0{day + 1}-abcdef12"
            store.begin_nightly(nightly, "ab" * 32, T0 + timedelta(days=day))
            store.begin_nightly(nightly, "ab" * 32, T0 + timedelta(days=day))  # second worker
            record = _record(nightly, "acme", day, outcome,
                             {"zrc-001": ("MUST", zrc001), "ZGW-etag": ("SHOULD", "passed"),
                              "ADR-http-methods": ("MUST", "inherited")})
            assert store.record_run(record) is True
            assert store.record_run(_record(nightly, "acme", day, outcome, {})) is False
        store.record_notifications([{"nightly_id": "2026-11-02-abcdef12", "event": "regression",
                                     "supplier": "acme", "profile": "zrc-1.5",
                                     "url": "http://127.0.0.1:9/hook", "attempts": 3,
                                     "delivered": False, "error": "ConnectError",
                                     "at": T0}])
    finally:
        store.close()

    reopened = open_store(db_url)  # a new process next night: same data, no re-migration harm
    try:
        runs = reopened.runs(supplier="acme", profile="zrc-1.5")
        assert [r.outcome for r in runs] == ["conformant", "not_conformant"]
        assert runs[1].requirements == {"zrc-001": ("MUST", "failed"),
                                        "ZGW-etag": ("SHOULD", "passed"),
                                        "ADR-http-methods": ("MUST", "inherited")}
        assert (runs[1].seed, runs[1].budget, runs[1].must_passed, runs[1].must_total) == (
            1235, "quick", 0, 2)
        assert runs[0].finished_at == T0 + timedelta(minutes=3)
        assert reopened.finished_pairs("2026-11-02-abcdef12") == {("acme", "zrc-1.5")}
        assert [n["id"] for n in reopened.nightlies()] == ["2026-11-01-abcdef12",
                                                            "2026-11-02-abcdef12"]
        (note,) = reopened.notifications()
        assert (note["event"], note["delivered"], note["attempts"]) == ("regression", False, 3)
        assert reopened.runs(supplier="globex") == []
    finally:
        reopened.close()


def test_upgrade_from_revision_1_loses_nothing(db_url):
    """A history made by the first schema revision, upgraded to head, keeps every row."""
    engine = sa.create_engine(engine_url(db_url))
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO nightly (id, started_at, registry_digest) "
                             "VALUES ('n-old', :t, 'd1')"), {"t": T0})
        conn.execute(sa.text(
            "INSERT INTO run (nightly_id, supplier, profile, started_at, finished_at, outcome, "
            "exit_code, reason, must_passed, must_total, should_passed, should_total, artefacts)"
            " VALUES ('n-old', 'acme', 'zrc-1.5', :t, :t, 'not_conformant', 1, 'zrc-001 failed',"
            " 30, 31, 2, 3, 'runs/n-old/acme/zrc-1.5')"), {"t": T0})
        run_id = conn.execute(sa.text("SELECT id FROM run")).scalar_one()
        conn.execute(sa.text("INSERT INTO requirement_result VALUES (:r, 'zrc-001', 'MUST', "
                             "'failed')"), {"r": run_id})
        columns = {c["name"] for c in sa.inspect(conn).get_columns("run")}
    assert "seed" not in columns  # really the old schema
    engine.dispose()

    store = open_store(db_url)
    try:
        assert current_revision(store.engine) == "0002"
        (run,) = store.runs()
        assert (run.nightly_id, run.supplier, run.outcome, run.must_passed, run.must_total,
                run.should_passed, run.reason, run.artefacts) == (
            "n-old", "acme", "not_conformant", 30, 31, 2, "zrc-001 failed",
            "runs/n-old/acme/zrc-1.5")
        assert run.requirements == {"zrc-001": ("MUST", "failed")}
        assert run.seed is None and run.budget is None  # new columns, empty for old rows
        # and the unique constraint of revision 1 still holds after the batch alter
        assert store.record_run(RunRecord("n-old", "acme", "zrc-1.5", T0, T0,
                                          "conformant")) is False
    finally:
        store.close()


def test_bad_database_url_is_a_usage_error(capsys):
    from conformance.cli import main

    assert main(["history", "--db", "nosuchdb://x/y"]) == 2
    assert "not a database URL" in capsys.readouterr().err
    assert main(["history", "--db", "postgresql://nobody:s3cr3t@127.0.0.1:9/none"]) == 2
    err = capsys.readouterr().err
    assert "cannot open the history database" in err and "127.0.0.1:9" in err
    assert "s3cr3t" not in err  # the password is never printed


def _refused_port() -> int:
    return _free_port()  # nothing listens there afterwards: connection refused


def test_two_shards_write_one_postgresql_history_exactly_once(pg_server, tmp_path):
    """Two workers (--shard 1/2, 2/2) at the same time, one PostgreSQL: every pair once."""
    url = fresh_pg_database(pg_server)
    names = ["north", "east", "west"]  # 1/2: east; 2/2: north, west
    port = _refused_port()
    lines = ["suppliers:"]
    for name in names:
        (tmp_path / f"{name}.yaml").write_text(
            f"supplier: {{name: {name}, product: P, version: '1'}}\nenvironment: test\n"
            f"apis:\n  api: {{base_url: 'http://127.0.0.1:{port}/zaken/api/v1'}}\n"
            "auth: {type: none}\n", encoding="utf-8")
        lines.append(f"  - {{name: {name}, target: {name}.yaml, profiles: [{MINI_PROFILE}]}}")
    registry_file = tmp_path / "registry.yaml"
    registry_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = load_registry(registry_file)
    expected = {shard: {p.key for p in select(registry.pairs(), parse_shard(shard))}
                for shard in ("1/2", "2/2")}
    assert expected["1/2"] and expected["2/2"], expected  # the names split over both workers

    workers = [subprocess.Popen(
        [sys.executable, "-m", "conformance", "nightly", str(registry_file), "--db", url,
         "--out", str(tmp_path / f"site-{i}"), "--shard", shard, "--nightly-id", "n-shards",
         "--parallel-runs", "1", "--no-dashboard"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i, shard in enumerate(("1/2", "2/2"))]
    outputs = [w.communicate(timeout=300) for w in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 3, (out, err)  # nothing listens: not checked, exit 3
        assert "UNCHECKED" in out

    store = open_store(url)
    try:
        runs = store.runs(nightly_id="n-shards")
    finally:
        store.close()
    keys = [(r.supplier, r.profile) for r in runs]
    assert sorted(keys) == sorted((n, "nightly-mini") for n in names)  # all, each exactly once
    for i, shard in enumerate(("1/2", "2/2")):
        written = {(r.supplier, r.profile) for r in runs
                   if r.artefacts and (tmp_path / f"site-{i}" / r.artefacts).is_dir()}
        assert written == expected[shard]
    assert all(r.outcome == "incomplete" for r in runs)
