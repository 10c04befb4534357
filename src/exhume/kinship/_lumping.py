"""Marker tables stacked across markers, and pedprobr's allele lumping, vectorised.

Lumping rule (pedprobr ``.lumpMarker`` with ``special = FALSE``), per marker and pedigree
component: lump when some allele of some member is missing, at most ``n - 2`` alleles are
observed, and the mutation model is absent or lumpable for the unobserved set (pedmut
``isLumpable``). The lumped allele gets frequency ``1 - sum(observed frequencies)``; the lumped
matrix keeps the rows and columns of the observed alleles plus the row of the first unobserved
allele, and its last column is ``1 - (row sum of the kept columns)`` (pedmut ``lumpedMatrix``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.markers import Marker
from exhume.kinship.mutation import MutationModel

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class MarkerTable:
    """Frequencies and transition matrices of K markers, zero-padded to A alleles."""

    n_alleles: IntArray  # (K,)
    freq: FloatArray  # (K, A)
    male: FloatArray  # (K, A, A); identity where no mutation model
    female: FloatArray  # (K, A, A)
    models: tuple[MutationModel | None, ...]
    always_lumpable: BoolArray  # (K,) True when no model or the model lumps any set
    #: When set, column ``c`` uses matrix ``rows[c]`` of ``male`` and ``female`` (a batch of
    #: placements repeats each marker without copying its matrices); ``None``: column ``c``.
    rows: IntArray | None = None

    @property
    def n_markers(self) -> int:
        return int(self.n_alleles.shape[0])


_TABLES: OrderedDict[tuple[tuple[int, ...], bool], tuple[tuple[Marker, ...], MarkerTable]] = (
    OrderedDict()
)
_TABLES_MAX = 256
_LOCK = threading.Lock()  # caches are shared by threads (screening maps over a pool)


def marker_table(markers: Sequence[Marker], mutation: bool) -> MarkerTable:
    """The stacked table of ``markers`` (cached by marker identity)."""
    key = (tuple(id(m) for m in markers), mutation)
    with _LOCK:
        hit = _TABLES.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], markers, strict=True)):
            _TABLES.move_to_end(key)
            return hit[1]
    table = _build_table(markers, mutation)
    with _LOCK:
        _TABLES[key] = (tuple(markers), table)
        if len(_TABLES) > _TABLES_MAX:
            _TABLES.popitem(last=False)
    return table


def _build_table(markers: Sequence[Marker], mutation: bool) -> MarkerTable:
    k = len(markers)
    n_all = np.array([m.n_alleles for m in markers], dtype=np.intp)
    a = int(n_all.max()) if k else 1
    freq = np.zeros((k, a))
    male = np.zeros((k, a, a))
    female = np.zeros((k, a, a))
    models: list[MutationModel | None] = []
    always = np.ones(k, dtype=bool)
    eye = np.eye(a)
    for i, m in enumerate(markers):
        n = m.n_alleles
        freq[i, :n] = m.afreq
        model = m.mutation if mutation else None
        models.append(model)
        if model is None:
            male[i] = eye
            female[i] = eye
        else:
            male[i, :n, :n] = model.male
            female[i, :n, :n] = model.female
            always[i] = model.always_lumpable
    if np.array_equal(male, female):
        female = male  # one array: lumping and transmissions are then computed once
    for arr in (freq, male, female, n_all, always):
        arr.setflags(write=False)
    return MarkerTable(n_all, freq, male, female, tuple(models), always)


@dataclass(frozen=True, eq=False)
class Lumped:
    """Markers after lumping, for one component: allele indices ``0..n_k-1`` per marker."""

    n_alleles: IntArray  # (K,) allele count after lumping
    freq: FloatArray  # (K, N), zero beyond n_k
    male: FloatArray  # (K, N, N)
    female: FloatArray  # (K, N, N)
    genotypes: IntArray  # (n_ind, K, 2) recoded, -1 missing

    @property
    def width(self) -> int:
        """N, the padded allele count."""
        return int(self.freq.shape[1])

    def select(self, idx: IntArray) -> Lumped:
        """The markers ``idx``, padded only to their own largest allele count (itself when
        that changes nothing)."""
        width = max(int(self.n_alleles[idx].max()), 1)
        if idx.size == self.n_alleles.size:
            if width == self.width:
                return self
            return Lumped(
                self.n_alleles,
                self.freq[:, :width],
                self.male[:, :width, :width],
                self.female[:, :width, :width],
                self.genotypes,
            )
        return Lumped(
            self.n_alleles[idx],
            self.freq[idx, :width],
            self.male[idx, :width, :width],
            self.female[idx, :width, :width],
            self.genotypes[:, idx],
        )


def lump(table: MarkerTable, genotypes: IntArray, *, enabled: bool = True) -> Lumped:
    """Lump unobserved alleles of every marker (see module docstring) for one component.

    ``genotypes`` has shape (n_ind, K, 2) with original allele indices.
    """
    g = genotypes
    k, a = table.freq.shape
    typed = g >= 0
    obs = np.zeros((k, a), dtype=bool)
    kk = np.broadcast_to(np.arange(k)[None, :, None], g.shape)
    obs[kk[typed], g[typed]] = True
    nobs = obs.sum(axis=1)
    complete = typed.all(axis=(0, 2))
    candidate = ~complete & (nobs < table.n_alleles - 1) & enabled
    ok = candidate & table.always_lumpable
    for i in np.flatnonzero(candidate & ~table.always_lumpable):
        model = table.models[i]
        n = int(table.n_alleles[i])
        unobserved = np.flatnonzero(~obs[i, :n])
        ok[i] = model is None or model.lumpable(unobserved)
    # Where every member is typed no allele is summed over: keep only the observed alleles
    # (numbers unchanged; pedprobr does not lump here, with the same result).
    reduce = complete & enabled
    if not (ok.any() or reduce.any()):
        return _unlumped(table, g)
    n_new = np.where(ok, nobs + 1, np.where(reduce, nobs, table.n_alleles))
    width = max(int(n_new.max()), 1)
    # Original allele behind each new index: observed ones in order, then the first unobserved.
    order = np.argsort(~obs, axis=1, kind="stable")[:, :width]
    ident = np.broadcast_to(np.arange(width), (k, width))
    recode = ok | reduce
    sel = np.where(recode[:, None], order, np.minimum(ident, a - 1))
    j = np.arange(width)
    kept = j[None, :] < np.where(recode, nobs, n_new)[:, None]
    valid = j[None, :] < n_new[:, None]
    freq = np.take_along_axis(table.freq, sel, axis=1)
    lump_freq = 1.0 - np.where(kept, freq, 0.0).sum(axis=1)
    is_lump_col = ok[:, None] & (j[None, :] == nobs[:, None])
    freq = np.where(is_lump_col, lump_freq[:, None], freq)
    freq = np.where(valid, freq, 0.0)
    src = np.arange(k) if table.rows is None else table.rows
    male = _lump_matrix(table.male, src, sel, kept, is_lump_col, valid)
    female = (
        male
        if table.female is table.male
        else _lump_matrix(table.female, src, sel, kept, is_lump_col, valid)
    )
    rank = np.cumsum(obs, axis=1) - 1
    newidx = np.where(recode[:, None], np.where(obs, rank, nobs[:, None]), np.arange(a)[None, :])
    recoded = np.where(typed, newidx[kk, np.maximum(g, 0)], -1)
    return Lumped(n_new, freq, male, female, recoded.astype(np.intp))


def _lump_matrix(
    mats: FloatArray,
    src: IntArray,
    sel: IntArray,
    kept: BoolArray,
    is_lump_col: BoolArray,
    valid: BoolArray,
) -> FloatArray:
    sub = mats[src[:, None, None], sel[:, :, None], sel[:, None, :]]
    kept_sum = np.where(kept[:, None, :], sub, 0.0).sum(axis=2)
    sub = np.where(is_lump_col[:, None, :], 1.0 - kept_sum[:, :, None], sub)
    return np.where(valid[:, :, None] & valid[:, None, :], sub, 0.0)


def _unlumped(table: MarkerTable, g: IntArray) -> Lumped:
    if table.rows is None:
        return Lumped(table.n_alleles, table.freq, table.male, table.female, g)
    male = table.male[table.rows]
    female = male if table.female is table.male else table.female[table.rows]
    return Lumped(table.n_alleles, table.freq, male, female, g)


def repeated_table(table: MarkerTable, times: int) -> MarkerTable:
    """``table``'s markers repeated ``times`` times along the marker axis (column
    ``p * K + k`` is marker ``k``), sharing the transition matrices."""
    k = table.n_markers
    base = np.arange(k) if table.rows is None else table.rows
    return MarkerTable(
        np.tile(table.n_alleles, times),
        np.tile(table.freq, (times, 1)),
        table.male,
        table.female,
        table.models * times,
        np.tile(table.always_lumpable, times),
        np.tile(base, times),
    )
