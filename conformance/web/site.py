"""The ``web:`` section of a target file: the pages to test, the viewports, the login step.

Pages are paths on ``base_url`` (or full URLs on its origin): the browser contacts that
origin only. Login values come from environment variables named in the file, like API
secrets, and count as secrets: they are masked in every artefact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import TargetError

DEFAULT_PAGE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int

    def label(self) -> str:
        return f"{self.name} {self.width}×{self.height}"


#: the default: a desktop screen and a phone held upright
DEFAULT_VIEWPORTS = (Viewport("desktop", 1280, 800), Viewport("mobile", 375, 667))


@dataclass(frozen=True)
class WebPage:
    name: str
    url: str


@dataclass(frozen=True)
class Login:
    """A login form filled in once before the pages are visited."""

    url: str
    fields: tuple[tuple[str, str], ...]  # (selector, environment variable)
    submit: str
    logged_in: str | None = None  # an element only a logged-in page has
    values: tuple[str, ...] = field(default=(), repr=False)  # never printed or written

    def form(self) -> dict[str, Any]:
        """What the browser process needs, without the values."""
        return {"url": self.url, "fields": [{"selector": s} for s, _ in self.fields],
                "submit": self.submit, "logged_in": self.logged_in}


@dataclass(frozen=True)
class WebSite:
    base_url: str
    pages: tuple[WebPage, ...]
    viewports: tuple[Viewport, ...] = DEFAULT_VIEWPORTS
    login: Login | None = None
    page_timeout_s: float = DEFAULT_PAGE_TIMEOUT_S

    @property
    def origin(self) -> str:
        from ..targets import origin_of

        return origin_of(self.base_url)

    def secrets(self) -> list[str]:
        return [v for v in (self.login.values if self.login else ()) if v]

    def summary(self) -> dict[str, Any]:
        """The ``web`` part of results.json: no login value in it."""
        return {
            "base_url": self.base_url,
            "pages": [{"name": p.name, "url": p.url} for p in self.pages],
            "viewports": [{"name": v.name, "width": v.width, "height": v.height}
                          for v in self.viewports],
            "login": {"url": self.login.url,
                      "fields": [f"{s} (from ${env})" for s, env in self.login.fields]}
            if self.login else None,
            "page_timeout_s": self.page_timeout_s,
        }


def parse_site(data: dict[str, Any], where: Callable[[list[str | int]], str],
               env: Mapping[str, str]) -> WebSite:
    """The schema-valid ``web:`` mapping as a :class:`WebSite`; ``where(path)`` gives file:line
    of a path below ``web``. Pages off the base URL's origin and unset login variables are
    errors that say where."""
    base = data["base_url"].rstrip("/") + "/"
    origin = _origin(base)
    pages = []
    for i, entry in enumerate(data["pages"]):
        path = entry if isinstance(entry, str) else entry["path"]
        url = urljoin(base, path)
        if _origin(url) != origin:
            raise TargetError(f"{where(['pages', i])}: page {path!r} is not on {origin}, the "
                              "origin of web.base_url; the browser contacts that origin only")
        name = path if isinstance(entry, str) else entry.get("name", path)
        pages.append(WebPage(name=name, url=url))
    viewports = tuple(Viewport(v["name"], v["width"], v["height"])
                      for v in data.get("viewports", [])) or DEFAULT_VIEWPORTS
    if len({v.name for v in viewports}) != len(viewports):
        raise TargetError(f"{where(['viewports'])}: two viewports have the same name")
    login = _login(data["login"], base, origin, where, env) if "login" in data else None
    return WebSite(base_url=base.rstrip("/"), pages=tuple(pages), viewports=viewports,
                   login=login,
                   page_timeout_s=float(data.get("page_timeout_s", DEFAULT_PAGE_TIMEOUT_S)))


def _login(data: dict[str, Any], base: str, origin: str,
           where: Callable[[list[str | int]], str], env: Mapping[str, str]) -> Login:
    url = urljoin(base, data["url"])
    if _origin(url) != origin:
        raise TargetError(f"{where(['login', 'url'])}: the login page must be on {origin}")
    fields, values = [], []
    for i, spec in enumerate(data["fields"]):
        name = spec["value_env"]
        value = env.get(name)
        if not value:
            raise TargetError(
                f"{where(['login', 'fields', i])}: the value for login field "
                f"{spec['selector']!r} is read from environment variable {name}, which is not "
                f"set. Set it (export {name}=...) and run again.")
        fields.append((spec["selector"], name))
        values.append(value)
    return Login(url=url, fields=tuple(fields), submit=data["submit"],
                 logged_in=data.get("logged_in"), values=tuple(values))


def site_from_url(url: str) -> WebSite:
    """``--target URL`` for a web profile: that one page, default viewports, no login."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"--target {url!r}: expected a target file (.yaml) or the http(s) URL "
                          "of a page, such as https://portaal.example.nl/")
    base = f"{parts.scheme}://{parts.netloc}"
    return WebSite(base_url=base, pages=(WebPage(parts.path or "/", url),))


def _origin(url: str) -> str:
    from ..targets import origin_of

    return origin_of(url)


