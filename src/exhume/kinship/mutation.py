"""Mutation models: per-sex allele transition matrices, built as pedmut builds them.

A mutation matrix ``M`` is square, ``n x n`` for ``n`` alleles; ``M[i, j]`` is the probability
that a parent carrying allele ``i`` transmits allele ``j`` (row = parent's allele, column =
transmitted allele). Every row sums to 1. The builders below reproduce
``pedmut::mutationMatrix()`` formula by formula, so matrices built here equal the ones stored in
dvi-json files to the last bit where the arithmetic is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from exhume.errors import InvalidInputError

__all__ = [
    "MODELS",
    "MutationModel",
    "always_lumpable",
    "equal",
    "is_lumpable",
    "is_stationary",
    "mutation_model",
    "onestep",
    "proportional",
    "stepwise",
    "trivial",
    "validate_matrix",
]

#: Model names understood by :func:`mutation_model`.
MODELS = ("equal", "proportional", "stepwise", "onestep", "trivial")

# R's all.equal() tolerance, used by pedmut's property checks.
_ALL_EQUAL_TOL = 1.5e-8


@dataclass(frozen=True, eq=False)
class MutationModel:
    """Female and male transition matrices of one marker (row = parent's allele).

    ``model`` and ``params`` only record where the matrices came from (provenance); the
    likelihood uses the matrices as they are.
    """

    female: NDArray[np.float64]
    male: NDArray[np.float64]
    model: str = "custom"
    params: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for sex, mat in (("female", self.female), ("male", self.male)):
            validate_matrix(mat, what=f"{sex} mutation matrix")
        if self.female.shape != self.male.shape:
            raise InvalidInputError(
                f"female and male mutation matrices differ in shape: "
                f"{self.female.shape} vs {self.male.shape}"
            )

    @property
    def n_alleles(self) -> int:
        """Number of alleles (rows) of the matrices."""
        return int(self.female.shape[0])

    @property
    def sex_equal(self) -> bool:
        """True when the female and male matrices are identical."""
        return self.female is self.male or bool(np.array_equal(self.female, self.male))

    @property
    def always_lumpable(self) -> bool:
        """True when any set of alleles may be lumped (pedmut's ``alwaysLumpable``)."""
        return always_lumpable(self.female) and (self.sex_equal or always_lumpable(self.male))

    def lumpable(self, lump: NDArray[np.intp]) -> bool:
        """True when the alleles ``lump`` (indices) may be merged (pedmut's ``isLumpable``)."""
        if self.always_lumpable:
            return True
        return is_lumpable(self.female, lump) and (self.sex_equal or is_lumpable(self.male, lump))


def validate_matrix(mat: NDArray[np.float64], *, what: str = "mutation matrix") -> None:
    """Raise :class:`InvalidInputError` unless ``mat`` is square, in [0, 1], rows summing to 1.

    Row sums are checked to 1e-6, which accepts pedmut's matrices (exact up to rounding) and
    rejects real mistakes.
    """
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1] or mat.shape[0] == 0:
        raise InvalidInputError(f"{what} must be square and non-empty, got shape {mat.shape}")
    if not np.all(np.isfinite(mat)):
        raise InvalidInputError(f"{what} has entries that are not finite numbers")
    if np.any(mat < 0) or np.any(mat > 1):
        raise InvalidInputError(f"{what} has entries outside [0, 1]")
    sums = mat.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-6)
    if bad.size:
        row = int(bad[0])
        raise InvalidInputError(f"{what}: row {row + 1} sums to {float(sums[row])!r}, not 1")


def _n_of(afreq: ArrayLike | Sequence[Any]) -> int:
    n = int(np.asarray(afreq).shape[0])
    if n == 0:
        raise InvalidInputError("no alleles given for the mutation model")
    return n


def _check_rate(rate: float, name: str = "rate") -> float:
    rate = float(rate)
    if not (0.0 <= rate <= 1.0):
        raise InvalidInputError(f"mutation `{name}` must lie in [0, 1], got {rate!r}")
    return rate


def trivial(n_alleles: int) -> NDArray[np.float64]:
    """The identity matrix: no mutation is possible."""
    return np.eye(n_alleles, dtype=np.float64)


def equal(afreq: ArrayLike | Sequence[Any], rate: float) -> NDArray[np.float64]:
    """pedmut's ``equal`` model: ``M[i, i] = 1 - rate`` and ``M[i, j] = rate / (n - 1)``.

    ``afreq`` (or the allele labels) only gives the number of alleles ``n``. With one allele the
    matrix is ``[[1]]``.
    """
    n = _n_of(afreq)
    rate = _check_rate(rate)
    if n == 1:
        return np.ones((1, 1))
    mat = np.full((n, n), rate / (n - 1), dtype=np.float64)
    np.fill_diagonal(mat, 1.0 - rate)
    return mat


def proportional(afreq: ArrayLike, rate: float) -> NDArray[np.float64]:
    """pedmut's ``proportional`` model: mutations land in proportion to the target frequency.

    With ``a = rate / sum(p_k (1 - p_k))``: ``M = (1 - a) I + a * 1 p^T``, so
    ``M[i, j] = a p_j`` off the diagonal and ``M[i, i] = 1 - a + a p_i``. The model is undefined
    (error) when ``rate > (1 - sum p^2) / (1 - min p)``.
    """
    p = np.asarray(afreq, dtype=np.float64)
    n = _n_of(p)
    rate = _check_rate(rate)
    max_rate = (1.0 - float(np.sum(p**2))) / (1.0 - float(p.min())) if n > 1 else 0.0
    if n > 1 and rate > max_rate:
        raise InvalidInputError(
            f"proportional mutation model undefined: rate {rate!r} exceeds the maximum "
            f"{max_rate!r} for these allele frequencies"
        )
    if n == 1:
        return np.ones((1, 1))
    a = rate / float(np.sum(p * (1.0 - p)))
    mat: NDArray[np.float64] = (1.0 - a) * np.eye(n) + a * np.tile(p, (n, 1))
    return mat


def _numeric_alleles(alleles: Sequence[str], model: str) -> NDArray[np.float64]:
    try:
        values = np.array([float(a) for a in alleles], dtype=np.float64)
    except ValueError as exc:
        raise InvalidInputError(
            f"the '{model}' mutation model needs numeric allele labels: {exc}"
        ) from None
    return values


def stepwise(
    alleles: Sequence[str],
    afreq: ArrayLike | None,
    rate: float,
    range: float,
    rate2: float,
) -> NDArray[np.float64]:
    """pedmut's ``stepwise`` model, with microvariants.

    Alleles are numbers; the microvariant group of allele ``x`` is ``round(10 (x - round(x)))``
    (so '9.3' is in group 3, integers in group 0). For parent allele ``i``:

    * diagonal: ``1 - rate`` if every allele is in ``i``'s group, ``1 - rate2`` if ``i`` is alone
      in its group, otherwise ``1 - rate - rate2``;
    * other alleles ``j`` of the same group:
      ``rate * range^|x_i - x_j| / sum_j' range^|x_i - x_j'|``, summing over the same-group
      alleles other than ``i``;
    * alleles of another group: ``rate2 / (n - size of i's group)``.

    ``afreq`` is accepted for a uniform builder signature and not used. R rounds halves to even,
    as does NumPy, so the groups agree.
    """
    del afreq
    n = len(alleles)
    if n == 0:
        raise InvalidInputError("no alleles given for the mutation model")
    rate = _check_rate(rate)
    rate2 = _check_rate(rate2, "rate2")
    if rate + rate2 > 1:
        raise InvalidInputError(
            f"total mutation rate rate + rate2 must be in [0, 1]: {rate + rate2}"
        )
    if not range > 0:
        raise InvalidInputError(f"mutation `range` must be positive, got {range!r}")
    if n == 1:
        return np.ones((1, 1))
    x = _numeric_alleles(alleles, "stepwise")
    if np.any(np.round(x, 1) != x):
        raise InvalidInputError("microvariants must be written with one decimal, e.g. '9.3'")
    group = np.round((x - np.round(x)) * 10)
    mat = np.zeros((n, n), dtype=np.float64)
    for i in np.arange(n):
        same = group == group[i]
        n_same = int(same.sum())
        if n_same == n:
            mat[i, i] = 1.0 - rate
        elif n_same == 1:
            mat[i, i] = 1.0 - rate2
        else:
            mat[i, i] = 1.0 - rate - rate2
        others = same.copy()
        others[i] = False
        if n_same < n:
            mat[i, ~same] = rate2 / (n - n_same)
        if others.any():
            w = float(range) ** np.abs(x[i] - x[others])
            mat[i, others] = w / w.sum() * rate
    return mat


def onestep(alleles: Sequence[str], afreq: ArrayLike | None, rate: float) -> NDArray[np.float64]:
    """pedmut's ``onestep`` model: mutations only to the alleles one repeat away.

    Alleles must be integers. For allele ``x_i`` with neighbours ``{j : |x_j - x_i| = 1}``:
    ``M[i, i] = 1 - rate`` and ``M[i, j] = rate / (number of neighbours)``; an allele without
    neighbours never mutates (``M[i, i] = 1``). ``afreq`` is accepted for a uniform signature.
    """
    del afreq
    n = len(alleles)
    if n == 0:
        raise InvalidInputError("no alleles given for the mutation model")
    rate = _check_rate(rate)
    if n == 1:
        return np.ones((1, 1))
    x = _numeric_alleles(alleles, "onestep")
    if np.any(np.round(x) != x):
        raise InvalidInputError("the 'onestep' mutation model needs integer allele labels")
    mat = np.zeros((n, n), dtype=np.float64)
    for i in np.arange(n):
        neigh = np.abs(x - x[i]) == 1
        k = int(neigh.sum())
        mat[i, i] = 1.0 - rate if k > 0 else 1.0
        if k:
            mat[i, neigh] = rate / k
    return mat


def mutation_model(
    kind: str, alleles: Sequence[str], afreq: ArrayLike, **params: float
) -> MutationModel:
    """Build a :class:`MutationModel` with the same matrix for both sexes.

    ``kind`` is one of :data:`MODELS`; ``params`` are pedmut's (``rate``, and for ``stepwise``
    also ``range`` and ``rate2``).
    """
    p = np.asarray(afreq, dtype=np.float64)
    if len(alleles) != p.shape[0]:
        raise InvalidInputError(
            f"mutation model: {len(alleles)} alleles but {p.shape[0]} frequencies"
        )
    try:
        if kind == "equal":
            mat = equal(p, params["rate"])
        elif kind == "proportional":
            mat = proportional(p, params["rate"])
        elif kind == "stepwise":
            mat = stepwise(alleles, p, params["rate"], params["range"], params["rate2"])
        elif kind == "onestep":
            mat = onestep(alleles, p, params["rate"])
        elif kind == "trivial":
            mat = trivial(len(alleles))
        else:
            raise InvalidInputError(
                f"unknown mutation model '{kind}'; expected one of {', '.join(MODELS)}"
            )
    except KeyError as exc:
        raise InvalidInputError(f"the '{kind}' mutation model needs the parameter {exc}") from None
    return MutationModel(female=mat, male=mat, model=kind, params=dict(params))


def _all_equal(target: NDArray[np.float64], current: NDArray[np.float64]) -> bool:
    """R's ``all.equal.numeric``: mean relative difference below 1.5e-8."""
    scale = float(np.mean(np.abs(target)))
    diff = float(np.mean(np.abs(target - current)))
    if scale > 0 and np.isfinite(scale):
        diff /= scale
    return diff < _ALL_EQUAL_TOL


def is_lumpable(mat: NDArray[np.float64], lump: NDArray[np.intp] | Sequence[int]) -> bool:
    """pedmut's ``isLumpable``: can the alleles ``lump`` be merged without distortion?

    True when every lumped allele has the same transition probabilities to each kept allele
    (rows of ``mat[lump, kept]`` equal, in R's ``all.equal`` sense), or when all are lumped.
    """
    idx = np.asarray(lump, dtype=np.intp)
    n = mat.shape[0]
    if idx.size == n:
        return True
    keep = np.setdiff1d(np.arange(n), idx)
    block = mat[np.ix_(idx, keep)]
    return _all_equal(block.ravel(), np.tile(block[0], idx.size))


def always_lumpable(mat: NDArray[np.float64]) -> bool:
    """pedmut's ``alwaysLumpable``: within each column all off-diagonal entries are equal."""
    n = mat.shape[0]
    if n == 1:
        return False
    off = mat.T[~np.eye(n, dtype=bool)].reshape(n, n - 1)  # row c: column c without diagonal
    return _all_equal(off.ravel(), np.repeat(off[:, 0], n - 1))


def is_stationary(mat: NDArray[np.float64], afreq: ArrayLike) -> bool:
    """pedmut's ``isStationary``: ``afreq @ mat == afreq`` in R's ``all.equal`` sense."""
    p = np.asarray(afreq, dtype=np.float64)
    return _all_equal(p, p @ mat)
