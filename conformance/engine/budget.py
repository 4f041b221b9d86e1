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
    #: coverage in positive mode only: a valid request per operation (and its schema-derived
    #: variants) even when no generated example happens to be one, without the many
    #: negative variants
    coverage_positive_only: bool = False
    #: shrink a failing case to a minimal one (hypothesis's shrink phase): a smaller request
    #: to show the supplier, bought with many more requests per failure (a fifth of a quick
    #: run's time against a supplier with six deviations)
    shrink: bool = True


PRESETS = {
    "quick": Budget("quick", max_examples=5, stateful_max_steps=10, coverage=True,
                    coverage_positive_only=True, shrink=False),
    "standard": Budget("standard", max_examples=25, stateful_max_steps=25, coverage=True),
    "thorough": Budget("thorough", max_examples=100, stateful_max_steps=60, coverage=True),
}


def budget(name: str) -> Budget:
    return PRESETS[name]
