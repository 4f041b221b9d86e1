"""Malformed input files never crash the harness (issue 6, input hygiene).

Hypothesis mutates valid profiles, target files, waiver files and signed certificates (cut,
spliced, re-typed, random text and bytes, deep nesting) and feeds them to the loaders and to
the CLI. Every case ends in the documented error type, a message that names the file, and
the documented exit code: 2 for profiles, targets and waivers, 1 for `verify`; never a
traceback. Derandomized and small (CPU budget), so CI sees the same cases every time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conformance.certify import build_certificate, generate_keypair, sign_certificate
from conformance.cli import main
from conformance.errors import ProfileError, TargetError
from conformance.profiles import load_profile_file
from conformance.report.certificate import render_certificate
from conformance.targets import load_target_file
from conformance.waivers import WaiverError, load_waivers

REPO = Path(__file__).resolve().parent.parent
PROBE = REPO / "fixtures" / "hostile" / "probe.yaml"
TARGET = """supplier: {name: Acme, product: Acme Zaken, version: "4.2"}
environment: test
apis:
  api: {base_url: "http://127.0.0.1:9/api/v1"}
auth: {type: jwt-zgw, client_id: conformance, secret_env: FUZZ_SECRET}
safety: {request_budget: 100, requests_per_second: 5, allowed_methods: [GET, POST]}
tls: {insecure: false}
"""
WAIVERS = """waivers:
  - requirement: PROBE-pagination
    reason: the supplier fixes paging in release 5
    approved_by: Gemeente Voorbeeld, CIO office
    expires: 2027-06-30
"""
ENV = {"FUZZ_SECRET": "fuzz-secret-value-0123456789"}
# no shrinking: a failure is reported as found (shrinking a deep-nesting case costs minutes)
FUZZ = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
NASTY = [
    "", "\x00", "---\n...\n", "[" * 600 + "]" * 600, "requirements: " + "[" * 450 + "]" * 450,
    "a: " + "{" * 700,
    "&a [*a]", "a: &x\n  b: *x\n", "!!python/object:os.system {}", "- " * 2000,
    "key: 'unterminated", "\ufeff" + "id: x", "a:\n\tb: c",
]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.dates())
trees = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _replace(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


@st.composite
def mutated(draw: st.DrawFn, valid: str) -> bytes:
    """A damaged version of ``valid``: one of several ways people and tools break files."""
    kind = draw(st.sampled_from(["cut", "splice", "retype", "tree", "text", "bytes", "nasty"]))
    if kind == "cut":
        start = draw(st.integers(0, len(valid)))
        end = draw(st.integers(start, len(valid)))
        return (valid[:start] + valid[end:]).encode()
    if kind == "splice":
        at = draw(st.integers(0, len(valid)))
        junk = draw(st.sampled_from([":", "- ", "{", "]", "\n  ", "'", "&a", "*b", "#", "\t"]))
        return (valid[:at] + junk + valid[at:]).encode()
    if kind == "retype":
        data = yaml.safe_load(valid)
        path = draw(st.sampled_from(_paths(data)))
        return yaml.safe_dump(_replace(data, path, draw(trees)), allow_unicode=True).encode()
    if kind == "tree":
        return yaml.safe_dump(draw(trees), allow_unicode=True).encode()
    if kind == "text":
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    return draw(st.sampled_from(NASTY)).encode()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _clean_exit(capsys, code: int, expected: set[int]) -> None:
    out, err = capsys.readouterr()
    assert code in expected, (code, err[-500:])
    assert "Traceback" not in out + err, err[-2000:]


@FUZZ
@given(data=mutated(PROBE.read_text(encoding="utf-8")))
def test_malformed_profiles(tmp_path, capsys, data):
    path = _write(tmp_path, "profile.yaml", data)
    try:
        load_profile_file(path)
    except ProfileError as exc:
        assert str(exc).startswith(f"{path}"), str(exc)
        _clean_exit(capsys, main(["profiles", "validate", str(path)]), {2})
    else:
        _clean_exit(capsys, main(["profiles", "validate", str(path)]), {0})


@FUZZ
@given(data=mutated(TARGET))
def test_malformed_target_files(tmp_path, capsys, monkeypatch, data):
    path = _write(tmp_path, "target.yaml", data)
    try:
        load_target_file(path, environ=ENV)
    except TargetError as exc:
        assert str(exc).startswith(f"{path}"), str(exc)
        for name, value in ENV.items():
            monkeypatch.setenv(name, value)
        _clean_exit(capsys, main(["run", "--profile", str(PROBE), "--target", str(path),
                                  "--offline"]), {2})


@FUZZ
@given(data=mutated(WAIVERS))
def test_malformed_waiver_files(tmp_path, capsys, data):
    path = _write(tmp_path, "waivers.yaml", data)
    try:
        load_waivers(path)
    except WaiverError as exc:
        assert str(exc).startswith(f"{path}"), str(exc)
        _clean_exit(capsys, main(["run", "--profile", str(PROBE), "--target",
                                  "http://127.0.0.1:9/api/v1", "--waivers", str(path)]), {2})


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> tuple[str, str, Path]:
    from report_samples import not_conformant_results

    private, public = generate_keypair(tmp_path_factory.mktemp("keys"))
    document = sign_certificate(build_certificate(not_conformant_results(), issuer="Fuzz"),
                                private)
    text = json.dumps(document, indent=1, ensure_ascii=False)
    return text, render_certificate(document, lang="en"), public


@FUZZ
@given(data=st.data())
def test_malformed_certificates_fail_verify_cleanly(tmp_path, capsys, signed, data):
    text, page, public = signed
    as_html = data.draw(st.booleans())
    valid = page if as_html else text
    start = data.draw(st.integers(0, len(valid) - 1))
    kind = data.draw(st.sampled_from(["cut", "flip", "splice", "junk"]))
    if kind == "cut":
        broken = valid[:start]
    elif kind == "flip":
        broken = valid[:start] + chr((ord(valid[start]) + 1) % 0x10FFFF or 1) + valid[start + 1:]
    elif kind == "splice":
        broken = valid[:start] + data.draw(st.text(min_size=1, max_size=20)) + valid[start:]
    else:
        broken = data.draw(st.text(max_size=300))
    path = _write(tmp_path, "certificate.html" if as_html else "certificate.json",
                  broken.encode("utf-8", "surrogatepass"))
    code = main(["verify", str(path), "--trust", str(public)])
    _clean_exit(capsys, code, {0, 1})
    if broken != valid and code == 0:
        # only a change outside the signed data (e.g. whitespace, the visible page) may pass
        assert as_html or json.loads(broken) == json.loads(text)


def test_the_valid_inputs_load(tmp_path):
    """The seeds of the fuzzing are valid, so the mutations start from something real."""
    assert load_profile_file(PROBE).id == "hostile-probe"
    target = load_target_file(_write(tmp_path, "t.yaml", TARGET.encode()), environ=ENV)
    assert target.safety.request_budget == 100
    assert load_waivers(_write(tmp_path, "w.yaml", WAIVERS.encode()))[0].requirement == (
        "PROBE-pagination")
