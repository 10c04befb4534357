"""Pedigree likelihoods of marker data, per marker and in total, in natural-log space.

Semantics follow pedprobr's ``likelihood()``:

* founders are in Hardy-Weinberg equilibrium with ``marker.afreq`` (no founder inbreeding);
* a father transmits through ``mutation.male`` and a mother through ``mutation.female``
  (``M[parent allele, transmitted allele]``); without a model, or with ``mutation=False``,
  transmission is Mendelian;
* the likelihood multiplies over connected components; a component without data at a marker
  contributes 1, a singleton ``a/b`` contributes ``p_a^2`` or ``2 p_a p_b`` and a singleton
  with one allele ``a`` missing ``p_a^2 + 2 p_a (1 - p_a)``;
* unobserved alleles are lumped per marker and component exactly as pedprobr lumps them
  (see :mod:`exhume.kinship._lumping`), which is what makes results agree with R to ~1e-14
  when frequencies sum to 1 only to ~1e-10;
* impossible data give ``-inf`` for that marker; nothing raises inside the computation.

Genotype arrays hold allele indices into ``marker.alleles``, shape (n_individuals, n_markers,
2), ``-1`` for a missing allele; ``(-1, -1)`` is untyped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, KinshipError
from exhume.kinship import _alleles as alleles
from exhume.kinship import _engine as eng
from exhume.kinship._lumping import Lumped, MarkerTable, lump, marker_table, repeated_table
from exhume.kinship._plans import plan_for, prune
from exhume.kinship.genotypes import triu
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree

__all__ = [
    "LogLik",
    "genotype_posterior",
    "loglik",
    "loglik_batch",
    "loglik_marker",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# Markers whose (lumped) allele count is at most this share one padded batch.
_SHARED_WIDTH = 12


@dataclass(frozen=True)
class LogLik:
    """Natural-log likelihood: ``total`` = sum of ``per_marker`` (``-inf`` if impossible)."""

    total: float
    per_marker: FloatArray


def loglik(
    ped: Pedigree,
    markers: Sequence[Marker],
    genotypes: NDArray[np.intp],
    *,
    mutation: bool = True,
    lumping: bool = True,
) -> LogLik:
    """Log-likelihood of ``genotypes`` (n_individuals, n_markers, 2) on ``ped``.

    ``mutation=False`` ignores the markers' mutation models (Mendelian transmission).
    ``lumping=False`` sums over every allele instead of lumping the unobserved ones (slower;
    differs from pedprobr by the ~1e-10 error in the stored frequency sums).
    Raises :class:`InvalidInputError` for a genotype array of the wrong shape or with allele
    indices out of range (naming individual and marker).
    """
    table = marker_table(markers, mutation)
    g = _check_genotypes(ped, markers, table, genotypes)
    per = np.zeros(table.n_markers)
    for comp in ped.components:
        per += _component(ped, comp, table, g[comp], lumping)
    return LogLik(float(per.sum()), per)


def loglik_batch(
    ped: Pedigree,
    markers: Sequence[Marker],
    genotypes: NDArray[np.intp],
    *,
    mutation: bool = True,
    lumping: bool = True,
) -> FloatArray:
    """Per-marker log-likelihoods of ``P`` genotype arrays on the same pedigree, in one pass.

    ``genotypes`` has shape (P, n_individuals, n_markers, 2); the result, shape (P, n_markers),
    equals ``loglik(ped, markers, genotypes[p]).per_marker`` for each ``p`` (to rounding: the
    same elimination with wider padding). The ``P`` arrays are laid side by side on the marker
    axis (column ``p * K + k`` is marker ``k`` of array ``p``, each marker's matrices shared),
    so one elimination plan and one set of array operations serve them all: this is how the
    DVI joint table evaluates one family under many placements of victims. Members untyped in
    every array are pruned, as in :func:`loglik`.
    """
    g = np.asarray(genotypes)
    if g.ndim != 4:
        raise InvalidInputError(
            f"batched genotypes must have shape (P, n_individuals, n_markers, 2), got {g.shape}"
        )
    n_batch, n, k, _ = g.shape
    table = marker_table(markers, mutation)
    if g.shape[1:] != (ped.n, table.n_markers, 2) or g.dtype.kind not in "iu":
        _check_genotypes(ped, markers, table, g[0] if n_batch else g.reshape(g.shape[1:]))
    if bool(((g < -1) | (g >= table.n_alleles[None, None, :, None])).any()):
        for p in range(n_batch):  # name the first culprit
            _check_genotypes(ped, markers, table, g[p])
    wide = repeated_table(table, n_batch)
    flat = g.transpose(1, 0, 2, 3).reshape(n, n_batch * k, 2).astype(np.intp, copy=False)
    per = np.zeros(n_batch * k)
    for comp in ped.components:
        per += _component(ped, comp, wide, flat[comp], lumping)
    out: FloatArray = per.reshape(n_batch, k)
    return out


def loglik_marker(
    ped: Pedigree,
    marker: Marker,
    genotypes_at_marker: NDArray[np.intp],
    *,
    mutation: bool = True,
) -> float:
    """Log-likelihood at one marker; ``genotypes_at_marker`` has shape (n_individuals, 2)."""
    g = np.asarray(genotypes_at_marker)
    if g.ndim != 2 or g.shape[1] != 2:
        raise InvalidInputError(
            f"genotypes at marker '{marker.name}' must have shape (n_individuals, 2), got {g.shape}"
        )
    return loglik(ped, (marker,), g[:, None, :], mutation=mutation).total


def genotype_posterior(
    ped: Pedigree,
    marker: Marker,
    genotypes_at_marker: NDArray[np.intp],
    target: int,
    *,
    mutation: bool = True,
) -> FloatArray:
    """``P(G_target = g | data)`` for every unordered genotype ``g`` (triu order).

    ``target`` is a 0-based individual index, typed or not (a typed target gets the
    distribution over the genotypes consistent with its own). Only the target's component
    matters. Alleles are not lumped here, so every original allele has its own entry. Raises
    :class:`KinshipError` when the data are impossible.
    """
    g = np.asarray(genotypes_at_marker)
    if g.ndim != 2 or g.shape[1] != 2:
        raise InvalidInputError(
            f"genotypes at marker '{marker.name}' must have shape (n_individuals, 2), got {g.shape}"
        )
    if not 0 <= target < ped.n:
        raise InvalidInputError(f"target index {target} is outside the pedigree (0..{ped.n - 1})")
    table = marker_table((marker,), mutation)
    g3 = _check_genotypes(ped, (marker,), table, g[:, None, :])
    comp = next(c for c in ped.components if target in c)
    lumped = lump(table, g3[comp], enabled=False)
    untyped = np.zeros(ped.n, dtype=bool)
    untyped[comp] = (lumped.genotypes < 0).all(axis=(1, 2))
    untyped[target] = False
    members = prune(ped, comp.tolist(), untyped)
    local = {m: i for i, m in enumerate(comp.tolist())}
    logs, pot = _eliminate(ped, members, lumped, local, keep=target)
    n = marker.n_alleles
    grid = pot[0].reshape(n, n)
    total = float(grid.sum())
    if not (total > 0 and np.isfinite(logs[0])):
        raise KinshipError(
            f"the data at marker '{marker.name}' are impossible in the family of "
            f"'{ped.ids[target]}' (likelihood 0), so its genotype distribution is undefined"
        )
    rows, cols = triu(n)
    post = np.where(rows == cols, grid[rows, cols], grid[rows, cols] + grid[cols, rows])
    out: FloatArray = post / total
    return out


# -- internals ------------------------------------------------------------------------------


def _check_genotypes(
    ped: Pedigree, markers: Sequence[Marker], table: MarkerTable, genotypes: NDArray[np.intp]
) -> IntArray:
    g = np.asarray(genotypes)
    expected = (ped.n, table.n_markers, 2)
    if g.shape != expected:
        raise InvalidInputError(f"genotype array has shape {g.shape}; expected {expected}")
    if g.dtype.kind not in "iu":
        raise InvalidInputError("genotype array must hold integer allele indices")
    bad = (g < -1) | (g >= table.n_alleles[None, :, None])
    if bad.any():
        i, k, j = (int(x[0]) for x in np.nonzero(bad))
        raise InvalidInputError(
            f"individual '{ped.ids[i]}' has allele index {int(g[i, k, j])} at marker "
            f"'{markers[k].name}', which has {markers[k].n_alleles} alleles"
        )
    return g.astype(np.intp, copy=False)


def _component(
    ped: Pedigree, comp: IntArray, table: MarkerTable, g: IntArray, lumping: bool
) -> FloatArray:
    """Per-marker log-likelihood of one connected component; ``g`` is (len(comp), K, 2)."""
    per = np.zeros(table.n_markers)
    if comp.size == 1:
        return _singleton(table, g[0])
    active = np.flatnonzero((g >= 0).any(axis=(0, 2)))
    if active.size == 0:
        return per
    sub = table if active.size == table.n_markers else _subtable(table, active)
    lumped = lump(sub, g[:, active] if sub is not table else g, enabled=lumping)
    local = {m: i for i, m in enumerate(comp.tolist())}
    for group in _groups(lumped.n_alleles):
        part = lumped.select(group)
        untyped = np.zeros(ped.n, dtype=bool)
        untyped[comp] = (part.genotypes < 0).all(axis=(1, 2))
        members = prune(ped, comp.tolist(), untyped)
        logs, _ = _eliminate(ped, members, part, local, keep=-1)
        per[active[group]] = logs
    return per


def _eliminate(
    ped: Pedigree,
    members: tuple[int, ...],
    part: Lumped,
    local: dict[int, int],
    keep: int,
) -> tuple[FloatArray, FloatArray]:
    rows = [local[m] for m in members]
    founders = ped.fidx[np.array(members, dtype=np.intp)] == 0
    keep_pos = members.index(keep) if keep >= 0 else -1
    geno = part.genotypes[rows]
    kinds, net = eng.network(geno, founders, keep_pos, part)
    if ped.has_loop_among(members):
        untyped = tuple(np.all(geno < 0, axis=(1, 2)).tolist())
        aplan = alleles.plan_for(ped, members, kinds, untyped, keep_pos)
        return alleles.run(aplan, net)
    plan = plan_for(ped, members, kinds, keep_pos)
    return eng.run(plan, net)


def _singleton(table: MarkerTable, g: IntArray) -> FloatArray:
    """pedprobr's singleton formulas (HW; ``p^2 + 2p(1-p)`` with one allele missing)."""
    k = np.arange(table.n_markers)
    a, b = g[:, 0], g[:, 1]
    pa = table.freq[k, np.maximum(a, 0)]
    pb = table.freq[k, np.maximum(b, 0)]
    one = np.where(a >= 0, pa, pb)
    lik = np.where(
        (a >= 0) & (b >= 0),
        np.where(a == b, pa * pa, 2.0 * pa * pb),
        np.where((a < 0) & (b < 0), 1.0, one * one + 2.0 * one * (1.0 - one)),
    )
    with np.errstate(divide="ignore"):
        out: FloatArray = np.log(lik)
    return out


def _subtable(table: MarkerTable, idx: IntArray) -> MarkerTable:
    if table.rows is not None:
        return MarkerTable(
            table.n_alleles[idx],
            table.freq[idx],
            table.male,
            table.female,
            tuple(table.models[i] for i in idx),
            table.always_lumpable[idx],
            table.rows[idx],
        )
    return MarkerTable(
        table.n_alleles[idx],
        table.freq[idx],
        table.male[idx],
        table.female[idx],
        tuple(table.models[i] for i in idx),
        table.always_lumpable[idx],
    )


def _groups(n_alleles: IntArray) -> list[IntArray]:
    """Marker batches: all with at most ``_SHARED_WIDTH`` alleles together, others by size."""
    small = n_alleles <= _SHARED_WIDTH
    if small.all():
        return [np.arange(n_alleles.size)]
    groups = [np.flatnonzero(small)] if small.any() else []
    for n in np.unique(n_alleles[~small]):
        groups.append(np.flatnonzero(n_alleles == n))
    return groups
