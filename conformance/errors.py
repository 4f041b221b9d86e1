"""Errors a user can act on, and the exit codes they map to.

Every error raised for bad input says what is wrong, where (file:line, URL,
requirement id) and what to do; the CLI prints it without a traceback.
"""

from __future__ import annotations

EXIT_CONFORMANT = 0
EXIT_NOT_CONFORMANT = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


class ConformanceError(Exception):
    """Base for errors that end a command with a clear message."""

    exit_code = EXIT_USAGE


class UsageError(ConformanceError):
    """Bad command line, profile, target, spec or other configuration (exit 2)."""


class ProfileError(UsageError):
    """A profile file is invalid; the message starts with ``file:line:``."""


class TargetError(UsageError):
    """A target file is invalid or a secret it names is missing."""


class SpecError(UsageError):
    """A pinned OpenAPI file is missing, unreachable or has the wrong sha256."""


class TargetUnreachable(ConformanceError):
    """The supplier could not be reached at all; the run is incomplete (exit 3)."""

    exit_code = EXIT_INCOMPLETE
