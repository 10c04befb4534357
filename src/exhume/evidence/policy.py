"""What an identification needs, as versioned data (``policies/*.json``), and its verbal scale.

A policy states: the least DNA likelihood ratio (log10), the least posterior probability, and the
references the DNA must rest on (at least ``min_close_relatives`` typed close relatives, or one
typed by ``or_one_relative_typed_by`` different methods, or a direct reference when allowed).
Non-DNA evidence can lower a posterior below the threshold but can never stand in for the DNA
requirement: every policy has a DNA threshold of at least LR 1 (log10 0), and the loader refuses
one without it. :func:`evaluate` lists every requirement that is not met, in words.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from exhume.errors import InvalidInputError, NotFoundError

#: Relationships to the missing person that count as close (first degree).
CLOSE_RELATIVES = frozenset(
    {"father", "mother", "parent", "son", "daughter", "child", "brother", "sister", "sibling"}
)
#: The missing person's own DNA (a toothbrush, a stored sample): a direct reference.
DIRECT = "self"
DEFAULT_POLICY = "exhume-default"


@dataclass(frozen=True)
class Reference:
    """A typed reference used for a pair: relationship to the missing person and the methods
    it was typed with ("autosomal_str", "y_str", "mtdna", "snp")."""

    relationship: str
    methods: tuple[str, ...] = ("autosomal_str",)


@dataclass(frozen=True)
class Policy:
    """A threshold policy; ``sha256`` is the hash of its canonical JSON (what was in force)."""

    name: str
    version: int
    description: str
    min_dna_log10_lr: float
    min_posterior: float
    min_close_relatives: int
    or_one_relative_typed_by: int
    direct_reference_counts: bool
    verbal_scale: tuple[tuple[float, str], ...]
    data: dict[str, Any]

    @property
    def sha256(self) -> str:
        canonical = json.dumps(self.data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


@dataclass(frozen=True)
class PolicyResult:
    """Whether a pair meets the policy, and each unmet requirement in words."""

    met: bool
    unmet: tuple[str, ...]
    verbal: str


_REQUIRED = ("name", "version", "description", "min_dna_log10_lr", "min_posterior",
             "min_close_relatives", "or_one_relative_typed_by", "direct_reference_counts",
             "verbal_scale")  # fmt: skip


def policy_from_data(data: dict[str, Any]) -> Policy:
    """Validate a policy's JSON object, naming the bad field."""
    for key in _REQUIRED:
        if key not in data:
            raise InvalidInputError(f"the policy has no '{key}'", field=key)
    if not float(data["min_dna_log10_lr"]) >= 0:
        raise InvalidInputError(
            "a policy must require DNA support (LR >= 1): non-DNA evidence never identifies alone",
            field="min_dna_log10_lr",
        )
    if not 0.5 <= float(data["min_posterior"]) < 1:
        raise InvalidInputError("must lie in [0.5, 1)", field="min_posterior")
    scale = tuple((float(lo), str(words)) for lo, words in data["verbal_scale"])
    if not scale or [lo for lo, _ in scale] != sorted(lo for lo, _ in scale):
        raise InvalidInputError("bands must be in increasing order", field="verbal_scale")
    return Policy(
        name=str(data["name"]),
        version=int(data["version"]),
        description=str(data["description"]),
        min_dna_log10_lr=float(data["min_dna_log10_lr"]),
        min_posterior=float(data["min_posterior"]),
        min_close_relatives=int(data["min_close_relatives"]),
        or_one_relative_typed_by=int(data["or_one_relative_typed_by"]),
        direct_reference_counts=bool(data["direct_reference_counts"]),
        verbal_scale=scale,
        data=data,
    )


def packaged_policies() -> list[str]:
    """Names of the policies shipped with exhume (``exhume/evidence/policies/*.json``)."""
    folder = resources.files("exhume.evidence") / "policies"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load_policy(name: str = DEFAULT_POLICY) -> Policy:
    """A packaged policy by name."""
    path = resources.files("exhume.evidence") / "policies" / f"{name}.json"
    if not path.is_file():
        raise NotFoundError(
            f"no policy '{name}'; packaged: {', '.join(packaged_policies())}", field="policy"
        )
    return policy_from_data(json.loads(path.read_text(encoding="utf-8")))


def verbal(scale: tuple[tuple[float, str], ...], log10_lr: float) -> str:
    """The words for an LR: the band with the greatest lower bound (log10) not above it."""
    words = "no support"
    for lower, band in scale:
        if log10_lr >= lower:
            words = band
    return words


def references_suffice(policy: Policy, references: list[Reference]) -> bool:
    """At least N typed close relatives, or one typed by M methods, or a direct reference."""
    close = [r for r in references if r.relationship in CLOSE_RELATIVES]
    if policy.direct_reference_counts and any(r.relationship == DIRECT for r in references):
        return True
    if len(close) >= policy.min_close_relatives:
        return True
    return any(len(set(r.methods)) >= policy.or_one_relative_typed_by for r in close)


def evaluate(
    policy: Policy, *, dna_log10_lr: float | None, posterior: float, references: list[Reference]
) -> PolicyResult:
    """Check a pair against the policy. ``dna_log10_lr`` None means no DNA result: never met."""
    unmet: list[str] = []
    if dna_log10_lr is None:
        unmet.append("no DNA result: non-DNA evidence never identifies alone")
    elif dna_log10_lr < policy.min_dna_log10_lr:
        unmet.append(f"DNA LR 10^{dna_log10_lr:.2f} is below 10^{policy.min_dna_log10_lr:g}")
    if posterior < policy.min_posterior:
        unmet.append(f"posterior {posterior:.6f} is below {policy.min_posterior}")
    if not references_suffice(policy, references):
        unmet.append(
            f"needs {policy.min_close_relatives} typed close relatives, or one typed by "
            f"{policy.or_one_relative_typed_by} methods"
            + (", or a direct reference" if policy.direct_reference_counts else "")
        )
    words = verbal(policy.verbal_scale, dna_log10_lr if dna_log10_lr is not None else 0.0)
    return PolicyResult(not unmet, tuple(unmet), words)
