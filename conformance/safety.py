"""The safety policy of a run against a live target, read from the target file.

A shared-service centre runs the harness against systems it does not own. The
``safety:`` section of the target file says how hard a run may push: how many
requests in total, how many per second, how many at once, which HTTP methods, how long the whole
run may take, and what kind of environment it is. A production environment gets
read-only operations only, whatever else the file says. The client layer
(:mod:`conformance.client`) enforces the policy for every request, the contract
pass included; the policy itself is recorded in results.json.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ENVIRONMENTS = ("test", "acceptance", "production")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALL_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
DEFAULT_RUN_TIMEOUT_S = 4 * 3600.0  # a nightly run must end; a thorough one fits
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
#: requests in flight at once, all of a run's traffic together: what a test environment that
#: serves several requests at a time takes without noticing; 1 sends one request at a time
DEFAULT_MAX_CONCURRENCY = 4
#: the most requests in flight a target file may allow (target.schema.json says the same;
#: tests/test_concurrency.py checks that they agree)
MAX_CONCURRENCY = 64


@dataclass(frozen=True)
class SafetyPolicy:
    """How far a run may go on one target; the defaults suit a supplier's test environment."""

    environment: str = "test"
    request_budget: int | None = None  # None: no limit beyond the budget preset
    requests_per_second: float | None = None  # None: as fast as the target answers
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY  # requests in flight at once
    allowed_methods: frozenset[str] = field(default=ALL_METHODS)
    run_timeout_s: float = DEFAULT_RUN_TIMEOUT_S
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    insecure_tls: bool = False  # --insecure or tls: {insecure: true}: certificates not verified
    mask_bsn: bool = True  # values passing the BSN 11-test are masked in evidence

    @property
    def methods(self) -> frozenset[str]:
        """The methods a run may send: production is read-only whatever the file allows."""
        if self.environment == "production":
            return self.allowed_methods & READ_ONLY_METHODS
        return self.allowed_methods

    def refusal(self, method: str) -> str | None:
        """Why the policy forbids ``method``, or None when it is allowed."""
        method = method.upper()
        if method in self.methods:
            return None
        if self.environment == "production" and method not in READ_ONLY_METHODS:
            return (f"{method} is not sent to a production environment (read-only operations "
                    "only); run against a test environment to check write operations")
        return (f"{method} is not in the target's safety.allowed_methods "
                f"({', '.join(sorted(self.allowed_methods))})")

    def with_insecure(self, insecure: bool) -> SafetyPolicy:
        if not insecure or self.insecure_tls:
            return self
        return SafetyPolicy(**{**asdict(self), "insecure_tls": True})

    def with_concurrency(self, concurrency: int | None) -> SafetyPolicy:
        """The policy with fewer requests in flight (``--concurrency``); never more than the
        target file allows (the caller refuses that)."""
        if concurrency is None or concurrency == self.max_concurrency:
            return self
        return SafetyPolicy(**{**asdict(self), "max_concurrency": concurrency})

    def share(self, parts: int) -> SafetyPolicy:
        """One of ``parts`` equal shares of the policy's concurrency and rate, for one of
        that many processes that send side by side: together they keep to the policy."""
        if parts <= 1:
            return self
        rate = self.requests_per_second
        return SafetyPolicy(**{**asdict(self),
                               "max_concurrency": max(1, self.max_concurrency // parts),
                               "requests_per_second": None if rate is None else rate / parts})

    def summary(self) -> dict[str, Any]:
        """The policy as recorded in results.json (``run.safety``)."""
        return {
            "environment": self.environment,
            "request_budget": self.request_budget,
            "requests_per_second": self.requests_per_second,
            "max_concurrency": self.max_concurrency,
            "allowed_methods": sorted(self.methods),
            "run_timeout_s": self.run_timeout_s,
            "max_response_bytes": self.max_response_bytes,
            "insecure_tls": self.insecure_tls,
            "mask_bsn": self.mask_bsn,
        }

    def to_context(self) -> dict[str, Any]:
        """What a child process (the suites) needs to rebuild the policy."""
        return {**asdict(self), "allowed_methods": sorted(self.allowed_methods)}

    @classmethod
    def from_context(cls, data: dict[str, Any] | None) -> SafetyPolicy:
        if not data:
            return cls()
        data = dict(data)
        data["allowed_methods"] = frozenset(data.get("allowed_methods") or ALL_METHODS)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def policy_from_target(environment: str, safety: dict[str, Any] | None,
                       tls: dict[str, Any] | None) -> SafetyPolicy:
    """The policy of a target file (already validated against target.schema.json)."""
    s = safety or {}
    methods = s.get("allowed_methods")
    return SafetyPolicy(
        environment=environment,
        request_budget=s.get("request_budget"),
        requests_per_second=s.get("requests_per_second"),
        max_concurrency=int(s.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)),
        allowed_methods=frozenset(m.upper() for m in methods) if methods else ALL_METHODS,
        run_timeout_s=float(s.get("run_timeout_s", DEFAULT_RUN_TIMEOUT_S)),
        max_response_bytes=int(s.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)),
        insecure_tls=bool((tls or {}).get("insecure", False)),
        mask_bsn=bool(s.get("mask_bsn", True)),
    )
