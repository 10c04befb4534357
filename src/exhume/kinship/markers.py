"""Genetic markers: allele labels, population allele frequencies and a mutation model.

Genotypes everywhere in :mod:`exhume.kinship` are integer allele *indices* into
``Marker.alleles``; ``-1`` is a missing allele.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from exhume.errors import InvalidInputError
from exhume.kinship.mutation import MutationModel

__all__ = ["MISSING", "Marker", "make_marker"]

#: Index of a missing allele in genotype arrays.
MISSING = -1

# Frequencies must sum to 1 within this (pedmut rounds to 3 decimals; stored data are ~1e-10).
_FREQ_SUM_TOL = 1e-3


@dataclass(frozen=True, eq=False)
class Marker:
    """An autosomal marker.

    ``afreq[i]`` is the population frequency of ``alleles[i]``. Frequencies are used exactly as
    given (never renormalised) so that results agree with pedprobr, which also keeps them.
    ``mutation`` is ``None`` when no mutation is modelled (Mendelian transmission).
    """

    name: str
    alleles: tuple[str, ...]
    afreq: NDArray[np.float64]
    mutation: MutationModel | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        afreq = np.asarray(self.afreq, dtype=np.float64)
        afreq.setflags(write=False)
        object.__setattr__(self, "afreq", afreq)
        object.__setattr__(self, "alleles", tuple(str(a) for a in self.alleles))
        self._validate()
        object.__setattr__(self, "_index", {a: i for i, a in enumerate(self.alleles)})

    def _validate(self) -> None:
        where = f"marker '{self.name}'"
        n = len(self.alleles)
        if n == 0:
            raise InvalidInputError(f"{where} has no alleles")
        if len(set(self.alleles)) != n:
            dup = next(a for a in self.alleles if self.alleles.count(a) > 1)
            raise InvalidInputError(f"{where} lists allele '{dup}' twice")
        if self.afreq.shape != (n,):
            raise InvalidInputError(
                f"{where} has {n} alleles but {self.afreq.size} allele frequencies"
            )
        if not np.all(np.isfinite(self.afreq)) or np.any(self.afreq < 0):
            raise InvalidInputError(f"{where} has a negative or non-numeric allele frequency")
        total = float(self.afreq.sum())
        if abs(total - 1.0) > _FREQ_SUM_TOL:
            raise InvalidInputError(f"{where}: allele frequencies sum to {total!r}, not 1")
        if self.mutation is not None and self.mutation.n_alleles != n:
            raise InvalidInputError(
                f"{where} has {n} alleles but its mutation matrices are "
                f"{self.mutation.n_alleles} x {self.mutation.n_alleles}"
            )

    @property
    def n_alleles(self) -> int:
        """Number of alleles."""
        return len(self.alleles)

    def allele_index(self, label: str) -> int:
        """Index of allele ``label``; :class:`InvalidInputError` naming marker and allele."""
        try:
            return self._index[label]
        except KeyError:
            raise InvalidInputError(
                f"marker '{self.name}' has no allele '{label}' "
                f"(known alleles: {', '.join(self.alleles)})"
            ) from None

    def genotype(self, a: str | None, b: str | None) -> tuple[int, int]:
        """Allele indices of the unordered genotype ``a/b``; ``None`` is a missing allele."""
        return (
            MISSING if a is None else self.allele_index(a),
            MISSING if b is None else self.allele_index(b),
        )

    def without_mutation(self) -> Marker:
        """The same marker with no mutation model."""
        return self if self.mutation is None else replace(self, mutation=None)

    def with_mutation(self, mutation: MutationModel | None) -> Marker:
        """The same marker with another mutation model."""
        return replace(self, mutation=mutation)


def make_marker(
    name: str,
    alleles: Sequence[str] | int,
    afreq: ArrayLike | None = None,
    mutation: MutationModel | None = None,
) -> Marker:
    """Convenience constructor: ``alleles`` may be a count (labels '1'..'n'); ``afreq`` defaults
    to equal frequencies."""
    labels = tuple(str(i + 1) for i in range(alleles)) if isinstance(alleles, int) else alleles
    freqs = (
        np.full(len(labels), 1.0 / len(labels))
        if afreq is None
        else np.asarray(afreq, dtype=np.float64)
    )
    return Marker(name=name, alleles=tuple(labels), afreq=freqs, mutation=mutation)
