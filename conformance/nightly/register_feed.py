"""Feed the public register from the nightly: suspend on suspension, lift it on recovery.

When a run moves its pair's certificate status to *suspended* (the rule in status.py), the
certificate the registry names for that pair gets a ``suspend`` entry in the register;
when a later run makes it *valid* again, an ``unsuspend`` entry, but only for a suspension
the nightly itself wrote (one the register keeper wrote is theirs to lift). Entries carry
the nightly id, so applying a change twice (a resumed nightly) writes it once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..errors import ConformanceError
from ..register.folder import Register, change_status, load_register_key, open_register
from ..register.state import NIGHTLY_SOURCE, SUSPEND, UNSUSPEND
from ..register.words import t
from .registry import Pair, Registry, RegistryError
from .status import SUSPENDED, VALID, Change


class RegisterFeed:
    def __init__(self, folder: Path, key: Path, registry: Registry, pairs: list[Pair], *,
                 window: int, lang: str = "nl", log: Callable[[str], None] = print) -> None:
        """Open and verify the register; every certificate the registry names for these
        pairs must be in it, or nothing runs (exit 2): a suspension must never be lost."""
        self.register: Register = open_register(folder)
        self.key, self.registry, self.window, self.lang, self.log = (key, registry, window,
                                                                    lang, log)
        self.errors: list[str] = []
        self.written: list[dict] = []
        state = self.register.verified([load_register_key(key).public_key()]).state
        for pair in pairs:
            cert = registry.certificate(*pair.key)
            if cert is None:
                continue
            where = f"{registry.source}: supplier '{pair.key[0]}', profile '{pair.key[1]}'"
            if cert.id not in state.certificates:
                raise RegistryError(
                    f"{where}: certificate '{cert.id}' is not in the register {folder}; give "
                    "the register's certificate id (printed on the certificate)")
            registered = state.certificates[cert.id].summary["profile"]["id"]
            if registered != pair.profile.key:
                raise RegistryError(f"{where}: certificate '{cert.id}' in the register is for "
                                    f"profile '{registered}'; name the certificate of this "
                                    "profile")

    def apply(self, change: Change, nightly_id: str, run_link: str = "") -> None:
        """Write the entry ``change`` calls for, if any; failures are kept, never raised."""
        cert = self.registry.certificate(change.supplier, change.profile)
        if cert is None:
            return
        if change.status_after == SUSPENDED and change.status_before != SUSPENDED:
            kind = SUSPEND
        elif change.status_before == SUSPENDED and change.status_after == VALID:
            kind = UNSUSPEND
        else:
            return
        try:
            self._write(kind, cert.id, change, nightly_id, run_link)
        except ConformanceError as exc:
            message = f"register: could not {kind} certificate {cert.id} ({change.supplier}, " \
                      f"{change.profile}): {exc}"
            self.errors.append(message)
            self.log(message)

    def _write(self, kind: str, cert_id: str, change: Change, nightly_id: str,
               run_link: str) -> None:
        state = self.register.read().state.certificates[cert_id]
        if any(e["type"] == kind and e["data"].get("nightly") == nightly_id
               for e in state.events):
            return  # written by an earlier attempt of this nightly
        if kind == SUSPEND and state.status(date.today()) != VALID:  # the same word in both
            self.log(f"register: {cert_id} is already {state.status(date.today())}; "
                     "no suspend entry")
            return
        if kind == UNSUSPEND and not state.suspended_by_nightly:
            return  # suspended by the register keeper (or not at all): theirs to lift
        failed = sorted(rid for rid, (level, outcome) in (change.run.requirements.items()
                                                           if change.run else [])
                        if level == "MUST" and outcome == "failed")
        reason = (t(self.lang, "nightly_suspend", nightly=nightly_id, window=self.window,
                    profile=change.profile, failed=", ".join(failed) or "—")
                  if kind == SUSPEND else
                  t(self.lang, "nightly_unsuspend", nightly=nightly_id, profile=change.profile))
        entry = change_status(self.register, cert_id, kind, self.key, reason,
                              source=NIGHTLY_SOURCE,
                              details={"nightly": nightly_id, "supplier": change.supplier,
                                       "profile": change.profile, "run": run_link})
        self.written.append(entry)
        self.log(f"register: {kind} {cert_id} ({change.supplier}, {change.profile})")
