"""Whether a schemathesis check really judged a response (it "applied").

schemathesis records a check as passed whenever it raised nothing, also where it had nothing
to judge: ``use_after_free`` on a GET that no DELETE preceded, ``positive_data_acceptance`` on
a negative case. Counting those as executed checks made requirements pass that were never
exercised. Here each check says what it needs to have judged a response; only those count.
The rules mirror the pinned schemathesis version's checks (4.32.5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.specs.openapi.checks import ResourcePath, _is_prefix_operation

#: methods after which a successful answer on a deleted resource is a use-after-free
_READS_AFTER_DELETE = frozenset({"get", "head", "options", "patch"})


def _answered(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return response is not None


def _documented(case: Any, response: Any) -> Any:
    """The response definition the OAS gives for this status (None when undocumented)."""
    try:
        return case.operation.responses.find_by_status_code(response.status_code)
    except (AttributeError, KeyError, TypeError):
        return None


def _has_body(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return response is not None and bool(response.content)


def _documented_schema(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    if response is None or not response.content:
        return False
    definition = _documented(case, response)
    return definition is not None and definition.get_raw_schema() is not None


def _documented_headers(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    if response is None:
        return False
    definition = _documented(case, response)
    return definition is not None and bool(getattr(definition.headers, "required", None)
                                           or definition.definition.get("headers"))


def _mode(case: Any) -> str | None:
    meta = case.meta if case is not None else None
    return None if meta is None else str(meta.generation.mode.value)


def _positive(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return response is not None and _mode(case) == "positive"


def _negative(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return response is not None and _mode(case) == "negative"


def _coverage(case: Any, scenario: CoverageScenario,
              location: ParameterLocation | None = None) -> bool:
    meta = case.meta if case is not None else None
    data = meta.phase.data if meta is not None else None
    return (isinstance(data, CoveragePhaseData) and data.scenario == scenario
            and (location is None or data.parameter_location == location))


def _missing_header(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return response is not None and _coverage(case, CoverageScenario.MISSING_PARAMETER,
                                              ParameterLocation.HEADER)


def _unsupported_method(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return response is not None and _coverage(case, CoverageScenario.UNSPECIFIED_HTTP_METHOD)


def _options_with_allow(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    return (response is not None and response.request.method == "OPTIONS"
            and bool(response.headers.get("allow")))


def _secured_success(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    """ignored_auth probes an operation without credentials after a 2xx with them."""
    return (response is not None and 200 <= response.status_code < 300
            and bool(case.operation.definition.raw.get("security",
                                                       case.operation.schema.raw_schema.get(
                                                           "security"))))


def _path(case: Any) -> ResourcePath:
    return ResourcePath(case.path, case.path_parameters or {})


def _after_delete(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    """A request on a resource after a successful DELETE of it in the same chain."""
    if response is None or case.operation.method.lower() not in _READS_AFTER_DELETE:
        return False
    for related in rec.find_related(case_id=case_id):
        if related.operation.method.lower() != "delete" or not related.path_parameters:
            continue
        deleted = rec.find_response(case_id=related.id)
        if deleted is not None and 200 <= deleted.status_code < 300 and \
                _is_prefix_operation(_path(related), _path(case)):
            return True
    return False


def _after_create(case: Any, response: Any, rec: Any, case_id: str) -> bool:
    """A read of what a successful POST in the same chain created."""
    parent = rec.find_parent(case_id=case_id)
    if response is None or parent is None or parent.operation.method.upper() != "POST":
        return False
    created = rec.find_response(case_id=parent.id)
    return (created is not None and 200 <= created.status_code < 400
            and _is_prefix_operation(_path(parent), _path(case)))


Rule = Callable[[Any, Any, Any, str], bool]
RULES: dict[str, Rule] = {
    "not_a_server_error": _answered,
    "status_code_conformance": _answered,
    "content_type_conformance": _has_body,
    "response_schema_conformance": _documented_schema,
    "response_headers_conformance": _documented_headers,
    "positive_data_acceptance": _positive,
    "negative_data_rejection": _negative,
    "missing_required_header": _missing_header,
    "unsupported_method": _unsupported_method,
    "allow_header_conformance": _options_with_allow,
    "ignored_auth": _secured_success,
    "use_after_free": _after_delete,
    "ensure_resource_availability": _after_create,
}


def applies(check: str, case: Any, response: Any, rec: Any, case_id: str) -> bool:
    """Did ``check`` have something to judge in this exchange? Unknown checks: any answer."""
    if case is None:
        return False
    try:
        return RULES.get(check, _answered)(case, response, rec, case_id)
    except (AttributeError, KeyError, TypeError, ValueError):
        return False
