"""Kinship likelihood ratios between two or more pedigree hypotheses (forrel's ``kinshipLR``).

The same typed people are placed in every hypothesis (a paternity trio against an unrelated
alleged father, full against half siblings, a missing person's family with and without the
person of interest...). For each hypothesis ``H`` and marker ``k`` the likelihood ``L_k(H)`` is
pedprobr's (:func:`exhume.kinship.likelihood.loglik`: mutation models, partial genotypes,
untyped members); the LR of ``H`` against the reference hypothesis ``R`` is

    LR_k(H:R) = L_k(H) / L_k(R),        LR(H:R) = prod_k LR_k(H:R),

computed as ``exp`` of log differences. ``H:R`` is given for every hypothesis, the reference
included (``R:R`` = 1), as forrel does. Data impossible under a hypothesis give it likelihood
0 (log ``-inf``) and LR 0; data impossible under the reference leave its LRs undefined, which
is refused with :class:`KinshipError` naming the marker.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, KinshipError
from exhume.kinship.likelihood import loglik
from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.pedigree import Pedigree

__all__ = ["KinshipLR", "hypothesis_genotypes", "kinship_lr"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class KinshipLR:
    """Per-marker natural-log likelihoods of each hypothesis and the LRs they give.

    ``loglik[h, k]`` is ``log L_k(hypotheses[h])``; ``reference`` names the denominator.
    """

    hypotheses: tuple[str, ...]
    reference: str
    markers: tuple[str, ...]
    loglik: FloatArray

    def _row(self, name: str) -> int:
        return self.hypotheses.index(name)

    def log_lr_per_marker(self, name: str) -> FloatArray:
        """``log LR_k(name:reference)`` for every marker (``-inf`` where ``name`` is
        impossible)."""
        out: FloatArray = self.loglik[self._row(name)] - self.loglik[self._row(self.reference)]
        return out

    def log_lr(self, name: str) -> float:
        """Natural log of the total LR of ``name`` against the reference."""
        return float(self.log_lr_per_marker(name).sum())

    def lr(self) -> dict[str, float]:
        """``{"H:R": LR}`` for every hypothesis ``H`` (``inf`` when it overflows a double)."""
        return {self.key(h): _exp(self.log_lr(h)) for h in self.hypotheses}

    def lr_per_marker(self) -> dict[str, dict[str, float]]:
        """``{"H:R": {marker: LR_k}}`` for every hypothesis."""
        return {
            self.key(h): {
                m: _exp(float(x))
                for m, x in zip(self.markers, self.log_lr_per_marker(h), strict=True)
            }
            for h in self.hypotheses
        }

    def total_loglik(self) -> dict[str, float]:
        """Total natural-log likelihood of each hypothesis (``-inf`` when impossible)."""
        return {h: float(self.loglik[i].sum()) for i, h in enumerate(self.hypotheses)}

    def key(self, name: str) -> str:
        """The ``"H:R"`` label of hypothesis ``name`` against the reference."""
        return f"{name}:{self.reference}"


def kinship_lr(
    hypotheses: Mapping[str, Pedigree],
    markers: Sequence[Marker],
    genotypes: Mapping[str, IntArray],
    reference: str | None = None,
    *,
    mutation: bool = True,
) -> KinshipLR:
    """LRs of every hypothesis against ``reference`` (default: the last hypothesis).

    ``genotypes`` maps each typed individual to its allele-index array (n_markers, 2), ``-1``
    for a missing allele. Every typed individual must be in every hypothesis. Raises
    :class:`InvalidInputError` naming the hypothesis or individual at fault, and
    :class:`KinshipError` naming the marker when the data are impossible under the reference.
    """
    names = tuple(hypotheses)
    if len(names) < 2:
        raise InvalidInputError("a kinship LR needs at least two hypotheses")
    for name in names:
        if ":" in name:
            raise InvalidInputError(f"hypothesis '{name}': a name may not contain ':'")
    ref = names[-1] if reference is None else reference
    if ref not in hypotheses:
        raise InvalidInputError(
            f"the reference hypothesis '{ref}' is not one of {', '.join(names)}"
        )
    ll = np.empty((len(names), len(markers)))
    for h, name in enumerate(names):
        g = hypothesis_genotypes(name, hypotheses[name], markers, genotypes)
        ll[h] = loglik(hypotheses[name], markers, g, mutation=mutation).per_marker
    result = KinshipLR(names, ref, tuple(m.name for m in markers), ll)
    bad = np.flatnonzero(np.isneginf(ll[names.index(ref)]))
    if bad.size:
        raise KinshipError(
            f"the data at marker '{markers[int(bad[0])].name}' are impossible under the "
            f"reference hypothesis '{ref}' (likelihood 0), so LRs against it are undefined; "
            "check the genotypes, add a mutation model or choose another reference"
        )
    return result


def hypothesis_genotypes(
    name: str,
    pedigree: Pedigree,
    markers: Sequence[Marker],
    genotypes: Mapping[str, IntArray],
) -> IntArray:
    """The genotype array (n_individuals, n_markers, 2) of ``pedigree`` for hypothesis
    ``name``: the typed individuals' rows, ``-1`` elsewhere."""
    out = np.full((pedigree.n, len(markers), 2), MISSING, dtype=np.intp)
    for ident, g in genotypes.items():
        if ident not in pedigree:
            raise InvalidInputError(
                f"individual '{ident}' is typed but not in hypothesis '{name}'; "
                "every hypothesis must contain every typed individual"
            )
        row = np.asarray(g)
        if row.shape != (len(markers), 2):
            raise InvalidInputError(
                f"individual '{ident}': genotypes have shape {row.shape}, "
                f"expected ({len(markers)}, 2)"
            )
        out[pedigree.index(ident)] = row
    return out


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf
