"""Evidence of a failed contract check: the exchange, redacted, and how to replay it.

What a supplier's developer needs to see one failure again: the request and response
(credentials and, by default, BSNs masked, bodies capped), the check's message and code,
and a curl command (a multi-step one for stateful failures).
"""

from __future__ import annotations

import base64
import contextlib
from typing import Any

from ..redact import redact_headers, redact_text, redact_url

EVIDENCE_BODY_CHARS = 4000


def _headers(raw: dict[str, Any], secrets: list[str], bsn: bool = True) -> dict[str, str]:
    flat = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in raw.items()}
    return redact_headers(flat, secrets, mask_bsn=bsn)


def _body(data: bytes | str | None, secrets: list[str], bsn: bool = True
          ) -> tuple[str | None, bool]:
    if data is None:
        return None, False
    if isinstance(data, str):
        with contextlib.suppress(ValueError):
            data = base64.b64decode(data, validate=True)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return (redact_text(text[:EVIDENCE_BODY_CHARS * 4], secrets, mask_bsn=bsn)
            [:EVIDENCE_BODY_CHARS], len(text) > EVIDENCE_BODY_CHARS)


def evidence(node: Any, operation: str, interaction: Any, secrets: list[str],
             bsn: bool = True) -> dict[str, Any]:
    info = node.failure_info
    failure = info.failure if info else None
    message = ""
    if failure is not None:
        message = failure.title + (f": {failure.message}" if failure.message else "")
    ev: dict[str, Any] = {
        "check": f"schemathesis:{node.name}",
        "operation": operation,
        "message": redact_text(message[:8000], secrets, mask_bsn=bsn)[:2000] or node.name,
        "code": getattr(failure, "code", None),
        "curl": (redact_text(info.code_sample, secrets, mask_bsn=bsn)
                 if info and info.code_sample else None),
        "steps": [redact_text(step.curl, secrets, mask_bsn=bsn)
                  for step in (info.steps if info else []) if getattr(step, "curl", None)],
        "request": None,
        "response": None,
    }
    if interaction is not None:
        req = interaction.request
        body, _ = _body(req.body, secrets, bsn)
        ev["request"] = {"method": req.method, "url": redact_url(req.uri, secrets, mask_bsn=bsn),
                         "headers": _headers(dict(req.headers), secrets, bsn), "body": body}
        if interaction.response is not None:
            resp = interaction.response
            rbody, truncated = _body(resp.content, secrets, bsn)
            ev["response"] = {"status": resp.status_code,
                              "headers": _headers(dict(resp.headers), secrets, bsn),
                              "body": rbody, "truncated": truncated}
    return ev
