"""Incremental screening: screening tables kept on disk, keyed by what they are computed from.

A missing person's tables (:mod:`exhume.kinship.screeningtables`) depend only on the markers
(alleles, frequencies, mutation models) and on the family (pedigree, target, typed members'
genotypes). The cache stores them under two SHA-256 digests:

* the **markers digest** names a directory: another frequency database or mutation model gives
  another directory, so every table is rebuilt;
* the **family digest** (pedigree parent indices and sexes, the missing person, the genotype
  rows) names a column: a family whose references change gets a new digest, and only its
  column is rebuilt; the stale column stays on disk unused.

Layout: ``ROOT/<markers digest>/seg-NNNNNN/`` holds one segment of families (those built
together): ``log64-<m>.npy`` (rows x families, float64), ``excluded-<m>.npy`` (bool) per marker
and ``families.json`` (their digests, and the reason a family cannot be screened). Segments are
written to a temporary name and renamed into place, so a reader never sees half a segment.

:func:`screen_cached` screens bodies against every family, building only the columns that are
missing, and reads for each marker only the table rows the bodies use (memory-mapped), so one
new body against tens of thousands of cached families costs a few row reads per marker. Its
result equals :func:`exhume.kinship.screening.screen`'s (exclusion counts included).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.genotypes import n_genotypes
from exhume.kinship.markers import Marker
from exhume.kinship.screening import (
    BlockResult,
    ScreeningParams,
    ScreeningResult,
    family_blocks,
    merge_results,
    screen_tables,
    screenable,
)
from exhume.kinship.screeningtables import (
    FamilyData,
    ScreeningTables,
    body_rows,
    build_tables,
    sex_table,
)

__all__ = ["CACHE_FORMAT", "TableCache", "family_digests", "markers_digest", "screen_cached"]

CACHE_FORMAT = "exhume-screening-tables v1"

IntArray = NDArray[np.int64]


def markers_digest(markers: Sequence[Marker]) -> str:
    """SHA-256 of the markers: names, alleles, frequencies and mutation matrices."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    for m in markers:
        h.update(json.dumps([m.name, list(m.alleles)]).encode())
        h.update(np.ascontiguousarray(m.afreq, dtype=np.float64).tobytes())
        if m.mutation is not None:
            h.update(np.ascontiguousarray(m.mutation.female, dtype=np.float64).tobytes())
            h.update(np.ascontiguousarray(m.mutation.male, dtype=np.float64).tobytes())
    return h.hexdigest()


def family_digests(fam: FamilyData) -> list[str]:
    """SHA-256 of each family: its shape's parents, sexes and missing person, and its rows."""
    shapes = []
    for ped, target in zip(fam.pedigrees, fam.targets, strict=True):
        h = hashlib.sha256()
        for arr in (ped.fidx, ped.midx, ped.sex):
            h.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
        h.update(str(target).encode())
        shapes.append(h.digest())
    geno = np.ascontiguousarray(fam.genotypes, dtype=np.int64)
    offsets = fam.family_offset
    out = []
    for f, shape in enumerate(np.asarray(fam.family_shape).tolist()):
        h = hashlib.sha256(shapes[shape])
        h.update(geno[offsets[f] : offsets[f + 1]].tobytes())
        out.append(h.hexdigest())
    return out


@dataclass
class _Segment:
    path: Path
    digests: list[str]
    reasons: list[str | None]
    log64: list[NDArray[np.float64]] = field(default_factory=list)
    excluded: list[NDArray[np.bool_]] = field(default_factory=list)

    def load(self, n_markers: int) -> None:
        """Memory-map the segment's tables (once)."""
        if not self.log64:
            for m in range(n_markers):
                self.log64.append(np.load(self.path / f"log64-{m}.npy", mmap_mode="r"))
                self.excluded.append(np.load(self.path / f"excluded-{m}.npy", mmap_mode="r"))


class TableCache:
    """Screening tables on disk under ``root`` (see the module docstring)."""

    def __init__(self, root: Path | str, markers: Sequence[Marker]) -> None:
        self.markers = tuple(markers)
        self.directory = Path(root) / markers_digest(self.markers)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.segments: list[_Segment] = []
        self.where: dict[str, tuple[int, int]] = {}
        for path in sorted(self.directory.glob("seg-*")):
            doc = json.loads((path / "families.json").read_text())
            self._add(_Segment(path, list(doc["digests"]), list(doc["reasons"])))

    def _add(self, seg: _Segment) -> None:
        s = len(self.segments)
        self.segments.append(seg)
        for col, digest in enumerate(seg.digests):
            self.where[digest] = (s, col)

    def ensure(
        self, fam: FamilyData, families: IntArray, digests: Sequence[str], params: ScreeningParams
    ) -> int:
        """Build and store the tables of ``families`` whose digests are not cached yet, in
        blocks sized like screening's; return how many were built."""
        todo = np.array(
            [f for f in families.tolist() if digests[f] not in self.where], dtype=np.int64
        )
        work = params.memory_mb * (1 << 20) // 4
        blocks = family_blocks(todo, self.markers, params, exclusions=True) if todo.size else []
        for block in blocks:
            tables, reasons = build_tables(
                fam, block, threads=params.threads, memory_bytes=work, exclusions=True
            )
            names = [digests[f] for f in block.tolist()]
            why = [reasons.get(f) for f in block.tolist()]
            self._add(self._write(tables, names, why))
        return int(todo.size)

    def _write(self, tables: ScreeningTables, names: list[str], why: list[str | None]) -> _Segment:
        final = self.directory / f"seg-{len(self.segments):06d}-{names[0][:12]}"
        tmp = Path(tempfile.mkdtemp(prefix=".seg-", dir=self.directory))
        for m, (log, excl) in enumerate(zip(tables.log64, tables.excluded, strict=True)):
            np.save(tmp / f"log64-{m}.npy", np.ascontiguousarray(log))
            np.save(tmp / f"excluded-{m}.npy", np.ascontiguousarray(excl))
        doc = {"format": CACHE_FORMAT, "digests": names, "reasons": why}
        (tmp / "families.json").write_text(json.dumps(doc))
        os.replace(tmp, final)
        return _Segment(final, names, why)

    def block(
        self, fam: FamilyData, s: int, families: IntArray, cols: IntArray, rows: IntArray
    ) -> tuple[ScreeningTables, IntArray]:
        """Tables of ``families`` (columns ``cols`` of segment ``s``) restricted to the table
        rows that ``rows`` (bodies x markers + sex) use, and ``rows`` renumbered into them."""
        seg = self.segments[s]
        seg.load(len(self.markers))
        log64, excluded = [], []
        local = rows.copy()
        for m, marker in enumerate(self.markers):
            untyped = n_genotypes(marker.n_alleles) + marker.n_alleles  # the last, zero row
            used = np.setdiff1d(np.unique(rows[:, m]), [untyped])
            keep = np.append(used, untyped)
            local[:, m] = np.searchsorted(keep[:-1], rows[:, m])
            local[rows[:, m] == untyped, m] = keep.size - 1
            log64.append(np.asarray(seg.log64[m][keep])[:, cols])
            excluded.append(np.asarray(seg.excluded[m][keep])[:, cols])
        sex = sex_table(fam.missing_sex()[families])
        impossible = [seg.reasons[c] is not None for c in cols.tolist()]
        sex[:, np.array(impossible, dtype=bool)] = -np.inf
        tables = ScreeningTables.from_tables(families, log64, tuple(excluded), sex)
        return tables, local


def screen_cached(
    fam: FamilyData,
    cache: TableCache,
    remains_genotypes: NDArray[np.integer],
    remains_sex: NDArray[np.integer],
    params: ScreeningParams | None = None,
    *,
    families: IntArray | None = None,
) -> tuple[ScreeningResult, int]:
    """:func:`~exhume.kinship.screening.screen` through ``cache``: missing tables are built
    and stored first, then every body is screened segment by segment against the cached
    tables. ``families`` restricts the screening to those families (a new family against
    every body). Returns the result and the number of families whose tables were built."""
    params = params or ScreeningParams()
    rows = body_rows(fam.markers, remains_genotypes, remains_sex)
    n_fam = int(np.asarray(fam.family_shape).shape[0])
    wanted = np.arange(n_fam, dtype=np.int64) if families is None else np.unique(families)
    screened, skipped = screenable(fam, wanted)
    digests = family_digests(fam)
    built = cache.ensure(fam, screened, digests, params)
    located = np.array([cache.where[digests[f]] for f in screened.tolist()], dtype=np.int64)
    results: list[BlockResult] = []
    for s in np.unique(located[:, 0]) if screened.size else []:
        pick = np.flatnonzero(located[:, 0] == s)
        families, cols = screened[pick], located[pick, 1]
        for f, c in zip(families.tolist(), cols.tolist(), strict=True):
            reason = cache.segments[int(s)].reasons[c]
            if reason is not None:
                skipped[f] = reason
        tables, local = cache.block(fam, int(s), families, cols, rows)
        results.append(screen_tables(tables, local, params))
    merged = merge_results(results, rows.shape[0], n_fam, params, dict(sorted(skipped.items())))
    return merged, built
