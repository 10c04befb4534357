"""One candidate pair assessed: the posterior table checked against a policy, as a snapshot.

The snapshot is what a proposal and every decision on it store ("the numbers as they were"):
the factor table, the DNA LR, the references, the policy (name, version, SHA-256) and each unmet
requirement. :func:`reassess` checks a stored snapshot against another policy without the
engine, which is how a policy change re-evaluates signed identifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exhume.evidence.factors import Factor
from exhume.evidence.policy import Policy, PolicyResult, Reference, evaluate
from exhume.evidence.posterior import Posterior, posterior


@dataclass(frozen=True)
class Assessment:
    """A pair's posterior and whether it meets the policy."""

    posterior: Posterior
    dna_log10_lr: float | None  # None: no DNA result (the table's DNA row is then LR 1)
    references: tuple[Reference, ...]
    policy: Policy
    result: PolicyResult
    per_marker: dict[str, float]

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe: the table, the references, the per-marker log10 LRs, the policy."""
        return {
            "table": self.posterior.rows(),
            "dna_log10_lr": self.dna_log10_lr,
            "dna_only_posterior": self.posterior.dna_only,
            "log10_odds": self.posterior.log10_odds,
            "posterior": self.posterior.probability,
            "prior_odds": self.posterior.prior_odds,
            "prior_reason": self.posterior.prior_reason,
            "references": [
                {"relationship": r.relationship, "methods": list(r.methods)}
                for r in self.references
            ],
            "per_marker_log10_lr": self.per_marker,
            "policy": {"name": self.policy.name, "version": self.policy.version,
                       "sha256": self.policy.sha256},
            "policy_met": self.result.met,
            "unmet": list(self.result.unmet),
            "conclusion": self.result.verbal,
        }  # fmt: skip


def assess(
    dna_log10_lr: float | None,
    factors: list[Factor],
    *,
    prior_odds: float,
    prior_reason: str,
    references: list[Reference],
    policy: Policy,
    per_marker: dict[str, float] | None = None,
) -> Assessment:
    """Combine the DNA and each factor, then check the policy (``None``: no DNA result)."""
    post = posterior(
        dna_log10_lr if dna_log10_lr is not None else 0.0,
        factors,
        prior_odds=prior_odds,
        prior_reason=prior_reason,
    )
    result = evaluate(
        policy, dna_log10_lr=dna_log10_lr, posterior=post.probability, references=references
    )
    return Assessment(post, dna_log10_lr, tuple(references), policy, result, dict(per_marker or {}))


def reassess(snapshot: dict[str, Any], policy: Policy) -> PolicyResult:
    """A stored snapshot's numbers against ``policy`` (no recomputation of any factor)."""
    references = [Reference(r["relationship"], tuple(r["methods"])) for r in snapshot["references"]]
    return evaluate(
        policy,
        dna_log10_lr=snapshot["dna_log10_lr"],
        posterior=snapshot["posterior"],
        references=references,
    )
