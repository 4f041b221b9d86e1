"""What each budget hands the engine: the hypothesis settings schemathesis will run with.

Budget quick is the fast one (a supplier's own try, the nightly): it reports a failing case
as found instead of shrinking it, which costs many requests per failure; standard and
thorough (what a certificate for a tender is made with) shrink it to a minimal one.
"""

from __future__ import annotations

import hypothesis
import pytest

from conformance.engine.budget import BUDGETS, budget
from conformance.engine.contract import ContractSettings, _config


def _hypothesis_settings(name: str) -> hypothesis.settings:
    settings = ContractSettings(api="zaken", base_url="http://127.0.0.1", operations=[],
                                checks=set(), seed=1, budget=budget(name), headers={},
                                profile_checks={}, spec_gaps=[], secrets=[])
    return _config(settings).projects.default.get_hypothesis_settings(apply_ci_profile=False)


@pytest.mark.parametrize("name", BUDGETS)
def test_each_budget_sets_its_examples_and_shrinking(name):
    chosen = _hypothesis_settings(name)
    assert chosen.max_examples == budget(name).max_examples
    assert (hypothesis.Phase.shrink in chosen.phases) is (name != "quick")
    # never an example database: a run is replayed from its seed alone
    assert chosen.database is None and hypothesis.Phase.reuse not in chosen.phases
