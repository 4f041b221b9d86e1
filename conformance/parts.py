"""The parts of a component a profile requires (``requires:``), named one way everywhere.

A suite test that needs a part the target leaves out skips with :func:`lacks`; the run then
knows which part it was (:func:`lacked_part`). When the profile requires that part the rule
was not exercised (undecided, the run incomplete); only a part the profile leaves optional
makes it not applicable.
"""

from __future__ import annotations

#: a skip reason with this prefix says the rule does not apply to this target
NOT_APPLICABLE = "not applicable:"
_LEAVES_OUT = f"{NOT_APPLICABLE} the target leaves out "


def api_part(api: str) -> str:
    return f"API {api}"


def client_part(name: str) -> str:
    return f"client {name}"


def lacks(part: str, consequence: str) -> str:
    """The skip reason of a test that needs ``part`` (api_part / client_part)."""
    return f"{_LEAVES_OUT}{part}: {consequence}"


def lacked_part(reason: str) -> str | None:
    """The part a :func:`lacks` reason names, else None."""
    if not reason.startswith(_LEAVES_OUT):
        return None
    return reason[len(_LEAVES_OUT):].partition(":")[0]
