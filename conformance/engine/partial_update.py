"""A PATCH is a partial update: only what it sends changes (ZGW, as Django REST framework's
partial update in Open Zaak and Open Notificaties).

The older ZGW OpenAPI files (Autorisaties 1.0, Besluiten 1.1, Notificaties 1.0) give PATCH
the resource's full schema, with its required properties, and mark the body required; the
newer ones (Zaken 1.5: ``PatchedZaak``) drop both. By the older files a PATCH that leaves out
a required property, or sends no body at all, is invalid data; by the standard it is a valid
partial update, which Open Zaak 1.30 accepts (200). Such a request, when it is invalid in no
other way, is a spec gap, never evidence that the supplier accepts invalid data.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from schemathesis.core.jsonschema import make_validator

REASON = {
    "nl": "de OAS geeft deze PATCH het volledige schema van de resource, met verplichte "
          "eigenschappen en een verplichte body, maar een PATCH is een gedeeltelijke wijziging "
          "die alleen verandert wat hij meestuurt (nieuwere ZGW-OAS-bestanden, zoals "
          "PatchedZaak van Zaken 1.5, laten beide weg); een PATCH die eigenschappen of de body "
          "weglaat en verder geldig is, nemen ZGW-leveranciers aan (Open Zaak 1.30 antwoordt "
          "200), en dat is geen aanname van ongeldige gegevens",
    "en": "the OAS gives this PATCH the resource's full schema, with its required properties "
          "and a required body, but a PATCH is a partial update that changes only what it "
          "sends (newer ZGW OAS files, such as Zaken 1.5's PatchedZaak, drop both); a PATCH "
          "that leaves properties or its body out and is valid otherwise is accepted by ZGW "
          "suppliers (Open Zaak 1.30 answers 200), which is no acceptance of invalid data"}
#: how schemathesis names the invalid part of a negative case that lies in the body only
_BODY_ONLY = ("Missing request body", "Missing required property", "in body")



def only_left_out(case: Any, request: Any, text: str) -> bool:
    """Was this failed negative case a PATCH whose only invalid part was a body, or top-level
    properties of it, that it left out?"""
    if case is None or request is None or str(request.method).upper() != "PATCH":
        return False
    _, _, component = text.partition("Invalid component:")
    if not component.strip().startswith(_BODY_ONLY):
        return False  # (also) invalid in the path, query or headers
    if not request.body:
        return True  # no body: nothing sent, so nothing invalid sent
    try:
        body = json.loads(request.body)
    except (ValueError, TypeError):
        return False
    validator = _validator(case.operation)
    return validator is not None and isinstance(body, dict) and validator.is_valid(body)


def _validator(operation: Any) -> Any:
    """The operation's JSON body schema with the root object's ``required`` dropped (built
    for the rare failed case that needs it; schemathesis keeps validators by schema)."""
    bodies = [b for b in operation.body if "json" in str(b.media_type)]
    if not bodies:
        return None
    schema = copy.deepcopy(bodies[0].validation_schema)
    if not isinstance(schema, dict):
        return None
    bundled = schema.get("x-bundled") or {}
    root = schema
    seen = set()
    while isinstance(root.get("$ref"), str) and root["$ref"].startswith("#/x-bundled/"):
        name = root["$ref"].rsplit("/", 1)[-1]
        if name in seen or name not in bundled:
            return None
        seen.add(name)
        root = bundled[name]
    relaxed = {k: v for k, v in root.items() if k != "required"}
    if bundled:
        relaxed["x-bundled"] = bundled  # the nested objects keep their own required
    # schemathesis's own validator (its format and pattern checks), within the exact pin
    return make_validator(relaxed, bodies[0].adapter.jsonschema_validator_cls)
