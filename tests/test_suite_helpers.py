"""The suites' shared assertions judge what a rule is about (conformance/suites/_helpers.py)."""

from __future__ import annotations

import httpx
import pytest

from conformance.suites._helpers import URL_CODES, rejected_field


def _refusal(name: str, code: str) -> httpx.Response:
    url = "http://127.0.0.1:1/documenten/api/v1/objectinformatieobjecten"
    body = {"code": "invalid", "title": "t", "status": 400, "detail": "d", "instance": "i",
            "invalidParams": [{"name": name, "code": code, "reason": "r"}]}
    return httpx.Response(400, request=httpx.Request("POST", url), json=body,
                          headers={"Content-Type": "application/problem+json"})


@pytest.mark.parametrize("code", sorted(URL_CODES))
def test_a_refused_url_with_a_url_code_passes(code):
    rejected_field(_refusal("object", code), "object", "drc-002", codes=URL_CODES)


def test_a_refusal_for_another_reason_fails_when_the_code_is_asked():
    """drc-002 is about the object URL: a 400 naming it 'unique' is no such refusal."""
    with pytest.raises(AssertionError, match="must refuse 'object' with code"):
        rejected_field(_refusal("object", "unique"), "object", "drc-002", codes=URL_CODES)
    rejected_field(_refusal("object", "unique"), "object", "any code will do")
