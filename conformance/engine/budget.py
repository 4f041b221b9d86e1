"""Budget presets: how much generated traffic a run may spend.

Recorded in every result (with the seed) so a run can be replayed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

BUDGETS = ("quick", "standard", "thorough")


@dataclass(frozen=True)
class Budget:
    name: str
    max_examples: int  # per operation, examples + fuzzing phases
    stateful_max_steps: int
    coverage: bool  # the deterministic, schema-derived coverage phase


PRESETS = {
    "quick": Budget("quick", max_examples=5, stateful_max_steps=10, coverage=False),
    "standard": Budget("standard", max_examples=25, stateful_max_steps=25, coverage=True),
    "thorough": Budget("thorough", max_examples=100, stateful_max_steps=60, coverage=True),
}


def budget(name: str) -> Budget:
    return PRESETS[name]
