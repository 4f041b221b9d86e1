"""The embedded reference web application, started on loopback for a web run.

The application itself lives in ``fixtures/web_app`` (package ``conformance_fixtures``); this
module starts it with fresh login credentials and hands the run a target for it: every page,
the default viewports, and its login form.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from ..targets import AuthConfig, Supplier, Target
from .site import DEFAULT_VIEWPORTS, Login, WebPage, WebSite

USERNAME_ENV = "REFERENTIE_GEBRUIKER"  # names shown in results.json; values are generated
PASSWORD_ENV = "REFERENTIE_WACHTWOORD"


def web_defects() -> dict[str, str]:
    """Defect name -> what it breaks (``--defect`` for the web profile)."""
    from conformance_fixtures.web_app import ALL_DEFECTS

    return {name: f"breaks {sc}: {text}" for name, (sc, text) in ALL_DEFECTS.items()}


@contextmanager
def embedded_web_target(defect_names: frozenset[str] = frozenset(),
                        pages: tuple[str, ...] | None = None) -> Iterator[Target]:
    from conformance_fixtures.web_app import PAGES, WebAppServer
    from conformance_fixtures.web_app import server as app

    username, password = f"inwoner-{secrets.token_hex(4)}", secrets.token_urlsafe(18)
    with WebAppServer(username=username, password=password, defects=defect_names) as server:
        base = server.base_url
        login = Login(url=f"{base}{app.LOGIN_URL}",
                      fields=((app.USERNAME_FIELD, USERNAME_ENV), (app.PASSWORD_FIELD,
                                                                  PASSWORD_ENV)),
                      submit=app.SUBMIT, logged_in=app.LOGGED_IN, values=(username, password))
        site = WebSite(base_url=base,
                       pages=tuple(WebPage(p, f"{base}{p}") for p in (pages or PAGES)),
                       viewports=DEFAULT_VIEWPORTS, login=login)
        yield Target(
            supplier=Supplier("Referentieleverancier (ingebouwd)",
                              "GEMMA conformance referentie-webapplicatie 'Zaak indienen'",
                              "embedded"),
            environment="test", apis={}, auth=AuthConfig("none"),
            source="embedded reference web application", embedded_reference=True, web=site)


DEFAULT_USERNAME = "inwoner"
DEFAULT_PASSWORD = "referentie-wachtwoord"


def serve_web_app(port: int, defect_names: list[str], list_only: bool) -> int:
    """``conformance serve-reference --web``: the application on 127.0.0.1, by hand."""
    import sys

    from ..errors import UsageError

    known = web_defects()
    if list_only:
        for name, text in sorted(known.items()):
            print(f"{name:30} {text}")
        return 0
    unknown = [n for n in defect_names if n not in known]
    if unknown:
        raise UsageError(f"unknown defect(s) {', '.join(unknown)}; see "
                         "`conformance serve-reference --web --list-defects`")
    from conformance_fixtures.web_app import serve_forever

    print(f"reference web application on http://127.0.0.1:{port}/ ; log in as "
          f"'{DEFAULT_USERNAME}' with password '{DEFAULT_PASSWORD}'"
          + (f"; defects: {', '.join(defect_names)}" if defect_names else ""), file=sys.stderr)
    serve_forever(username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD,
                  defects=frozenset(defect_names), port=port)
    return 0
