"""How `conformance run` shows a run's progress (the engine's ``Progress``) on stderr.

On a terminal: a live view (rich) of the phase, operations or tests done of the total,
requests, requests per second, failures so far and the time elapsed, with a line per finished
phase above it. Elsewhere (CI, the nightly's children, a pipe): plain lines, one when a phase
starts and one summary when a counting phase ends, so logs stay readable. ``--quiet``: nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from .engine.progress import Event, Listener, Progress

REFRESH_PER_SECOND = 4


@contextmanager
def progress_view(stream: TextIO, *, quiet: bool = False,
                  console: Console | None = None) -> Iterator[Progress]:
    """The Progress to hand to ``execute``, shown on ``stream`` as long as the block runs
    (``console``: a rich console to draw the live view on, whatever ``stream`` is)."""
    if quiet:
        yield Progress()
    elif console is None and not stream.isatty():
        yield Progress(plain_lines(stream))
    else:
        console = console or Console(file=stream)
        progress = Progress(_finished_lines(console))
        with Live(LiveView(progress), console=console, refresh_per_second=REFRESH_PER_SECOND,
                  transient=True):
            yield progress


def plain_lines(stream: TextIO) -> Listener:
    """``… phase`` as each phase starts; ``✓ summary`` as a counting phase ends."""

    def listen(event: Event, progress: Progress) -> None:
        if event == "phase":
            print(f"… {progress.message}", file=stream, flush=True)
        elif event == "end" and (line := progress.summary()) is not None:
            print(f"✓ {line}", file=stream, flush=True)

    return listen


def _finished_lines(console: Console) -> Listener:
    """Above the live view, a line per finished phase (it stays when the view goes)."""

    def listen(event: Event, progress: Progress) -> None:
        if event == "end":
            line = progress.summary() or f"{progress.message} ({progress.phase_elapsed():.1f} s)"
            console.print(Text(f"✓ {line}"), highlight=False)

    return listen


class LiveView:
    """The current figures of a Progress as a rich renderable; rich.live.Live redraws it
    on its own clock, so requests and elapsed time move between the engine's reports."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def __rich__(self) -> RenderableType:
        p = self.progress
        heading = Text(p.message or "starting", style="bold")
        if p.step:
            heading.append(f" · {p.step}", style="cyan")
        rows: list[RenderableType] = [heading]
        if p.unit is not None:
            bar = Table.grid(padding=(0, 1))
            counted = f"{p.done}/{p.total}" if p.total else str(p.done)
            bar.add_row(Text(f"{p.unit} {counted}"),
                        ProgressBar(total=p.total or None, completed=p.done, width=40))
            rows.append(bar)
        rate = p.rate()
        failures = Text(f"failures {p.failures}", style="bold red" if p.failures else "")
        rows.append(Text.assemble(
            f"requests {p.requests} · ", f"{rate:.1f}/s" if rate is not None else "–/s",
            " · ", failures, f" · elapsed {_clock(p.elapsed())}"))
        return Group(*rows)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
