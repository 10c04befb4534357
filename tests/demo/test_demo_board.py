"""The demo's identification board: candidates from the demo's DNA, at least 30 identifications
signed by two different people, proposals awaiting review, the mislabelled father flagged, a
body part re-associated by DNA, one journal line that disagrees with the DNA, and the identified
count in stats and in the signed release, which verifies offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo_board(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    from django.core.management import call_command

    from exhume.demo import build_demo
    from exhume.demo.identifications import build_demo_board

    with django_db_blocker.unblock():
        build_demo(2022)
        try:
            yield build_demo_board()
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_at_least_thirty_identifications_carry_two_different_signatures(demo_board: Any) -> None:
    from exhume.identification.models import Proposal, State

    confirmed = Proposal.objects.filter(state=State.CONFIRMED)
    assert demo_board.confirmed == confirmed.count() >= 30
    for p in confirmed:
        steps = {d.step: d for d in p.decisions.all()}
        assert steps["review"].actor == "demo-lab" and steps["review"].actor_role == "lab"
        assert steps["confirm"].actor == "demo-board" and steps["confirm"].actor_role == "board"
    assert Proposal.objects.filter(state=State.REVIEWED).count() == demo_board.reviewed > 0
    assert Proposal.objects.filter(state=State.PROPOSED).count() > 100


def test_the_flags_are_few_and_each_means_something(demo_board: Any) -> None:
    from exhume.identification.models import Flag

    kinds = sorted(Flag.objects.values_list("kind", flat=True))
    assert kinds.count("journal_disagrees") == 1
    assert kinds.count("reference_inconsistent") >= 1
    assert len(kinds) <= 6
    journal = Flag.objects.get(kind="journal_disagrees")
    assert "names missing person" in journal.detail
    father = Flag.objects.filter(kind="reference_inconsistent").first()
    assert father is not None and father.missing_person is not None
    from exhume.dna.models import Family

    assert Family.objects.get(name=father.detail.split()[1].rstrip(":")).notes.endswith(
        "(mislabelled)"
    )


def test_a_body_part_is_tied_to_its_body_by_dna(demo_board: Any) -> None:
    from exhume.casework.models import Remains

    assert len(demo_board.reassociated) == 1
    part = Remains.objects.get(case_number=demo_board.reassociated[0])
    assert part.kind == "body_part" and part.body is not None


def test_stats_and_the_signed_release_count_the_identified(
    demo_board: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import json

    from click.testing import CliRunner

    from exhume.audit.events import Actor
    from exhume.casework.models import Site
    from exhume.cli import main
    from exhume.publication.releases import do_publish_release

    stats = CliRunner().invoke(main, ["stats", "--site", "izium", "--json"])
    assert json.loads(stats.output)["identified"] == demo_board.confirmed
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))  # the bundle goes there
    release = do_publish_release(Actor.system("tests"), Site.objects.get(slug="izium"))
    summary = json.loads((Path(release.path) / "summary.json").read_text())
    assert summary["counts"]["identified"] == demo_board.confirmed
    verified = CliRunner().invoke(main, ["verify", str(release.path)])
    assert verified.exit_code == 0, verified.output
