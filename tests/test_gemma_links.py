"""Each profile names its GEMMA reference component and, exactly as the GEMMA model does, the
standards that are Verplicht or Aanbevolen for it. Read from ../shared/gemma (never copied)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conformance.profiles import builtin_profile_ids, load_profile

GEMMA = Path(os.environ.get("CONFORMANCE_GEMMA_DIR",
                            Path(__file__).resolve().parents[2] / "shared" / "gemma"))
#: profiles not bound to one GEMMA component (``gemma.generic``: the API Design Rules hold for
#: every API, the receiving side of notifications for every component that consumes them)
GENERIC = {p for p in builtin_profile_ids() if load_profile(p).gemma.get("generic")}


@pytest.fixture(scope="module")
def components() -> dict[str, dict]:
    path = GEMMA / "components.json"
    if not path.exists():
        pytest.fail(f"{path} not found: set CONFORMANCE_GEMMA_DIR to the shared gemma folder")
    return {c["name"]: c for c in json.loads(path.read_text(encoding="utf-8"))}


def _providers(components: dict[str, dict]) -> set[str]:
    """Components GEMMA names only as the provider of an interface (not listed themselves)."""
    return {name for c in components.values() for i in c.get("interfaces", [])
            for name in i.get("provided_by", [])}


@pytest.mark.parametrize("profile_id", sorted(set(builtin_profile_ids()) - GENERIC))
def test_profile_names_its_component_and_its_gemma_standards(profile_id, components):
    gemma = load_profile(profile_id).gemma
    component = components.get(gemma["component"])
    if component is None:  # e.g. the Notificatierouteringcomponent: no roles recorded at all
        assert gemma["component"] in _providers(components), (
            f"{profile_id}: {gemma['component']!r} is not a GEMMA component")
        assert not gemma.get("verplicht") and not gemma.get("aanbevolen"), profile_id
        return
    for role, key in (("Verplicht", "verplicht"), ("Aanbevolen", "aanbevolen")):
        expected = sorted({s["name"] for s in component["standards"] if s["role"] == role})
        assert sorted(gemma.get(key) or []) == expected, (profile_id, role)


def test_every_builtin_profile_but_the_generic_ones_is_checked():
    assert "adr-2.1" in GENERIC and "zrc-1.5" not in GENERIC
    assert len(set(builtin_profile_ids()) - GENERIC) >= 6
