"""The stepwise DVI solver and its conclusions, after dvir's ``dviSolve`` (version 3.4).

A *state* holds the victims and missing persons still open, their remaining candidate pairings
and the identifications already made; an identified victim's genotypes are added to its
family at the missing person's place (dvir's ``transferMarkers``), so later LRs in that family
are conditional on it. The pipeline, with dvir's defaults:

1. **Nonidentifiable** missing persons (kinship 0 with every typed reference and every other
   missing person of the family) are set aside.
2. Repeat until nothing changes:
   a. **Exclusions** (``findExcluded``, ``max_incomp = 2``): pairings with more than
      ``max_incomp`` incompatible markers are dropped (the remaining pairings become ``*`` plus
      the compatible missing, in input order); a missing person compatible with no victim is
      *Excluded*; a victim compatible with no missing person leaves the analysis. The loop
      stops when this step changes nothing, except in the first iteration.
   b. **Undisputed** (``findUndisputed``, relaxed rule, ``threshold = 1e4``): repeatedly, a
      pairing is undisputed when ``LR >= threshold - sqrt(eps)`` and every other LR in its row
      and its column is at most ``LR / threshold``; the victim is transferred into the family.
      Afterwards pairings with LR = 0 are dropped. The loop stops when this step changes
      nothing.
3. **Simple families** (one open missing person), from the last LR matrix, with
   ``threshold2 = max(1, threshold / 10)``: *Disputed* if several LRs exceed ``threshold2``,
   *Probable* if one does, *Inconclusive* if the best LR is at least 1, else *No match*.
4. **Complex families** (several open missing persons): the family's joint table; a pairing
   whose GLR reaches ``threshold`` is a *Match (GLR)*; then the *Symmetric match* rule (the
   two best assignments differ by one victim placed at two missing persons, or by two victims
   swapped between two missing persons, and the best row beats the first row leaving that
   pattern by ``threshold``); the others are *Inconclusive*, with their best GLR.
5. Any missing person still without a conclusion is *Inconclusive*.

LR column: the undisputed LR, the simple family's best LR, ``LR(V, M)`` for a GLR match, none
for a symmetric match, the column's best LR for an inconclusive member of a complex family.
A complex family whose joint table exceeds ``max_assignments`` or ``max_evaluations`` is not
analysed jointly (dvir's ``maxAssign``): its open members are Inconclusive.

The conclusions are AM-oriented (one per missing person) and sorted by family, then missing
person, in input order. The PM-oriented table of dvir is not produced.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from exhume.errors import KinshipError
from exhume.kinship.defaults import DEFAULT_MAX_ASSIGNMENTS, DEFAULT_MAX_INCOMP, DEFAULT_THRESHOLD
from exhume.kinship.dvi import (
    STAR_CODE,
    DviContext,
    Float,
    Int,
    JointTable,
    build_joint,
    glr_matrix,
    joint_logliks,
    joint_order,
    prefetch_pairs,
)

_EPS = math.sqrt(np.finfo(float).eps)


@dataclass(frozen=True)
class Conclusion:
    """One missing person's conclusion (dvir's AM summary row)."""

    family: str
    missing: str
    sample: str | None
    lr: float | None
    glr: float | None
    conclusion: str
    comment: str = ""


@dataclass
class SolveState:
    """Open victims and missing persons, their pairings, and identifications made so far."""

    victims: list[int]
    missing: list[int]
    pairings: dict[int, tuple[int, ...]]
    fixed: dict[int, int] = field(default_factory=dict)

    def copy(self) -> SolveState:
        """An independent copy."""
        return SolveState(
            list(self.victims), list(self.missing), dict(self.pairings), dict(self.fixed)
        )

    def key(self) -> tuple[object, ...]:
        """What dvir's ``dviEqual`` compares (pairings as sets)."""
        pairs = tuple(sorted((v, frozenset(p)) for v, p in self.pairings.items()))
        return (tuple(self.victims), tuple(self.missing), pairs, tuple(sorted(self.fixed.items())))


def initial_state(ctx: DviContext) -> SolveState:
    """Every victim and missing person open, with the context's candidate pairings."""
    n_vic = len(ctx.problem.victims)
    return SolveState(
        victims=list(range(n_vic)),
        missing=list(range(len(ctx.problem.missing))),
        pairings={i: ctx.codes[i] for i in range(n_vic)},
    )


# ----------------------------------------------------------------------------- conditional LRs


def _fixed_in_family(ctx: DviContext, state: SolveState, f: int) -> dict[int, int]:
    fam_missing = set(ctx.problem.families[f].missing)
    return {j: v for j, v in state.fixed.items() if ctx.problem.missing[j] in fam_missing}


def _open_pairs(
    ctx: DviContext, state: SolveState
) -> Iterator[tuple[int, int, int, dict[int, int]]]:
    """Each open pairing (victim ``i``, missing ``j``) with the family ``f`` of ``j`` and the
    identifications already transferred in that family."""
    for i in state.victims:
        for j in state.pairings[i]:
            if j == STAR_CODE:
                continue
            f = ctx.family_of[ctx.problem.missing[j]]
            yield i, j, f, _fixed_in_family(ctx, state, f)


def lr_matrix(ctx: DviContext, state: SolveState) -> Float:
    """Pairwise LRs given the identifications already transferred; ``nan`` where not paired.

    ``LR(V = M) = exp(ll_f(fixed + V at M) - ll_f(fixed) - ll(V))`` for the family ``f`` of M.
    """
    problem = ctx.problem
    out = np.full((len(problem.victims), len(problem.missing)), np.nan)
    wanted = [
        (i, j, f, ctx.sub_assignment(f, pairs))
        for i, j, f, base in _open_pairs(ctx, state)
        for pairs in ({**base, j: i}, base)
    ]
    prefetch_pairs(ctx, wanted)
    for i, j, f, base in _open_pairs(ctx, state):
        numer = ctx.families(f, ctx.sub_assignment(f, {**base, j: i}))
        denom = ctx.families(f, ctx.sub_assignment(f, base))
        diff = numer - denom - ctx.victim_ll[i]
        out[i, j] = math.exp(diff) if diff > -math.inf else 0.0
    return out


def exclusions_given(ctx: DviContext, state: SolveState) -> Int:
    """Incompatible markers (no mutation) per open pairing, given transfers; ``-1`` elsewhere."""
    problem = ctx.problem
    out = np.full((len(problem.victims), len(problem.missing)), -1, dtype=np.int64)
    wanted = [
        (i, j, f, ctx.sub_assignment(f, {**base, j: i}))
        for i, j, f, base in _open_pairs(ctx, state)
    ]
    prefetch_pairs(ctx, wanted, mutation=False)
    for i, j, f, base in _open_pairs(ctx, state):
        out[i, j] = ctx.families.incompatible(f, ctx.sub_assignment(f, {**base, j: i}))
    return out


# ----------------------------------------------------------------------------- state updates


def drop_missing(state: SolveState, gone: Sequence[int]) -> None:
    """Close missing persons: remove them and their pairings; close victims left with ``*``."""
    gone_set = set(gone)
    state.missing = [j for j in state.missing if j not in gone_set]
    for i in list(state.victims):
        state.pairings[i] = tuple(j for j in state.pairings[i] if j not in gone_set)
    unpaired = [i for i in state.victims if all(j == STAR_CODE for j in state.pairings[i])]
    drop_victims(state, unpaired)


def drop_victims(state: SolveState, gone: Sequence[int]) -> None:
    """Close victims."""
    gone_set = set(gone)
    state.victims = [i for i in state.victims if i not in gone_set]
    for i in gone_set:
        state.pairings.pop(i, None)


def find_excluded(
    ctx: DviContext, state: SolveState, max_incomp: int = DEFAULT_MAX_INCOMP
) -> tuple[SolveState, list[Conclusion]]:
    """dvir's ``findExcluded`` on the open part of the problem."""
    new = state.copy()
    if not state.victims:
        return new, []
    excl = exclusions_given(ctx, state)
    sub = excl[np.ix_(state.victims, state.missing)]
    bad = (sub < 0) | (sub > max_incomp)
    vic_out = [state.victims[r] for r in range(sub.shape[0]) if bad[r].all()]
    miss_out = [state.missing[c] for c in range(sub.shape[1]) if bad[:, c].all()]
    if int(np.count_nonzero(sub > max_incomp)) > 0:
        for r, i in enumerate(state.victims):
            keep = tuple(j for c, j in enumerate(state.missing) if 0 <= sub[r, c] <= max_incomp)
            new.pairings[i] = (STAR_CODE, *keep)
    drop_victims(new, vic_out)
    drop_missing(new, miss_out)
    problem = ctx.problem
    notes = [
        Conclusion(
            family=problem.families[ctx.family_of[problem.missing[j]]].id,
            missing=problem.missing[j],
            sample=None,
            lr=None,
            glr=None,
            conclusion="Excluded",
            comment="No compatible victim",
        )
        for j in miss_out
    ]
    return new, notes


def undisputed_entries(lrs: Float, threshold: float, strict: bool = False) -> list[tuple[int, int]]:
    """dvir's ``undisputedEntries``: (row, column) pairs of undisputed entries.

    Undefined entries count as ``-1``. An entry qualifies when ``>= threshold - sqrt(eps)``;
    relaxed rule: every other entry of its row and column is ``<= entry / threshold``; strict
    rule: every other entry of its row and column is ``<= 1``.
    """
    mat = np.where(np.isnan(lrs), -1.0, lrs)
    out = []
    for r, c in zip(*np.nonzero(mat >= threshold - _EPS), strict=True):
        others = np.concatenate([np.delete(mat[r], c), np.delete(mat[:, c], r)])
        limit = 1.0 if strict else mat[r, c] / threshold
        if np.all(others <= limit):
            out.append((int(r), int(c)))
    return out


def find_undisputed(
    ctx: DviContext,
    state: SolveState,
    threshold: float = DEFAULT_THRESHOLD,
    strict: bool = False,
) -> tuple[SolveState, list[Conclusion], Float]:
    """dvir's ``findUndisputed`` (``limit = 0``; relaxed rule unless ``strict``).

    Returns the reduced state, the undisputed identifications and the last LR matrix.
    """
    new = state.copy()
    notes: list[Conclusion] = []
    step = 0
    problem = ctx.problem
    while True:
        step += 1
        lrs = lr_matrix(ctx, new)
        sub = lrs[np.ix_(new.victims, new.missing)]
        entries = undisputed_entries(sub, threshold, strict)
        found = [(new.victims[r], new.missing[c]) for r, c in entries]
        if not found:
            break
        for i, j in found:
            new.fixed[j] = i
            m = problem.missing[j]
            notes.append(
                Conclusion(
                    family=problem.families[ctx.family_of[m]].id,
                    missing=m,
                    sample=problem.victims[i].id,
                    lr=float(lrs[i, j]),
                    glr=None,
                    conclusion="Undisputed",
                    comment=f"Step {step}",
                )
            )
        drop_victims(new, [i for i, _ in found])
        drop_missing(new, [j for _, j in found])
        if not new.victims or not new.missing:
            return new, notes, lrs
    for i in new.victims:
        kept = [j for j in new.pairings[i] if j == STAR_CODE or lrs[i, j] > 0]
        new.pairings[i] = tuple(sorted(kept, key=lambda j: -1.0 if j == STAR_CODE else -lrs[i, j]))
    return new, notes, lrs


def reduce(
    ctx: DviContext,
    threshold: float = DEFAULT_THRESHOLD,
    max_incomp: int = DEFAULT_MAX_INCOMP,
    state: SolveState | None = None,
) -> tuple[SolveState, list[Conclusion], Float]:
    """dviSolve's loop of exclusions and undisputed identifications, until nothing changes."""
    state = state or initial_state(ctx)
    notes: list[Conclusion] = []
    lrs = lr_matrix(ctx, state)
    iteration = 0
    while True:
        iteration += 1
        excluded, found = find_excluded(ctx, state, max_incomp)
        changed = excluded.key() != state.key()
        if changed:
            notes.extend(found)
            state = excluded
        elif iteration > 1:
            break
        reduced, found, lrs = find_undisputed(ctx, state, threshold)
        if reduced.key() == state.key():
            break
        notes.extend(found)
        state = reduced
    return state, notes, lrs


# ----------------------------------------------------------------------------- joint analyses


def restricted_joint(
    ctx: DviContext,
    state: SolveState,
    missing: Sequence[int] | None = None,
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS,
    max_evaluations: int | None = None,
) -> JointTable:
    """Joint table of the open problem (or of some open missing persons), identifications fixed.

    Every victim keeps a column: identified victims sit at their missing person, closed victims
    at ``*``, open victims range over their pairings (restricted to ``missing`` when given).
    Log-likelihoods and LRs are those of the whole problem against its H0.
    """
    codes = restricted_codes(ctx, state, missing)
    return build_joint(ctx, codes, max_assignments, max_evaluations)


def restricted_codes(
    ctx: DviContext, state: SolveState, missing: Sequence[int] | None = None
) -> list[tuple[int, ...]]:
    """Candidate codes of the open problem (see :func:`restricted_joint`)."""
    allowed = set(state.missing if missing is None else missing)
    where = {v: j for j, v in state.fixed.items()}
    codes: list[tuple[int, ...]] = []
    for i in range(len(ctx.problem.victims)):
        if i in where:
            codes.append((where[i],))
        elif i in state.pairings:
            codes.append(tuple(j for j in state.pairings[i] if j == STAR_CODE or j in allowed))
        else:
            codes.append((STAR_CODE,))
    return codes


def single_pairing_joint(ctx: DviContext, state: SolveState) -> JointTable:
    """The open problem's H0 and every assignment that places one open victim at one of its
    open pairings, identifications fixed, sorted as a joint table.

    This is the last resort when even the reduced problem has too many assignments: at most
    ``1 + victims x missing`` rows, each needing only the family likelihoods of the pairwise
    LRs (already cached by the stepwise loop). Log-likelihoods and LRs are those of the whole
    problem against its H0; posteriors computed from it assume at most one more identification.
    """
    n_vic = len(ctx.problem.victims)
    base = np.full(n_vic, STAR_CODE, dtype=np.int64)
    for j, v in state.fixed.items():
        base[v] = j
    open_missing = set(state.missing)
    rows = [base]
    for i in state.victims:
        for j in state.pairings[i]:
            if j != STAR_CODE and j in open_missing:
                row = base.copy()
                row[i] = j
                rows.append(row)
    assignments = np.array(rows, dtype=np.int64)
    logliks = joint_logliks(ctx, assignments)
    order = joint_order(assignments, logliks, ctx.problem.missing)
    return JointTable(assignments[order], logliks[order], ctx.loglik0)


def stepwise_joint(
    ctx: DviContext,
    threshold: float = DEFAULT_THRESHOLD,
    max_incomp: int = DEFAULT_MAX_INCOMP,
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS,
    max_evaluations: int | None = None,
) -> JointTable:
    """Exclusions and undisputed identifications first, then the joint table of the rest."""
    state, _, _ = reduce(ctx, threshold, max_incomp)
    return restricted_joint(ctx, state, None, max_assignments, max_evaluations)


# ----------------------------------------------------------------------------- conclusions


def _ancestors(parents: Sequence[tuple[int, int]]) -> list[set[int]]:
    """Each member's ancestors, the member included (parents given 1-based, 0 = founder)."""
    memo: dict[int, set[int]] = {}

    def walk(i: int) -> set[int]:
        if i not in memo:
            found = {i}
            for p in parents[i]:
                if p > 0:
                    found |= walk(p - 1)
            memo[i] = found
        return memo[i]

    return [walk(i) for i in range(len(parents))]


def nonidentifiable(ctx: DviContext) -> list[int]:
    """Missing persons unrelated (kinship 0: no common ancestor) to every typed reference and
    every other missing person of their family (dvir's ``findNonidentifiable``)."""
    out = []
    for fam in ctx.problem.families:
        ped = fam.pedigree
        parents = [(int(ped.fidx[i]), int(ped.midx[i])) for i in range(len(ped.ids))]
        anc = _ancestors(parents)
        others = [ped.index(r) for r in fam.references] + [ped.index(m) for m in fam.missing]
        for m in fam.missing:
            k = ped.index(m)
            if all(not (anc[k] & anc[o]) for o in others if o != k):
                out.append(ctx.problem.missing.index(m))
    return sorted(out)


def _safe_max(values: Float) -> float | None:
    finite = values[~np.isnan(values)]
    return float(finite.max()) if finite.size else None


def simple_family(
    ctx: DviContext, state: SolveState, j: int, lrs: Float, threshold2: float
) -> Conclusion:
    """dvir's ``.simpleFamDVI`` for the one open missing person ``j`` of a family."""
    problem = ctx.problem
    m = problem.missing[j]
    family = problem.families[ctx.family_of[m]].id
    column = np.full(len(problem.victims), np.nan)
    column[state.victims] = lrs[state.victims, j]
    best = _safe_max(column)
    if best is None:
        return Conclusion(family, m, None, None, None, "No match", "No candidate victim")
    best_i = int(np.nanargmax(column))
    sample = problem.victims[best_i].id
    high = int(np.count_nonzero(np.nan_to_num(column, nan=-1.0) > threshold2))
    if high > 1:
        verdict = "Disputed"
    elif high == 1:
        verdict = "Probable"
    elif best >= 1:
        verdict = "Inconclusive"
    else:
        verdict = "No match"
    return Conclusion(family, m, sample, best, None, verdict)


def _symmetric(
    ctx: DviContext,
    table: JointTable,
    victims: list[int],
    missing: list[int],
    threshold: float,
) -> tuple[list[int], list[int], float] | None:
    """dvir's ``symmetricGLR``: (victims, missing, GLR) of a symmetric match, if any."""
    a = table.assignments
    if a.shape[0] < 3 or not victims:
        return None
    r1, r2 = a[0, victims], a[1, victims]
    diffs = [v for v, x, y in zip(victims, r1, r2, strict=True) if x != y]
    if len(diffs) > 2 or any(STAR_CODE in (a[0, v], a[1, v]) for v in diffs):
        return None
    ll = table.logliks
    if len(diffs) == 1:
        (v,) = diffs
        pair = sorted({int(a[0, v]), int(a[1, v])}, key=missing.index)
        end = int(np.argmax(~np.isin(a[:, v], pair)))
        vics = [v]
    elif len(diffs) == 2 and {int(a[0, d]) for d in diffs} == {int(a[1, d]) for d in diffs}:
        pair = sorted({int(a[0, d]) for d in diffs}, key=missing.index)
        inside = np.isin(a[:, diffs[0]], pair) & np.isin(a[:, diffs[1]], pair)
        end = int(np.argmax(~inside))
        vics = diffs
    else:
        return None
    glr = float(np.exp(ll[0] - ll[end]))
    if math.isnan(glr) or glr < threshold:
        return None
    return vics, pair, glr


def complex_family(
    ctx: DviContext,
    state: SolveState,
    open_missing: list[int],
    lrs: Float,
    threshold: float,
    max_assignments: int,
    max_evaluations: int | None = None,
) -> tuple[list[Conclusion], list[int]]:
    """dvir's ``.complexFamDVI``: GLR matches, symmetric matches, the rest inconclusive.

    When the family's joint table is too large (``max_assignments``, ``max_evaluations``) the
    joint analysis is skipped, as dvir's ``dviSolve(maxAssign =)`` does, and every open missing
    person of the family is Inconclusive.
    """
    problem = ctx.problem
    family = problem.families[ctx.family_of[problem.missing[open_missing[0]]]].id
    try:
        table = restricted_joint(ctx, state, open_missing, max_assignments, max_evaluations)
    except KinshipError:
        skipped = [
            Conclusion(family, problem.missing[j], None, None, None, "Inconclusive",
                       "Joint analysis skipped: too many assignments")
            for j in open_missing
        ]  # fmt: skip
        return skipped, []
    glr = glr_matrix(table, len(problem.missing))
    victims = [i for i in state.victims if any(j in open_missing for j in state.pairings[i])]
    notes: dict[int, Conclusion] = {}
    joint_name = "{" + ",".join(problem.missing[j] for j in open_missing) + "}"
    for i in victims:
        for j in open_missing:
            if not np.isnan(glr[i, j]) and glr[i, j] >= threshold - _EPS:
                lr = None if np.isnan(lrs[i, j]) else float(lrs[i, j])
                notes[j] = Conclusion(
                    family, problem.missing[j], problem.victims[i].id, lr,
                    float(glr[i, j]), "Match (GLR)", f"Joint: {joint_name}",
                )  # fmt: skip
    names = {n.sample for n in notes.values()}
    matched_vics = [i for i in victims if problem.victims[i].id in names]
    rest_m = [j for j in open_missing if j not in notes]
    # dvir's subsetDVI drops victims left with no pairing among the remaining missing persons.
    rest_v = [
        i for i in victims if i not in matched_vics and any(j in rest_m for j in state.pairings[i])
    ]
    sym = _symmetric(ctx, table, rest_v, rest_m, threshold)
    if sym is not None:
        vics, pair, value = sym
        sample = "/".join(problem.victims[i].id for i in vics)
        for j in pair:
            notes[j] = Conclusion(
                family, problem.missing[j], sample, None, value, "Symmetric match",
                "Symmetric: {" + ", ".join(problem.missing[k] for k in pair) + "}",
            )  # fmt: skip
        matched_vics += vics
    for j in open_missing:
        if j not in notes:
            column = np.full(len(problem.victims), np.nan)
            column[state.victims] = lrs[state.victims, j]
            notes[j] = Conclusion(
                family, problem.missing[j], None, _safe_max(column),
                _safe_max(glr[victims, j]) if victims else None, "Inconclusive",
            )  # fmt: skip
    return [notes[j] for j in open_missing], matched_vics


@dataclass(frozen=True)
class SolveResult:
    """Conclusions per missing person and the state the stepwise loop ended in."""

    conclusions: tuple[Conclusion, ...]
    state: SolveState


def solve(
    ctx: DviContext,
    threshold: float = DEFAULT_THRESHOLD,
    threshold2: float | None = None,
    max_incomp: int = DEFAULT_MAX_INCOMP,
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS,
    max_evaluations: int | None = None,
) -> SolveResult:
    """dvir's ``dviSolve`` (AM side): a conclusion for every missing person."""
    if threshold <= 1:
        raise KinshipError(f"the LR threshold must exceed 1, got {threshold}")
    second = max(1.0, threshold / 10) if threshold2 is None else threshold2
    problem = ctx.problem
    notes: list[Conclusion] = []
    state = initial_state(ctx)
    hidden = nonidentifiable(ctx)
    for j in hidden:
        m = problem.missing[j]
        fam = problem.families[ctx.family_of[m]].id
        notes.append(Conclusion(fam, m, None, None, None, "Nonidentifiable", "Unrelated to all"))
    drop_missing(state, hidden)
    state, found, lrs = reduce(ctx, threshold, max_incomp, state)
    notes.extend(found)
    by_family: dict[int, list[int]] = {}
    for j in state.missing:
        by_family.setdefault(ctx.family_of[problem.missing[j]], []).append(j)
    for f in sorted(by_family):
        if len(by_family[f]) == 1:
            notes.append(simple_family(ctx, state, by_family[f][0], lrs, second))
    for f in sorted(by_family):
        if len(by_family[f]) > 1 and state.victims:
            fam_notes, matched = complex_family(
                ctx, state, by_family[f], lrs, threshold, max_assignments, max_evaluations
            )
            notes.extend(fam_notes)
            drop_victims(state, matched)
    return SolveResult(_complete(ctx, notes), state)


def _complete(ctx: DviContext, notes: list[Conclusion]) -> tuple[Conclusion, ...]:
    """One conclusion per missing person (Inconclusive when none), dvir's AM ordering."""
    problem = ctx.problem
    have = {n.missing: n for n in notes}
    for m in problem.missing:
        if m not in have:
            fam = problem.families[ctx.family_of[m]].id
            have[m] = Conclusion(fam, m, None, None, None, "Inconclusive", "No open victim")
    order = {m: (ctx.family_of[m], k) for k, m in enumerate(problem.missing)}
    return tuple(sorted(have.values(), key=lambda n: order[n.missing]))
