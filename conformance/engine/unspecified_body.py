"""Positive bodies of operations whose OAS leaves the body unspecified.

Catalogi 1.3.x types some update bodies as "Unspecified request body" (any JSON object:
zaaktype_partial_update, besluittype_partial_update, informatieobjecttype_update ...), so
schemathesis takes ``{"toelichting": -5797}`` for valid data. The standard's update takes the
resource's own fields, and a supplier rightly refuses such a value (Open Zaak: 400, as the
reference). A positive body keeps only the resource's fields whose values fit the resource's
schema (that of its create operation, else of its retrieve answer); other keys, which a
supplier ignores, stay as generated.
"""

from __future__ import annotations

from typing import Any

import jsonschema

UNSPECIFIED = "Unspecified request body"
MAX_DEPTH = 12  # inlined $ref levels; deeper schemas accept anything
FORMATS = jsonschema.FormatChecker()  # a date that is no date does not fit either


def is_unspecified(operation: dict[str, Any]) -> bool:
    schema = _json_schema(operation.get("requestBody"))
    return isinstance(schema, dict) and schema.get("description") == UNSPECIFIED


def drop_unfit_fields(body: dict[str, Any], spec: dict[str, Any], resource: str) -> list[str]:
    """Remove the resource's fields whose values its schema refuses; the names removed."""
    properties = _resource_schema(spec, resource).get("properties") or {}
    dropped = [name for name, value in body.items() if name in properties
               and not _fits(value, _inline(spec, properties[name], 0))]
    for name in dropped:
        del body[name]
    return dropped


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    return jsonschema.Draft4Validator(schema, format_checker=FORMATS).is_valid(value)


def _resource_schema(spec: dict[str, Any], resource: str) -> dict[str, Any]:
    """The create body's schema, else the retrieve answer's, of ``resource``."""
    wanted = {f"{resource}_create": "request", f"{resource}_retrieve": "response"}
    found: dict[str, Any] = {}
    for item in (spec.get("paths") or {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") in wanted:
                found[wanted[operation["operationId"]]] = operation
    create = found.get("request")
    if create is not None and not is_unspecified(create):
        return _inline(spec, _json_schema(create.get("requestBody")) or {}, 0)
    retrieve = found.get("response")
    answer = (retrieve or {}).get("responses", {}).get("200")
    return _inline(spec, _json_schema(answer) or {}, 0)


def _json_schema(part: Any) -> Any:
    content = (part or {}).get("content") or {} if isinstance(part, dict) else {}
    return next((item.get("schema") for media, item in content.items()
                 if "json" in media and isinstance(item, dict)), None)


def _inline(spec: dict[str, Any], schema: Any, depth: int) -> dict[str, Any]:
    """``schema`` with its local $refs inlined and OAS 3.0 ``nullable`` as a JSON type."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return {}
    if "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return _inline(spec, node, depth + 1)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {k: _inline(spec, v, depth + 1) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = _inline(spec, value, depth + 1)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_inline(spec, v, depth + 1) for v in value]
        elif key not in ("nullable", "readOnly", "writeOnly", "example", "discriminator",
                         "xml", "externalDocs", "deprecated"):
            out[key] = value
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out
