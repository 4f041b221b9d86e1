"""Generate ``conformance/data/gemma_map.json`` from the derived GEMMA extract.

The harness ships a compact map of the GEMMA landscape: per reference component in use, the
standards it must (Verplicht) or should (Aanbevolen) support, and the names of all GEMMA
standards. It is generated from the extract in ``../shared/gemma`` (``components.json``,
``standards.json``; their ``README.md`` names the GEMMA model commit they were derived from),
never copied by hand, and records that commit and the sha256 of each file it read, so a test
can regenerate it and prove the shipped file still equals its source.

    python -m conformance.tools.gemma_map [--source ../shared/gemma] [--out FILE] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "gemma"
DEFAULT_OUT = REPO / "conformance" / "data" / "gemma_map.json"
MODEL_REPOSITORY = "VNG-Realisatie/GEMMA-Archi-repository"
SOURCE_FILES = ("README.md", "components.json", "standards.json")
ROLES = {"Verplicht": "verplicht", "Aanbevolen": "aanbevolen"}
#: "- Commit: `<40 hex>`" in the extract's README
COMMIT_LINE = re.compile(r"^-\s*Commit:\s*`([0-9a-f]{40})`", re.MULTILINE)


class SourceError(Exception):
    """The GEMMA extract is missing or not in the shape this generator reads."""


def _read(source: Path, name: str) -> bytes:
    path = source / name
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the GEMMA extract ({exc}); give its folder "
                          "with --source") from None


def build_map(source: Path) -> dict[str, Any]:
    """The map as a plain dict (deterministic: every list and mapping sorted)."""
    raw = {name: _read(source, name) for name in SOURCE_FILES}
    found = COMMIT_LINE.search(raw["README.md"].decode("utf-8"))
    if not found:
        raise SourceError(f"{source / 'README.md'}: no line '- Commit: `<sha>`' naming the "
                          "GEMMA model commit the extract was derived from")
    try:
        components = json.loads(raw["components.json"])
        standards = json.loads(raw["standards.json"])
    except ValueError as exc:
        raise SourceError(f"{source}: components.json or standards.json is not JSON: "
                          f"{exc}") from None
    in_use = {c["name"] for c in components}
    return {
        "source": {
            "model": MODEL_REPOSITORY,
            "commit": found.group(1),
            "licence": "EUPL; credit 'GEMMA, VNG Realisatie'",
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()},
            "generator": "conformance/tools/gemma_map.py",
        },
        "components": {c["name"]: _links(c) for c in sorted(components, key=lambda c: c["name"])},
        "standards": {s["name"]: _standard(s) for s in sorted(
            (s for s in standards if s.get("type") == "Standaard"), key=lambda s: s["name"])},
        # named only as the provider of an interface (e.g. the Notificatierouteringcomponent,
        # "In ontwikkeling"): a GEMMA element, but without Verplicht/Aanbevolen links
        "interface_providers": sorted({p for c in components for i in c.get("interfaces", [])
                                       for p in i.get("provided_by", [])} - in_use),
    }


def _links(component: dict[str, Any]) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {"verplicht": [], "aanbevolen": []}
    for standard in component.get("standards", []):
        role = ROLES.get(standard.get("role"))
        if role is None:
            raise SourceError(f"components.json: {component['name']} -> {standard.get('name')}: "
                              f"unknown role {standard.get('role')!r}")
        links[role].append(standard["name"])
    return {role: sorted(names) for role, names in links.items()}


def _standard(standard: dict[str, Any]) -> dict[str, Any]:
    props = standard.get("properties") or {}
    return {"status": standard.get("status"), "beheerder": props.get("Beheerder"),
            "verplicht": standard.get("components_verplicht", 0),
            "aanbevolen": standard.get("components_aanbevolen", 0)}


def render(data: dict[str, Any]) -> str:
    """The file's text: sorted keys, one level of indentation, UTF-8, trailing newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help=f"folder of the GEMMA extract (default {DEFAULT_SOURCE})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"file to write (default {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when --out differs from what --source gives")
    args = parser.parse_args(argv)
    try:
        text = render(build_map(args.source))
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        same = current == text
        print(f"{args.out}: {'up to date' if same else f'DIFFERS from {args.source}'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} from {args.source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
