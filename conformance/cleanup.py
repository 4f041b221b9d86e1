"""Removing what a run made, several objects at a time, in an order the supplier accepts.

A supplier refuses to delete an object another one still refers to (a zaaktype with zaken,
a document with a zaakinformatieobject), so objects go newest first: one made later may refer
to one made earlier, never the other way round. Newest first one at a time is slow against a
real supplier (hundreds of objects at 30-100 ms each), yet most objects wait for nothing: a
zaakobject only for nothing, its zaak only for that zaakobject. So each object waits for the
newer objects whose creation body named its URL, for the newer objects named beside it in one
body (what cannot be deleted itself, such as a status, goes with one of the objects it names,
and holds on to the others until then), and for a newer object whose body is not known (it
may refer to anything older); the rest go side by side, at most as many at once as the run's
safety policy lets requests be in flight. At one at a time the order is exactly newest
first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import pairwise
from typing import Any, TypeVar

Entry = TypeVar("Entry")


def urls_in(body: Any) -> frozenset[str]:
    """Every http(s) URL a JSON body holds, at any depth: what the object may refer to."""
    found: set[str] = set()
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if value.startswith(("http://", "https://")):
                found.add(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return frozenset(found)


def waits_for(urls: list[str], refers: Mapping[str, frozenset[str]]) -> list[set[int]]:
    """For the objects ``urls`` (newest first), the positions each must wait for: the newer
    objects that refer to it; among the objects one body names, the newer ones (a status
    names its zaak and its statustype, cannot be deleted itself and goes with its zaak, so
    the statustype waits for the zaak, as newest first one at a time had it); and the
    nearest newer object whose references are unknown (not in ``refers``), which waits in
    turn for every object newer than itself."""
    position_of: dict[str, int] = {}
    for position, url in enumerate(urls):
        position_of.setdefault(url, position)
    waits: list[set[int]] = [set() for _ in urls]
    unknown: int | None = None  # the nearest newer object whose references are unknown
    for position, url in enumerate(urls):
        if unknown is not None:
            waits[position].add(unknown)
        if url not in refers:  # it may refer to anything older: everything newer goes first
            waits[position].update(range(unknown or 0, position))
            unknown = position
            continue
        named = sorted(p for p in (position_of.get(target) for target in refers[url])
                       if p is not None and p > position)
        for older in named:
            waits[older].add(position)
        for newer, older in pairwise(named):
            waits[older].add(newer)
    return waits


def remove_all(entries: list[Entry], urls: list[str], refers: Mapping[str, frozenset[str]],
               remove: Callable[[Entry], dict[str, Any]], concurrency: int
               ) -> list[dict[str, Any]]:
    """``remove`` each entry (newest first; ``urls`` are their URLs), each once those it must
    wait for are done, at most ``concurrency`` at once; their reports in the entries' order.
    ``remove`` never raises: it reports."""
    if concurrency <= 1:
        return [remove(entry) for entry in entries]
    waits = waits_for(urls, refers)
    reports: list[dict[str, Any] | None] = [None] * len(entries)
    waiting_on = [set(w) for w in waits]
    unblocks: dict[int, list[int]] = defaultdict(list)
    for position, before in enumerate(waits):
        for other in before:
            unblocks[other].append(position)
    ready = [p for p, before in enumerate(waiting_on) if not before]
    running: dict[Future[dict[str, Any]], int] = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="cleanup") as pool:
        while ready or running:
            while ready and len(running) < concurrency:
                position = ready.pop(0)
                running[pool.submit(remove, entries[position])] = position
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                position = running.pop(future)
                reports[position] = future.result()
                ready.extend(_unblocked(position, unblocks, waiting_on))
            ready.sort()  # newest first among those free to go
    return [r for r in reports if r is not None]


def _unblocked(done: int, unblocks: Mapping[int, Iterable[int]],
               waiting_on: list[set[int]]) -> list[int]:
    freed = []
    for position in unblocks.get(done, ()):
        waiting_on[position].discard(done)
        if not waiting_on[position]:
            freed.append(position)
    return freed
