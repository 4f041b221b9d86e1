"""Credentials on requests: JWT-ZGW (HS256) bearer tokens, or a fixed Authorization value.

ZGW providers reject tokens whose ``iat`` is older than about an hour (Open Zaak:
3600 s, leeway 0), so a token is minted per use and refreshed well before then.
"""

from __future__ import annotations

import time

import jwt

from .redact import for_redaction
from .targets import AUTHORIZATION, AuthConfig

TOKEN_REFRESH_S = 600


def jwt_zgw_token(client_id: str, secret: str, *, now: float | None = None,
                  user_id: str = "conformance-harness") -> str:
    issued = int(time.time() if now is None else now)
    payload = {
        "iss": client_id,
        "iat": issued,
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": "GEMMA conformance harness",
    }
    return jwt.encode(payload, secret, algorithm="HS256")


class TokenSource:
    """Hands out a valid Authorization header value, re-minting it before it ages out."""

    def __init__(self, auth: AuthConfig) -> None:
        self._auth = auth
        self._token: str | None = None
        self._minted = 0.0

    def headers(self) -> dict[str, str]:
        if self._auth.type == "none":
            return {}
        if self._auth.type == AUTHORIZATION:  # sent verbatim, as an NRC sends an abonnement's auth
            assert self._auth.secret
            return {"Authorization": self._auth.secret}
        now = time.time()
        if self._token is None or now - self._minted > TOKEN_REFRESH_S:
            assert self._auth.client_id and self._auth.secret
            self._token = jwt_zgw_token(self._auth.client_id, self._auth.secret, now=now)
            self._minted = now
        return {"Authorization": f"Bearer {self._token}"}

    def secrets(self) -> list[str]:
        """Values that must never reach an artefact: the secret and the current token."""
        values = [for_redaction(self._auth.secret, self._auth.client_ids())
                  if self._auth.secret else ""]
        if self._token:
            values.append(self._token)
        return [v for v in values if v]
