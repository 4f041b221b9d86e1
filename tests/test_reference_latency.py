"""The reference supplier's added latency (issue 13): each request answered after N ms, the
waits overlapping, so the real-supplier regime can be benchmarked without a real supplier.

Timing is asserted on the low side only (a request can never be faster than its wait; a loaded
2-core machine can make it slower by any amount). Overlap is asserted on the middleware's own
count of requests waiting together, not on wall time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conformance_fixtures.reference_supplier import ReferenceServer
from conformance_fixtures.reference_supplier.latency import LatencyMiddleware

from conformance.auth import jwt_zgw_token
from conformance.profiles import load_profile
from conformance.reference import embedded_for, reference_spec_paths
from conformance.zgw import CRS_HEADERS

CLIENT_ID = "latency-test"
SECRET = "latency-test-secret-0123456789abcdef"
#: a small anonymous list the supplier serves itself (its Selectielijst)
PROCESTYPEN = "/selectielijst/api/v1/procestypen"


@pytest.fixture(scope="module")
def spec_paths(resolver) -> dict[str, Path]:
    return reference_spec_paths(resolver)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_one_request_waits_the_latency_in_the_embedded_reference(resolver):
    """Through embedded_for, as a benchmark starts it: an authorised zaken list is answered,
    and not before 200 ms."""
    with embedded_for(load_profile("zrc-1.5"), resolver, apis=("zaken",),
                      latency_ms=200) as target:
        headers = {**CRS_HEADERS, "Authorization":
                   f"Bearer {jwt_zgw_token(target.auth.client_id, target.auth.secret)}"}
        with httpx.Client(timeout=30) as client:
            started = time.perf_counter()
            resp = client.get(f"{target.apis['zaken']}/zaken", headers=headers)
            elapsed = time.perf_counter() - started
    assert resp.status_code == 200, resp.text
    assert elapsed >= 0.19, f"answered after {elapsed * 1000:.0f} ms, not after 200 ms"


def test_requests_sent_at_once_wait_together(spec_paths):
    """Four requests from four threads are all waiting at the same moment: the handlers block
    the event loop, but the wait is before them and does not. The 1 s latency leaves the
    threads ample time to get their requests in on a loaded machine. The middleware counts
    them and the time they were held."""
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one(url: str) -> None:
        try:
            with httpx.Client(timeout=60) as client:
                barrier.wait(timeout=30)
                statuses.append(client.get(url).status_code)
        except BaseException as exc:  # reported below, with the thread's own error
            errors.append(exc)

    with ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET,
                         latency_ms=1000) as server:
        assert isinstance(server.latency, LatencyMiddleware)
        threads = [threading.Thread(target=one, args=(f"{server.base_url}{PROCESTYPEN}",))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert statuses == [200] * 4
        assert server.latency.max_in_flight == 4
        assert server.latency.in_flight == 0
        # what a benchmark reads: four requests served, each held at least its 1 s wait
        assert server.latency.requests == 4
        assert 4.0 <= server.latency.busy_s < 4.0 + 4 * 30


def test_no_latency_adds_no_middleware(spec_paths):
    """Latency 0 serves the app itself, exactly as before the knob existed; any other value
    puts the middleware in front of that same app."""
    plain = ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET)
    assert plain.latency is None and plain.served_app is plain.app
    slow = ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET,
                           latency_ms=5)
    assert slow.served_app is slow.latency and slow.latency.app is slow.app
    assert slow.latency.latency_ms == 5


@pytest.mark.parametrize("bad", [-1, 10_001, 1.5, True])
def test_the_server_refuses_a_latency_out_of_range(bad):
    """Checked before the specs are read: the spec paths given here do not exist."""
    with pytest.raises(ValueError, match="0 to 10000"):
        ReferenceServer(spec_paths={"zaken": Path("/nonexistent.yaml")}, client_id=CLIENT_ID,
                        secret=SECRET, latency_ms=bad)


def test_latency_is_for_the_supplier_not_the_consumer(resolver):
    with pytest.raises(ValueError, match="not the consumer"), embedded_for(
            load_profile("nrc-ontvangen-1.0"), resolver, latency_ms=50):
        pass


@pytest.mark.parametrize(("value", "says"), [
    ("-5", "'-5' is not a whole number of milliseconds from 0 to 10000"),
    ("abc", "'abc' is not a whole number of milliseconds from 0 to 10000"),
    ("10001", "'10001' is not a whole number of milliseconds from 0 to 10000"),
])
def test_the_cli_refuses_a_bad_latency(cli, value, says):
    res = cli("serve-reference", "--latency-ms", value)
    assert res.code == 2, res.stderr
    assert f"argument --latency-ms: {says}" in res.stderr
    assert "Traceback" not in res.stderr


def test_the_cli_refuses_latency_for_the_web_app(cli):
    res = cli("serve-reference", "--web", "--latency-ms", "50")
    assert res.code == 2 and "Traceback" not in res.stderr
    assert "--latency-ms applies to the reference supplier only, not to --web" in res.stderr


def test_serve_reference_with_latency(spec_dir):
    """Started by hand with --latency-ms 200: it says so, and answers after 200 ms."""
    port = _free_port()
    env = {**os.environ, "CONFORMANCE_SECRET": SECRET}
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "serve-reference", "--port",
                             str(port), "--spec-dir", str(spec_dir), "--offline",
                             "--latency-ms", "200"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}{PROCESTYPEN}", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "serve-reference did not start"
                time.sleep(0.2)
        started = time.perf_counter()
        resp = httpx.get(f"http://127.0.0.1:{port}{PROCESTYPEN}", timeout=30)
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert resp.status_code == 200
    assert elapsed >= 0.19, f"answered after {elapsed * 1000:.0f} ms, not after 200 ms"
    assert "latency 200 ms per request" in stderr.decode()
