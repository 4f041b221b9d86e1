"""Bad input gets a clear error (what, where, what to do) and exit code 2."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from conformance.errors import ProfileError, SpecError, TargetError
from conformance.profiles import PinnedSpec, load_profile, load_profile_file, parse_profile
from conformance.specs import SpecResolver, load_standard_spec
from conformance.targets import load_target_file, target_from_url

REPO = Path(__file__).resolve().parent.parent
PROFILE = REPO / "profiles" / "zrc-1.5.yaml"


def _profile_text(mutate) -> str:
    data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    mutate(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_builtin_profile_is_valid():
    profile = load_profile("zrc-1.5")
    assert len(profile.requirements) >= 25
    assert profile.required_classes() == {"basis"}
    ids = {r.id for r in profile.requirements}
    for rule in ("zrc-001", "zrc-002", "zrc-007", "zrc-008", "zrc-009", "zrc-013", "zrc-014",
                 "zrc-016", "zrc-017", "zrc-018", "zrc-019", "zrc-020", "zrc-023"):
        assert rule in ids
    for req in profile.requirements:
        assert req.title["nl"] and req.title["en"] and req.source.startswith("http")


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\ntitle: {nl: a, en: b\nversion: 1\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken\.yaml:\d+: invalid YAML"):
        load_profile_file(bad)


def test_schema_error_points_at_the_line(tmp_path):
    text = _profile_text(lambda d: d["requirements"][3].__setitem__("level", "MAYBE"))
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "MAYBE" in s)
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert "level" in str(err.value) and "MAYBE" in str(err.value)


def test_requirement_without_checks_or_reason_is_refused():
    def strip(d):
        d["requirements"][0].pop("checks")
    with pytest.raises(ProfileError, match="neither checks nor not_tested"):
        parse_profile(_profile_text(strip), "p.yaml")


def test_unknown_check_class_and_suite_are_refused():
    def bad_check(d):
        d["requirements"][0]["checks"] = [{"schemathesis": {"api": "zaken", "checks": ["nope"]}}]
    with pytest.raises(ProfileError, match="unknown schemathesis check 'nope'"):
        parse_profile(_profile_text(bad_check), "p.yaml")

    def bad_class(d):
        d["requirements"][0]["class"] = "premium"
    with pytest.raises(ProfileError, match="class 'premium'"):
        parse_profile(_profile_text(bad_class), "p.yaml")

    def bad_suite(d):
        d["requirements"][0]["checks"] = [{"suite": "conformance.suites.zrc:test_does_not_exist"}]
    with pytest.raises(ProfileError, match="has no test 'test_does_not_exist'"):
        parse_profile(_profile_text(bad_suite), "p.yaml")


def test_duplicate_requirement_id_is_refused():
    def dup(d):
        d["requirements"][1]["id"] = d["requirements"][0]["id"]
    with pytest.raises(ProfileError, match="used twice"):
        parse_profile(_profile_text(dup), "p.yaml")


def test_validate_command_exit_codes(cli, tmp_path):
    ok = cli("profiles", "validate", str(PROFILE))
    assert ok.code == 0 and "valid profile zrc-1.5" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(_profile_text(lambda d: d.pop("standards")), encoding="utf-8")
    res = cli("profiles", "validate", str(bad))
    assert res.code == 2
    assert f"{bad}:1:" in res.stderr and "standards" in res.stderr
    assert "Traceback" not in res.stderr


def test_wrong_spec_hash_is_a_clear_error(tmp_path, spec_dir):
    copy = tmp_path / "zaken-1.5.1.yaml"
    copy.write_bytes((spec_dir / "zaken-1.5.1.yaml").read_bytes() + b"\n# changed\n")
    profile = load_profile("zrc-1.5")
    resolver = SpecResolver(spec_dir=tmp_path, cache_dir=None, offline=True)
    with pytest.raises(SpecError) as err:
        load_standard_spec(profile.standards["zaken"], resolver)
    message = str(err.value)
    assert str(copy) in message
    assert profile.standards["zaken"].openapi.sha256 in message
    assert "Replace the file" in message


def test_wrong_spec_hash_exits_2_from_the_cli(cli, tmp_path, spec_dir):
    for name in ("zaken-1.5.1.yaml", "catalogi-1.3.1.yaml", "catalogi-1.3.2.yaml",
                 "documenten-1.4.2.yaml"):
        (tmp_path / name).write_bytes((spec_dir / name).read_bytes())
    (tmp_path / "zaken-1.5.1.yaml").write_bytes(b"openapi: 3.0.0\npaths: {}\n")
    res = cli("run", "--spec-dir", str(tmp_path), "--offline", "--budget", "quick",
              "--out", str(tmp_path / "out"))
    assert res.code == 2, res.stderr
    assert "zaken-1.5.1.yaml" in res.stderr and "sha256" in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_spec_offline_says_where_to_put_it(tmp_path):
    resolver = SpecResolver(spec_dir=tmp_path, cache_dir=tmp_path / "cache", offline=True)
    pin = PinnedSpec("https://example.org/openapi.yaml", "0" * 64, "missing.yaml")
    with pytest.raises(SpecError, match="missing.yaml .*not found in spec dir.*--spec-dir"):
        resolver.resolve(pin)


def test_cross_document_refs_resolve_to_pinned_files(resolver):
    import schemathesis

    profile = load_profile("zrc-1.5")
    spec = load_standard_spec(profile.standards["zaken"], resolver)
    schema = schemathesis.openapi.from_dict(spec)
    operations = list(schema.get_all_operations())
    assert len(operations) == 62
    assert all(op.ok() for op in operations), [op.err() for op in operations if not op.ok()]


TARGET = """\
supplier: {name: Acme, product: Acme Zaken, version: "4.2"}
environment: test
apis:
  zaken:    {base_url: http://127.0.0.1:8000/zaken/api/v1}
  catalogi: {base_url: http://127.0.0.1:8000/catalogi/api/v1}
auth: {type: jwt-zgw, client_id: conformance, secret_env: ACME_SECRET}
"""


def test_target_file_reads_secret_from_environment(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text(TARGET, encoding="utf-8")
    target = load_target_file(path, environ={"ACME_SECRET": "s3cr3t-value"})
    assert target.apis["zaken"] == "http://127.0.0.1:8000/zaken/api/v1"
    assert target.auth.secret == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(target) and "s3cr3t-value" not in str(target.summary())


def test_missing_secret_is_a_clear_error(tmp_path, cli):
    path = tmp_path / "acme.yaml"
    path.write_text(TARGET, encoding="utf-8")
    with pytest.raises(TargetError, match=r"acme\.yaml:6: .*ACME_SECRET, which is not set"):
        load_target_file(path, environ={})
    res = cli("run", "--target", str(path), "--out", str(tmp_path / "out"),
              env={"ACME_SECRET": ""})
    assert res.code == 2 and "ACME_SECRET" in res.stderr and "Traceback" not in res.stderr


def test_literal_secret_warns(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TARGET.replace("secret_env: ACME_SECRET", "secret: inline"), encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        target = load_target_file(path, environ={})
    assert target.auth.secret == "inline"
    said = [str(w.message) for w in caught]  # a literal secret, and this one also a weak one
    assert any("literal secret" in m for m in said), said
    assert any("is weak (shorter than 8 characters)" in m for m in said), said


def test_bad_target_file_points_at_the_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TARGET.replace("environment: test", "environment: staging"), encoding="utf-8")
    with pytest.raises(TargetError, match=r"t\.yaml:2: target field 'environment'"):
        load_target_file(path, environ={"ACME_SECRET": "x"})


def test_target_url_shorthand():
    target = target_from_url("http://127.0.0.1:9/zaken/api/v1/", "zaken", client_id=None,
                             environ={})
    assert target.apis == {"zaken": "http://127.0.0.1:9/zaken/api/v1"}
    assert target.auth.type == "none"
    with pytest.raises(TargetError, match="expected a target file"):
        target_from_url("ftp://x", "zaken", client_id=None, environ={})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_target_is_incomplete_and_still_writes_artefacts(tmp_path, cli):
    port = _closed_port()
    path = tmp_path / "down.yaml"
    path.write_text(TARGET.replace("8000", str(port)), encoding="utf-8")
    out = tmp_path / "out"
    res = cli("run", "--target", str(path), "--budget", "quick", "--out", str(out),
              env={"ACME_SECRET": "x" * 20})
    assert res.code == 3, res.stderr
    assert "target unreachable" in res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    import json

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["verdict"] == "incomplete"
    assert all(r["outcome"] in ("error", "skipped") for r in results["requirements"])
    assert (out / "certificate.html").exists()
