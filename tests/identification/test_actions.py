"""The board's safety rules, each through the actions."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.audit.models import LogEntry
from exhume.errors import AccessDeniedError, InvalidInputError
from exhume.evidence.policy import Reference, load_policy, policy_from_data
from exhume.identification.actions import (
    check_proposable,
    do_adopt_policy,
    do_confirm,
    do_exclude,
    do_identify,
    do_reopen,
    do_review,
    do_withdraw,
)
from exhume.identification.models import Decision, Flag, FlagKind, Proposal, State
from tests.identification.conftest import (
    ANALYST,
    BOARD,
    BOARD2,
    SYSTEM,
    assessment,
)


@pytest.fixture
def pair(make_site: Any, make_remains: Any, make_person: Any, record_run: Any) -> Any:
    site = make_site()
    remains, person = make_remains(site), make_person()
    record_run(site, [(remains, person, assessment())])
    return Proposal.objects.get(remains=remains, missing_person=person)


def _signed(proposal: Proposal) -> Proposal:
    return do_confirm(BOARD, do_review(ANALYST, proposal))


def test_two_different_people_sign_an_identification(pair: Proposal) -> None:
    done = do_identify(BOARD, _signed(pair), report_html="<p>r</p>", report_sha256="ab" * 32)
    assert (done.state, done.reviewed_by, done.confirmed_by) == (
        "identified",
        "analyst-1",
        "board-1",
    )
    steps = list(Decision.objects.filter(proposal=pair).values_list("step", "actor"))
    assert steps == [("propose", "tests"), ("review", "analyst-1"), ("confirm", "board-1"),
                     ("identify", "board-1")]  # fmt: skip
    entries = LogEntry.objects.filter(record_type="identification.proposal", record_id=str(pair.pk))
    assert [e.action for e in entries] == ["create", "update", "update", "update"]


def test_the_same_person_cannot_review_and_confirm(pair: Proposal) -> None:
    reviewed = do_review(ANALYST, pair)
    same = type(BOARD)(ANALYST.username, "board")
    with pytest.raises(AccessDeniedError, match="cannot also confirm"):
        do_confirm(same, reviewed)
    assert Proposal.objects.get(pk=pair.pk).state == State.REVIEWED


def test_only_an_analyst_reviews_and_only_the_board_confirms(pair: Proposal) -> None:
    with pytest.raises(AccessDeniedError, match="DNA analyst"):
        do_review(BOARD, pair)
    with pytest.raises(InvalidInputError, match="only a proposal that is reviewed"):
        do_confirm(BOARD, pair)
    with pytest.raises(AccessDeniedError, match="board member"):
        do_confirm(ANALYST, do_review(ANALYST, pair))


def test_each_step_snapshots_the_numbers_as_they_were(pair: Proposal) -> None:
    _signed(pair)
    confirm = Decision.objects.get(proposal=pair, step="confirm")
    assert confirm.evidence["dna_log10_lr"] == 9.0
    assert confirm.evidence["policy"]["name"] == "exhume-default"
    assert [r["name"] for r in confirm.evidence["table"]] == ["prior", "dna", "posterior"]


def test_an_incompatible_sex_pair_cannot_be_proposed(
    make_site: Any, make_remains: Any, make_person: Any, record_run: Any
) -> None:
    site = make_site()
    man, woman = make_remains(site, sex="male"), make_person(sex="female")
    with pytest.raises(InvalidInputError, match="incompatible sex cannot be proposed"):
        check_proposable(man, woman)
    record_run(site, [(man, woman, assessment())])
    assert not Proposal.objects.exists()


def test_two_bodies_can_never_both_be_identified_as_one_person(
    make_site: Any, make_remains: Any, make_person: Any, record_run: Any
) -> None:
    site = make_site()
    first, second, person = make_remains(site), make_remains(site), make_person()
    record_run(site, [(first, person, assessment()), (second, person, assessment(8.0))])
    one, two = (Proposal.objects.get(remains=r) for r in (first, second))
    _signed(one)
    reviewed = do_review(ANALYST, two)
    with pytest.raises(InvalidInputError, match="conflict: this missing person is already"):
        do_confirm(BOARD2, reviewed)
    assert Proposal.objects.filter(state="confirmed").count() == 1


def test_the_database_refuses_a_second_signed_body_for_one_person(
    make_site: Any, make_remains: Any, make_person: Any, record_run: Any
) -> None:
    from django.db import IntegrityError, transaction

    site = make_site()
    first, second, person = make_remains(site), make_remains(site), make_person()
    record_run(site, [(first, person, assessment()), (second, person, assessment())])
    _signed(Proposal.objects.get(remains=first))
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(remains=second).update(state="identified")


def test_non_dna_evidence_alone_never_identifies(pair: Proposal, make_site: Any,
                                                 make_remains: Any, make_person: Any,
                                                 record_run: Any) -> None:  # fmt: skip
    from exhume.evidence.factors import Factor

    site = make_site("other")
    remains, person = make_remains(site), make_person("Бойко")
    strong = [Factor("journal", 760.0, 0.05, "journal", "exact"),
              Factor("recognition", 1000.0, 0.0005, "liaison", "unique")]  # fmt: skip
    record_run(site, [(remains, person, assessment(None, factors=strong))])
    proposal = Proposal.objects.get(remains=remains)
    assert proposal.posterior > 0.9995 and not proposal.policy_met
    with pytest.raises(InvalidInputError, match="non-DNA evidence never identifies alone"):
        do_confirm(BOARD, do_review(ANALYST, proposal))


def test_a_signed_identification_whose_references_are_withdrawn_goes_back_to_review(
    pair: Proposal, record_run: Any
) -> None:
    _signed(pair)
    one_left = assessment(9.0, references=[Reference("father")])
    record_run(pair.remains.site, [(pair.remains, pair.missing_person, one_left)])
    again = Proposal.objects.get(pk=pair.pk)
    assert (again.state, again.needs_review) == ("proposed", True)
    assert "typed close relatives" in again.reason
    assert Flag.objects.filter(kind=FlagKind.NEEDS_REVIEW, proposal=pair).exists()


def test_a_signed_identification_the_run_no_longer_finds_goes_back_to_review(
    pair: Proposal, record_run: Any
) -> None:
    _signed(pair)
    record_run(pair.remains.site, [])
    assert Proposal.objects.get(pk=pair.pk).state == "proposed"


def test_a_stricter_policy_sends_weaker_signed_identifications_to_review(
    make_site: Any, make_remains: Any, make_person: Any, record_run: Any
) -> None:
    site = make_site()
    weak, strong = make_remains(site), make_remains(site)
    a, b = make_person(), make_person("Бойко")
    record_run(site, [(weak, a, assessment(5.5)), (strong, b, assessment(12.0))])
    for p in Proposal.objects.all():
        _signed(p)
    do_adopt_policy(SYSTEM, policy=load_policy("ukraine-example"), reason="national rule")
    states = dict(Proposal.objects.values_list("remains_id", "state"))
    assert states == {weak.pk: "proposed", strong.pk: "confirmed"}
    flag = Flag.objects.get(kind=FlagKind.NEEDS_REVIEW)
    assert "ukraine-example v1" in flag.detail and "below 10^6" in flag.detail


def test_a_policy_version_cannot_change_its_content(policy_in_force: Any) -> None:
    changed = policy_from_data({**load_policy().data, "min_posterior": 0.99})
    with pytest.raises(InvalidInputError, match="give it a new version"):
        do_adopt_policy(SYSTEM, policy=changed, reason="looser")


def test_exclusion_and_withdrawal_need_reasons(pair: Proposal) -> None:
    with pytest.raises(InvalidInputError, match="needs a reason"):
        do_exclude(ANALYST, pair, reason=" ")
    signed = _signed(pair)
    with pytest.raises(InvalidInputError, match="only a proposal that is proposed or reviewed"):
        do_exclude(ANALYST, signed, reason="no")
    withdrawn = do_withdraw(BOARD2, signed, reason="sample swap found", authority="lab head")
    assert withdrawn.state == "withdrawn"
    entry = LogEntry.objects.filter(record_id=str(pair.pk),
                                    record_type="identification.proposal").last()  # fmt: skip
    assert entry is not None and (entry.action, entry.authority) == ("correct", "lab head")


def test_reopening_clears_the_signatures(pair: Proposal) -> None:
    reopened = do_reopen(BOARD2, _signed(pair), reason="new family information")
    assert (reopened.state, reopened.reviewed_by, reopened.confirmed_by) == ("proposed", "", "")


def test_confirming_counts_the_body_as_identified_and_withdrawing_uncounts_it(
    pair: Proposal,
) -> None:
    from exhume.publication.queries import site_summary

    site = pair.remains.site
    signed = _signed(pair)
    assert site_summary(site).identified == 1
    entry = LogEntry.objects.filter(record_type="casework.remains",
                                    record_id=str(pair.remains_id)).last()  # fmt: skip
    assert entry is not None and entry.action == "correct"
    assert entry.category is not None and entry.category["identified"] is True
    assert "Мельник" not in entry.leaf
    do_withdraw(BOARD2, signed, reason="sample swap found", authority="lab head")
    assert site_summary(site).identified == 0


def test_the_database_check_still_opens_every_commitment_after_identification(
    pair: Proposal,
) -> None:
    from exhume.audit.integrity import check_database
    from exhume.casework.queries import logged_category

    _signed(pair)
    report = check_database([], {"casework.remains": logged_category})
    assert report.problems == []


def test_a_body_part_is_tied_to_its_body_by_a_direct_match(
    db: Any, make_site: Any, make_remains: Any
) -> None:
    from exhume.identification.actions import do_tie_part_by_dna
    from exhume.publication.queries import site_summary

    site = make_site()
    body = make_remains(site)
    part = make_remains(site, kind="body_part", status="undetermined", age_class="undetermined")
    assert site_summary(site).body_parts_unassociated == 1
    with pytest.raises(InvalidInputError, match="below 10"):
        do_tie_part_by_dna(ANALYST, part=part, body=body, log10_lr=2.0)
    tied = do_tie_part_by_dna(ANALYST, part=part, body=body, log10_lr=18.2)
    assert tied.body_id == body.pk and site_summary(site).body_parts_unassociated == 0
