"""The identification records in the admin, read-only: every change goes through the board's
actions (review, confirm, exclude, withdraw), never through an edit form."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from exhume.identification.models import (
    Decision,
    Flag,
    IdentificationRun,
    PolicyRecord,
    Proposal,
    Recognition,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyRecord)
class PolicyAdmin(ReadOnly):
    list_display = ("name", "policy_version", "in_force", "adopted_at", "adopted_by")


@admin.register(IdentificationRun)
class RunAdmin(ReadOnly):
    list_display = ("id", "site", "started_at", "run_by", "engine_version", "inputs_sha256")


@admin.register(Proposal)
class ProposalAdmin(ReadOnly):
    list_display = ("id", "remains", "state", "dna_log10_lr", "posterior", "needs_review")
    list_filter = ("state", "needs_review", "policy_met")


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("proposal", "step", "actor", "actor_role", "time")


@admin.register(Flag)
class FlagAdmin(ReadOnly):
    list_display = ("site", "kind", "raised_at", "detail")
    list_filter = ("kind",)


@admin.register(Recognition)
class RecognitionAdmin(ReadOnly):
    list_display = ("remains", "item", "strength", "shown_by", "shown_on")
