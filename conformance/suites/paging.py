"""Walking a paginated list to its end, safely: for any API that pages as ``{count, next,
previous, results}`` (the ZGW form), found in its own published OpenAPI document.

Every page is fetched through the client layer, so a ``next`` link off the target is refused
there and fails this rule with the layer's message (never contacted); a link back to a page
already read is a loop and fails here; a walk longer than ``MAX_PAGES`` is stopped and left
undecided. Used by the hostile-supplier probe profile (fixtures/hostile/probe.yaml).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ..client import ApiClient
from ._helpers import page_shape
from .adr import operations, published, resolve

MAX_PAGES = 20


def _page_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.rstrip("/"), parse_qs(parts.query).get("page", ["1"])[-1]


def _list_path(doc: dict[str, Any]) -> str | None:
    """The first GET without path parameters whose 200 answer is a page."""
    for path, method, op, _params in operations(doc):
        if method != "get" or "{" in path:
            continue
        ok = resolve(doc, (op.get("responses") or {}).get("200") or {})
        content = (ok.get("content") or {}) if isinstance(ok, dict) else {}
        schema = resolve(doc, (content.get("application/json") or {}).get("schema") or {})
        props = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(props, dict) and {"next", "results"} <= set(props):
            return path
    return None


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_walk_pages(apis_under_test: dict[str, ApiClient]) -> None:
    """'next' stays on the API, never loops, and 'count' matches what the pages hold."""
    walked = 0
    for client in apis_under_test.values():
        path = _list_path(published(client))
        if path is None:
            continue
        walked += 1
        what = f"the pages of GET {client.base_url}{path}"
        first = client.get(path.lstrip("/"))
        body = page_shape(first, what)
        count, items, pages = body["count"], list(body["results"]), 1
        seen = {_page_key(str(first.url))}
        while body["next"]:
            link = body["next"]
            assert _page_key(link) not in seen, (
                f"{what}: 'next' of page {pages} is {link!r}, a page already read: the pages "
                "loop (stopped)")
            if pages >= MAX_PAGES:
                raise RuntimeError(f"{what}: more than {MAX_PAGES} pages; the walk was stopped "
                                   "and 'count' could not be checked")
            seen.add(_page_key(link))
            body = page_shape(client.get(link), what)
            items.extend(body["results"])
            pages += 1
        assert len(items) == count, (
            f"{what}: 'count' is {count}, but walking all {pages} page(s) gave {len(items)} "
            "items")
    if not walked:
        pytest.skip("not applicable: the API publishes no paginated list")
