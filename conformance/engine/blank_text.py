"""Required text in a positive body is never blank.

The ZGW OAS files declare required text fields without ``minLength``, so ``""`` and ``"  "``
are schema-valid there; Django REST framework, on which Open Zaak and most suppliers are
built, trims text and refuses blank required text ("Dit veld mag niet leeg zijn"). The
standard does not settle it, so such a refusal says nothing about a supplier: as with NUL
characters (``allow-x00``), positive bodies get non-blank text where a text field is
required, and in each entry of a list of text. A PATCH body (``Patched<X>``, without
``required``) follows ``<X>``'s list: DRF refuses blank there too. Negative bodies stay as
generated.
"""

from __future__ import annotations

import random
import string
from typing import Any

#: how deep nested objects are followed (the ZGW bodies nest two or three levels)
MAX_DEPTH = 6
_ALPHABET = string.ascii_letters + string.digits


def fill_blank_required(case: Any, rng: random.Random,
                        shapes: dict[str, dict[str, Any] | None]) -> int:
    """Give each blank required text field of a positive JSON body a non-blank value;
    returns how many were filled. ``shapes`` caches each operation's shape for one pass
    (one spec), keyed by operationId."""
    if not isinstance(case.body, (dict, list)):
        return 0
    operation = case.operation.definition.raw
    operation_id = operation.get("operationId", "")
    if operation_id not in shapes:
        shapes[operation_id] = body_shape(case.operation.schema.raw_schema, operation)
    shape = shapes[operation_id]
    return _fill(case.body, shape, rng) if shape else 0


def body_shape(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    """The required-text shape of an operation's JSON request body: ``{"text": maxLength}``
    for a required plain text field, ``{"props": {...}}`` for an object, ``{"items": ...}``
    for an array; None when nothing in it is required text."""
    request_body, _ = _resolve(spec, operation.get("requestBody") or {})
    content = request_body.get("content") or {}
    for media_type, item in content.items():
        if "json" in media_type and isinstance(item, dict) and "schema" in item:
            return _shape(spec, item["schema"], None, 0)
    return None


def _shape(spec: dict[str, Any], schema: Any, required_from: str | None,
           depth: int) -> dict[str, Any] | None:
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    schema, name = _resolve(spec, schema)
    if required_from is None and name and name.startswith("Patched"):
        required_from = name.removeprefix("Patched")
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            _merge(merged, _shape(spec, part, required_from, depth + 1))
        _merge(merged, _shape(spec, {k: v for k, v in schema.items() if k != "allOf"},
                              required_from, depth + 1))
        return merged or None
    if schema.get("type") == "array" or "items" in schema:
        # an entry of a list of text is never blank either (DRF: a ListField of CharFields)
        items = (_text_node(spec, schema.get("items"))
                 or _shape(spec, schema.get("items"), None, depth + 1))
        return {"items": items} if items else None
    properties = schema.get("properties")
    if isinstance(properties, dict):
        required = set(schema.get("required") or [])
        if required_from is not None:
            base = spec.get("components", {}).get("schemas", {}).get(required_from, {})
            required |= set(base.get("required") or [])
        props = {}
        for prop, sub in properties.items():
            node = _text_node(spec, sub) if prop in required else None
            node = node or _shape(spec, sub, None, depth + 1)
            if node:
                props[prop] = node
        return {"props": props} if props else None
    return None


def _text_node(spec: dict[str, Any], schema: Any) -> dict[str, Any] | None:
    """A plain text field: type string with no enum, format or pattern to respect."""
    if not isinstance(schema, dict):
        return None
    schema, _ = _resolve(spec, schema)
    if len(schema.get("allOf") or []) == 1:
        schema, _ = _resolve(spec, schema["allOf"][0])
    if (schema.get("type") != "string" or schema.get("readOnly")
            or any(k in schema for k in ("enum", "format", "pattern", "const"))):
        return None
    return {"text": schema.get("maxLength")}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow local ``$ref``s; the last component name on the way, if any."""
    name = None
    for _ in range(MAX_DEPTH):
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        node: Any = spec
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        name = ref.rsplit("/", 1)[-1]
        schema = node if isinstance(node, dict) else {}
    return schema, name


def _merge(into: dict[str, Any], shape: dict[str, Any] | None) -> None:
    if not shape:
        return
    if "text" in shape and "props" not in into:
        into.setdefault("text", shape["text"])
    if "items" in shape:
        into.setdefault("items", shape["items"])
    for prop, node in shape.get("props", {}).items():
        _merge(into.setdefault("props", {}).setdefault(prop, {}), node)


def _fill(value: Any, shape: dict[str, Any], rng: random.Random) -> int:
    filled = 0
    if isinstance(value, list) and "items" in shape:
        for i, item in enumerate(value):
            if "text" in shape["items"] and isinstance(item, str) and not item.strip():
                value[i] = _text(shape["items"]["text"], rng)
                filled += 1
            else:
                filled += _fill(item, shape["items"], rng)
    elif isinstance(value, dict):
        for prop, node in shape.get("props", {}).items():
            current = value.get(prop)
            if "text" in node and isinstance(current, str) and not current.strip():
                value[prop] = _text(node["text"], rng)
                filled += 1
            elif current is not None:
                filled += _fill(current, node, rng)
    return filled


def _text(max_length: Any, rng: random.Random) -> str:
    """Non-blank text that fits: up to 8 letters and digits (random, so unique-per-field
    rules such as a zaaktype's identificatie are not tripped by our own repetition)."""
    size = 8 if not isinstance(max_length, int) or max_length <= 0 else min(8, max_length)
    return "".join(rng.choice(_ALPHABET) for _ in range(size))
