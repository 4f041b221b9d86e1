"""Resolve a pinned OpenAPI file: spec dir, then user cache, then download.

The sha256 in the profile is the identity of a standard's text. A file is only
used after its hash matched; a download is checked before it enters the cache.
Cross-document ``$ref``s (the Zaken spec points at a moving ``master`` address of
the Catalogi spec) are resolved to pinned files and inlined, never fetched live.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from .errors import SpecError
from .profiles import PinnedSpec, Standard

SPEC_DIR_ENV = "CONFORMANCE_SPEC_DIR"
OFFLINE_ENV = "CONFORMANCE_OFFLINE"
MAX_SPEC_BYTES = 20 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 30.0


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gemma-conformance" / "specs"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class SpecResolver:
    """Finds pinned files; one resolver per run so every lookup follows the same order."""

    spec_dir: Path | None = None
    cache_dir: Path | None = None
    offline: bool = False

    @classmethod
    def from_environment(cls, spec_dir: str | None = None, offline: bool | None = None
                         ) -> SpecResolver:
        chosen = spec_dir or os.environ.get(SPEC_DIR_ENV) or None
        if offline is None:
            offline = os.environ.get(OFFLINE_ENV, "") not in ("", "0", "false")
        return cls(Path(chosen) if chosen else None, default_cache_dir(), offline)

    def resolve(self, pin: PinnedSpec) -> Path:
        """Path of a local file whose sha256 equals the pin, or ``SpecError``."""
        if self.spec_dir is not None:
            candidate = self.spec_dir / pin.file
            if candidate.is_file():
                self._verify(candidate.read_bytes(), pin, str(candidate))
                return candidate
        if self.cache_dir is not None:
            cached = self.cache_dir / pin.file
            if cached.is_file() and _sha256(cached.read_bytes()) == pin.sha256:
                return cached
        return self._download(pin)

    def _verify(self, data: bytes, pin: PinnedSpec, where: str) -> None:
        actual = _sha256(data)
        if actual != pin.sha256:
            raise SpecError(
                f"{where}: sha256 is {actual}, but the profile pins {pin.sha256} for "
                f"{pin.file} ({pin.url}). Replace the file with the pinned one (download it "
                "from that URL) or fix the profile's sha256 if the standard really changed."
            )

    def _download(self, pin: PinnedSpec) -> Path:
        where = f"spec dir {self.spec_dir}" if self.spec_dir else f"${SPEC_DIR_ENV} (not set)"
        if self.offline:
            raise SpecError(
                f"{pin.file} (sha256 {pin.sha256}) was not found in {where} or the cache "
                f"{self.cache_dir}, and downloads are off ({OFFLINE_ENV}). Put the file from "
                f"{pin.url} into the spec dir (--spec-dir or ${SPEC_DIR_ENV})."
            )
        try:
            with httpx.Client(timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=True) as client, \
                    client.stream("GET", pin.url) as resp:
                resp.raise_for_status()
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_SPEC_BYTES:
                        raise SpecError(f"{pin.url}: larger than {MAX_SPEC_BYTES} bytes; refused")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise SpecError(
                f"{pin.file} (sha256 {pin.sha256}) is not in {where} or the cache, and the "
                f"download from {pin.url} failed: {exc}. Without internet, point --spec-dir "
                f"or ${SPEC_DIR_ENV} at a folder holding the pinned file."
            ) from None
        data = b"".join(chunks)
        self._verify(data, pin, pin.url)
        assert self.cache_dir is not None
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        target = self.cache_dir / pin.file
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
        return target


#: libyaml's safe loader when PyYAML was built with it: the official specs are large (the
#: Zaken spec parses in ~0.3 s instead of ~1.6 s), and a run parses several.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_spec(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not a valid OpenAPI YAML document: {exc}") from None
    if not isinstance(data, dict) or "paths" not in data:
        raise SpecError(f"{path}: not an OpenAPI document (no 'paths')")
    return data


def load_standard_spec(standard: Standard, resolver: SpecResolver) -> dict[str, Any]:
    """The standard's OpenAPI document with cross-document refs inlined from pinned files."""
    spec = load_yaml_spec(resolver.resolve(standard.openapi))
    if standard.refs:
        externals = {m.ref: load_yaml_spec(resolver.resolve(m.spec)) for m in standard.refs}
        spec = inline_external_refs(spec, externals)
    unresolved = sorted(_external_refs(spec))
    if unresolved:
        raise SpecError(
            f"{standard.openapi.file}: has cross-document $ref(s) the profile does not map to a "
            f"pinned file: {', '.join(unresolved[:3])}. "
            f"Add them under standards.{standard.api}.refs."
        )
    return spec


def _external_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.add(ref.split("#", 1)[0])
        for v in node.values():
            found |= _external_refs(v)
    elif isinstance(node, list):
        for v in node:
            found |= _external_refs(v)
    return found


def inline_external_refs(spec: dict[str, Any], externals: dict[str, dict[str, Any]]
                         ) -> dict[str, Any]:
    """Copy each externally referenced schema (and what it refers to) into our components.

    ``<doc-url>#/components/schemas/ZaakType`` becomes ``#/components/schemas/ext1_ZaakType``;
    internal refs inside the copied schema are renamed the same way.
    """
    spec = copy.deepcopy(spec)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    prefixes = {url: f"ext{i + 1}_" for i, url in enumerate(sorted(externals))}

    def import_schema(url: str, pointer: str) -> str:
        name = pointer.rsplit("/", 1)[-1]
        local = prefixes[url] + name
        if local not in schemas:
            node = _resolve_pointer(externals[url], pointer, url)
            schemas[local] = {}  # placeholder first: recursive schemas terminate
            schemas[local] = rewrite(copy.deepcopy(node), url)
        return f"#/components/schemas/{local}"

    def rewrite(node: Any, context_url: str | None) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                doc, _, pointer = ref.partition("#")
                if doc and doc in externals:
                    node = {**node, "$ref": import_schema(doc, pointer)}
                elif not doc and context_url is not None:
                    node = {**node, "$ref": import_schema(context_url, pointer)}
            return {k: (v if k == "$ref" else rewrite(v, context_url)) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v, context_url) for v in node]
        return node

    if "paths" in spec:
        spec["paths"] = rewrite(spec["paths"], None)
    components = spec["components"]
    for section in list(components):
        if section != "schemas":
            components[section] = rewrite(components[section], None)
    for name in list(schemas):  # in place: imports made meanwhile land in the same dict
        schemas[name] = rewrite(schemas[name], None)
    return spec


def _resolve_pointer(doc: dict[str, Any], pointer: str, url: str) -> Any:
    node: Any = doc
    for part in pointer.strip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SpecError(f"{url}#{pointer}: the pinned file has no such schema")
        node = node[part]
    return node
