"""What every API's contract-pass data adapter shares, and the hooks that call them.

Schema-valid is not valid in ZGW: a random ``zaaktype`` URL is rightly refused (zrc-001), a
random 9-digit RSIN fails the 11-test, a filter naming a zaak that does not exist is refused.
Left alone, schemathesis would report each such refusal as "valid data rejected". So each
tested API has an adapter (``data_<api>.py``) that, for the POSITIVE parts of a generated case
only, points references at objects the run prepared on the target; negative parts stay as
generated. The schemathesis hooks below hand every case to the adapter of the running pass.

A pass with several workers (the target's ``safety.max_concurrency``) runs operations at the
same time: each operation then gets a fork of the adapter (``DataAdapter.fork``), with objects
of its own, so one operation never locks, updates or deletes what another is using. The
stateful phase (one thread, after the others) uses the adapter itself again, with what the
forks made and learnt folded back in (``DataAdapter.absorb``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import random
import re
import threading
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import schemathesis
from schemathesis.core.parameters import ParameterLocation

from ..client import ClientLimitError
from ..safety import READ_ONLY_METHODS
from ..zgw import Factory, FixtureError
from .blank_text import fill_blank_required

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: query filters whose values are RSINs (the ZGW organisation fields)
RSIN_FILTERS = frozenset({"bronorganisatie", "verantwoordelijkeOrganisatie", "rsin",
                          "opdrachtgevendeOrganisatie"})
#: what the forks of an adapter keep in common: the record of what the run made, the ids of
#: the cases whose path names a real object (the collector reads those), the objects known to
#: be gone and those a create made that a fork may claim for its own
SHARED_FIELDS = frozenset({"factory", "pointed", "text_shapes", "_volgnummer", "gone",
                           "spare"})


@dataclass(kw_only=True)
class DataAdapter:
    """The fields and steps every adapter has; subclasses add their API's own rules."""

    factory: Factory
    #: the profile's ``contract.ignored_query``: left out of positive requests
    ignored_query: list[dict[str, str]] = field(default_factory=list)
    #: operationId -> query parameters typed as plain strings that filter on dates
    date_query: dict[str, set[str]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    #: for the text filled into blank required fields (blank_text.py): seeded from ``rng``
    #: without drawing from it, so filling changes no other choice of the pass
    text_rng: random.Random = field(init=False)
    #: operationId -> where its body has required text (blank_text.py), for this pass's spec
    text_shapes: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, dict[str, Any]] = field(default_factory=dict)  # object URL -> its body
    #: ids of cases whose path this adapter pointed at an object the target holds: for them a
    #: 404 is a refusal of valid data, for the rest (a generated or chain-deleted id) it is not
    pointed: set[str] = field(default_factory=set)
    #: in a fork: the objects every operation may use (those of the adapter it was forked
    #: from); a write that names an object in its path is given one of the fork's own
    common: frozenset[str] = frozenset()
    #: a fork of a pass whose operations run concurrently (``fork``)
    forked: bool = False
    #: objects deleted (or found missing) by any fork: never handed back by ``absorb``
    gone: set[str] = field(default_factory=set)
    #: objects the forks' creates made, URL -> body: a fork that needs one of that kind for
    #: a write claims it (it then is the fork's alone), else it makes one
    spare: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.text_rng = random.Random(hash(self.rng.getstate()))

    def fork(self, operation_id: str) -> DataAdapter:
        """This adapter for one operation of a pass whose operations run concurrently.

        The fork starts from the objects known so far, which become ``common``: it reads them
        and refers to them, but what it updates, locks or deletes is its own, claimed from
        what another fork's create made (``spare``) or made by itself. Its random
        choices are its own, seeded from the adapter's seed and the operation, so a run with
        the same seed chooses the same for each operation whichever thread runs it first.
        """
        twin = copy.copy(self)
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if item.name not in SHARED_FIELDS and isinstance(value, (dict, list, set)):
                setattr(twin, item.name, copy.copy(value))
        salt = zlib.crc32(operation_id.encode())
        twin.rng = random.Random(hash(self.rng.getstate()) ^ salt)
        twin.text_rng = random.Random(hash(twin.rng.getstate()))
        twin.factory = dataclasses.replace(self.factory, rng=random.Random(
            hash(self.factory.rng.getstate()) ^ salt))
        twin.common = frozenset(self.owners) | self.kept()
        twin.forked = True
        twin._lock = threading.Lock()
        return twin

    def absorb(self, fork: DataAdapter) -> None:
        """Take back what a fork made and learnt (its objects, what it saw of the target), so
        that what runs after the concurrent phases sees what a one-worker pass would."""
        for item in dataclasses.fields(self):
            if item.name in SHARED_FIELDS or item.name == "owners":
                continue
            mine, theirs = getattr(self, item.name), getattr(fork, item.name)
            if isinstance(mine, set) and isinstance(theirs, set):
                mine |= theirs
            elif isinstance(mine, dict) and isinstance(theirs, dict):
                for key, value in theirs.items():
                    mine.setdefault(key, value)
        for url in fork.common:
            if url in self.owners and url not in fork.owners:
                self._forget(url)  # gone from the target (a cascade the fork saw)
        for url, body in fork.owners.items():
            if url not in fork.common and url not in self.gone:
                self.owners[url] = body

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
        for name in case.query:
            if name.split("__", 1)[0] in RSIN_FILTERS:
                # an RSIN filter holds RSINs (a comma-separated list for __in): a supplier
                # rightly refuses a random string there (Open Zaak: "Voer een numerieke
                # waarde in"), which says nothing about valid data
                case.query[name] = self.factory.rsin()
        return True

    def positive_path(self, case: Any, *, relinked: bool = False) -> None:
        """Point a positive case's path at an object the target holds.

        A generated UUID names no object, so every positive read, update or delete would be
        a 404: valid data never accepted. An object the run made (or ``make`` makes now) of
        the operation's kind takes its place; a DELETE takes it for good, and takes one the
        run does not keep (``kept``) when there is or can be made one. A stateful step whose
        path a link gave is left alone unless ``relinked`` (its object cannot serve).
        """
        if not case.path_parameters or negative(case.meta, ParameterLocation.PATH) or (
                from_link(case) and not relinked):
            return
        pattern = _template(case.operation.schema.get_base_url().rstrip("/")
                            + _owner_path(case.operation.path))
        deleting = case.method.upper() == "DELETE" and case.operation.path.endswith("}")
        # a fork's writes go to objects of its own (shared ones are in use elsewhere)
        avoid = self.common if case.method.upper() not in READ_ONLY_METHODS else frozenset()
        found = self._pick(pattern, spare_kept=deleting, avoid=avoid)
        if found is None and avoid:
            found = self._claim(pattern)
        if found is None:
            try:
                made = self.make(case)
            except (FixtureError, httpx.HTTPError, ClientLimitError):
                made = False  # the case keeps its generated path (a 404 then proves nothing)
            found = self._pick(pattern, spare_kept=deleting, avoid=avoid) if made else None
        if found is None and deleting and not avoid:
            found = self._pick(pattern, spare_kept=False)
        if found is None and avoid and not deleting:
            # nothing of its own can be made of this kind (e.g. a sub-collection's owner):
            # what a one-worker pass does, as an update leaves the object usable for the others
            found = self._pick(pattern, spare_kept=False)
        if found is None:
            return
        url, params = found
        case.path_parameters.update(params)
        self.pointed.add(case.id)

        if deleting and url not in self.kept():
            self.owners.pop(url, None)

    def _pick(self, pattern: re.Pattern[str], *, spare_kept: bool,
              avoid: frozenset[str] = frozenset()) -> tuple[str, dict[str, str]] | None:
        """The newest object matching the path, if need be one the run does not keep, and
        none of ``avoid``."""
        kept = self.kept() if spare_kept else set()
        for url in reversed(list(self.owners)):
            match = pattern.fullmatch(url)
            if match is not None and url not in kept and url not in avoid:
                return url, match.groupdict()
        return None

    def _claim(self, pattern: re.Pattern[str]) -> tuple[str, dict[str, str]] | None:
        """The newest object another fork's create made of this kind, now this fork's alone
        (``dict.pop`` hands each one to one fork only)."""
        for url in reversed(list(self.spare)):
            match = pattern.fullmatch(url)
            if match is None or url in self.common or url in self.gone:
                continue
            body = self.spare.pop(url, None)
            if body is not None:
                self.owners[url] = body
                return url, match.groupdict()
        return None

    def spare_common(self, case: Any) -> None:
        """A fork deletes only what it pointed its DELETE at (``positive_path``: its own).
        Any other id names an object that does not exist instead, which proves nothing
        either way: schemathesis fills generated paths with ids it saw in answers, which
        may name an object the other forks use or one another fork claimed, and deleting
        that under them makes their valid requests 404 (nrc-1.0, budget standard,
        concurrency 4). Ids that are no UUID are the case's invalid input and stay."""
        if not self.forked or case.method.upper() != "DELETE" or not case.path_parameters:
            return
        name = list(case.path_parameters)[-1]
        if case.id in self.pointed and path_url(case) not in self.common:
            return
        if path_url(case) in self.common or _is_uuid(case.path_parameters[name]):
            case.path_parameters[name] = str(uuid.UUID(int=self.rng.getrandbits(128)))
            self.pointed.discard(case.id)

    def kept(self) -> set[str]:
        """Objects the pass keeps using (the prepared ones): deleted only when nothing else
        of their kind exists."""
        return set()

    def make(self, case: Any) -> bool:
        """Make an object of the operation's kind when none exists yet; True when made."""
        return False

    def remember(self, created: Any) -> None:
        """Keep what the target returned for an object, for later updates of it."""
        if isinstance(created, dict) and isinstance(created.get("url"), str):
            self.owners[created["url"]] = created

    def current(self, url: str, client: Any) -> dict[str, Any] | None:
        """What the target holds for an object: remembered, else read once through ``client``
        (the API's factory client) and remembered. An update may name an object the pass did
        not make (a stateful step's link from a list): its valid body keeps what the target
        holds for the fields that may not change, never a guess."""
        if url not in self.owners and client is not None:
            resp = client.get(url)
            if resp.status_code == 200:
                with contextlib.suppress(ValueError):
                    self.remember(resp.json())
        return self.owners.get(url)

    def adapt(self, case: Any) -> None:
        raise NotImplementedError

    def observe(self, case: Any, response: Any) -> None:
        """Learn from an answer (what was made or removed); nothing by default."""

    def answered(self, case: Any, response: Any) -> None:
        """Every answer: forget objects that are gone (deleted, or 404 where the path named
        one: a cascade removed it) or whose state a DELETE answered with a server error left
        unknown (Open Zaak 1.30 deletes a zaak and its sub-objects, then answers 500 from a
        hook after the commit), then let the adapter learn from it."""
        status = response.status_code
        if case.path_parameters and (status == 404 or (case.method.upper() == "DELETE" and (
                200 <= status < 300 or status >= 500))):
            url = path_url(case)
            self.gone.add(url)
            with self._lock:
                self._forget(url)
        self.observe(case, response)
        if self.forked and case.method.upper() == "POST" and status == 201:
            self._offer(response)

    def _offer(self, response: Any) -> None:
        """A fork's create made an object: others may claim it for their writes."""
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            made = response.json()
            if isinstance(made, dict) and isinstance(made.get("url"), str):
                self.spare[made["url"]] = made

    def _forget(self, url: str) -> None:
        """Forget an object and what refers to it directly (a deleted zaak takes its
        statussen with it, a zaaktype its child types: the standard's cascades). What went
        with it is gone for every fork too: one that claimed it from ``spare`` would point a
        valid write at an object that no longer exists."""
        self.owners.pop(url, None)
        for known in (self.owners, self.spare):
            for other, body in list(known.items()):
                if url in (v for v in body.values() if isinstance(v, str)):
                    known.pop(other, None)
                    self.gone.add(other)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def stateful(case: Any) -> bool:
    """A step of schemathesis's stateful phase (a scenario of linked calls)."""
    return case.meta is not None and case.meta.phase.name.value == "stateful"


def from_link(case: Any) -> bool:
    """A stateful step whose path an earlier answer gave (a link): a real object already."""
    if not stateful(case):
        return False
    try:
        return bool(case._override.path_parameters)
    except (AttributeError, KeyError, TypeError):
        return True  # unknown: leave the step as schemathesis built it


def _owner_path(path: str) -> str:
    """The path of the object whose ids a path names: '/zaken/{zaak_uuid}/zaakeigenschappen'
    (a collection of a zaak) is about '/zaken/{zaak_uuid}'."""
    cut = path.rfind("}")
    return path if cut in (-1, len(path) - 1) else path[:cut + 1]


def _template(path: str) -> re.Pattern[str]:
    """'http://x/zaken/{uuid}' -> a pattern whose groups are the path parameters."""
    parts = re.split(r"\{([^}]+)\}", path)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/?#]+)"
                    for i, part in enumerate(parts))
    return re.compile(regex)


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


class Forks:
    """One fork of an adapter per operation (``DataAdapter.fork``), made at its first case;
    the adapter itself for the stateful phase, once the forks are folded back into it."""

    def __init__(self, adapter: DataAdapter) -> None:
        self.adapter = adapter
        self.forks: dict[str, DataAdapter] = {}
        self.absorbed = False
        self._lock = threading.Lock()

    def for_case(self, case: Any) -> DataAdapter:
        operation_id = case.operation.definition.raw.get("operationId", case.operation.label)
        with self._lock:
            if stateful(case):
                if not self.absorbed:  # in a fixed order: the same seed, the same result
                    for name in sorted(self.forks):
                        self.adapter.absorb(self.forks[name])
                    for url in self.adapter.gone & set(self.adapter.owners):
                        self.adapter._forget(url)  # e.g. a generated delete's
                    self.absorbed = True
                return self.adapter
            if operation_id not in self.forks:
                self.forks[operation_id] = self.adapter.fork(operation_id)
            return self.forks[operation_id]


_active: Any = None  # the adapter of the running contract pass (adapt/observe), or its Forks


@contextlib.contextmanager
def active(adapter: Any, *, concurrent: bool = False) -> Iterator[None]:
    """Make ``adapter`` the one the global hooks use for the duration of a pass; with
    ``concurrent``, each operation uses a fork of it."""
    global _active
    previous = _active
    _active = Forks(adapter) if concurrent and isinstance(adapter, DataAdapter) else adapter
    try:
        yield
    finally:
        _active = previous


def _adapter(case: Any) -> Any:
    """The adapter the running pass uses for ``case`` (None outside a pass)."""
    return _active.for_case(case) if isinstance(_active, Forks) else _active


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    adapter = _adapter(case)
    if adapter is not None:
        # judged before the adapter edits the case: reading ``case.meta`` after an edit
        # makes schemathesis classify the case anew, mid-hook
        positive_body = not negative(case.meta, ParameterLocation.BODY)
        adapter.adapt(case)
        adapter.spare_common(case)
        if positive_body:
            fill_blank_required(case, adapter.text_rng, adapter.text_shapes)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    adapter = _adapter(case)
    if adapter is not None:
        adapter.answered(case, response)
