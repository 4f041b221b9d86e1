"""The CLI's smaller commands, run as a user would."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from conformance.auth import jwt_zgw_token
from conformance.reference import APIS, LIST_APIS, defects
from conformance.zgw import CRS_HEADERS


def test_profiles_list_and_show(cli):
    listed = cli("profiles", "list")
    assert listed.code == 0 and "zrc-1.5" in listed.stdout
    assert "Zaakregistratiecomponent" in listed.stdout
    shown = cli("profiles", "show", "zrc-1.5", "--json")
    assert shown.code == 0
    data = json.loads(shown.stdout)
    assert data["id"] == "zrc-1.5" and len(data["requirements"]) >= 25
    assert cli("profiles", "show", "nope").code == 2


def test_list_defects(cli):
    res = cli("serve-reference", "--list-defects")
    assert res.code == 0
    for name in defects():
        assert name in res.stdout
    bad = cli("run", "--defect", "no-such-defect")
    assert bad.code == 2 and "unknown defect" in bad.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_reference_by_hand(spec_dir, tmp_path):
    """Started by hand it serves every API and its lists, writes a complete target file and
    prints an export line for each secret it had to generate."""
    port = _free_port()
    target = tmp_path / "reference.yaml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_SECRET")}
    env["CONFORMANCE_SECRET"] = "given-main-secret-0123456789abcdef"
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "serve-reference", "--port",
                             str(port), "--spec-dir", str(spec_dir), "--offline",
                             "--write-target", str(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/zaken/api/v1/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "serve-reference did not start"
                time.sleep(0.2)
        assert resp.status_code == 200 and resp.json()["info"]["version"] == "1.5.1"
        anonymous = httpx.get(f"http://127.0.0.1:{port}/zaken/api/v1/zaken",
                              headers={"Accept-Crs": "EPSG:4326"})
        assert anonymous.status_code == 403
        # its own Selectielijst and Referentielijsten, public like the VNG services
        for path in ("selectielijst/api/v1/procestypen",
                     "referentielijsten/api/v1/communicatiekanalen"):
            assert httpx.get(f"http://127.0.0.1:{port}/{path}").status_code == 200, path
        written = yaml.safe_load(target.read_text(encoding="utf-8"))
        assert set(written["apis"]) == {*APIS, *LIST_APIS}
        assert written["apis"]["zaken"]["base_url"] == f"http://127.0.0.1:{port}/zaken/api/v1"
        assert written["auth"]["secret_env"] == "CONFORMANCE_SECRET"
        assert [(c["name"], c["secret_env"]) for c in written["auth"]["clients"]] == [
            ("restricted", "CONFORMANCE_SECRET_2"), ("vwl-normaal", "CONFORMANCE_SECRET_3")]
        # the generated secrets it printed are the ones its clients have
        exports = dict(proc.stdout.readline().decode().strip().removeprefix("export ")
                       .split("=", 1) for _ in range(2))
        assert set(exports) == {"CONFORMANCE_SECRET_2", "CONFORMANCE_SECRET_3"}

        def zaken_as(client_id: str, secret: str) -> httpx.Response:
            token = jwt_zgw_token(client_id, secret)
            return httpx.get(f"http://127.0.0.1:{port}/zaken/api/v1/zaken",
                             headers={**CRS_HEADERS, "Authorization": f"Bearer {token}"})

        assert zaken_as("conformance", env["CONFORMANCE_SECRET"]).status_code == 200
        # the restricted client is known (its own secret) but has no rights until given some
        known = zaken_as("conformance-restricted", exports["CONFORMANCE_SECRET_2"])
        forged = zaken_as("conformance-restricted", "x" * 43)
        assert known.status_code == forged.status_code == 403
        assert known.json()["code"] != forged.json()["code"], (known.text, forged.text)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_reference_keeps_a_file_it_did_not_write(cli, tmp_path):
    """--write-target replaces a target file it wrote before, never the user's own."""
    mine = tmp_path / "mine.yaml"
    mine.write_text("supplier: {name: Mine}\n", encoding="utf-8")
    res = cli("serve-reference", "--port", "1", "--write-target", str(mine))
    assert res.code == 2 and "exists and was not written by this command" in res.stderr
    assert "Traceback" not in res.stderr
    assert mine.read_text(encoding="utf-8") == "supplier: {name: Mine}\n"


def test_same_seed_twice_against_one_supplier_does_not_collide(resolver):
    """A rerun with the seed of an earlier run must not trip over that run's leftovers."""
    import random

    from conformance_fixtures.reference_supplier import ReferenceServer

    from conformance.auth import TokenSource
    from conformance.client import ApiClient, Limits
    from conformance.external_lists import discover
    from conformance.reference import reference_spec_paths
    from conformance.targets import AuthConfig, origin_of
    from conformance.zgw import Factory

    secret = "x" * 40
    with ReferenceServer(spec_paths=reference_spec_paths(resolver), client_id="c",
                         secret=secret) as server:
        url = server.api_url("catalogi")
        tokens = TokenSource(AuthConfig("jwt-zgw", "c", secret))
        for _ in range(2):
            limits = Limits(origins={origin_of(url)})
            client = ApiClient(url, limits, tokens)
            # the supplier's own Selectielijst, which its catalogue checks references against
            selectielijst = ApiClient(server.api_url("selectielijst"), limits, tokens)
            lists = discover({}, {"selectielijst": selectielijst})
            Factory(catalogi=client, rng=random.Random(42), lists=lists).zaaktype_set()
            client.close()
            selectielijst.close()


def test_a_secret_equal_to_the_client_id_certifies_with_a_warning(cli, resolver, tmp_path):
    """Open Zaak's documented example client is admin/admin: the run warns, writes every
    artefact, keeps the client id readable and ends without a traceback."""
    from conformance_fixtures.reference_supplier import ReferenceServer

    from conformance.reference import reference_spec_paths

    with ReferenceServer(spec_paths=reference_spec_paths(resolver), client_id="admin",
                         secret="admin") as server:
        target = tmp_path / "target.yaml"
        target.write_text(
            "supplier: {name: Weak, product: Weak, version: '1'}\nenvironment: test\n"
            f"apis:\n  autorisaties: {{base_url: {server.api_url('autorisaties')}}}\n"
            "auth: {type: jwt-zgw, client_id: admin, secret_env: WEAK_SECRET}\n")
        out = tmp_path / "out"
        res = cli("run", "--profile", "ac-1.0", "--budget", "quick", "--seed", "1",
                  "--target", str(target), "--out", str(out), env={"WEAK_SECRET": "admin"})
    assert "Traceback" not in res.stderr, res.stderr
    assert "secret of client 'admin' is weak (equal to a client id)" in res.stderr
    assert res.code in (0, 1, 3), res.stderr  # a verdict, whatever it is
    results = json.loads((out / "results.json").read_text())
    assert results["target"]["client_id"] == "admin"
    assert any("is weak" in note for note in results["run"]["notes"])
    for name in ("certificate.html", "junit.xml", "badge.svg"):
        assert (out / name).is_file(), name


@pytest.mark.parametrize(("command", "value"), [
    (("run", "--profile", "ac-1.0"), "0"), (("run", "--profile", "ac-1.0"), "-30"),
    (("sign", "results.json", "--key", "key.pem"), "3651"),
    (("sign", "results.json", "--key", "key.pem"), "a year")])
def test_a_validity_out_of_range_is_refused_before_anything_runs(cli, tmp_path, command, value):
    """An expired-at-birth or centuries-long certificate is refused by the option itself,
    not after a whole run (and a date past year 9999 is never computed)."""
    res = cli(*command, "--valid-days", value, "--out", str(tmp_path)) if command[0] == "run" \
        else cli(*command, "--valid-days", value)
    assert res.code == 2 and "Traceback" not in res.stderr, res.stderr
    assert f"argument --valid-days: {value!r} is not a whole number of days from 1 to 3650" \
        in res.stderr
    assert not any(tmp_path.iterdir())  # nothing was run


def test_a_crash_of_the_interpreter_names_where_it_happened(tmp_path):
    """A segmentation fault (seen once in 192 runs at concurrency 4, in CPython 3.11's cyclic
    garbage collector) prints every thread's Python stack instead of ending without a word."""
    import subprocess
    import sys

    crash = ("from conformance.cli import report_crashes; report_crashes(); "
             "import ctypes; ctypes.string_at(0)")
    proc = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert "Fatal Python error: Segmentation fault" in proc.stderr, proc.stderr
    assert "Current thread" in proc.stderr and 'File "<string>", line 1' in proc.stderr
