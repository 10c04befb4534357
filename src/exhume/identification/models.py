"""Identification runs, proposals, the decisions signed on them, policies and flags.

A proposal moves through :class:`State`: proposed → reviewed (a DNA analyst) → confirmed (a
board member who is not the reviewer) → identified; or excluded; or withdrawn by a correction.
A signed proposal whose support drops goes back to ``proposed`` with ``needs_review`` set. The
database itself refuses two confirmed or identified proposals for one person or one body.
Every write goes through :mod:`exhume.identification.actions`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from exhume.casework.models import Remains, Site
from exhume.core.jsonfield import FloatPreservingDecoder
from exhume.families.models import MissingPerson


class PolicyRecord(models.Model):
    """A threshold policy as adopted (its JSON as in ``exhume/evidence/policies``)."""

    name = models.CharField(max_length=100)
    policy_version = models.PositiveIntegerField()
    data = models.JSONField(decoder=FloatPreservingDecoder)
    sha256 = models.CharField(max_length=64)
    in_force = models.BooleanField(default=False)
    adopted_at = models.DateTimeField()
    adopted_by = models.CharField(max_length=150)
    reason = models.TextField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-adopted_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "policy_version"], name="unique_policy"),
            models.UniqueConstraint(
                fields=["in_force"], condition=Q(in_force=True), name="one_policy_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.policy_version}"


class RunStatus(models.TextChoices):
    RUNNING = "running", gettext_lazy("Running")
    COMPLETE = "complete", gettext_lazy("Complete")
    FAILED = "failed", gettext_lazy("Failed")


class IdentificationRun(models.Model):
    """One run of the engine over a site: parameters, engine version, input hash, who, when.

    A run started from the board is recorded first as ``running`` and ends ``complete`` (its
    outcome recorded) or ``failed`` (the error kept); one that stopped without either (a crash,
    a restart) is marked failed once it has shown no progress for a while. At most one run of
    a site is running at a time (a database constraint)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="identification_runs")
    started_at = models.DateTimeField()
    run_by = models.CharField(max_length=150)
    policy = models.ForeignKey(PolicyRecord, on_delete=models.PROTECT, related_name="runs")
    parameters = models.JSONField(
        decoder=FloatPreservingDecoder,
        help_text=gettext_lazy(
            "frequency database (name, SHA-256), mutation models, thresholds, prior"
        ),
    )
    engine_version = models.CharField(max_length=50)
    inputs_sha256 = models.CharField(max_length=64, blank=True)  # known once the run has read
    summary = models.JSONField(decoder=FloatPreservingDecoder, default=dict, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.COMPLETE)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text=gettext_lazy("why a failed run failed"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=Q(status="running"), name="one_running_run_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"run {self.pk} on {self.site.slug}"


class State(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")
    REVIEWED = "reviewed", gettext_lazy("Reviewed by a DNA analyst")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed by the board")
    IDENTIFIED = "identified", gettext_lazy("Identified")
    EXCLUDED = "excluded", gettext_lazy("Excluded")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn by a correction")


#: States in which a proposal names the remains: at most one per body and one per person.
SIGNED = (State.CONFIRMED, State.IDENTIFIED)
#: States from which a proposal can still move.
OPEN = (State.PROPOSED, State.REVIEWED, State.CONFIRMED, State.IDENTIFIED)


class Proposal(models.Model):
    """A candidate pair (remains, missing person) with its numbers as the last run found them."""

    run = models.ForeignKey(IdentificationRun, on_delete=models.PROTECT, related_name="proposals")
    remains = models.ForeignKey(Remains, on_delete=models.PROTECT, related_name="proposals")
    missing_person = models.ForeignKey(
        MissingPerson, on_delete=models.PROTECT, related_name="proposals"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    needs_review = models.BooleanField(default=False)
    dna_log10_lr = models.FloatField()
    log10_odds = models.FloatField(
        help_text=gettext_lazy("log10 posterior odds: prior × DNA × every factor")
    )
    posterior = models.FloatField()
    conclusion = models.CharField(
        max_length=100, help_text=gettext_lazy("the policy's verbal scale")
    )
    policy = models.ForeignKey(PolicyRecord, on_delete=models.PROTECT, related_name="proposals")
    policy_met = models.BooleanField()
    unmet = models.JSONField(decoder=FloatPreservingDecoder, default=list, blank=True)
    evidence = models.JSONField(
        decoder=FloatPreservingDecoder,
        help_text=gettext_lazy("the factor table, references and per-marker LRs"),
    )
    flags = models.JSONField(decoder=FloatPreservingDecoder, default=list, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    confirmed_by = models.CharField(max_length=150, blank=True)
    reason = models.TextField(
        blank=True, help_text=gettext_lazy("why it was excluded, withdrawn or reopened")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-log10_odds", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["missing_person"],
                condition=Q(state__in=["confirmed", "identified"]),
                name="one_body_per_identified_person",
            ),
            models.UniqueConstraint(
                fields=["remains"],
                condition=Q(state__in=["confirmed", "identified"]),
                name="one_person_per_identified_body",
            ),
        ]

    def __str__(self) -> str:
        return f"proposal {self.pk}: {self.remains.case_number} ({self.state})"


class Step(models.TextChoices):
    PROPOSE = "propose", gettext_lazy("Proposed")
    REVIEW = "review", gettext_lazy("Reviewed")
    CONFIRM = "confirm", gettext_lazy("Confirmed")
    IDENTIFY = "identify", gettext_lazy("Identified")
    EXCLUDE = "exclude", gettext_lazy("Excluded")
    WITHDRAW = "withdraw", gettext_lazy("Withdrawn")
    REOPEN = "reopen", gettext_lazy("Sent back to review")


class Decision(models.Model):
    """One step on a proposal: who, when, why, under which policy, and the numbers as they were."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    step = models.CharField(max_length=16, choices=Step.choices)
    actor = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=16)
    time = models.DateTimeField()
    reason = models.TextField(blank=True)
    policy = models.ForeignKey(PolicyRecord, on_delete=models.PROTECT, related_name="decisions")
    evidence = models.JSONField(
        decoder=FloatPreservingDecoder,
        help_text=gettext_lazy("snapshot of the proposal's numbers at this step"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.step} by {self.actor}"


class FlagKind(models.TextChoices):
    REFERENCE_INCONSISTENT = (
        "reference_inconsistent",
        gettext_lazy("Reference inconsistent with its family"),
    )
    BODY_TWO_FAMILIES = "body_two_families", gettext_lazy("Body matching two families strongly")
    FAMILY_TWO_BODIES = "family_two_bodies", gettext_lazy("Family matching two bodies")
    NEEDS_REVIEW = "needs_review", gettext_lazy("Signed identification needs review")
    JOURNAL_DISAGREES = "journal_disagrees", gettext_lazy("Burial journal disagrees with the DNA")
    DIRECT_MATCH = "direct_match", gettext_lazy("Remains matching remains (same person)")
    NO_REFERENCES = "no_references", gettext_lazy("No typed references in scope")


class Flag(models.Model):
    """A data or pedigree problem put in front of the board, never a silent exclusion."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="identification_flags")
    run = models.ForeignKey(
        IdentificationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    detail = models.TextField()
    remains = models.ForeignKey(
        Remains, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    missing_person = models.ForeignKey(
        MissingPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="raised_flags"
    )
    raised_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail[:40]}"


class Recognition(models.Model):
    """A mark, effect or photo shown to a family and what they said (family liaison)."""

    remains = models.ForeignKey(Remains, on_delete=models.PROTECT, related_name="recognitions")
    missing_person = models.ForeignKey(
        MissingPerson, on_delete=models.PROTECT, related_name="recognitions"
    )
    item = models.CharField(
        max_length=300, help_text=gettext_lazy("what was shown (a tattoo, a ring, a photo)")
    )
    strength = models.CharField(
        max_length=16,
        choices=[(s, s.replace("_", " ")) for s in
                 ("unique", "strong", "moderate", "weak", "not_recognised")],
    )  # fmt: skip
    shown_by = models.CharField(max_length=150)
    shown_on = models.DateField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["shown_on", "id"]

    def __str__(self) -> str:
        return f"{self.item} ({self.strength})"


class NotificationMethod(models.TextChoices):
    IN_PERSON = "in_person", gettext_lazy("In person")
    TELEPHONE = "telephone", gettext_lazy("By telephone")
    VIDEO_CALL = "video_call", gettext_lazy("By video call")
    LETTER = "letter", gettext_lazy("By letter")


class Notification(models.Model):
    """Family liaison told the family of a signed identification: when, how, by whom, whom."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="notifications")
    notified_on = models.DateField()
    method = models.CharField(max_length=16, choices=NotificationMethod.choices)
    notified_by = models.CharField(max_length=150)
    family_member = models.CharField(
        max_length=200, help_text=gettext_lazy("who was told, and how related to the person")
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["notified_on", "id"]

    def __str__(self) -> str:
        return f"notified {self.notified_on} ({self.method})"


class RemainsRelease(models.Model):
    """The remains handed to the family: when, to whom, by whom, on what document. It ends the
    remains' custody in exhume: once per body (the database refuses a second)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="release")
    remains = models.OneToOneField(Remains, on_delete=models.PROTECT, related_name="release")
    released_on = models.DateField()
    released_to = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    released_by = models.CharField(max_length=150)
    document = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("the act or receipt signed on release")
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["released_on", "id"]

    def __str__(self) -> str:
        return f"released {self.released_on}"
