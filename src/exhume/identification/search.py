"""The DNA side of an identification run, on the engine's own types (no Django).

From a :class:`~exhume.kinship.problem.DviProblem` (a site's records through the DNA app's
adapter, or a dvi-json file) :func:`search` computes:

* every body against every missing person, screened first
  (:mod:`exhume.identification.prescreen`: table look-ups, about a second for the demo's
  133,635 pairs); the pairs that pass (LR at least 1/100) get the engine's pairwise LR and
  exclusion count, then the stepwise joint solver where bodies compete for a family's missing
  persons (dvir's ``dviSolve``) on those pairings; ``exhaustive=True`` sends every pair
  through the engine instead (the slow reference the tests compare with); a pair is a
  *candidate* when the solver concludes it (Undisputed, Match (GLR), Probable), with its LR
  and the per-marker log10 LRs;
* remains against remains (direct matches: a body part and its body, duplicates);
* flags, never silent exclusions: a reference that does not fit its family
  (:func:`exhume.kinship.pedigree_check.check_references`: a mislabelled father, a swapped
  sample), a body matching missing persons of two families at or above the threshold, a
  missing person matching two bodies (Disputed, Symmetric match);
* bodies named only under a corrected pedigree (``find_corrections``): candidates that carry
  the correction in words and can never be confirmed until the family's records are corrected
  (swapped samples are tried only for pairs with a flagged reference, as ``exhume kinship
  solve`` does);
* each candidate's references and their relationship to the missing person.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from exhume.identification.prescreen import prescreen
from exhume.kinship.defaults import DEFAULT_THRESHOLD
from exhume.kinship.dvi import DviContext, exclusion_matrix, make_context, pairwise_lr
from exhume.kinship.markers import MISSING
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.pedigree_check import check_references, find_corrections
from exhume.kinship.problem import DviProblem
from exhume.kinship.solve import solve

#: Solver conclusions that name a body for a missing person.
PROPOSING = ("Undisputed", "Match (GLR)", "Probable")
#: Solver conclusions that mean several bodies compete for one missing person.
COMPETING = ("Disputed", "Symmetric match")
#: Least log10 LR (random match) at which two remains are reported as the same person.
DIRECT_MATCH_LOG10 = 4.0


@dataclass(frozen=True)
class Candidate:
    """A pair the solver concluded, with its numbers and references."""

    victim: str
    missing: str
    family: str
    conclusion: str
    log10_lr: float  # the solver's: conditional LR (Undisputed), GLR (Match (GLR)), or pairwise
    pairwise_log10_lr: float
    exclusions: int
    per_marker: dict[str, float]
    references: tuple[tuple[str, str], ...]  # (reference id, relationship to the missing)
    pedigree_correction: str = ""  # named only under this corrected pedigree: needs correcting


@dataclass(frozen=True)
class SearchFlag:
    kind: str
    detail: str
    victim: str | None = None
    missing: str | None = None


@dataclass
class SearchResult:
    candidates: list[Candidate] = field(default_factory=list)
    flags: list[SearchFlag] = field(default_factory=list)
    direct_matches: list[tuple[str, str, float]] = field(default_factory=list)
    conclusions: list[dict[str, object]] = field(default_factory=list)
    skipped_families: list[str] = field(default_factory=list)
    pairs: int = 0  # body x missing pairs in scope
    pairs_computed: int = 0  # of which the engine computed (candidates after screening)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage


def relationship(ped: Pedigree, ref: int, missing: int) -> str:
    """The reference's relationship to the missing person (0-based indices), in words."""
    f, m = int(ped.fidx[missing]), int(ped.midx[missing])
    if ref + 1 in (f, m):
        return "father" if ref + 1 == f else "mother"
    if missing + 1 in (int(ped.fidx[ref]), int(ped.midx[ref])):
        return "child"
    rf, rm = int(ped.fidx[ref]), int(ped.midx[ref])
    if f and m and (rf, rm) == (f, m):
        return "sibling"
    if (f and rf == f) or (m and rm == m):
        return "half_sibling"
    return "other"


#: Stored in place of log10(0): JSON (and PostgreSQL's jsonb) has no infinity.
LOG10_FLOOR = -300.0


def _log10(x: float) -> float:
    return math.log10(x) if x > 0 else LOG10_FLOOR


def without_families(problem: DviProblem, drop: set[str]) -> DviProblem:
    """The problem less some families (their missing persons and pairings too)."""
    families = tuple(f for f in problem.families if f.id not in drop)
    missing = tuple(m for f in families for m in f.missing)
    pairings = None
    if problem.pairings is not None:
        pairings = {v: tuple(m for m in ms if m in missing or m == "*")
                    for v, ms in problem.pairings.items()}  # fmt: skip
    refs = tuple(r for f in families for r in f.references)
    return replace(problem, families=families, missing=missing, references=refs,
                   pairings=pairings)  # fmt: skip


def search(
    problem: DviProblem,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    exhaustive: bool = False,
    on_stage: Callable[[str, float], None] | None = None,
) -> SearchResult:
    """Screen, solve and compare as the module docstring says; ``on_stage(name, seconds)`` is
    called as each stage ends."""
    result = SearchResult()
    clock = _Clock(result.seconds, on_stage)
    result.direct_matches = direct_matches(problem)
    for a, b, log10 in result.direct_matches:
        detail = f"{a} and {b}: same profile, random match LR 10^{log10:.1f}"
        result.flags.append(SearchFlag("direct_match", detail, a))
    clock("direct_matches")
    impossible = _impossible_families(problem)
    suspects: set[str] = set()
    for check in check_references(problem, threshold):
        if check.flagged:
            suspects.add(check.reference)
            result.flags.append(SearchFlag(
                "reference_inconsistent",
                f"family {check.family}: reference {check.reference} does not fit its stated "
                f"relationship ({check.inconsistent_markers} inconsistent marker(s), log10 LR "
                f"{check.log10_lr:.1f}): a mislabelled relative or a swapped sample?",
                missing=problem.families[[f.id for f in problem.families].index(check.family)]
                .missing[0],
            ))  # fmt: skip
    if impossible:
        result.skipped_families = sorted(impossible)
        problem = without_families(problem, impossible)
    clock("checks")
    if not problem.families or not problem.victims:
        return result
    pairings = None
    result.pairs = len(problem.victims) * len(problem.missing)
    if not exhaustive and problem.pairings is None:
        pairings = prescreen(problem).pairings(problem)
        clock("screening")
    ctx = make_context(problem, pairings=pairings)
    lrs, excl = pairwise_lr(ctx), exclusion_matrix(ctx)
    result.pairs_computed = int(np.count_nonzero(excl >= 0))
    clock("pairwise")
    _competition_flags(problem, lrs, threshold, result)
    solved = solve(ctx, threshold)
    clock("solve")
    row = {v.id: i for i, v in enumerate(problem.victims)}
    col = {m: j for j, m in enumerate(problem.missing)}
    for c in solved.conclusions:
        result.conclusions.append({"missing": c.missing, "sample": c.sample, "lr": c.lr,
                                   "conclusion": c.conclusion})  # fmt: skip
        if c.sample is None:
            continue
        if c.conclusion in COMPETING:
            result.flags.append(SearchFlag("family_two_bodies", f"missing {c.missing}: "
                                f"{c.conclusion} among {c.sample}", None, c.missing))  # fmt: skip
            continue
        if c.conclusion not in PROPOSING:
            continue
        i, j = row[c.sample], col[c.missing]
        joint = c.conclusion == "Match (GLR)" and c.glr is not None
        lr: float | None = c.glr if joint else c.lr
        if lr is None:
            lr = float(lrs[i, j])
        result.candidates.append(Candidate(
            victim=c.sample, missing=c.missing, family=c.family, conclusion=c.conclusion,
            log10_lr=_log10(lr), pairwise_log10_lr=_log10(float(lrs[i, j])),
            exclusions=int(excl[i, j]), per_marker=per_marker(ctx, i, j),
            references=references_of(problem, c.missing),
        ))  # fmt: skip
    named = {c.missing: c.sample for c in solved.conclusions
             if c.sample and c.conclusion in (*PROPOSING, *COMPETING)}  # fmt: skip
    for fix in find_corrections(problem, lrs, named, threshold, suspects):
        i, j = row[fix.sample], col[fix.missing]
        stated, excluded = pair_lr(ctx, i, j)
        result.candidates.append(Candidate(
            victim=fix.sample, missing=fix.missing, family=fix.family,
            conclusion="Pedigree correction", log10_lr=_log10(fix.lr),
            pairwise_log10_lr=_log10(stated), exclusions=excluded,
            per_marker={}, references=references_of(problem, fix.missing),
            pedigree_correction=fix.pedigree_correction,
        ))  # fmt: skip
    clock("corrections")
    return result


class _Clock:
    """Seconds per stage, written into a dict as each stage ends."""

    def __init__(
        self, into: dict[str, float], tell: Callable[[str, float], None] | None = None
    ) -> None:
        self.into, self.tell, self.last = into, tell, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = round(now - self.last, 3)
        self.last = now
        if self.tell is not None:
            self.tell(stage, self.into[stage])


def pair_lr(ctx: DviContext, i: int, j: int) -> tuple[float, int]:
    """The engine's pairwise LR of ``V_i = M_j`` and its exclusion count, candidate or not."""
    f = ctx.family_of[ctx.problem.missing[j]]
    sub = ctx.sub_assignment(f, {j: i})
    diff = ctx.families(f, sub) - ctx.families.empty(f) - ctx.victim_ll[i]
    return (math.exp(diff) if diff > -math.inf else 0.0), ctx.families.incompatible(f, sub)


def _impossible_families(problem: DviProblem) -> set[str]:
    """Families whose references are impossible even with their mutation models."""
    ctx = make_context(problem)
    return {fam.id for f, fam in enumerate(problem.families) if ctx.families.empty(f) == -math.inf}


def _competition_flags(
    problem: DviProblem, lrs: np.ndarray, threshold: float, result: SearchResult
) -> None:
    """A body at or above the threshold for missing persons of two families."""
    fam_of = {m: f.id for f in problem.families for m in f.missing}
    strong = np.nan_to_num(lrs, nan=0.0) >= threshold
    for i, v in enumerate(problem.victims):
        families = sorted({fam_of[problem.missing[j]] for j in np.flatnonzero(strong[i])})
        if len(families) > 1:
            detail = f"body {v.id} matches families {', '.join(families)} at LR >= {threshold:g}"
            result.flags.append(SearchFlag("body_two_families", detail, v.id))


def per_marker(ctx: DviContext, i: int, j: int) -> dict[str, float]:
    """log10 LR of ``V_i = M_j`` at each marker (sums to the pairwise log10 LR)."""
    problem = ctx.problem
    m = problem.missing[j]
    f = ctx.family_of[m]
    sub = ctx.sub_assignment(f, {j: i})
    flag = ctx.families.mutation_flags[f]
    placed = ctx.families.per_marker(f, sub, flag)
    empty = ctx.families.per_marker(f, ctx.sub_assignment(f, {}), flag)
    victim = _victim_per_marker(problem, i)
    values = (placed - empty - victim) / math.log(10)
    return {
        mk.name: max(float(x), LOG10_FLOOR) for mk, x in zip(problem.markers, values, strict=True)
    }


def _victim_per_marker(problem: DviProblem, i: int) -> np.ndarray:
    """log P(victim genotype) per marker under Hardy-Weinberg (0 where untyped)."""
    out = np.zeros(len(problem.markers))
    g = problem.victims[i].genotypes
    for k, marker in enumerate(problem.markers):
        a, b = int(g[k, 0]), int(g[k, 1])
        if a == MISSING or b == MISSING:
            continue
        p = marker.afreq
        out[k] = math.log(p[a] ** 2 if a == b else 2 * p[a] * p[b])
    return out


def references_of(problem: DviProblem, missing: str) -> tuple[tuple[str, str], ...]:
    """The typed references of the missing person's family and how each is related."""
    fam = problem.family_of(missing)
    ped = fam.pedigree
    mi = ped.ids.index(missing)
    return tuple((r, relationship(ped, ped.ids.index(r), mi)) for r in fam.references)


def direct_matches(problem: DviProblem) -> list[tuple[str, str, float]]:
    """Pairs of remains with identical profiles at every marker typed in both (at least one),
    and the log10 of one over the random match probability; at least :data:`DIRECT_MATCH_LOG10`.

    Each profile becomes one code per marker (the unordered genotype, or -1 where untyped or a
    one-allele call); pairs are compared a block of bodies at a time, and only the pairs that
    agree get their random match probability."""
    vics = problem.victims
    if len(vics) < 2:
        return []
    codes = _genotype_codes(problem)
    typed = codes >= 0
    out = []
    block = max(1, 4_000_000 // max(1, codes.size))
    for a0 in range(0, len(vics) - 1, block):
        ca, ta = codes[a0 : a0 + block, None, :], typed[a0 : a0 + block, None, :]
        both = ta & typed[None, :, :]
        agree = ~both | (ca == codes[None, :, :])
        same = agree.all(axis=2) & both.any(axis=2)
        for da, b in zip(*np.nonzero(same), strict=True):
            a = a0 + int(da)
            if b <= a:
                continue
            lr = _same_person_log10(problem, vics[a].genotypes, vics[b].genotypes)
            if lr is not None and lr >= DIRECT_MATCH_LOG10:
                out.append((vics[a].id, vics[int(b)].id, lr))
    return out


def _genotype_codes(problem: DviProblem) -> NDArray[np.int64]:
    """(victims, markers): ``min * 1000 + max`` of the two alleles, -1 unless both are called."""
    g = np.stack([v.genotypes for v in problem.victims]).astype(np.int64)
    lo, hi = g.min(axis=2), g.max(axis=2)
    out: NDArray[np.int64] = np.where(lo >= 0, lo * 1000 + hi, -1)
    return out


def _same_person_log10(problem: DviProblem, ga: np.ndarray, gb: np.ndarray) -> float | None:
    total, shared = 0.0, 0
    for k, marker in enumerate(problem.markers):
        if MISSING in (int(ga[k, 0]), int(ga[k, 1]), int(gb[k, 0]), int(gb[k, 1])):
            continue
        if sorted(map(int, ga[k])) != sorted(map(int, gb[k])):
            return None
        x, y = int(ga[k, 0]), int(ga[k, 1])
        p = marker.afreq
        total -= math.log10(p[x] ** 2 if x == y else 2 * p[x] * p[y])
        shared += 1
    return total if shared else None
