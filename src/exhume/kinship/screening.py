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
2. **Tables** (:mod:`exhume.kinship.screeningtables`): per marker, one row per genotype,
   one-allele observation and untyped marker; float32 tables in tiles of columns for the
   look-ups, float64 rows once per distinct family datum for exact rescoring. A sex row
   gives ``-inf`` to sex-incompatible pairs. Families without any typed member, or whose
   references are impossible even with mutation, are skipped with the reason.
3. **Look-ups** (:func:`screen_tables`): each body is a vector of row indices; its log LRs
   against a block of missing persons are float32 row additions (untyped markers skipped),
   in chunks of bodies spread over threads, compiled (:mod:`exhume.kinship._compiled`).
   Each row's top candidates (every float32 near-tie of the ``K``-th value, lowest families
   first) and every pair above the threshold are rescored exactly in float64, with their
   exclusion counts. Families are processed in blocks sized from a memory budget
   (:func:`family_blocks`); a block is a pure function of its inputs
   (:func:`screen_family_block`), which :mod:`exhume.kinship.parallel` maps over a Dask
   cluster.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from exhume.kinship._compiled import accumulate, select_candidates
from exhume.kinship.markers import Marker
from exhume.kinship.screeningtables import (
    FamilyData,
    ScreeningTables,
    body_rows,
    build_tables,
    bytes_per_family,
    count_exclusions,
    families_without_references,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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
    memory_mb: int = 6144
    threads: int = 2
    body_chunk: int = 1024
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


def score_pairs(
    tables: ScreeningTables, rows: IntArray, bodies: IntArray, columns: IntArray
) -> tuple[FloatArray, IntArray]:
    """Exact (float64) log LR and exclusion count of the pairs ``(bodies[i], columns[i])``:
    ``sum_m T_m[row(body, m), column]`` plus the sex term (counts are 0 when the tables were
    built without exclusions)."""
    score = tables.sex[rows[bodies, -1], columns].astype(np.float64)
    excl = np.zeros(bodies.shape[0], dtype=np.int64)
    for m, exact in enumerate(tables.exact):
        r = rows[bodies, m]
        score += exact.values(r, columns)
        if tables.excluded:
            excl += tables.excluded[m][r, columns]
    return score, excl


#: Near-tied float32 candidates per body rescored exactly before the top ``K`` are chosen.
_TIE_CAP = 64


def _margin(value: float) -> float:
    """Float32 sums of ~24 terms are exact to ~1e-5 relative; screen with this slack."""
    return 1e-3 + 1e-5 * abs(value)


def _select_chunk(
    tables: ScreeningTables,
    rows: IntArray,
    b0: int,
    acc: NDArray[np.float32],
    kth: NDArray[np.float32],
    params: ScreeningParams,
) -> tuple[tuple[IntArray, IntArray, FloatArray, IntArray], ...]:
    """Top candidates and threshold pairs of one body chunk, rescored exactly.

    The float32 sums find, per body, every column that may be among its ``top`` best exact
    values (:func:`~exhume.kinship._compiled.select_candidates`: with ``v`` the ``top``-th
    largest float32 sum and ``d`` its error bound (:func:`_margin`), every column ``>= v -
    d``, of the near-ties in ``[v - d, v + d]`` the lowest :data:`_TIE_CAP` columns, so that
    exact ties, e.g. LR = 1 where a degraded body shares no marker with a family's
    references, are broken by family index whatever the block split; never ``-inf``) and
    every column within the error bound of the threshold; both are rescored in float64."""
    thr = params.log_threshold
    cut = np.float32(thr - _margin(thr))
    found, near = select_candidates(acc, tables.n_columns, kth, _TIE_CAP, cut)
    tb, tc = found[:, 0] + b0, found[:, 1]
    ts, te = score_pairs(tables, rows, tb, tc)
    top = _top_per_body(tb, tc, ts, te, params.top)
    pb, pc = near[:, 0] + b0, near[:, 1]
    ps, pe = score_pairs(tables, rows, pb, pc)
    keep = (ps >= thr) & (ps > -np.inf)
    return top, (pb[keep], pc[keep], ps[keep], pe[keep])


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
    each with its own float32 buffer of the chunk's sums (tiled like the tables); results are
    put back in body order, so the answer does not depend on the number of threads.
    """
    n_col, n_body = tables.n_columns, rows.shape[0]
    chunk = max(1, min(params.body_chunk, n_body))
    starts = list(range(0, n_body, chunk))
    tiles, width = tables.stack32.shape[0], tables.stack32.shape[2]
    sex = tables.sex_tiles()
    k = min(n_col, params.top)
    buffers: queue.SimpleQueue[NDArray[np.float32]] = queue.SimpleQueue()
    for _ in range(max(1, params.threads)):
        buffers.put(np.empty(tiles * chunk * width, dtype=np.float32))
    full = np.empty((n_body, n_col), dtype=np.float32) if params.full_matrix else None

    def work(b0: int) -> tuple[tuple[IntArray, IntArray, FloatArray, IntArray], ...]:
        buf = buffers.get()
        n = min(chunk, n_body - b0)
        try:
            acc = buf[: tiles * n * width].reshape(tiles, n, width)
            best = np.empty((n, k), dtype=np.float32)
            accumulate(tables.stack32, tables.offsets, sex, rows[b0 : b0 + n], acc, best)
            if full is not None:
                full[b0 : b0 + n] = acc.transpose(1, 0, 2).reshape(n, -1)[:, :n_col]
            kth = best[:, -1] if k else np.full(n, -np.inf, dtype=np.float32)
            found = _select_chunk(tables, rows, b0, acc, kth, params)
        finally:
            buffers.put(buf)
        if progress is not None:
            progress(n)
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
    the exclusions of the reported pairs (the mutation-free pass runs only for the distinct
    family data of their columns)."""
    work = params.memory_mb * (1 << 20) // 4
    tables, skipped = build_tables(
        fam, families, threads=params.threads, memory_bytes=work, exclusions=False
    )
    result = screen_tables(tables, rows, params, progress)
    parts = (result.top, result.pairs)
    bodies = np.concatenate([p[0] for p in parts])
    columns = np.searchsorted(families, np.concatenate([p[1] for p in parts]))
    excl = count_exclusions(fam, tables, rows, bodies, columns, threads=params.threads)
    n_top = result.top[0].shape[0]
    top = (*result.top[:3], excl[:n_top])
    pairs = (*result.pairs[:3], excl[n_top:])
    return BlockResult(result.families, top, pairs, skipped, result.full)


def family_blocks(
    families: IntArray,
    markers: Sequence[Marker],
    params: ScreeningParams,
    *,
    exclusions: bool = False,
) -> list[IntArray]:
    """Split the screened families into blocks whose tables fit the memory budget.

    A quarter of ``memory_mb`` is kept for posterior intermediates and work buffers; each
    thread's buffer takes ``body_chunk x block x 4`` bytes (float32 sums); ``exclusions``
    counts the exclusion tables (the cache builds them). At least ``min_blocks`` blocks are
    made (for a cluster); a block never has fewer than 64 families. Every block repeats the
    per-shape work of table building, so fewer, larger blocks are faster.
    """
    budget = params.memory_mb * (1 << 20) * 3 // 4
    per = bytes_per_family(markers, exclusions=exclusions) + params.threads * params.body_chunk * 4
    size = max(64, min(budget // per, -(-families.shape[0] // max(1, params.min_blocks))))
    return [families[i : i + size] for i in range(0, families.shape[0], size)]


@dataclass(frozen=True)
class ScreeningJob:
    """What every block of families is screened with: the families, the bodies' table rows
    (:func:`~exhume.kinship.screeningtables.body_rows`), the parameters and an optional
    progress callback (bodies done)."""

    fam: FamilyData
    rows: IntArray
    params: ScreeningParams
    progress: ProgressFn | None = None


class BlockExecutor(Protocol):
    """Maps :func:`screen_family_block` over blocks, yielding results in block order."""

    def __call__(self, job: ScreeningJob, blocks: list[IntArray]) -> Iterator[BlockResult]: ...


def serial_executor(job: ScreeningJob, blocks: list[IntArray]) -> Iterator[BlockResult]:
    """Blocks one after the other in this process (threads within a block)."""
    for block in blocks:
        yield screen_family_block(job.fam, job.rows, block, job.params, job.progress)


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


def screenable(fam: FamilyData, wanted: IntArray) -> tuple[IntArray, dict[int, str]]:
    """Of the families ``wanted`` (sorted), those that can be screened, and the others with
    the reason: nobody typed, not even a direct reference."""
    empty = np.intersect1d(families_without_references(fam), wanted)
    skipped = {int(f): "no typed relative and no direct reference" for f in empty}
    return np.setdiff1d(wanted, empty), skipped


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
    screened, skipped = screenable(fam, np.arange(n_fam, dtype=np.int64))
    blocks = family_blocks(screened, fam.markers, params)
    run = executor or serial_executor
    results = list(run(ScreeningJob(fam, rows, params, progress), blocks))
    for r in results:
        skipped.update(r.skipped)
    return merge_results(results, rows.shape[0], n_fam, params, dict(sorted(skipped.items())))


def merge_results(
    results: list[BlockResult],
    n_body: int,
    n_fam: int,
    params: ScreeningParams,
    skipped: dict[int, str],
) -> ScreeningResult:
    """One result from the blocks' results: each body's best ``params.top`` over all blocks,
    every pair above the threshold sorted by body then decreasing LR, the full matrix."""

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
