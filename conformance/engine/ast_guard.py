"""One ``ast.parse`` at a time on Python 3.11, where threads that parse at once can break it.

CPython 3.11 keeps the recursion depth of its AST conversion in state the threads share;
two threads converting at once can leave it wrong, and the parse fails with ``SystemError:
AST constructor recursion depth mismatch`` (CPython gh-106905, fixed in 3.12). Hypothesis
parses the source of a strategy's filter lambdas while it builds strategies, so the contract
pass's workers hit it: at budget standard and concurrency 4 an operation now and then lost
the rest of its cases to it (drc-1.4: unlock, _zoek). Parsing is a tiny share of the pass's
CPU, so a lock costs nothing that shows.
"""

from __future__ import annotations

import ast
import functools
import sys
import threading
from typing import Any

_lock = threading.Lock()


def install() -> None:
    """Wrap ``ast.parse`` in a lock, once, on the Python versions that need it."""
    if sys.version_info >= (3, 12) or getattr(ast.parse, "_one_at_a_time", False):
        return
    original = ast.parse

    @functools.wraps(original)
    def parse(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return original(*args, **kwargs)

    parse._one_at_a_time = True  # type: ignore[attr-defined]
    ast.parse = parse  # type: ignore[assignment]
