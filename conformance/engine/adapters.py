"""What every API's contract-pass data adapter shares, and the hooks that call them.

Schema-valid is not valid in ZGW: a random ``zaaktype`` URL is rightly refused (zrc-001), a
random 9-digit RSIN fails the 11-test, a filter naming a zaak that does not exist is refused.
Left alone, schemathesis would report each such refusal as "valid data rejected". So each
tested API has an adapter (``data_<api>.py``) that, for the POSITIVE parts of a generated case
only, points references at objects the run prepared on the target; negative parts stay as
generated. The schemathesis hooks below hand every case to the adapter of the running pass.
"""

from __future__ import annotations

import contextlib
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

from ..zgw import Factory

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(kw_only=True)
class DataAdapter:
    """The fields and steps every adapter has; subclasses add their API's own rules."""

    factory: Factory
    #: the profile's ``contract.ignored_query``: left out of positive requests
    ignored_query: list[dict[str, str]] = field(default_factory=list)
    #: operationId -> query parameters typed as plain strings that filter on dates
    date_query: dict[str, set[str]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    owners: dict[str, dict[str, Any]] = field(default_factory=dict)  # object URL -> its body
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url_filters(self) -> dict[str, str]:
        """Query parameter -> the URL of an object of that kind the run prepared.

        A filter naming an object is validated like input (ZGW: a URL that names no object of
        that kind is a 400), so a positive request filters on objects that exist.
        """
        return {}

    def positive_query(self, case: Any, dates: set[str] | tuple[str, ...] = ()) -> bool:
        """Make the positive query of ``case`` domain-valid; False when it was generated
        negative. Leaves out the ignored parameters, gives date filters a real date and
        filters on prepared objects (``url_filters``)."""
        if not case.query or negative(case.meta, ParameterLocation.QUERY):
            return False
        operation_id = case.operation.definition.raw.get("operationId", "")
        for rule in self.ignored_query:
            if rule.get("operation") in (None, operation_id):
                case.query.pop(rule["param"], None)
        for name in {*self.date_query.get(operation_id, ()), *dates}:
            if name in case.query:
                day = date(2020, 1, 1) + timedelta(days=self.rng.randrange(3000))
                case.query[name] = day.isoformat()
        for name, url in self.url_filters().items():
            if name in case.query and url:
                case.query[name] = url
        return True

    def remember(self, created: Any) -> None:
        """Keep what the target returned for an object, for later updates of it."""
        if isinstance(created, dict) and isinstance(created.get("url"), str):
            self.owners[created["url"]] = created

    def adapt(self, case: Any) -> None:
        raise NotImplementedError

    def observe(self, case: Any, response: Any) -> None:
        """Learn from an answer (what was made or removed); nothing by default."""


def negative(meta: Any, location: ParameterLocation) -> bool:
    """Was this part of the case generated to be invalid?"""
    return meta is not None and meta.is_negative_at(location)


def path_url(case: Any) -> str:
    """The absolute URL a case's path names (an object the target holds)."""
    return case.operation.schema.get_base_url().rstrip("/") + case.formatted_path


def date_query_params(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Query parameters the OAS types as plain strings but whose example is a date.

    The ZGW specs declare date filters (``startdatum__gt``) as ``type: string``
    without ``format: date``; implementations rightly refuse non-dates with 400.
    """
    found: dict[str, set[str]] = {}
    for item in spec.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            for param in op.get("parameters", []):
                schema = param.get("schema", {}) if isinstance(param, dict) else {}
                if (param.get("in") == "query" and schema.get("type") == "string"
                        and "format" not in schema
                        and ISO_DATE.match(str(schema.get("example", "")))):
                    found.setdefault(op["operationId"], set()).add(param["name"])
    return found


_active: Any = None  # the adapter of the running contract pass (adapt/observe)


@contextlib.contextmanager
def active(adapter: Any) -> Iterator[None]:
    """Make ``adapter`` the one the global hooks use for the duration of a pass."""
    global _active
    previous, _active = _active, adapter
    try:
        yield
    finally:
        _active = previous


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if _active is not None:
        _active.adapt(case)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    if _active is not None:
        _active.observe(case, response)
