"""Screening tables: per missing person and marker, the log LR of every body observation.

For a missing person ``M`` with typed relatives ``R`` and a body observation ``g`` at a marker,
the table holds ``T_M[g] = log P(G_M = g | R) - log P_pop(g)``: rows for the ``n(n+1)/2``
genotypes (``np.triu_indices`` order), ``n`` one-allele observations ``(a, -1)`` (``log
sum_{g ∋ a} P(g | R) - log(p_a^2 + 2 p_a (1 - p_a))``) and one zero row for an untyped marker;
a float32 table per marker for the look-ups, float64 rows once per distinct family datum for
exact rescoring, and an exclusion table (probability 0 without mutation, or at all). A sex
row gives ``-inf`` to sex-incompatible pairs. The conditional distributions are batched over
the families that share a pedigree shape and a typed pattern at a marker
(:mod:`exhume.kinship.familytables`). :class:`FamilyData` is what screening needs of the
families, whatever their source (a simulation, records).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from exhume.kinship._compiled import TILE, log_ratios, n_tiles, spread_float32
from exhume.kinship.familytables import family_posterior_batch
from exhume.kinship.genotypes import genotype_rows, hardy_weinberg, n_genotypes, typed_pattern
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_S = TypeVar("_S", bound=np.generic)


@dataclass(frozen=True)
class ExactRows:
    """A marker's float64 log LR rows, one per distinct family datum, and the distinct row of
    each column: ``T[r, j] = rows[column[j], r]`` for every row but the last (untyped, 0).
    ``sources`` are the distinct data the rows were computed from, when known: per pedigree
    shape and typed pattern, the shape and the genotypes ``(U_k, n_ind, 2)``, in row order."""

    rows: FloatArray
    column: IntArray
    sources: tuple[tuple[int, NDArray[np.int64]], ...] = ()

    def values(self, r: IntArray, columns: IntArray) -> FloatArray:
        """``T[r[i], columns[i]]`` (0 for the untyped row)."""
        typed = r < self.rows.shape[1]
        out = np.zeros(r.shape[0])
        out[typed] = self.rows[self.column[columns[typed]], r[typed]]
        return out

    def table(self) -> FloatArray:
        """The whole table ``(rows + 1, n_columns)`` in float64."""
        return spread_columns(self.rows, self.column)


@dataclass(frozen=True)
class ScreeningTables:
    """Per-marker look-up tables for a block of missing persons (one column each).

    ``stack32`` holds every marker's float32 table one under the other in tiles of
    :data:`~exhume.kinship._compiled.TILE` columns, ``(tiles, rows, TILE)``: marker ``m`` in
    rows ``offsets[m]:offsets[m + 1]`` (``n(n+1)/2 + n + 1`` rows as in :func:`genotype_rows`,
    the last one, untyped, all zeros); ``exact[m]`` gives the float64 values for exact
    rescoring; ``excluded[m]`` marks observations impossible without mutation (or impossible
    at all); ``sex`` is ``(3, n_columns)``: 0 or ``-inf`` for a body of unknown, male or female
    sex. ``families`` are the global family indices of the columns.
    """

    families: IntArray
    stack32: NDArray[np.float32]
    offsets: IntArray
    exact: tuple[ExactRows, ...]
    excluded: tuple[NDArray[np.bool_], ...]
    sex: NDArray[np.float32]

    @property
    def n_columns(self) -> int:
        """Number of missing persons in the block."""
        return int(self.families.shape[0])

    @property
    def log64(self) -> tuple[FloatArray, ...]:
        """Each marker's float64 table, made whole (for storing; screening reads
        :attr:`exact`)."""
        return tuple(e.table() for e in self.exact)

    def sex_tiles(self) -> NDArray[np.float32]:
        """:attr:`sex` in tiles ``(tiles, 3, TILE)``, padding columns ``-inf``."""
        return tiled(self.sex, -np.inf)

    @classmethod
    def from_tables(
        cls,
        families: IntArray,
        log64: Sequence[FloatArray],
        excluded: tuple[NDArray[np.bool_], ...],
        sex: NDArray[np.float32],
    ) -> ScreeningTables:
        """Tables from whole float64 tables ``(rows, n_columns)`` whose last row is the
        untyped one."""
        sizes = [t.shape[0] for t in log64]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        stack = np.empty((n_tiles(families.shape[0]), int(offsets[-1]), TILE), dtype=np.float32)
        for m, t in enumerate(log64):
            stack[:, offsets[m] : offsets[m + 1]] = tiled(t.astype(np.float32), 0.0)
        cols = np.arange(families.shape[0], dtype=np.int64)
        exact = tuple(ExactRows(np.ascontiguousarray(t[:-1].T), cols) for t in log64)
        return cls(families, stack, offsets, exact, excluded, sex)


def tiled(table: NDArray[np.float32], fill: float) -> NDArray[np.float32]:
    """``(rows, n_columns)`` as ``(tiles, rows, TILE)``, padding columns set to ``fill``."""
    n_row, n_col = table.shape
    padded = np.full((n_row, n_tiles(n_col) * TILE), fill, dtype=np.float32)
    padded[:, :n_col] = table
    out: NDArray[np.float32] = np.ascontiguousarray(
        padded.reshape(n_row, -1, TILE).transpose(1, 0, 2)
    )
    return out


@dataclass(frozen=True)
class FamilyData:
    """What screening needs of the families: shapes and typed members' genotypes."""

    markers: tuple[Marker, ...]
    pedigrees: tuple[Pedigree, ...]
    targets: tuple[int, ...]
    family_shape: NDArray[np.integer]
    family_offset: IntArray
    genotypes: NDArray[np.integer]

    def missing_sex(self) -> NDArray[np.int8]:
        """Sex of each family's missing person."""
        sexes = [int(p.sex[t]) for p, t in zip(self.pedigrees, self.targets, strict=True)]
        out: NDArray[np.int8] = np.array(sexes, dtype=np.int8)[self.family_shape]
        return out


def families_without_references(fam: FamilyData) -> IntArray:
    """Families in which nobody (not even a direct reference) is typed at any marker."""
    typed_rows = (np.asarray(fam.genotypes) >= 0).any(axis=(1, 2)).astype(np.int64)
    counts = np.add.reduceat(typed_rows, fam.family_offset[:-1]) if typed_rows.size else None
    if counts is None:
        return np.arange(fam.family_shape.shape[0], dtype=np.int64)
    empty = fam.family_offset[1:] == fam.family_offset[:-1]
    return np.flatnonzero((counts == 0) | empty).astype(np.int64)


@dataclass(frozen=True)
class _ShapeGroup:
    """The families of one shape in a block: positions, genotypes ``(F, n_ind, markers, 2)``
    and, per marker, a code of the typed pattern of everyone but the missing person."""

    shape: int
    positions: IntArray
    genotypes: NDArray[np.int64]
    codes: IntArray


def _shape_groups(fam: FamilyData, families: IntArray) -> list[_ShapeGroup]:
    shape_of = np.asarray(fam.family_shape)[families]
    groups = []
    for k in np.unique(shape_of):
        ped, target = fam.pedigrees[k], fam.targets[k]
        pos = np.flatnonzero(shape_of == k)
        rows = fam.family_offset[families[pos]][:, None] + np.arange(ped.n)
        geno = np.asarray(fam.genotypes[rows], dtype=np.int64)
        pattern = typed_pattern(geno).astype(np.int64)  # (F, n_ind, markers)
        pattern[:, target] = 0
        codes = np.einsum("fim,i->fm", pattern, 3 ** np.arange(ped.n, dtype=np.int64))
        groups.append(_ShapeGroup(int(k), pos, geno, codes))
    return groups


_Data = list[tuple[int, NDArray[np.int64]]]


def _packed_keys(digits: NDArray[np.int64]) -> list[IntArray]:
    """Small non-negative integers ``(..., D)`` packed into as few int64 words as keep every
    row distinct: as many digits a word as fit in 62 bits."""
    base = int(digits.max(initial=0)) + 1
    per = max(1, 62 // max(1, (base - 1).bit_length()))
    words = []
    for i in range(0, digits.shape[-1], per):
        part = digits[..., i : i + per]
        words.append(part @ (base ** np.arange(part.shape[-1], dtype=np.int64)))
    return words


def _distinct_markers(
    fam: FamilyData, groups: list[_ShapeGroup], n_columns: int
) -> list[tuple[_Data, IntArray]]:
    """Per marker, the distinct family data: per shape and typed pattern (one kernel call
    each), the shape and the distinct genotypes ``(U_k, n_ind, 2)``, in order, and the
    distinct datum of every column (an index into their concatenation).

    Families of one shape whose members' observations at a marker are identical share one
    datum. One sort per shape finds them at every marker at once: the keys are the marker,
    the typed pattern and the observed alleles packed into integers."""
    n_markers = len(fam.markers)
    data: list[_Data] = [[] for _ in range(n_markers)]
    column = np.empty((n_markers, n_columns), dtype=np.int64)
    done = np.zeros(n_markers, dtype=np.int64)
    for grp in groups:
        n_fam, n_ind = grp.genotypes.shape[:2]
        digits = (grp.genotypes + 1).transpose(2, 0, 1, 3).reshape(n_markers, n_fam, 2 * n_ind)
        keys = [w.reshape(-1) for w in _packed_keys(digits)]
        marker = np.repeat(np.arange(n_markers), n_fam)
        code = grp.codes.T.reshape(-1)
        order = np.lexsort((*keys[::-1], code, marker))
        ms, cs = marker[order], code[order]
        batch = np.ones(order.shape[0], dtype=bool)
        batch[1:] = (ms[1:] != ms[:-1]) | (cs[1:] != cs[:-1])
        new = batch.copy()
        for key in keys:
            k = key[order]
            new[1:] |= k[1:] != k[:-1]
        distinct = np.cumsum(new) - 1  # running index of each entry's datum
        fam_of = order % n_fam
        firsts = np.flatnonzero(new)
        marker_start = np.searchsorted(ms, np.arange(n_markers + 1))
        batch_at = np.flatnonzero(batch)
        for m in range(n_markers):
            lo, hi = marker_start[m], marker_start[m + 1]
            if lo == hi:
                continue
            base = distinct[lo]
            column[m, grp.positions[fam_of[lo:hi]]] = done[m] + distinct[lo:hi] - base
            i0, i1 = np.searchsorted(batch_at, [lo, hi])
            for b0, b1 in pairwise([*batch_at[i0:i1].tolist(), hi]):
                f0, f1 = np.searchsorted(firsts, [b0, b1])
                data[m].append((grp.shape, grp.genotypes[fam_of[firsts[f0:f1]], :, m]))
            done[m] += distinct[hi - 1] - base + 1
    return [(data[m], column[m]) for m in range(n_markers)]


#: Families per kernel call at most: the kernels' intermediates (a few MB) are then reused
#: from the heap instead of being mapped and faulted in anew for every call.
CHUNK_FAMILIES = 1024


def _posterior_chunks(
    fam: FamilyData,
    data: list[tuple[int, NDArray[np.int64]]],
    m: int,
    mutation: bool,
    memory_bytes: int,
) -> Iterator[tuple[int, FloatArray, FloatArray, FloatArray]]:
    """``(first row, post, one, lik)`` of the distinct data, a chunk of families at a time."""
    marker = fam.markers[m]
    n = marker.n_alleles
    chunk = max(1, min(CHUNK_FAMILIES, memory_bytes // (8 * 32 * n * n)))  # ~32 n^2 floats each
    done = 0
    for shape, gsel in data:
        ped, target = fam.pedigrees[shape], fam.targets[shape]
        for lo in range(0, gsel.shape[0], chunk):
            part = gsel[lo : lo + chunk]
            p, o, lk = family_posterior_batch(ped, target, marker, part, mutation=mutation)
            yield done, p, o, lk
            done += part.shape[0]


#: Rows transposed at a time (a block and its transpose stay in cache).
_BLOCK = 128


def spread_columns(rows: NDArray[_S], column: IntArray) -> NDArray[_S]:
    """The table ``(k + 1, len(column))`` with ``out[:k, j] = rows[column[j]]`` (``k =
    rows.shape[1]``) and a last row of zeros (the untyped row): the distinct rows are
    transposed block by block (NumPy's plain transposing copy is several times slower), then
    gathered along the columns."""
    k = rows.shape[1]
    flipped = np.zeros((k + 1, rows.shape[0]), dtype=rows.dtype)
    for r0 in range(0, rows.shape[0], _BLOCK):
        flipped[:k, r0 : r0 + _BLOCK] = rows[r0 : r0 + _BLOCK].T
    out: NDArray[_S] = np.take(flipped, column, axis=1)
    return out


def marker_tables(
    fam: FamilyData,
    distinct: tuple[_Data, IntArray],
    m: int,
    stack: NDArray[np.float32],
    first: int,
    *,
    exclusions: bool,
    memory_bytes: int = 256 << 20,
) -> tuple[ExactRows, NDArray[np.bool_] | None, FloatArray]:
    """Marker ``m``'s log LR rows (genotype ``g``: ``log P(g | R) - log P_pop(g)``; one-allele
    observation ``a``: ``log sum_{g ∋ a} P(g | R) - log(p_a^2 + 2 p_a (1 - p_a))``, ``-inf``
    where the probability is 0): written in float32 into the tiled ``stack`` from row
    ``first`` (``n(n+1)/2 + n + 1`` rows, the last, untyped, row 0) and returned in float64
    once per distinct family datum (``distinct``, :func:`_distinct_markers`), with the
    exclusion table (a cell's probability is 0 with or without mutation; ``None`` without
    ``exclusions``) and the likelihood of each column's data."""
    marker = fam.markers[m]
    data, column = distinct
    total = sum(g.shape[0] for _, g in data)
    p, ng = marker.afreq, n_genotypes(marker.n_alleles)
    log_hw, log_carrier = np.log(hardy_weinberg(p)), np.log(p**2 + 2 * p * (1 - p))
    rows = np.empty((total, ng + marker.n_alleles))
    gone = np.empty(rows.shape, dtype=bool) if exclusions else None
    lik = np.empty(total)
    mendel = _posterior_chunks(fam, data, m, False, memory_bytes) if exclusions else None
    for lo, post, one, lk in _posterior_chunks(fam, data, m, True, memory_bytes):
        hi = lo + lk.shape[0]
        log_ratios(post, one, log_hw, log_carrier, rows[lo:hi])
        lik[lo:hi] = lk
        if gone is not None and mendel is not None:
            _, post0, one0, _ = next(mendel)
            gone[lo:hi, :ng] = (post0 <= 0) | (post <= 0)
            gone[lo:hi, ng:] = (one0 <= 0) | (one <= 0)
    spread_float32(rows, column, stack, first)
    excl = None if gone is None else spread_columns(gone, column)
    return ExactRows(rows, column, tuple(data)), excl, lik[column]


def sex_table(missing_sex: NDArray[np.int8]) -> NDArray[np.float32]:
    """Row ``s`` (body sex 0, 1, 2): 0 where compatible with the missing person, else
    ``-inf``. Unknown sex on either side is compatible with everything."""
    body = np.arange(3)[:, None]
    ok = (body == 0) | (missing_sex[None, :] == 0) | (body == missing_sex[None, :])
    return np.where(ok, 0.0, -np.inf).astype(np.float32)


_T = TypeVar("_T")


def per_marker(work: Callable[[int], _T], n_markers: int, threads: int) -> list[_T]:
    """``[work(m) for m in range(n_markers)]``, spread over ``threads`` threads."""
    if threads <= 1:
        return [work(m) for m in range(n_markers)]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(work, range(n_markers)))


def build_tables(
    fam: FamilyData,
    families: IntArray,
    *,
    threads: int = 1,
    memory_bytes: int = 256 << 20,
    exclusions: bool = True,
) -> tuple[ScreeningTables, dict[int, str]]:
    """Tables for ``families`` (markers spread over ``threads``) and the families among them
    that cannot be screened, with the reason (data impossible even with mutation). Without
    ``exclusions`` the mutation-free pass is skipped and ``excluded`` is empty (see
    :func:`count_exclusions`)."""
    n_col = families.shape[0]
    distinct = _distinct_markers(fam, _shape_groups(fam, families), n_col)
    budget = memory_bytes // max(1, threads)
    sizes = [n_genotypes(mk.n_alleles) + mk.n_alleles + 1 for mk in fam.markers]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    stack = np.empty((n_tiles(n_col), int(offsets[-1]), TILE), dtype=np.float32)

    def one_marker(m: int) -> tuple[ExactRows, NDArray[np.bool_] | None, FloatArray]:
        return marker_tables(fam, distinct[m], m, stack, int(offsets[m]),
                             exclusions=exclusions, memory_bytes=budget)  # fmt: skip

    parts = per_marker(one_marker, len(fam.markers), threads)
    impossible = np.zeros(n_col, dtype=bool)
    reasons: dict[int, str] = {}
    for marker, (_, _, lik) in zip(fam.markers, parts, strict=True):
        for j in np.flatnonzero((lik <= 0) & ~impossible):
            reasons[int(families[j])] = (
                f"the references are inconsistent with the pedigree at marker {marker.name} "
                "even allowing for mutation"
            )
        impossible |= lik <= 0
    sex = sex_table(fam.missing_sex()[families])
    sex[:, impossible] = -np.inf
    exact = tuple(p[0] for p in parts)
    excl = tuple(p[1] for p in parts if p[1] is not None)
    return ScreeningTables(families, stack, offsets, exact, excl, sex), reasons


def count_exclusions(
    fam: FamilyData,
    tables: ScreeningTables,
    rows: IntArray,
    bodies: IntArray,
    columns: IntArray,
    *,
    threads: int = 1,
) -> IntArray:
    """Exclusion counts of the pairs ``(bodies[i], columns[i])``: typed markers where the
    body's observation has probability 0 without mutation (or at all). The mutation-free
    distributions are computed only for the distinct family data of the pairs' columns, from
    the data the tables were built from (:attr:`ExactRows.sources`), so nothing is grouped
    again."""

    def one_marker(m: int) -> NDArray[np.bool_]:
        marker, exact = fam.markers[m], tables.exact[m]
        ng, n = n_genotypes(marker.n_alleles), marker.n_alleles
        u = exact.column[columns]  # each pair's distinct datum
        need = np.unique(u)
        post, one = np.empty((need.shape[0], ng)), np.empty((need.shape[0], n))
        start = 0
        for shape, gsel in exact.sources:
            lo, hi = np.searchsorted(need, [start, start + gsel.shape[0]])
            if hi > lo:
                p, o, _ = family_posterior_batch(fam.pedigrees[shape], fam.targets[shape],
                                                 marker, gsel[need[lo:hi] - start],
                                                 mutation=False)  # fmt: skip
                post[lo:hi], one[lo:hi] = p, o
            start += gsel.shape[0]
        k = np.searchsorted(need, u)
        r = rows[bodies, m]
        out: NDArray[np.bool_] = np.isneginf(exact.values(r, columns))
        full, part = r < ng, (r >= ng) & (r < ng + n)
        out[full] |= post[k[full], r[full]] <= 0
        out[part] |= one[k[part], r[part] - ng] <= 0
        return out

    flags = per_marker(one_marker, len(fam.markers), threads)
    counts: IntArray = np.sum(flags, axis=0, dtype=np.int64) if flags else np.zeros(0, np.int64)
    return counts


def body_rows(
    markers: Sequence[Marker], genotypes: NDArray[np.integer], sex: NDArray[np.integer]
) -> IntArray:
    """``(bodies, markers + 1)`` table rows of each body's observations; the last column is
    the sex row (0 unknown, 1 male, 2 female)."""
    g = np.asarray(genotypes, dtype=np.int64)
    cols = [genotype_rows(m.n_alleles, g[:, k]) for k, m in enumerate(markers)]
    cols.append(np.asarray(sex, dtype=np.int64))
    return np.stack(cols, axis=1)


def bytes_per_family(markers: Sequence[Marker], *, exclusions: bool = False) -> int:
    """Table memory of one missing person: float32 + float64 (distinct rows, at most one a
    column) per row, a bool per row with the exclusion tables, plus sex."""
    rows = sum(n_genotypes(m.n_alleles) + m.n_alleles + 1 for m in markers)
    return rows * (4 + 8 + int(exclusions)) + 3 * 4
