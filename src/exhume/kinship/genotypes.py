"""Genotype arithmetic shared by every part of the engine.

* unordered genotypes ``a/b`` (``a <= b``) over ``n`` alleles are numbered in
  ``np.triu_indices(n)`` order: ``a n - a (a - 1) / 2 + (b - a)``, ``n (n + 1) / 2`` of them;
* a screening observation is a genotype, one allele (the other dropped out) or nothing
  (:func:`typed_pattern`, :func:`genotype_rows`);
* founders are in Hardy-Weinberg equilibrium: ordered genotype ``(a, b)`` has probability
  ``p_a p_b`` (:func:`hardy_weinberg`);
* a parent with alleles ``u, v`` transmits ``x`` with probability ``(M[u, x] + M[v, x]) / 2``,
  ``M`` its sex's mutation matrix (:func:`transmission`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError

__all__ = [
    "ONE_ALLELE",
    "TWO_ALLELES",
    "UNTYPED",
    "allele_incidence",
    "genotype_index",
    "genotype_rows",
    "hardy_weinberg",
    "n_genotypes",
    "transmission",
    "transmission_tensor",
    "triu",
    "typed_pattern",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: What an observation of one individual at one marker holds (:func:`typed_pattern`).
UNTYPED, TWO_ALLELES, ONE_ALLELE = 0, 1, 2


def n_genotypes(n_alleles: int) -> int:
    """Number of unordered genotypes over ``n_alleles`` alleles: n (n + 1) / 2."""
    return n_alleles * (n_alleles + 1) // 2


def genotype_index(n_alleles: int, a: int, b: int) -> int:
    """Index of the unordered genotype ``a/b`` in ``np.triu_indices(n_alleles)`` order."""
    i, j = (a, b) if a <= b else (b, a)
    if i < 0 or j >= n_alleles:
        raise InvalidInputError(f"genotype ({a}, {b}) is out of range for {n_alleles} alleles")
    return i * n_alleles - i * (i - 1) // 2 + (j - i)


@lru_cache(maxsize=256)
def triu(n: int) -> tuple[IntArray, IntArray]:
    """``np.triu_indices(n)`` as int64 (cached): the alleles ``a <= b`` of each genotype."""
    a, b = np.triu_indices(n)
    return a.astype(np.int64), b.astype(np.int64)


def genotype_rows(n_alleles: int, genotypes: NDArray[np.integer]) -> IntArray:
    """Table row of each observation ``(..., 2)``: unordered genotype index for ``a/b``,
    ``n(n+1)/2 + a`` for a one-allele observation, ``n(n+1)/2 + n`` when untyped."""
    g = np.asarray(genotypes, dtype=np.int64)
    x, y = g[..., 0], g[..., 1]
    lo, hi = np.minimum(x, y), np.maximum(x, y)
    full = lo * n_alleles - lo * (lo - 1) // 2 + (hi - lo)
    ng = n_genotypes(n_alleles)
    rows = np.where(lo >= 0, full, np.where(hi >= 0, ng + hi, ng + n_alleles))
    return rows.astype(np.int64)


def typed_pattern(genotypes: NDArray[np.integer]) -> NDArray[np.int8]:
    """:data:`UNTYPED`, :data:`TWO_ALLELES` or :data:`ONE_ALLELE` per observation ``(..., 2)``."""
    g = np.asarray(genotypes)
    n_known = (g >= 0).sum(axis=-1)
    pattern = np.where(n_known == 2, TWO_ALLELES, np.where(n_known == 1, ONE_ALLELE, UNTYPED))
    return pattern.astype(np.int8)


def hardy_weinberg(afreq: FloatArray, *, ordered: bool = False) -> FloatArray:
    """Population genotype probabilities from allele frequencies ``(..., n)``.

    Ordered: ``(..., n, n)`` with ``p_a p_b``. Unordered (default): ``(..., n(n+1)/2)`` in
    triu order, ``p_a^2`` or ``2 p_a p_b``.
    """
    grid: FloatArray = afreq[..., :, None] * afreq[..., None, :]
    if ordered:
        return grid
    a, b = triu(afreq.shape[-1])
    out: FloatArray = np.where(a == b, 1.0, 2.0) * grid[..., a, b]
    return out


def allele_incidence(n_alleles: int) -> FloatArray:
    """``C[g, a] = 1`` when unordered genotype ``g`` contains allele ``a``."""
    a, b = triu(n_alleles)
    inc = np.zeros((a.shape[0], n_alleles))
    rows = np.arange(a.shape[0])
    inc[rows, a] = 1.0
    inc[rows, b] = 1.0
    return inc


def transmission(row_u: FloatArray, row_v: FloatArray) -> FloatArray:
    """``(M[u, x] + M[v, x]) / 2`` from the mutation-matrix rows ``M[u]`` and ``M[v]`` of a
    parent's two alleles (gathered and broadcast by the caller): the probability that the
    parent transmits ``x``. Mendelian transmission is ``M = I``."""
    out: FloatArray = 0.5 * (row_u + row_v)
    return out


def transmission_tensor(mat: FloatArray) -> FloatArray:
    """``T[..., u, v, x]`` of :func:`transmission` for every ordered pair of parental alleles
    ``(u, v)``; ``mat`` is ``(..., n, n)``."""
    return transmission(mat[..., :, None, :], mat[..., None, :, :])
