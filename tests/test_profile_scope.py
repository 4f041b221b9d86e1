"""Every operation of a tested standard is either in the contract pass or left out with a
reason the certificate prints: no operation silently untested (issue 12, point 7)."""

from __future__ import annotations

import pytest
import yaml

from conformance.profiles import builtin_profile_ids, load_profile

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _operations(path) -> list[dict]:
    """The operations of the OpenAPI file at ``path`` that have an operationId."""
    spec = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return [op for item in spec["paths"].values()
            for method, op in item.items() if method in HTTP_METHODS and "operationId" in op]


def _operation_ids(path) -> set[str]:
    return {op["operationId"] for op in _operations(path)}


def _listed_standards():
    """(profile id, standard) for each tested standard whose profile lists its operations."""
    for pid in builtin_profile_ids():
        profile = load_profile(pid)
        for standard in profile.tested_standards():
            if standard.operations:
                yield pytest.param(pid, standard, id=f"{pid}:{standard.api}")


@pytest.mark.parametrize(("pid", "standard"), list(_listed_standards()))
def test_operations_and_exclusions_cover_the_standard(resolver, pid, standard):
    everything = _operation_ids(resolver.resolve(standard.openapi))
    tested, excluded = set(standard.operations), set(standard.excluded)
    assert not tested & excluded, f"{pid}: both tested and excluded: {sorted(tested & excluded)}"
    assert not (tested | excluded) - everything, \
        f"{pid}: not operations of {standard.api}: {sorted((tested | excluded) - everything)}"
    assert everything - tested - excluded == set(), (
        f"{pid}: operations of {standard.api} neither tested nor excluded with a reason: "
        f"{sorted(everything - tested - excluded)}")
    for op, why in standard.excluded.items():  # Dutch first for the officer, and English
        for lang in ("nl", "en"):
            assert len(why[lang].split()) >= 8, \
                f"{pid}: {op}: the {lang} reason must say why, got {why[lang]!r}"


def test_the_zgw_profiles_list_their_operations():
    """The ZGW profiles name their scope (a profile without a list tests every operation)."""
    listed = {pid for pid, *_ in (p.values for p in _listed_standards())}
    assert {"zrc-1.5", "ztc-1.3", "drc-1.4", "brc-1.1", "ac-1.0"} <= listed


def _paginated_without_404(path, operations: list[str]) -> set[str]:
    """The in-scope operations with a ``page`` query parameter whose OAS lists no 404."""
    found = set()
    for op in _operations(path):
        names = {p.get("name") for p in op.get("parameters", []) if isinstance(p, dict)}
        if op["operationId"] in operations and "page" in names \
                and "404" not in op.get("responses", {}):
            found.add(op["operationId"])
    return found


@pytest.mark.parametrize(("pid", "standard"), list(_listed_standards()))
def test_every_paginated_list_may_answer_a_missing_page_with_404(resolver, pid, standard):
    """ZGW answers a page that does not exist (0, or past the last) with 404, which the OAS
    lists for no list: without the spec gap a clean supplier fails status_code_conformance
    whenever a generated request names such a page (a false alarm seen on ztc-1.3)."""
    profile = load_profile(pid)
    paginated = _paginated_without_404(resolver.resolve(standard.openapi), standard.operations)
    covered = {op for gap in profile.contract.get("spec_gaps", [])
               if gap["check"] == "status_code_conformance" and 404 in gap["statuses"]
               and gap.get("when") == {"query": "page"} for op in gap["operations"]}
    assert paginated - covered == set(), \
        f"{pid}: paginated lists without the page-404 spec gap: {sorted(paginated - covered)}"
