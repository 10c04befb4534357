"""National-scale kinship screening: every body against every missing person.

For a missing person ``M`` with typed relatives ``R`` and a body with genotype ``g`` at a marker,
the pairwise likelihood ratio of "the body is ``M``" against "the body is unrelated" is

    LR = P(R, G_M = g) / (P(R) P_pop(g)) = P(G_M = g | R) / P_pop(g),

and over independent markers the log LRs add. So each missing person gets, once per marker, a
log table ``T_M[g] = log P(G_M = g | R) - log P_pop(g)``, and screening a body is a sum of table
look-ups. This equals the engine's ``loglik(family with M = body) - loglik(family) -
loglik(body alone)`` (tested to 1e-9 relative).

Three stages:

1. **Conditional genotype distributions**, batched over the families that share a pedigree
   shape and a typed pattern at a marker (:mod:`exhume.kinship.familytables`).
2. **Tables** (:func:`build_tables`): per marker, rows for the ``n(n+1)/2`` genotypes
   (``np.triu_indices`` order), ``n`` one-allele observations ``(a, -1)`` (``log sum_{g ∋ a}
   P(g | R) - log(p_a^2 + 2 p_a (1 - p_a))``) and one zero row for an untyped marker; float64
   and float32 copies, and an exclusion table (probability 0 without mutation, or at all).
   A sex row gives ``-inf`` to sex-incompatible pairs. Families without any typed member, or
   whose references are impossible even with mutation, are skipped with the reason.
3. **Look-ups** (:func:`screen_tables`): each body is a vector of row indices; its log LRs
   against a block of missing persons are float32 row additions (untyped markers skipped),
   in chunks of bodies spread over threads. Each row's top candidates (every float32
   near-tie of the ``K``-th value, lowest families first) and every pair above the threshold
   are rescored exactly in float64, with their exclusion counts. Families are processed in
   blocks sized from a memory budget (:func:`family_blocks`); a block is a pure function of
   its inputs (:func:`screen_family_block`), which :mod:`exhume.kinship.parallel` maps over a
   Dask cluster.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.familytables import family_posterior_batch
from exhume.kinship.genotypes import genotype_rows, hardy_weinberg, n_genotypes, typed_pattern
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.simulate import Scenario

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ScreeningTables:
    """Per-marker look-up tables for a block of missing persons (one column each).

    ``log32[m]`` and ``log64[m]`` have shape ``(n(n+1)/2 + n + 1, n_columns)`` (rows as in
    :func:`genotype_rows`); ``excluded[m]`` marks observations impossible without mutation
    (or impossible at all); ``sex`` is ``(3, n_columns)``: 0 or ``-inf`` for a body of
    unknown, male or female sex. ``families`` are the global family indices of the columns.
    """

    families: IntArray
    log32: tuple[NDArray[np.float32], ...]
    log64: tuple[FloatArray, ...]
    excluded: tuple[NDArray[np.bool_], ...]
    sex: NDArray[np.float32]

    @property
    def n_columns(self) -> int:
        """Number of missing persons in the block."""
        return int(self.families.shape[0])


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

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> FamilyData:
        """The families of a simulated (or imported) scenario."""
        return cls(
            markers=scenario.markers,
            pedigrees=tuple(s.pedigree for s in scenario.shapes),
            targets=tuple(s.missing for s in scenario.shapes),
            family_shape=scenario.family_shape,
            family_offset=scenario.family_offset,
            genotypes=scenario.reference_genotypes,
        )


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


def marker_posteriors(
    fam: FamilyData,
    groups: list[_ShapeGroup],
    n_columns: int,
    m: int,
    *,
    mutation: bool,
    memory_bytes: int = 256 << 20,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Conditional genotype distributions ``(n_columns, n(n+1)/2)`` of the missing persons at
    marker ``m``, one-allele probabilities ``(n_columns, n)`` and the likelihood of each
    family's data, batched over families of the same shape and typed pattern."""
    marker = fam.markers[m]
    n = marker.n_alleles
    post = np.empty((n_columns, n_genotypes(n)))
    one = np.empty((n_columns, n))
    lik = np.empty(n_columns)
    chunk = max(1, memory_bytes // (8 * 32 * n * n))  # kernels keep ~32 n^2 floats a family
    for grp in groups:
        ped, target = fam.pedigrees[grp.shape], fam.targets[grp.shape]
        code = grp.codes[:, m]
        order = np.argsort(code, kind="stable")
        bounds = np.flatnonzero(np.diff(code[order])) + 1
        for idx in np.split(order, bounds):
            sel = grp.positions[idx]
            gsel = grp.genotypes[idx, :, m]
            for lo in range(0, sel.shape[0], chunk):
                part = slice(lo, lo + chunk)
                p, o, lk = family_posterior_batch(
                    ped, target, marker, gsel[part], mutation=mutation
                )
                post[sel[part]], one[sel[part]], lik[sel[part]] = p, o, lk
    return post, one, lik


def marker_table(
    marker: Marker,
    post: FloatArray,
    one: FloatArray,
    post_mendel: FloatArray | None = None,
    one_mendel: FloatArray | None = None,
) -> tuple[FloatArray, NDArray[np.bool_] | None]:
    """Log LR table ``(rows, F)`` and exclusion table of one marker from the conditional
    distributions with and without mutation (``(F, n(n+1)/2)`` and ``(F, n)`` each).

    Genotype rows: ``log P(g | R) - log P_pop(g)``; one-allele rows ``a``:
    ``log sum_{g ∋ a} P(g | R) - log(p_a^2 + 2 p_a (1 - p_a))``; the last (untyped) row is 0.
    A cell is excluded when its probability is 0 with or without mutation (no exclusion
    table without the mutation-free distributions).
    """
    p = marker.afreq
    n_col, ng, n = post.shape[0], post.shape[1], p.shape[0]
    log = np.zeros((ng + n + 1, n_col))
    log[:ng] = post.T
    log[ng : ng + n] = one.T
    with np.errstate(divide="ignore"):
        np.log(log[: ng + n], out=log[: ng + n])
    log[:ng] -= np.log(hardy_weinberg(p))[:, None]
    log[ng : ng + n] -= np.log(p**2 + 2 * p * (1 - p))[:, None]
    if post_mendel is None or one_mendel is None:
        return log, None
    excl = np.zeros((ng + n + 1, n_col), dtype=bool)
    excl[:ng] = (post_mendel.T <= 0) | (post.T <= 0)
    excl[ng : ng + n] = (one_mendel.T <= 0) | (one.T <= 0)
    return log, excl


def sex_table(missing_sex: NDArray[np.int8]) -> NDArray[np.float32]:
    """Row ``s`` (body sex 0, 1, 2): 0 where compatible with the missing person, else
    ``-inf``. Unknown sex on either side is compatible with everything."""
    body = np.arange(3)[:, None]
    ok = (body == 0) | (missing_sex[None, :] == 0) | (body == missing_sex[None, :])
    return np.where(ok, 0.0, -np.inf).astype(np.float32)


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
    groups = _shape_groups(fam, families)
    n_col = families.shape[0]

    def one_marker(m: int) -> tuple[FloatArray, NDArray[np.bool_] | None, FloatArray]:
        kw = {"memory_bytes": memory_bytes // max(1, threads)}
        post, one, lik = marker_posteriors(fam, groups, n_col, m, mutation=True, **kw)
        if not exclusions:
            return (*marker_table(fam.markers[m], post, one), lik)
        mpost, mone, _ = marker_posteriors(fam, groups, n_col, m, mutation=False, **kw)
        table, ex = marker_table(fam.markers[m], post, one, mpost, mone)
        return table, ex, lik

    marker_ids = range(len(fam.markers))
    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(one_marker, marker_ids))
    else:
        parts = [one_marker(m) for m in marker_ids]
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
    log64 = tuple(p[0] for p in parts)
    log32 = tuple(t.astype(np.float32) for t in log64)
    excl = tuple(p[1] for p in parts if p[1] is not None)
    return ScreeningTables(families, log32, log64, excl, sex), reasons


def count_exclusions(
    fam: FamilyData,
    tables: ScreeningTables,
    rows: IntArray,
    bodies: IntArray,
    columns: IntArray,
    *,
    threads: int = 1,
    memory_bytes: int = 256 << 20,
) -> IntArray:
    """Exclusion counts of the pairs ``(bodies[i], columns[i])``: typed markers where the
    body's observation has probability 0 without mutation (or at all). The mutation-free
    distributions are computed only for the families among ``columns``."""
    needed = np.unique(columns)
    pos = np.searchsorted(needed, columns)
    groups = _shape_groups(fam, tables.families[needed])

    def one_marker(m: int) -> NDArray[np.bool_]:
        marker = fam.markers[m]
        ng, n = n_genotypes(marker.n_alleles), marker.n_alleles
        post, one, _ = marker_posteriors(fam, groups, needed.shape[0], m, mutation=False,
                                         memory_bytes=memory_bytes // max(1, threads))  # fmt: skip
        r = rows[bodies, m]
        out: NDArray[np.bool_] = np.isneginf(tables.log64[m][r, columns])
        full, part = r < ng, (r >= ng) & (r < ng + n)
        out[full] |= post[pos[full], r[full]] <= 0
        out[part] |= one[pos[part], r[part] - ng] <= 0
        return out

    marker_ids = range(len(fam.markers))
    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            flags = list(pool.map(one_marker, marker_ids))
    else:
        flags = [one_marker(m) for m in marker_ids]
    counts: IntArray = np.sum(flags, axis=0, dtype=np.int64) if flags else np.zeros(0, np.int64)
    return counts


# -- screening loop -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningParams:
    """What to report: ``top`` candidates per body, every pair with ``LR >= threshold``, and
    the full ``(bodies x missing persons)`` log LR matrix only when ``full_matrix``.

    ``memory_mb`` bounds the tables of one block of families and the work buffers; ``threads``
    screens body chunks concurrently (NumPy releases the GIL in the adds).
    """

    top: int = 5
    threshold: float = 1e4
    full_matrix: bool = False
    memory_mb: int = 3072
    threads: int = 2
    body_chunk: int = 32
    min_blocks: int = 1

    @property
    def log_threshold(self) -> float:
        """Natural log of the LR threshold."""
        return float(np.log(self.threshold)) if self.threshold > 0 else -np.inf


@dataclass(frozen=True)
class BlockResult:
    """Candidates found in one block of families: each body's best (up to ``top``), every
    pair above the threshold, and the block's full matrix when asked for (natural logs)."""

    families: IntArray
    top: tuple[IntArray, IntArray, FloatArray, IntArray]
    pairs: tuple[IntArray, IntArray, FloatArray, IntArray]
    skipped: dict[int, str]
    full: NDArray[np.float32] | None = None


def body_rows(
    markers: Sequence[Marker], genotypes: NDArray[np.integer], sex: NDArray[np.integer]
) -> IntArray:
    """``(bodies, markers + 1)`` table rows of each body's observations; the last column is
    the sex row (0 unknown, 1 male, 2 female)."""
    g = np.asarray(genotypes, dtype=np.int64)
    cols = [genotype_rows(m.n_alleles, g[:, k]) for k, m in enumerate(markers)]
    cols.append(np.asarray(sex, dtype=np.int64))
    return np.stack(cols, axis=1)


def score_pairs(
    tables: ScreeningTables, rows: IntArray, bodies: IntArray, columns: IntArray
) -> tuple[FloatArray, IntArray]:
    """Exact (float64) log LR and exclusion count of the pairs ``(bodies[i], columns[i])``:
    ``sum_m T_m[row(body, m), column]`` plus the sex term (counts are 0 when the tables were
    built without exclusions)."""
    score = tables.sex[rows[bodies, -1], columns].astype(np.float64)
    excl = np.zeros(bodies.shape[0], dtype=np.int64)
    for m, table in enumerate(tables.log64):
        r = rows[bodies, m]
        score += table[r, columns]
        if tables.excluded:
            excl += tables.excluded[m][r, columns]
    return score, excl


def _accumulate(tables: ScreeningTables, rows: IntArray, out: NDArray[np.float32]) -> None:
    """``out[i] = sex row + sum over typed markers of T_m[rows[i, m]]`` (float32 row adds;
    untyped markers, whose rows are all zero, are skipped)."""
    last = [t.shape[0] - 1 for t in tables.log32]
    for i in range(rows.shape[0]):
        r = rows[i]
        acc = out[i]
        terms = [t[r[m]] for m, t in enumerate(tables.log32) if r[m] != last[m]]
        if terms:
            np.add(tables.sex[r[-1]], terms[0], out=acc)
            for term in terms[1:]:
                np.add(acc, term, out=acc)
        else:
            acc[:] = tables.sex[r[-1]]


#: Near-tied float32 candidates per body rescored exactly before the top ``K`` are chosen.
_TIE_CAP = 64
#: Columns beyond the top ``K`` taken by argpartition before falling back to a full scan.
_TIE_EXTRA = 16


def _margin(value: float) -> float:
    """Float32 sums of ~24 terms are exact to ~1e-5 relative; screen with this slack."""
    return 1e-3 + 1e-5 * abs(value)


def _select_chunk(
    tables: ScreeningTables,
    rows: IntArray,
    b0: int,
    acc: NDArray[np.float32],
    params: ScreeningParams,
) -> tuple[tuple[IntArray, IntArray, FloatArray, IntArray], ...]:
    """Top candidates and threshold pairs of one body chunk, rescored exactly."""
    tb, tc = _top_candidates(acc, params.top)
    tb = tb + b0
    ts, te = score_pairs(tables, rows, tb, tc)
    top = _top_per_body(tb, tc, ts, te, params.top)
    thr = params.log_threshold
    cut = np.float32(thr - _margin(thr))
    hot = np.flatnonzero(acc.max(axis=1) >= cut)
    pb, pc = np.nonzero(acc[hot] >= cut)
    pb = hot[pb] + b0
    ps, pe = score_pairs(tables, rows, pb, pc)
    keep = (ps >= thr) & (ps > -np.inf)
    return top, (pb[keep], pc[keep], ps[keep], pe[keep])


def _top_candidates(acc: NDArray[np.float32], top: int) -> tuple[IntArray, IntArray]:
    """(row, column) pairs that certainly contain each row's ``top`` best columns under
    (exact log LR descending, column ascending), found on float32 sums.

    With ``v`` the row's ``top``-th largest float32 value and ``d`` the float32 error bound
    (:func:`_margin`), every column above ``v + d`` is kept, and of the near-ties in
    ``[v - d, v + d]`` the lowest :data:`_TIE_CAP` columns (all of them when fewer): exact ties
    (e.g. LR = 1 where a degraded body shares no marker with a family's references) are then
    broken by family index whatever the block split. ``-inf`` (sex-incompatible) never is.
    """
    n_col = acc.shape[1]
    k = min(n_col, top)
    width = min(n_col, top + _TIE_EXTRA)
    idx = np.argpartition(acc, n_col - width, axis=1)[:, n_col - width :]
    vals = np.take_along_axis(acc, idx, axis=1)
    kth = np.partition(vals, width - k, axis=1)[:, width - k].astype(np.float64)
    margin = 1e-3 + 1e-5 * np.abs(np.where(np.isfinite(kth), kth, 0.0))
    lo = (kth - margin).astype(np.float32)
    hi = (kth + margin).astype(np.float32)
    # Rows whose band of near-ties ends inside the partitioned top need no full scan.
    inside = (vals.min(axis=1) < lo) | (width == n_col)
    keep = inside[:, None] & (vals >= lo[:, None]) & (vals > -np.inf)
    r_in, j_in = np.nonzero(keep)
    c_in = idx[r_in, j_in]
    wide = np.flatnonzero(~inside)
    r_out, c_out = _band_scan(acc[wide], lo[wide], hi[wide])
    r = np.concatenate([r_in, wide[r_out]]).astype(np.int64)
    c = np.concatenate([c_in, c_out]).astype(np.int64)
    return r, c


def _band_scan(
    acc: NDArray[np.float32], lo: NDArray[np.float32], hi: NDArray[np.float32]
) -> tuple[IntArray, IntArray]:
    """Columns ``>= lo`` of each row, near-ties (``<= hi``) limited to the lowest
    :data:`_TIE_CAP` columns."""
    r, c = np.nonzero((acc >= lo[:, None]) & (acc > -np.inf))
    band = acc[r, c] <= hi[r]
    first = np.searchsorted(r, np.arange(acc.shape[0]))
    band_rank: IntArray = np.cumsum(band) - band
    rank_in_row: IntArray = band_rank - band_rank[np.minimum(first[r], max(0, r.shape[0] - 1))]
    keep = ~band | (rank_in_row < _TIE_CAP)
    return r[keep], c[keep]


def _top_per_body(
    body: IntArray, col: IntArray, score: FloatArray, excl: IntArray, k: int
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """At most ``k`` pairs per body: highest score first, ties by lower column."""
    order = np.lexsort((col, -score, body))
    b = body[order]
    starts = np.searchsorted(b, b, side="left")
    keep = order[(np.arange(b.shape[0]) - starts) < k]
    return body[keep], col[keep], score[keep], excl[keep]


ProgressFn = Callable[[int], None]


def screen_tables(
    tables: ScreeningTables,
    rows: IntArray,
    params: ScreeningParams,
    progress: ProgressFn | None = None,
) -> BlockResult:
    """Screen every body (``rows`` from :func:`body_rows`) against the tables' columns.

    Bodies go in chunks of ``params.body_chunk`` through ``params.threads`` worker threads,
    each with its own float32 buffer; results are put back in body order, so the answer does
    not depend on the number of threads.
    """
    n_col, n_body = tables.n_columns, rows.shape[0]
    chunk = max(1, params.body_chunk)
    starts = list(range(0, n_body, chunk))
    buffers: queue.SimpleQueue[NDArray[np.float32]] = queue.SimpleQueue()
    for _ in range(max(1, params.threads)):
        buffers.put(np.empty((chunk, n_col), dtype=np.float32))
    full = np.empty((n_body, n_col), dtype=np.float32) if params.full_matrix else None

    def work(b0: int) -> tuple[tuple[IntArray, IntArray, FloatArray, IntArray], ...]:
        buf = buffers.get()
        try:
            acc = buf[: min(chunk, n_body - b0)]
            _accumulate(tables, rows[b0 : b0 + acc.shape[0]], acc)
            if full is not None:
                full[b0 : b0 + acc.shape[0]] = acc
            found = _select_chunk(tables, rows, b0, acc, params)
        finally:
            buffers.put(buf)
        if progress is not None:
            progress(acc.shape[0])
        return found

    if params.threads > 1:
        with ThreadPoolExecutor(params.threads) as pool:
            parts = list(pool.map(work, starts))
    else:
        parts = [work(b0) for b0 in starts]
    top = _concat([p[0] for p in parts], tables.families)
    pairs = _concat([p[1] for p in parts], tables.families)
    return BlockResult(tables.families, top, pairs, {}, full)


def _concat(
    parts: list[tuple[IntArray, IntArray, FloatArray, IntArray]], families: IntArray
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """Concatenate chunk results, turning block columns into global family indices."""
    if not parts:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0), e
    body, col, score, excl = (np.concatenate(x) for x in zip(*parts, strict=True))
    return body.astype(np.int64), families[col], score.astype(np.float64), excl.astype(np.int64)


def screen_family_block(
    fam: FamilyData,
    rows: IntArray,
    families: IntArray,
    params: ScreeningParams,
    progress: ProgressFn | None = None,
) -> BlockResult:
    """Build the tables of one block of families, screen every body against them, then count
    the exclusions of the reported pairs (the mutation-free pass runs only for the families
    that appear in them)."""
    work = params.memory_mb * (1 << 20) // 4
    tables, skipped = build_tables(
        fam, families, threads=params.threads, memory_bytes=work, exclusions=False
    )
    result = screen_tables(tables, rows, params, progress)
    parts = (result.top, result.pairs)
    bodies = np.concatenate([p[0] for p in parts])
    columns = np.searchsorted(families, np.concatenate([p[1] for p in parts]))
    excl = count_exclusions(fam, tables, rows, bodies, columns, threads=params.threads,
                            memory_bytes=work)  # fmt: skip
    n_top = result.top[0].shape[0]
    top = (*result.top[:3], excl[:n_top])
    pairs = (*result.pairs[:3], excl[n_top:])
    return BlockResult(result.families, top, pairs, skipped, result.full)


def bytes_per_family(markers: Sequence[Marker]) -> int:
    """Table memory of one missing person: float32 + float64 + bool per row, plus sex."""
    rows = sum(n_genotypes(m.n_alleles) + m.n_alleles + 1 for m in markers)
    return rows * (4 + 8 + 1) + 3 * 4


def family_blocks(
    families: IntArray, markers: Sequence[Marker], params: ScreeningParams
) -> list[IntArray]:
    """Split the screened families into blocks whose tables fit the memory budget.

    A quarter of ``memory_mb`` is kept for posterior intermediates and work buffers; each
    thread's buffers take ``body_chunk x block x 13`` bytes (float32 sums, argpartition
    indices, threshold mask). At least ``min_blocks`` blocks are made (for a cluster); a block
    never has fewer than 64 families.
    """
    budget = params.memory_mb * (1 << 20) * 3 // 4
    per = bytes_per_family(markers) + params.threads * params.body_chunk * 13
    size = max(64, min(budget // per, -(-families.shape[0] // max(1, params.min_blocks))))
    return [families[i : i + size] for i in range(0, families.shape[0], size)]


class BlockExecutor(Protocol):
    """Maps :func:`screen_family_block` over blocks, yielding results in block order."""

    def __call__(
        self,
        fam: FamilyData,
        rows: IntArray,
        blocks: list[IntArray],
        params: ScreeningParams,
        progress: ProgressFn | None,
    ) -> Iterator[BlockResult]: ...


def serial_executor(
    fam: FamilyData,
    rows: IntArray,
    blocks: list[IntArray],
    params: ScreeningParams,
    progress: ProgressFn | None,
) -> Iterator[BlockResult]:
    """Blocks one after the other in this process (threads within a block)."""
    for block in blocks:
        yield screen_family_block(fam, rows, block, params, progress)


@dataclass(frozen=True)
class ScreeningResult:
    """Screening of every body against every missing person (natural-log LRs).

    ``top_family[b, k]`` is body ``b``'s ``k``-th best family (``-1`` when fewer
    candidates), ``top_log_lr`` its log LR (``-inf`` padding) and ``top_exclusions`` the
    number of markers excluding it without mutation. ``pair_*`` list every pair with
    ``LR >= threshold`` sorted by body then decreasing LR. ``skipped`` maps family index to
    the reason it was not screened. ``full`` is ``(bodies, families)`` when requested.
    """

    top_family: IntArray
    top_log_lr: FloatArray
    top_exclusions: IntArray
    pair_body: IntArray
    pair_family: IntArray
    pair_log_lr: FloatArray
    pair_exclusions: IntArray
    skipped: dict[int, str]
    params: ScreeningParams
    full: NDArray[np.float32] | None = None


def screen(
    fam: FamilyData,
    remains_genotypes: NDArray[np.integer],
    remains_sex: NDArray[np.integer],
    params: ScreeningParams | None = None,
    *,
    executor: BlockExecutor | None = None,
    progress: ProgressFn | None = None,
) -> ScreeningResult:
    """Screen every body against every missing person with at least one typed reference.

    Families with no typed member are skipped (reason reported); bodies are screened block by
    block of families (:func:`family_blocks`) through ``executor`` (serial by default).
    """
    params = params or ScreeningParams()
    rows = body_rows(fam.markers, remains_genotypes, remains_sex)
    n_fam = int(np.asarray(fam.family_shape).shape[0])
    empty = families_without_references(fam)
    skipped = {int(f): "no typed relative and no direct reference" for f in empty}
    screened = np.setdiff1d(np.arange(n_fam, dtype=np.int64), empty)
    blocks = family_blocks(screened, fam.markers, params)
    run = executor or serial_executor
    results = list(run(fam, rows, blocks, params, progress))
    for r in results:
        skipped.update(r.skipped)
    return _merge(results, rows.shape[0], n_fam, params, dict(sorted(skipped.items())))


def _merge(
    results: list[BlockResult],
    n_body: int,
    n_fam: int,
    params: ScreeningParams,
    skipped: dict[int, str],
) -> ScreeningResult:
    def cat(i: int, which: str) -> NDArray[Any]:
        parts = [getattr(r, which)[i] for r in results]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    tb, tf, ts, te = (cat(i, "top") for i in range(4))
    tb, tf, ts, te = _top_per_body(tb, tf, ts.astype(np.float64), te, params.top)
    rank = np.arange(tb.shape[0]) - np.searchsorted(tb, tb, side="left")
    top_family = np.full((n_body, params.top), -1, dtype=np.int64)
    top_log = np.full((n_body, params.top), -np.inf)
    top_ex = np.zeros((n_body, params.top), dtype=np.int64)
    top_family[tb, rank], top_log[tb, rank], top_ex[tb, rank] = tf, ts, te
    pb, pf, ps, pe = (cat(i, "pairs") for i in range(4))
    order = np.lexsort((pf, -ps, pb))
    full = None
    if params.full_matrix:
        full = np.full((n_body, n_fam), -np.inf, dtype=np.float32)
        for r in results:
            if r.full is not None:
                full[:, r.families] = r.full
    return ScreeningResult(
        top_family, top_log, top_ex,
        pb[order].astype(np.int64), pf[order].astype(np.int64),
        ps[order].astype(np.float64), pe[order].astype(np.int64),
        skipped, params, full,
    )  # fmt: skip


def gather_sum_baseline(
    tables32: Sequence[NDArray[np.float32]], rows: IntArray, *, chunk: int = 32
) -> float:
    """The benchmark baseline: a bare NumPy gather-and-sum over the same look-ups as
    :func:`screen_tables` (every body x every column x every marker, float32,
    ``sum_m T_m[rows[:, m]]`` per chunk of bodies, no selection). Returns a checksum (the
    largest sum) so that the work cannot be skipped."""
    best = -np.inf
    for b0 in range(0, rows.shape[0], chunk):
        r = rows[b0 : b0 + chunk]
        acc = tables32[0][r[:, 0]]
        for m in range(1, len(tables32)):
            acc += tables32[m][r[:, m]]
        best = max(best, float(acc.max()))
    return best
