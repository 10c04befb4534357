"""A small site with bodies and missing persons, and assessments made without the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from exhume.audit.events import Actor
from exhume.evidence.assess import Assessment, assess
from exhume.evidence.policy import Reference, load_policy

ANALYST = Actor("analyst-1", "lab")
ANALYST2 = Actor("analyst-2", "lab")
BOARD = Actor("board-1", "board")
BOARD2 = Actor("board-2", "board")
SYSTEM = Actor.system("tests")
PARENTS = [Reference("father"), Reference("mother")]


def assessment(
    dna_log10_lr: float | None = 9.0,
    references: list[Reference] | None = None,
    factors: list[Any] | None = None,
    policy: str = "exhume-default",
) -> Assessment:
    return assess(
        dna_log10_lr,
        factors or [],
        prior_odds=1 / 60,
        prior_reason="1/60 missing persons in scope",
        references=PARENTS if references is None else references,
        policy=load_policy(policy),
    )


@pytest.fixture
def policy_in_force(db: Any) -> Any:
    from exhume.identification.actions import do_adopt_policy

    return do_adopt_policy(SYSTEM, policy=load_policy(), reason="the default")


@pytest.fixture
def make_person(db: Any) -> Callable[..., Any]:
    from exhume.families.actions import do_report_missing_person

    def make(family_name: str = "Мельник", **fields: Any) -> Any:
        return do_report_missing_person(
            SYSTEM, family_name=family_name, **{"sex": "female", **fields}
        )

    return make


@pytest.fixture
def record_run(make_site: Any, policy_in_force: Any) -> Callable[..., Any]:
    """Record a run over ``site`` from (remains, person, assessment) triples."""
    from exhume.identification.actions import PairEvidence, do_record_run

    def record(site: Any, pairs: list[tuple[Any, Any, Assessment]], flags: Any = ()) -> Any:
        return do_record_run(
            SYSTEM,
            site=site,
            policy=policy_in_force,
            parameters={"test": True},
            engine_version="test",
            inputs_sha256="0" * 64,
            pairs=[PairEvidence(r, p, a) for r, p, a in pairs],
            flags=list(flags),
            summary={},
        )

    return record
