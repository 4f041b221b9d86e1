"""pytest plugin that runs the business-rule suites against a target.

Loaded in a child pytest process by ``engine.suites``. It gives tests their
fixtures (an authenticated client per API, a data factory, the prepared
zaaktype) and one record per test: outcome, message and evidence (suite_records).
Outcome rule: an ``AssertionError`` is the supplier breaking the rule
(``failed``); any other exception means the harness could not decide
(``error``); ``pytest.skip`` means not applicable (``skipped``).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..auth import TokenSource
from ..client import ApiClient, Limits
from ..external_lists import ExternalLists
from ..parts import api_part, lacks
from ..redact import for_redaction
from ..safety import SafetyPolicy
from ..targets import AuthConfig, origin_of
from ..zgw import Factory, ZaaktypeSet, default_headers
from .data_autorisaties import NO_AC, RESTRICTED, Autorisaties
from .data_notificaties import CATALOGI_KANALEN, SOURCE_KANALEN, subscribed_receiver
from .data_verwerkingen import (
    BEWERKING,
    CONSUMER_HEADERS,
    INZAGE,
    NO_NORMAL_CLIENT,
    NORMAL_CLIENT,
    VerwerkingenLog,
)
from .suite_records import REMOVALS, Capture, Recorder
from .suite_turns import ALONE, MARKERS, group_alone_tests, seed_name, turn
from .webhook import CallbackSettings, WebhookReceiver

SECRET_ENV = "CONFORMANCE_RUN_SECRET"
CLIENT_SECRETS_ENV = "CONFORMANCE_RUN_CLIENT_SECRETS"  # JSON: client name -> secret


class SuiteContext:
    """What the parent run hands to the suites (read from a JSON file)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.apis: dict[str, str] = data["apis"]
        self.auth_type: str = data["auth_type"]
        self.client_id: str | None = data.get("client_id")
        self.secret: str | None = os.environ.get(SECRET_ENV) or None
        self.seed: int = data["seed"]
        self.environment: str = data["environment"]
        self.timeout_s: float = data.get("timeout_s", 15.0)
        self.max_response_bytes: int = data.get("max_response_bytes", 10 * 1024 * 1024)
        self.fixtures: dict[str, Any] = data.get("fixtures", {})
        self.api_versions: dict[str, str] = data.get("api_versions", {})
        self.tested_apis: list[str] = data.get("tested_apis", [])
        self.notifications: dict[str, Any] = data.get("notifications") or {}
        self.safety: dict[str, Any] = data.get("safety") or {}
        self.workers: int = data.get("workers", 1)  # xdist workers running the tests
        self.turn_lock: str | None = data.get("turn_lock")  # with several: suite_turns
        secrets = json.loads(os.environ.get(CLIENT_SECRETS_ENV) or "{}")
        #: the target's further clients (auth.clients): name -> (client_id, secret)
        self.clients: dict[str, tuple[str, str]] = {
            c["name"]: (c["client_id"], secrets[c["name"]])
            for c in data.get("clients", []) if secrets.get(c["name"])}

    def auth(self) -> AuthConfig:
        return AuthConfig(self.auth_type, self.client_id, self.secret)

    def secrets(self) -> list[str]:
        """The run's secrets, as redaction treats them (weak ones: as credentials only)."""
        ids = [self.client_id, *(client_id for client_id, _ in self.clients.values())]
        return [for_redaction(s, ids)
                for s in [self.secret, *(secret for _, secret in self.clients.values())] if s]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance")
    group.addoption("--conformance-context", help="JSON file with the run context")
    group.addoption("--conformance-results", help="JSON file to write per-test records to")


class _HtmlTitle:
    """Titles the pytest-html technical log after the run it belongs to."""

    def __init__(self, title: str) -> None:
        self.title = title

    def pytest_html_report_title(self, report: Any) -> None:
        report.title = self.title


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    results = config.getoption("--conformance-results", default=None)
    if results:
        config.pluginmanager.register(Capture(), "conformance-capture")
        if not hasattr(config, "workerinput"):  # an xdist worker only captures
            config.pluginmanager.register(Recorder(Path(results)), "conformance-recorder")
    context = config.getoption("--conformance-context", default=None)
    if context and config.pluginmanager.hasplugin("html"):
        title = json.loads(Path(context).read_text(encoding="utf-8")).get("title", "")
        config.pluginmanager.register(_HtmlTitle(title or "Conformance suites"),
                                      "conformance-title")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    group_alone_tests(items)


@pytest.fixture(autouse=True)
def _turn(request: pytest.FixtureRequest, suite_context: SuiteContext) -> Iterator[None]:
    """Each test takes its turn (suite_turns): alone, or beside the other workers' tests."""
    with turn(suite_context.turn_lock,
              alone=request.node.get_closest_marker(ALONE) is not None):
        yield


@pytest.fixture(scope="session")
def suite_context(request: pytest.FixtureRequest) -> SuiteContext:
    path = request.config.getoption("--conformance-context")
    if not path:
        pytest.skip("no --conformance-context given: suites run only inside `conformance run`")
    return SuiteContext(json.loads(Path(path).read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def _limits(suite_context: SuiteContext) -> Limits:
    safety = suite_context.safety  # the run's policy, with what is left of budget and time
    workers = suite_context.workers  # each keeps to its share, so all keep to the policy
    budget = safety.get("budget_left")
    limits = Limits.for_policy(
        {origin_of(u) for u in suite_context.apis.values()},
        SafetyPolicy.from_context(safety.get("policy")).share(workers),
        suite_context.timeout_s, suite_context.secrets(),
        run_seconds=safety.get("seconds_left"),
        request_budget=None if budget is None else budget // workers)
    limits.max_response_bytes = min(limits.max_response_bytes, suite_context.max_response_bytes)
    return limits


@pytest.fixture(scope="session")
def _tokens(suite_context: SuiteContext) -> TokenSource:
    return TokenSource(suite_context.auth())


@pytest.fixture
def _conformance_clients(suite_context: SuiteContext, _limits: Limits, _tokens: TokenSource
                         ) -> dict[str, ApiClient]:
    """One client per API per test, so evidence shows this test's own exchanges."""
    clients = {api: ApiClient(url, _limits, _tokens,
                              default_headers=default_headers(api))
               for api, url in suite_context.apis.items()}
    yield clients
    for client in clients.values():
        client.close()


def _api(clients: dict[str, ApiClient], api: str) -> ApiClient:
    if api not in clients:
        pytest.skip(f"the target has no '{api}' API")
    return clients[api]


@pytest.fixture
def zaken(_conformance_clients: dict[str, ApiClient]) -> ApiClient:
    return _api(_conformance_clients, "zaken")


@pytest.fixture
def catalogi(_conformance_clients: dict[str, ApiClient]) -> ApiClient:
    return _api(_conformance_clients, "catalogi")


@pytest.fixture
def documenten(_conformance_clients: dict[str, ApiClient]) -> ApiClient:
    return _api(_conformance_clients, "documenten")


@pytest.fixture
def besluiten(_conformance_clients: dict[str, ApiClient]) -> ApiClient:
    return _api(_conformance_clients, "besluiten")


@pytest.fixture
def autorisaties(suite_context: SuiteContext, _limits: Limits,
                 _conformance_clients: dict[str, ApiClient]) -> Autorisaties:
    """The target's Autorisaties API and its restricted client (``auth.clients``); the
    applicaties a test makes are removed after it. Not applicable without the API."""
    if "autorisaties" not in _conformance_clients:
        pytest.skip(NO_AC)
    client_id, secret = suite_context.clients.get(RESTRICTED) or next(
        iter(suite_context.clients.values()), (None, None))
    helper = Autorisaties(ac=_conformance_clients["autorisaties"], apis=suite_context.apis,
                          limits=_limits, client_id=client_id, secret=secret,
                          registry=_conformance_clients)
    yield helper
    helper.cleanup()


@pytest.fixture
def apis_under_test(suite_context: SuiteContext, _conformance_clients: dict[str, ApiClient]
                    ) -> dict[str, ApiClient]:
    """A client per API the profile tests (not its dependencies): what generic rules such as
    the API Design Rules check, whichever standard the API implements."""
    chosen = {api: _conformance_clients[api] for api in suite_context.tested_apis
              if api in _conformance_clients}
    if not chosen:
        raise RuntimeError("the run names no tested API with a base URL on the target")
    return chosen


@pytest.fixture
def factory(request: pytest.FixtureRequest, suite_context: SuiteContext,
            _conformance_clients: dict[str, ApiClient]) -> Factory:
    """Makes valid objects; what a test makes is removed after it (best effort)."""
    rng = random.Random(f"{suite_context.seed}:{seed_name(request.node.nodeid)}")
    made = Factory(catalogi=_api(_conformance_clients, "catalogi"),
                   zaken=_conformance_clients.get("zaken"),
                   documenten=_conformance_clients.get("documenten"), rng=rng,
                   besluiten=_conformance_clients.get("besluiten"),
                   lists=ExternalLists.from_dict(suite_context.fixtures.get("external_lists")),
                   forms=dict(suite_context.fixtures.get("forms") or {}))
    yield made
    REMOVALS.extend(made.cleanup())


@pytest.fixture
def zaaktype_set(suite_context: SuiteContext) -> ZaaktypeSet:
    """The published zaaktype the run prepared before the suites started."""
    data = suite_context.fixtures.get("zaaktype_set")
    if not data:
        raise RuntimeError("the run prepared no zaaktype (see the run's preparation errors)")
    return ZaaktypeSet(**data)


@pytest.fixture
def api_version(suite_context: SuiteContext) -> dict[str, str]:
    """The version each API's standard pins (e.g. {'zaken': '1.5.1'})."""
    return suite_context.api_versions


@pytest.fixture
def notificaties(_conformance_clients: dict[str, ApiClient]) -> ApiClient:
    return _api(_conformance_clients, "notificaties")


#: the skip reason when a target offers no Notificaties API (reported as not applicable)
NO_NRC = lacks(api_part("notificaties"), "add apis.notificaties to the target file to test "
              "the notifications this API must publish")


@pytest.fixture(scope="session")
def notification_receiver(request: pytest.FixtureRequest, suite_context: SuiteContext
                          ) -> WebhookReceiver:
    """The harness's webhook on loopback, subscribed through the target's Notificaties API to
    the source kanalen (zaken, documenten, besluiten) it has, for the whole suite session."""
    yield from _subscribed_receiver(request, suite_context, list(SOURCE_KANALEN))


@pytest.fixture(scope="module")
def catalogi_notification_receiver(request: pytest.FixtureRequest,
                                   suite_context: SuiteContext) -> WebhookReceiver:
    """A webhook subscribed to the Catalogi kanalen (zaaktypen ...), for the tests of one
    module only: every test makes types, and their deliveries need not outlive these tests."""
    yield from _subscribed_receiver(request, suite_context, list(CATALOGI_KANALEN))


def _subscribed_receiver(request: pytest.FixtureRequest, suite_context: SuiteContext,
                         kanalen: list[str]) -> Iterator[WebhookReceiver]:
    url = suite_context.apis.get("notificaties")
    if not url:
        pytest.skip(NO_NRC)
    client = ApiClient(url, request.getfixturevalue("_limits"),
                       request.getfixturevalue("_tokens"))
    try:
        with subscribed_receiver(client, CallbackSettings.from_target(suite_context.notifications),
                                 kanalen) as receiver:
            yield receiver
    finally:
        client.close()


# -- Verwerkingenlogging (vwl-0.9) -------------------------------------------------------------


@pytest.fixture
def vwl_bewerking(_conformance_clients: dict[str, ApiClient]) -> ApiClient:
    return _api(_conformance_clients, BEWERKING)


@pytest.fixture
def vwl_inzage(_conformance_clients: dict[str, ApiClient], _limits: Limits,
               _tokens: TokenSource) -> ApiClient:
    """The Inzage API as a consumer calls it: with the logging headers the standard asks of
    every caller (OIN, verwerkingsactiviteit)."""
    url = _api(_conformance_clients, INZAGE).base_url
    client = ApiClient(url, _limits, _tokens, default_headers=dict(CONSUMER_HEADERS))
    _conformance_clients[f"{INZAGE}:afnemer"] = client  # its exchanges are evidence too
    return client


@pytest.fixture
def vwl_normaal(suite_context: SuiteContext, _limits: Limits,
                _conformance_clients: dict[str, ApiClient]) -> dict[str, ApiClient]:
    """Both APIs as the target's client with only the normal scopes (auth.clients name
    vwl-normaal); not applicable when the target declares none."""
    creds = suite_context.clients.get(NORMAL_CLIENT)
    if creds is None or suite_context.auth_type != "jwt-zgw":
        pytest.skip(NO_NORMAL_CLIENT)
    tokens = TokenSource(AuthConfig("jwt-zgw", *creds))
    made = {api: ApiClient(url, _limits, tokens,
                           default_headers=dict(CONSUMER_HEADERS) if api == INZAGE else {})
            for api, url in suite_context.apis.items() if api in (BEWERKING, INZAGE)}
    _conformance_clients.update({f"{NORMAL_CLIENT}:{api}": c for api, c in made.items()})
    return made


@pytest.fixture
def vwl_log(request: pytest.FixtureRequest, suite_context: SuiteContext,
            vwl_bewerking: ApiClient) -> Iterator[VerwerkingenLog]:
    """Logs verwerkingsacties for a test; they are marked vervallen after it (best effort)."""
    rng = random.Random(f"{suite_context.seed}:{seed_name(request.node.nodeid)}")
    log = VerwerkingenLog(vwl_bewerking, rng)
    yield log
    REMOVALS.extend(log.cleanup())
