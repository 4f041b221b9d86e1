"""Waivers: approved, expiring exceptions for single requirements.

A waiver is a decision by a buyer or a profile owner, so it must be traceable: every
waiver names who approved it, why, until when, and the file and line it came from, and
all of that is printed on the certificate. A waiver can only turn a *failed*
requirement into *waived*; it can never make an undecided (``error``) requirement pass,
and an expired waiver is ignored but still reported.

File format (YAML)::

    waivers:
      - requirement: zrc-007
        reason: Fix planned in release 4.3 (ticket ACME-1234)
        approved_by: Gemeente Voorbeeld, afdeling Inkoop
        expires: 2027-03-31
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from conformance.results import RequirementResult
from conformance.yamlfile import read_yaml

FIELDS = ("requirement", "reason", "approved_by", "expires")


class WaiverError(Exception):
    """A waivers file that cannot be used; the message starts with ``file:line:``."""


@dataclass
class Waiver:
    requirement: str
    reason: str
    approved_by: str
    expires: date
    source: str  # file:line of the waiver entry

    def as_dict(self) -> dict[str, str]:
        return {
            "reason": self.reason,
            "approved_by": self.approved_by,
            "expires": self.expires.isoformat(),
            "source": self.source,
        }


def load_waivers(path: Path) -> list[Waiver]:
    """Read and check a waivers file; every problem is reported with its file and line."""
    path = Path(path)
    root = read_yaml(path, WaiverError, construct=False).root

    def fail(node: yaml.Node | None, what: str) -> WaiverError:
        line = node.start_mark.line + 1 if node is not None else 1
        return WaiverError(f"{path}:{line}: {what}")

    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise fail(root, "expected a mapping with a 'waivers:' list at the top")
    top = _mapping(root, fail)
    unknown = sorted(set(top) - {"waivers"})
    if unknown:
        raise fail(top[unknown[0]][0],
                   f"unknown top-level key {unknown[0]!r}; only 'waivers' is allowed")
    if "waivers" not in top:
        raise fail(root, "missing 'waivers:' list")
    items = top["waivers"][1]
    if isinstance(items, yaml.ScalarNode) and items.tag.endswith(":null"):
        return []
    if not isinstance(items, yaml.SequenceNode):
        raise fail(items, "'waivers' must be a list of waivers (- requirement: ...)")

    waivers: list[Waiver] = []
    seen: dict[str, str] = {}
    for item in items.value:
        waiver = _waiver(item, path, fail)
        if waiver.requirement in seen:
            raise fail(item, f"second waiver for {waiver.requirement} (the first is at "
                             f"{seen[waiver.requirement]}); keep one waiver per requirement")
        seen[waiver.requirement] = waiver.source
        waivers.append(waiver)
    return waivers


def _mapping(node: yaml.MappingNode, fail: Any) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise fail(key, "keys must be plain words")
        if key.value in out:
            raise fail(key, f"duplicate key {key.value!r}")
        out[key.value] = (key, value)
    return out


def _waiver(item: yaml.Node, path: Path, fail: Any) -> Waiver:
    if not isinstance(item, yaml.MappingNode):
        raise fail(item, "each waiver must be a mapping with " + ", ".join(FIELDS))
    fields = _mapping(item, fail)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise fail(fields[unknown[0]][0],
                   f"unknown field {unknown[0]!r}; a waiver has exactly: {', '.join(FIELDS)}")
    missing = [f for f in FIELDS if f not in fields]
    if missing:
        raise fail(item, f"waiver is missing {', '.join(missing)}")
    values: dict[str, str] = {}
    for name in FIELDS:
        node = fields[name][1]
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise fail(node, f"'{name}' must be a non-empty text")
        values[name] = str(node.value).strip()
    expires_node = fields["expires"][1]
    try:
        if len(values["expires"]) != 10:
            raise ValueError
        expires = date.fromisoformat(values["expires"])
    except ValueError:
        got = values["expires"]
        raise fail(expires_node, f"'expires' must be a date YYYY-MM-DD, got {got!r}") from None
    return Waiver(
        requirement=values["requirement"],
        reason=values["reason"],
        approved_by=values["approved_by"],
        expires=expires,
        source=f"{path}:{item.start_mark.line + 1}",
    )


def _get(req: Any, name: str) -> Any:
    return req.get(name) if isinstance(req, dict) else getattr(req, name)


def _set(req: Any, name: str, value: Any) -> None:
    if isinstance(req, dict):
        req[name] = value
    else:
        setattr(req, name, value)


def apply_waivers(
    requirements: list[RequirementResult], waivers: list[Waiver], *, today: date
) -> list[dict[str, Any]]:
    """Apply unexpired waivers to failed requirements, in place, and report every waiver.

    Statuses: ``applied`` (failed -> waived), ``expired`` (ignored), ``stale`` (the
    requirement passed anyway), ``unknown_requirement`` (no such id in the profile) and
    ``not_applied`` (the requirement was not failed, e.g. ``error`` or ``skipped``: a
    waiver cannot decide an undecided requirement). Requirements may be
    :class:`RequirementResult` objects or their dict form.
    """
    by_id = {_get(r, "id"): r for r in requirements}
    report: list[dict[str, Any]] = []
    for waiver in waivers:
        req = by_id.get(waiver.requirement)
        outcome = _get(req, "outcome") if req is not None else None
        if req is None:
            status, note = "unknown_requirement", "the profile has no requirement with this id"
        elif waiver.expires < today:
            status, note = "expired", f"expired on {waiver.expires.isoformat()}; ignored"
        elif outcome == "failed":
            status, note = "applied", "failed requirement waived"
            _set(req, "outcome", "waived")
            _set(req, "waiver", waiver.as_dict())
        elif outcome == "passed":
            status, note = "stale", "the requirement passed; the waiver is no longer needed"
        else:
            status, note = "not_applied", (
                f"the requirement is {outcome}, not failed; a waiver only covers a failure"
            )
        report.append({
            "requirement": waiver.requirement,
            "status": status,
            "outcome": outcome,
            "note": note,
            **waiver.as_dict(),
        })
    return report
