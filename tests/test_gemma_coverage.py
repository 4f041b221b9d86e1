"""The shipped GEMMA map and `conformance gemma`: the map equals what its generator makes of
../shared/gemma, and the coverage figures follow from the profiles' own ``gemma:`` sections."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import jsonschema
import pytest

from conformance.errors import ProfileError
from conformance.gemma import load_map
from conformance.profiles import builtin_profile_ids, load_profile, parse_profile
from conformance.tools.gemma_map import DEFAULT_OUT, build_map, render

REPO = Path(__file__).resolve().parent.parent
GEMMA = Path(os.environ.get("CONFORMANCE_GEMMA_DIR", REPO.parent / "shared" / "gemma"))
MODEL_COMMIT = "13846a575e3f772b26035e4d144a3c1e4c7ef813"
SCHEMA = json.loads((REPO / "conformance" / "schemas" / "gemma-coverage.schema.json")
                    .read_text(encoding="utf-8"))


def test_shipped_map_equals_its_regeneration_from_the_extract():
    if not (GEMMA / "components.json").exists():
        pytest.skip(f"the GEMMA extract is not at {GEMMA} (set CONFORMANCE_GEMMA_DIR); the "
                    "shipped map cannot be compared with its source here")
    assert DEFAULT_OUT.read_text(encoding="utf-8") == render(build_map(GEMMA)), (
        "conformance/data/gemma_map.json differs from its source: run "
        "`python -m conformance.tools.gemma_map` and commit the result")
    source = load_map().source
    assert source["commit"] == MODEL_COMMIT
    for name, digest in source["files"].items():
        assert hashlib.sha256((GEMMA / name).read_bytes()).hexdigest() == digest, name


def test_map_has_the_landscape_the_extract_documents():
    gmap = load_map()
    assert len(gmap.components) == 167
    assert (gmap.link_count("verplicht"), gmap.link_count("aanbevolen")) == (311, 425)
    assert len(gmap.standards) == 200
    assert "Notificatierouteringcomponent" in gmap.interface_providers
    assert gmap.find_component("zaakregistratiecomponent") == "Zaakregistratiecomponent"


def _expected(profiles: list) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Links covered per role and per profile, counted from the profiles' own gemma sections
    and the raw extract (not through conformance.gemma)."""
    raw = {c["name"]: c for c in json.loads((GEMMA / "components.json").read_text("utf-8"))}
    covered: dict[str, set[tuple[str, str]]] = {"Verplicht": set(), "Aanbevolen": set()}
    per_profile: dict[str, int] = {}
    for p in profiles:
        certified = set(p.gemma.get("certifies") or [])
        mine = [(name, s["name"], s["role"]) for name, c in raw.items() for s in c["standards"]
                if s["name"] in certified
                and (p.gemma.get("generic") or name == p.gemma["component"])]
        per_profile[p.id] = len(mine)
        for name, standard, role in mine:
            covered[role].add((name, standard))
    totals = {role: sum(1 for c in raw.values() for s in c["standards"] if s["role"] == role)
              for role in covered}
    return {r: len(v) for r, v in covered.items()}, totals, per_profile


def test_gemma_json_figures_follow_from_the_profiles_gemma_sections(cli):
    if not (GEMMA / "components.json").exists():
        pytest.skip(f"the GEMMA extract is not at {GEMMA}; the figures are checked against it")
    result = cli("gemma", "--json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    profiles = [load_profile(p) for p in builtin_profile_ids()]
    covered, totals, per_profile = _expected(profiles)
    assert report["totals"]["verplicht"] == {"links": totals["Verplicht"],
                                             "covered": covered["Verplicht"]}
    assert report["totals"]["aanbevolen"] == {"links": totals["Aanbevolen"],
                                              "covered": covered["Aanbevolen"]}
    assert {p["id"]: p["links"] for p in report["profiles"]} == per_profile
    assert covered["Verplicht"] >= 4 and covered["Aanbevolen"] >= 4  # the ZGW providers at least
    rows = {r["name"]: r for r in report["components"]}
    assert len(rows) == 167
    zrc = {s["name"]: s for s in rows["Zaakregistratiecomponent"]["standards"]}
    assert [c["profile"] for c in zrc["Zaken API-standaard"]["covered_by"]] == ["zrc-1.5"]
    assert zrc["Catalogi API-standaard"]["covered_by"] == []  # used by the ZRC, not certified
    assert sum(r["verplicht"]["covered"] for r in rows.values()) == covered["Verplicht"]
    if "nrc-ontvangen-1.0" in per_profile:  # generic: every component with the standard
        assert per_profile["nrc-ontvangen-1.0"] == 8


def test_gemma_text_names_one_component_and_the_totals(cli):
    result = cli("gemma", "documentregistratiecomponent")
    assert result.code == 0, result.stderr
    assert "Documentregistratiecomponent — Verplicht 1 of 3 covered" in result.stdout
    assert "Documenten API-standaard" in result.stdout and "drc-1.4 (" in result.stdout
    assert "of 311 Verplicht links" in result.stdout.splitlines()[-1]
    wrong = cli("gemma", "Zaakregistratie")
    assert wrong.code == 2 and "did you mean 'Zaakregistratiecomponent'" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def _profile_text(certifies: str, extra: str = "") -> str:
    text = (REPO / "profiles" / "brc-1.1.yaml").read_text(encoding="utf-8")
    head, _, rest = text.partition("  certifies:\n")
    _, _, tail = rest.partition("\n\nstandards:")
    return head + extra + "  certifies:\n" + certifies + "\n\nstandards:" + tail


def test_certified_names_are_checked_against_the_map():
    with pytest.raises(ProfileError, match=r"brc\.yaml:\d+: 'Besluiten API standaard' is not a "
                                           r"GEMMA standard name; did you mean 'Besluiten API-"):
        parse_profile(_profile_text("    - Besluiten API standaard"), "brc.yaml")
    with pytest.raises(ProfileError, match="GEMMA does not link 'Verwerkingenlogging API-"
                                           "standaard' to Zaakregistratiecomponent"):
        parse_profile(_profile_text("    - Verwerkingenlogging API-standaard"), "brc.yaml")
    generic = parse_profile(_profile_text("    - Verwerkingenlogging API-standaard",
                                          "  generic: true\n"), "brc.yaml")
    assert generic.gemma["generic"] is True
