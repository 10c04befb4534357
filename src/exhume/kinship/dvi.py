"""Disaster victim identification (DVI) quantities, as the R package dvir 3.4 computes them.

Vocabulary (dvir's): *victims* (post-mortem samples, singletons) are matched against *missing
persons* (untyped members of ante-mortem reference families). An *assignment* maps every victim
either to a distinct missing person or to ``*`` (not among the missing). ``H0`` is the assignment
in which every victim is ``*``.

Rules mirrored from dvir (``pairwiseLR``, ``findExclusions``, ``dviJoint``, ``Bmarginal``,
``pairwiseGLR``, ``expand.grid.nodup``, ``generatePairings``):

* **Log-likelihood of an assignment** is the sum of independent terms: each reference family
  with the assigned victims' genotypes placed at their missing persons (victim data are *added*
  to the family, nothing is erased), plus each unassigned victim's singleton log-likelihood.
  ``loglik0`` is this sum for ``H0``.
* **Candidates** (dvir's *pairings*): the dataset's own pairings when it gives them, used as
  they are (order included, ``*`` included where listed); otherwise ``*`` followed by every
  missing person, in input order, whose sex is compatible with the victim's. dvir's
  ``generatePairings`` requires equal sex codes; exhume also treats an unknown sex (0) on either
  side as compatible, as the issue asks (no dvir dataset has an unknown sex).
* **Pairwise LR** ``LR(V, M) = exp(loglik(V = M, everyone else *) - loglik0)``; undefined
  (``nan``, written as null) when ``M`` is not a candidate for ``V``.
* **Mutation models** (``disable_mutations``): ``False`` (the default) keeps every model as
  given, which is what dvir 3.4's ``pairwiseLR`` and ``dviJoint`` do by default (dvir's own
  tests and README print fire's pairwise LR V1 = M1 as 121.347585, the value with the
  mutation model kept; disabling it gives 118.807); ``True`` strips every family's mutation
  models; ``None`` is dvir's ``disableMutations = NA`` (``jointDVI``): mutation modelling is
  switched off in each family whose reference data (victims excluded) are possible without
  mutations, and kept, at every marker, in each family whose reference data are impossible
  without at least one mutation. The rule works per *family*, over all its markers, and is
  decided on the family as it stands (including victims already transferred into it).
* **Exclusions** (``forrel::findExclusions``): the number of markers at which the family with
  ``V`` placed at ``M`` has likelihood 0 once all mutation models are removed; computed for
  candidate pairs only (``-1`` = not a candidate).
* **Joint table** (``dviJoint``): every assignment built from the candidates with no missing
  person used twice, generated in dvir's order (first victim outermost, candidates in their
  listed order), then sorted by decreasing log-likelihood, ties broken by the assignment
  itself compared victim by victim, missing ids alphabetically and ``*`` last. Log-likelihoods
  equal to within ``TIE_TOLERANCE`` (relative) count as ties, so that symmetric solutions
  (siblings) sort the same way whatever the rounding; impossible assignments (``-inf``) come
  last.
* **Posterior pairing** (``Bmarginal``): flat prior over the rows of the joint table;
  ``P(V = M | data)`` sums the normalised likelihoods of the rows pairing ``V`` with ``M``.
* **GLR** (``pairwiseGLR``): ``GLR(V, M) = exp(ll[first row with V = M] - ll[d])`` where ``d``
  is the first row with ``V != M`` when the top row pairs ``V`` with ``M``, and the top row
  otherwise; undefined when ``V`` never meets ``M`` or when ``V`` has one value in every row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from exhume.errors import KinshipError, ProblemFormatError
from exhume.kinship.defaults import DEFAULT_MAX_ASSIGNMENTS
from exhume.kinship.likelihood import loglik, loglik_batch
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem, Family

#: The "not among the missing" pairing.
STAR = "*"
#: Code of ``*`` in integer assignment arrays.
STAR_CODE = -1
#: Relative log-likelihood difference (``|a - b| <= tol * max(1, |a|)``) under which two
#: assignments tie when sorting.
TIE_TOLERANCE = 1e-10

Int = NDArray[np.int64]
Float = NDArray[np.float64]


# ----------------------------------------------------------------------------- candidates


def sexes_compatible(victim_sex: int, missing_sex: int) -> bool:
    """Sex codes 1 (male) and 2 (female) must agree; an unknown sex (0) fits either."""
    return victim_sex == 0 or missing_sex == 0 or victim_sex == missing_sex


def missing_sex(problem: DviProblem, missing_id: str) -> int:
    """The sex code of a missing person, read from its family's pedigree."""
    family = problem.families[family_index_of(problem)[missing_id]]
    return int(family.pedigree.sex[family.pedigree.index(missing_id)])


def family_index_of(problem: DviProblem) -> dict[str, int]:
    """Map each missing person to the index of the family holding it."""
    return {m: f for f, fam in enumerate(problem.families) for m in fam.missing}


def candidate_pairings(problem: DviProblem) -> dict[str, tuple[str, ...]]:
    """dvir's pairings: the dataset's own when given, else ``*`` + sex-compatible missing."""
    if problem.pairings is not None:
        return {v.id: tuple(problem.pairings[v.id]) for v in problem.victims}
    sexes = {m: missing_sex(problem, m) for m in problem.missing}
    return {
        v.id: (STAR, *(m for m in problem.missing if sexes_compatible(int(v.sex), sexes[m])))
        for v in problem.victims
    }


def check_dvi(problem: DviProblem) -> None:
    """dvir's ``checkDVI``: the given pairings must be usable.

    Raises :class:`ProblemFormatError` naming the victim when a victim has no pairing list or an
    empty one, lists a candidate twice, or lists a missing person of incompatible sex.
    """
    if problem.pairings is None:
        return
    for vic in problem.victims:
        cands = problem.pairings.get(vic.id)
        if not cands:
            raise ProblemFormatError(f"pairings: victim '{vic.id}' has no candidate pairing")
        if len(set(cands)) != len(cands):
            raise ProblemFormatError(f"pairings: victim '{vic.id}' lists a candidate twice")
        for m in cands:
            if m != STAR and not sexes_compatible(int(vic.sex), missing_sex(problem, m)):
                raise ProblemFormatError(
                    f"pairings: candidate '{m}' of victim '{vic.id}' has the wrong sex"
                )


def candidate_codes(
    problem: DviProblem, pairings: Mapping[str, Sequence[str]]
) -> list[tuple[int, ...]]:
    """Pairings as integer codes per victim: missing index, or ``STAR_CODE``, in listed order."""
    col = {m: j for j, m in enumerate(problem.missing)}
    return [
        tuple(STAR_CODE if p == STAR else col[p] for p in pairings[v.id]) for v in problem.victims
    ]


# ----------------------------------------------------------------------------- likelihoods


def family_mutation_flags(problem: DviProblem, disable_mutations: bool | None) -> tuple[bool, ...]:
    """Whether mutation modelling stays on in each family (see the module's rule).

    ``None`` (dvir's ``NA``): on exactly in the families whose log-likelihood without mutation
    models is ``-inf``; ``True``: off everywhere; ``False``: on everywhere.
    """
    if disable_mutations is True:
        return tuple(False for _ in problem.families)
    if disable_mutations is False:
        return tuple(True for _ in problem.families)
    return tuple(
        loglik(fam.pedigree, problem.markers, fam.genotypes, mutation=False).total == -math.inf
        for fam in problem.families
    )


def victim_logliks(problem: DviProblem) -> Float:
    """Singleton log-likelihood of each victim (Hardy-Weinberg genotype probabilities)."""
    out = np.empty(len(problem.victims))
    for i, vic in enumerate(problem.victims):
        ped = Pedigree.singleton(vic.id, int(vic.sex))
        out[i] = loglik(ped, problem.markers, vic.genotypes[np.newaxis, :, :]).total
    return out


def place_victims(
    problem: DviProblem, family: Family, placement: Mapping[str, int]
) -> NDArray[np.int64]:
    """The family's genotype array with victim ``placement[m]``'s genotypes at missing ``m``."""
    genotypes = np.array(family.genotypes, dtype=np.int64, copy=True)
    for missing_id, vic in placement.items():
        genotypes[family.pedigree.index(missing_id)] = problem.victims[vic].genotypes
    return genotypes


def exchangeable_slots(family: Family) -> list[list[int]]:
    """Groups (positions in ``family.missing``) of missing persons with the same two parents
    and no children: their genotypes are exchangeable in the family likelihood."""
    ped = family.pedigree
    parents = {int(x) for x in ped.fidx if x > 0} | {int(x) for x in ped.midx if x > 0}
    groups: dict[tuple[int, int], list[int]] = {}
    for slot, m in enumerate(family.missing):
        i = ped.index(m)
        if ped.fidx[i] > 0 and (i + 1) not in parents:
            groups.setdefault((int(ped.fidx[i]), int(ped.midx[i])), []).append(slot)
    return [g for g in groups.values() if len(g) > 1]


#: Members x marker columns evaluated in one batch by :meth:`FamilyLikelihoods.prefetch`.
_BATCH_CELLS = 8192
#: Placements of one family from which :meth:`FamilyLikelihoods.prefetch_placements` shares
#: messages between them (:mod:`exhume.kinship._placements`) instead of batching.
SHARED_MESSAGES_FROM = 64


def _member_kinds(genotypes: NDArray[np.int64]) -> bytes:
    """Per member of ``(members, markers, 2)``: 0 typed at every marker, 1 some one-allele
    call, 2 some marker untyped, 3 untyped."""
    missing = np.asarray(genotypes) < 0
    untyped_marker = np.all(missing, axis=2)
    some_partial = np.any(missing, axis=(1, 2))
    some_untyped = np.any(untyped_marker, axis=1)
    kinds = np.where(
        np.all(untyped_marker, axis=1), 3, np.where(some_untyped, 2, np.where(some_partial, 1, 0))
    )
    return kinds.astype(np.int8).tobytes()


class FamilyLikelihoods:
    """Family log-likelihoods cached by sub-assignment (which victim sits at which missing).

    A sub-assignment of family ``f`` is a tuple aligned with ``family.missing``: the index of the
    victim placed at each missing person, or ``STAR_CODE``. Mutation modelling follows the
    per-family flags fixed at construction. Per-marker values are kept, so that exclusion
    counts reuse them when the family has no mutation model in force.

    Exchangeable missing persons (same father, same mother, no children) can swap victims
    without changing the likelihood (autosomal markers), so sub-assignments are cached in a
    canonical form with the victims of each such group sorted.
    """

    def __init__(self, problem: DviProblem, mutation_flags: Sequence[bool]) -> None:
        self.problem = problem
        self.mutation_flags = tuple(mutation_flags)
        self._has_models = any(m.mutation is not None for m in problem.markers)
        self._groups = [exchangeable_slots(fam) for fam in problem.families]
        self._cache: dict[tuple[int, tuple[int, ...]], float] = {}
        self._per_marker: dict[tuple[int, tuple[int, ...], bool], Float] = {}
        self._base_kinds = [
            np.frombuffer(_member_kinds(f.genotypes), np.int8) for f in problem.families
        ]
        self._slots = [tuple(f.pedigree.index(m) for m in f.missing) for f in problem.families]
        self._victim_kinds = [int(_member_kinds(v.genotypes[None])[0]) for v in problem.victims]
        self._structures = [
            (fam.pedigree.fidx.tobytes(), fam.pedigree.midx.tobytes(), fam.pedigree.sex.tobytes())
            for fam in problem.families
        ]

    def canonical(self, f: int, sub: tuple[int, ...]) -> tuple[int, ...]:
        """``sub`` with the victims of each exchangeable group in decreasing order."""
        if not self._groups[f]:
            return sub
        out = list(sub)
        for group in self._groups[f]:
            for slot, v in zip(group, sorted((sub[k] for k in group), reverse=True), strict=True):
                out[slot] = v
        return tuple(out)

    def canonical_keys(self, f: int, subs: Int) -> tuple[list[tuple[int, ...]], Int]:
        """:meth:`canonical` of every row of ``subs`` at once: the distinct canonical forms and
        each row's index among them."""
        rows = np.array(subs, dtype=np.int64, copy=True).reshape(len(subs), len(self._slots[f]))
        for group in self._groups[f]:
            rows[:, group] = -np.sort(-rows[:, group], axis=1)
        uniq, back = unique_rows(rows, len(self.problem.victims) + 1)
        return [tuple(r) for r in uniq.tolist()], back

    def count_uncached(self, f: int, keys: Iterable[tuple[int, ...]]) -> int:
        """How many of the canonical ``keys`` have no family term yet."""
        return sum(1 for key in keys if (f, key) not in self._cache)

    def total(self, f: int, key: tuple[int, ...]) -> float:
        """:meth:`__call__` for a sub-assignment already in canonical form."""
        value = self._cache.get((f, key))
        if value is None:
            value = float(self.per_marker(f, key, self.mutation_flags[f]).sum())
            self._cache[(f, key)] = value
        return value

    def per_marker(self, f: int, sub: tuple[int, ...], mutation: bool) -> Float:
        """Per-marker log-likelihoods of family ``f`` with the victims of ``sub`` placed."""
        mutation = mutation and self._has_models
        sub = self.canonical(f, sub)
        key = (f, sub, mutation)
        value = self._per_marker.get(key)
        if value is None:
            fam = self.problem.families[f]
            genotypes = self._placed(fam, sub)
            value = loglik(
                fam.pedigree, self.problem.markers, genotypes, mutation=mutation
            ).per_marker
            self._per_marker[key] = value
        return value

    def prefetch(
        self, f: int, subs: Iterable[tuple[int, ...]], mutation: bool | None = None
    ) -> None:
        """Evaluate the sub-assignments of family ``f`` not yet cached, many at a time
        (:meth:`prefetch_many`)."""
        self.prefetch_many(((f, sub) for sub in subs), mutation)

    def prefetch_many(
        self, wanted: Iterable[tuple[int, tuple[int, ...]]], mutation: bool | None = None
    ) -> None:
        """Evaluate the ``(family, sub-assignment)`` terms not yet cached, many at a time.

        Terms whose pedigrees have the same structure (parent indices and sexes, whatever the
        ids) and whose members are typed alike once the victims are placed (each member: typed
        everywhere, some one-allele call, some untyped marker, or untyped) share one
        elimination plan; they are evaluated together, across families, by
        :func:`~exhume.kinship.likelihood.loglik_batch`, in chunks of about ``_BATCH_CELLS``
        member x marker cells. ``mutation``: each family's flag when ``None``. The values
        equal :meth:`per_marker`'s one at a time to rounding.
        """
        groups: dict[tuple[object, ...], dict[tuple[int, tuple[int, ...]], None]]
        groups = {}
        for f, sub in wanted:
            flag = self.mutation_flags[f] if mutation is None else mutation
            flag = flag and self._has_models
            c = self.canonical(f, sub)
            if (f, c, flag) in self._per_marker:
                continue
            kinds = self._base_kinds[f].copy()
            for slot, v in zip(self._slots[f], c, strict=True):
                if v != STAR_CODE:
                    kinds[slot] = self._victim_kinds[v]
            key: tuple[object, ...] = (self._structures[f], flag, kinds.tobytes())
            groups.setdefault(key, {})[(f, c)] = None
        markers = self.problem.markers
        for key, items in groups.items():
            flag = bool(key[1])
            first = self.problem.families[next(iter(items))[0]].pedigree
            chunk = max(1, _BATCH_CELLS // (first.n * max(1, len(markers))))
            pending = list(items)
            for start in range(0, len(pending), chunk):
                part = pending[start : start + chunk]
                fams = self.problem.families
                stacked = np.stack([self._placed(fams[f], c) for f, c in part])
                values = loglik_batch(first, markers, stacked, mutation=flag)
                for (f, c), row in zip(part, values, strict=True):
                    self._per_marker[(f, c, flag)] = row

    def prefetch_placements(
        self, f: int, subs: Iterable[tuple[int, ...]], *, canonical: bool = False
    ) -> None:
        """Evaluate family ``f``'s sub-assignments not yet cached with its own mutation flag,
        as the joint table needs them. From ``SHARED_MESSAGES_FROM`` of them on, one allele
        space and one elimination order serve them all and every intermediate message is
        computed once per distinct placement of the victims it depends on
        (:class:`~exhume.kinship._placements.PlacementEvaluator`); fewer, or a family whose
        shared factors would not fit in memory, go through :meth:`prefetch`. The values equal
        the one-at-a-time ones to rounding. ``canonical``: the ``subs`` are already in
        canonical form (:meth:`canonical_keys`)."""
        flag = self.mutation_flags[f] and self._has_models
        wanted = set(subs) if canonical else {self.canonical(f, sub) for sub in subs}
        todo = sorted(c for c in wanted if (f, c, flag) not in self._per_marker)
        if len(todo) < SHARED_MESSAGES_FROM:
            self.prefetch(f, todo)
            return
        from exhume.kinship._placements import PlacementEvaluator, TooLarge

        fam = self.problem.families[f]
        placements = np.array(todo, dtype=np.int64).reshape(len(todo), len(fam.missing))
        candidates = [sorted({int(v) for v in col if v != STAR_CODE}) for col in placements.T]
        evaluator = PlacementEvaluator(
            fam.pedigree,
            self.problem.markers,
            fam.genotypes,
            self._slots[f],
            self._victim_genotypes,
            candidates,
            mutation=flag,
        )
        try:
            values = evaluator.evaluate(placements)
        except TooLarge:
            self.prefetch(f, todo)
            return
        # Row sums along the last axis: bit for bit what __call__ computes from each row.
        totals = values.sum(axis=1).tolist()
        for sub, row, total in zip(todo, values, totals, strict=True):
            self._per_marker[(f, sub, flag)] = row
            self._cache[(f, sub)] = total

    @cached_property
    def _victim_genotypes(self) -> NDArray[np.int64]:
        k = len(self.problem.markers)
        if not self.problem.victims:
            return np.zeros((0, k, 2), dtype=np.int64)
        return np.stack([np.asarray(v.genotypes, dtype=np.int64) for v in self.problem.victims])

    def _placed(self, fam: Family, sub: tuple[int, ...]) -> NDArray[np.int64]:
        placement = {m: v for m, v in zip(fam.missing, sub, strict=True) if v != STAR_CODE}
        return place_victims(self.problem, fam, placement)

    def __call__(self, f: int, sub: tuple[int, ...]) -> float:
        """``log L(family f | victims placed as in sub)``."""
        return self.total(f, self.canonical(f, sub))

    def incompatible(self, f: int, sub: tuple[int, ...]) -> int:
        """Markers at which the placement is impossible with every mutation model removed."""
        return int(np.count_nonzero(np.isneginf(self.per_marker(f, sub, False))))

    @property
    def evaluations(self) -> int:
        """Family likelihood evaluations made so far (one per distinct placement and model)."""
        return len(self._per_marker)

    def empty(self, f: int) -> float:
        """The family's log-likelihood with no victim placed."""
        return self(f, (STAR_CODE,) * len(self.problem.families[f].missing))


@dataclass(frozen=True)
class DviContext:
    """What every DVI quantity shares: candidates, H0 terms and the family likelihood cache."""

    problem: DviProblem
    pairings: dict[str, tuple[str, ...]]
    codes: list[tuple[int, ...]]
    family_of: dict[str, int]
    slot_of: dict[str, int]
    victim_ll: Float
    families: FamilyLikelihoods

    @property
    def loglik0(self) -> float:
        """``log L(H0)``: all victims unidentified, every family as given."""
        fams = sum(self.families.empty(f) for f in range(len(self.problem.families)))
        return float(self.victim_ll.sum()) + fams

    @cached_property
    def family_columns(self) -> tuple[tuple[int, ...], ...]:
        """Each family's missing persons as indices into ``problem.missing``."""
        col = {m: j for j, m in enumerate(self.problem.missing)}
        return tuple(tuple(col[m] for m in fam.missing) for fam in self.problem.families)

    def sub_assignment(self, f: int, pairs: Mapping[int, int]) -> tuple[int, ...]:
        """Family ``f``'s sub-assignment from ``{missing index: victim index}``."""
        return tuple(pairs.get(j, STAR_CODE) for j in self.family_columns[f])


def make_context(
    problem: DviProblem,
    *,
    pairings: Mapping[str, Sequence[str]] | None = None,
    disable_mutations: bool | None = False,
) -> DviContext:
    """Prepare a problem: candidates, per-family mutation flags, victims' singleton terms.

    Runs :func:`check_dvi` first.
    """
    check_dvi(problem)
    chosen = (
        {v: tuple(p) for v, p in pairings.items()}
        if pairings is not None
        else candidate_pairings(problem)
    )
    family_of = family_index_of(problem)
    slot_of = {m: problem.families[f].missing.index(m) for m, f in family_of.items()}
    flags = family_mutation_flags(problem, disable_mutations)
    return DviContext(
        problem=problem,
        pairings=chosen,
        codes=candidate_codes(problem, chosen),
        family_of=family_of,
        slot_of=slot_of,
        victim_ll=victim_logliks(problem),
        families=FamilyLikelihoods(problem, flags),
    )


# ----------------------------------------------------------------------------- pairwise


def pairwise_lr(ctx: DviContext) -> Float:
    """Matrix (victims x missing) of ``LR(V = M)`` against H0; ``nan`` for non-candidates.

    ``LR = exp(ll_f(V at M) - ll_f(empty) - ll(V))`` for the family ``f`` of ``M``: every
    other term of the two likelihoods is shared, as in dvir's ``pairwise_singlevic``.
    """
    problem = ctx.problem
    out = np.full((len(problem.victims), len(problem.missing)), np.nan)
    pairs = candidate_pairs(ctx)
    prefetch_pairs(ctx, pairs)
    for i, j, f, sub in pairs:
        diff = ctx.families(f, sub) - ctx.families.empty(f) - ctx.victim_ll[i]
        out[i, j] = math.exp(diff) if diff > -math.inf else 0.0
    return out


def candidate_pairs(ctx: DviContext) -> list[tuple[int, int, int, tuple[int, ...]]]:
    """Each candidate pairing (victim ``i``, missing ``j``) with the family ``f`` of ``j`` and
    the sub-assignment placing ``i`` alone at ``j``."""
    out = []
    for i, codes in enumerate(ctx.codes):
        for j in codes:
            if j != STAR_CODE:
                f = ctx.family_of[ctx.problem.missing[j]]
                out.append((i, j, f, ctx.sub_assignment(f, {j: i})))
    return out


def prefetch_pairs(
    ctx: DviContext,
    pairs: Iterable[tuple[int, int, int, tuple[int, ...]]],
    mutation: bool | None = None,
) -> None:
    """Batch-evaluate the family terms that ``pairs`` (``(i, j, f, sub)``) will look up."""
    ctx.families.prefetch_many(((f, sub) for _i, _j, f, sub in pairs), mutation)


def exclusion_matrix(ctx: DviContext) -> Int:
    """Markers at which ``V = M`` is impossible without mutation; ``-1`` for non-candidates."""
    problem = ctx.problem
    out = np.full((len(problem.victims), len(problem.missing)), -1, dtype=np.int64)
    pairs = candidate_pairs(ctx)
    prefetch_pairs(ctx, pairs, mutation=False)
    for i, j, f, sub in pairs:
        out[i, j] = ctx.families.incompatible(f, sub)
    return out


# ----------------------------------------------------------------------------- assignments


def count_assignments(codes: Sequence[Sequence[int]], n_missing: int, cap: int) -> int:
    """Number of assignments, or ``cap`` if there are at least that many.

    Dynamic programming over the set of missing persons already used (a bit mask), the victims
    that may stay unidentified (``*``) last: from then on every partial assignment extends to a
    whole one, so the running count is a lower bound and counting stops as soon as it reaches
    ``cap``; the states then never exceed ``cap`` times a candidate list. Before that (victims
    without ``*``), more than ``cap`` states also count as ``cap`` (too many to enumerate).
    """
    if _at_most_two_placed(codes, n_missing) >= cap:
        return cap
    order = sorted(range(len(codes)), key=lambda i: STAR_CODE in codes[i])
    states: dict[int, int] = {0: 1}
    for i in order:
        nxt: dict[int, int] = {}
        for mask, c in states.items():
            for o in codes[i]:
                if o != STAR_CODE and (mask >> o) & 1:
                    continue
                key = mask if o == STAR_CODE else mask | (1 << o)
                nxt[key] = min(nxt.get(key, 0) + c, cap)
        states = nxt
        if len(states) >= cap or (STAR_CODE in codes[i] and sum(states.values()) >= cap):
            return cap
    return min(sum(states.values()), cap)


def _at_most_two_placed(codes: Sequence[Sequence[int]], n_missing: int) -> int:
    """Assignments placing at most two victims, when every victim may stay unidentified (a
    lower bound of the count, in closed form); 0 otherwise.

    With ``c_i`` candidates of victim ``i`` and ``n_m`` victims listing missing person ``m``:
    ``1 + sum c_i + ((sum c_i)^2 - sum c_i^2 - sum_m n_m (n_m - 1)) / 2``.
    """
    if not codes or any(STAR_CODE not in opts for opts in codes):
        return 0
    c = [sum(1 for o in opts if o != STAR_CODE) for opts in codes]
    listed = [0] * n_missing
    for opts in codes:
        for o in opts:
            if o != STAR_CODE:
                listed[o] += 1
    total = sum(c)
    pairs = (total * total - sum(x * x for x in c) - sum(n * (n - 1) for n in listed)) // 2
    return 1 + total + pairs


def enumerate_assignments(codes: Sequence[Sequence[int]], n_missing: int) -> Int:
    """All assignments as an array (n_assignments, n_victims) of missing index or ``STAR_CODE``.

    Rows come in dvir's ``expand.grid.nodup`` order: lexicographic in the position of each
    victim's choice within its candidate list, first victim outermost.
    """
    rows = np.zeros((1, 0), dtype=np.int64)
    used = np.zeros((1, n_missing), dtype=bool)
    for opts in codes:
        opt = np.asarray(opts, dtype=np.int64)
        valid = np.ones((rows.shape[0], opt.size), dtype=bool)
        real = opt != STAR_CODE
        valid[:, real] = ~used[:, opt[real]]
        r, k = np.nonzero(valid)
        chosen = opt[k]
        rows = np.column_stack([rows[r], chosen])
        used = used[r]
        hit = np.nonzero(chosen != STAR_CODE)[0]
        used[hit, chosen[hit]] = True
    return rows


def am_oriented(assignments: Int, n_missing: int) -> Int:
    """Swap roles (dvir's ``swapRoles``): (n_assignments, n_missing) of victim index or *."""
    out = np.full((assignments.shape[0], n_missing), STAR_CODE, dtype=np.int64)
    r, v = np.nonzero(assignments != STAR_CODE)
    out[r, assignments[r, v]] = v
    return out


def family_subs(ctx: DviContext, am: Int, f: int) -> tuple[Int, Int]:
    """Distinct sub-assignments of family ``f`` among AM-oriented rows, and each row's index
    (:func:`unique_rows`)."""
    cols = list(ctx.family_columns[f])
    return unique_rows(am[:, cols], len(ctx.problem.victims) + 1)


def unique_rows(rows: Int, base: int) -> tuple[Int, Int]:
    """The distinct rows of ``rows`` (victim codes, ``-1`` for none, below ``base - 1``) and
    each row's index among them: one-dimensional ``unique`` on the rows read as integers in
    base ``base`` when that fits in 62 bits, else rows compared whole."""
    if rows.shape[1] * math.log2(base) < 62:
        weights = base ** np.arange(rows.shape[1], dtype=np.int64)
        _keys, first, inverse = np.unique(
            (rows + 1) @ weights, return_index=True, return_inverse=True
        )
        return rows[first], inverse.reshape(-1)
    uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
    return uniq, inverse.reshape(-1)


def joint_logliks(ctx: DviContext, assignments: Int) -> Float:
    """Log-likelihood of each assignment, from cached family terms.

    ``ll(a) = sum_f ll_f(a restricted to f) + sum of unassigned victims' singleton terms``.
    Each family is evaluated once per distinct sub-assignment occurring in ``assignments``.
    """
    am = am_oriented(assignments, len(ctx.problem.missing))
    assigned = assignments != STAR_CODE
    total = (ctx.victim_ll[np.newaxis, :] * ~assigned).sum(axis=1)
    for f in range(len(ctx.problem.families)):
        subs, inverse = family_subs(ctx, am, f)
        keys, back = ctx.families.canonical_keys(f, subs)
        ctx.families.prefetch_placements(f, keys, canonical=True)
        values = np.array([ctx.families.total(f, key) for key in keys])
        total = total + values[back][inverse]
    return np.asarray(total, dtype=np.float64)


def joint_order(assignments: Int, logliks: Float, missing: Sequence[str]) -> Int:
    """Row order of dvir's joint table (see the module docstring for the tie rule)."""
    n = logliks.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    alpha = np.argsort(np.argsort(np.asarray(missing, dtype=object)))
    ranks = np.where(assignments == STAR_CODE, len(missing), alpha[np.maximum(assignments, 0)])
    by_ll = np.argsort(-logliks, kind="stable")
    ll_sorted = logliks[by_ll]
    gaps = np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        step = np.abs(np.diff(ll_sorted))
    with np.errstate(invalid="ignore"):
        scale = TIE_TOLERANCE * np.maximum(1.0, np.abs(ll_sorted[:-1]))
    both_impossible = np.isneginf(ll_sorted[1:]) & np.isneginf(ll_sorted[:-1])
    gaps[1:] = ~((step <= scale) | both_impossible)
    group = np.empty(n, dtype=np.int64)
    group[by_ll] = np.cumsum(gaps)
    keys = [ranks[:, k] for k in range(assignments.shape[1] - 1, -1, -1)]
    return np.lexsort([*keys, group]).astype(np.int64)


@dataclass(frozen=True)
class JointTable:
    """A sorted joint table: assignments (PM-oriented codes) and their log-likelihoods."""

    assignments: Int
    logliks: Float
    loglik0: float

    @property
    def n_assignments(self) -> int:
        """Number of rows (every assignment considered)."""
        return int(self.logliks.size)

    def lr(self) -> Float:
        """Each row's LR against H0, ``exp(loglik - loglik0)`` (0 for impossible rows)."""
        with np.errstate(over="ignore"):
            return np.exp(self.logliks - self.loglik0)


def new_evaluations(ctx: DviContext, assignments: Int) -> int:
    """Family likelihoods that :func:`joint_logliks` would still have to compute."""
    am = am_oriented(assignments, len(ctx.problem.missing))
    total = 0
    for f in range(len(ctx.problem.families)):
        subs, _ = family_subs(ctx, am, f)
        keys, _ = ctx.families.canonical_keys(f, subs)
        total += ctx.families.count_uncached(f, keys)
    return total


@dataclass(frozen=True)
class JointCost:
    """What a joint table over some candidate codes would cost, counted up to a guard.

    ``n_assignments`` is exact when at most the guard, else ``guard + 1``; ``evaluations``
    (new family likelihoods) is ``None`` when the assignments were not enumerated.
    """

    n_assignments: int
    evaluations: int | None
    max_assignments: int
    max_evaluations: int | None

    @property
    def within(self) -> bool:
        """Whether the table may be built under both guards."""
        if self.n_assignments > self.max_assignments or self.evaluations is None:
            return False
        return self.max_evaluations is None or self.evaluations <= self.max_evaluations

    def explain(self) -> str:
        """Why the table fits or does not, in words naming the guard."""
        if self.n_assignments > self.max_assignments:
            return f"more than {self.max_assignments} assignments (--max-assignments)"
        evals = f"{self.n_assignments} assignments needing {self.evaluations} new family"
        evals += " likelihoods"
        if self.max_evaluations is not None and (self.evaluations or 0) > self.max_evaluations:
            return f"{evals}, more than {self.max_evaluations} (--max-evaluations)"
        return f"{evals}, within --max-assignments and --max-evaluations"


def joint_cost(
    ctx: DviContext,
    codes: Sequence[Sequence[int]],
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS,
    max_evaluations: int | None = None,
) -> JointCost:
    """Count the assignments allowed by ``codes`` (stopping past ``max_assignments``) and, when
    within that guard, the new family likelihoods their evaluation needs."""
    n_missing = len(ctx.problem.missing)
    count = count_assignments(codes, n_missing, cap=max_assignments + 1)
    needed = None
    if 0 < count <= max_assignments:
        needed = new_evaluations(ctx, enumerate_assignments(codes, n_missing))
    elif count == 0:
        needed = 0
    return JointCost(count, needed, max_assignments, max_evaluations)


def build_joint(
    ctx: DviContext,
    codes: Sequence[Sequence[int]],
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS,
    max_evaluations: int | None = None,
) -> JointTable:
    """Enumerate, evaluate and sort the assignments allowed by ``codes`` (one tuple per victim).

    Raises :class:`KinshipError` when there are more than ``max_assignments`` assignments, or
    when evaluating them needs more than ``max_evaluations`` new family likelihoods.
    """
    n_missing = len(ctx.problem.missing)
    count = count_assignments(codes, n_missing, cap=max_assignments + 1)
    if count > max_assignments:
        raise KinshipError(
            f"the joint analysis would need more than {max_assignments} assignments; "
            "raise --max-assignments or let the stepwise solver reduce the problem first"
        )
    if count == 0:
        raise KinshipError("no possible assignment: some victim has no candidate pairing")
    assignments = enumerate_assignments(codes, n_missing)
    if max_evaluations is not None:
        needed = new_evaluations(ctx, assignments)
        if needed > max_evaluations:
            raise KinshipError(
                f"the joint analysis would need {needed} family likelihood evaluations, more "
                f"than the limit of {max_evaluations}; raise --max-evaluations"
            )
    logliks = joint_logliks(ctx, assignments)
    order = joint_order(assignments, logliks, ctx.problem.missing)
    return JointTable(assignments[order], logliks[order], ctx.loglik0)


def joint_table(
    ctx: DviContext,
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS,
    max_evaluations: int | None = None,
) -> JointTable:
    """dvir's ``dviJoint``: every assignment from the candidates, sorted (see build_joint)."""
    return build_joint(ctx, ctx.codes, max_assignments, max_evaluations)


# ----------------------------------------------------------------------------- posteriors


def posterior_pairing(table: JointTable, n_missing: int) -> Float:
    """dvir's ``Bmarginal`` with a flat prior: (victims x (missing + ``*``)) probabilities.

    ``P(V = M) = sum_{a: a(V) = M} L(a) / sum_a L(a)``; the last column is ``*``.
    """
    n_vic = table.assignments.shape[1]
    out = np.zeros((n_vic, n_missing + 1))
    finite = np.isfinite(table.logliks)
    if not finite.any():
        raise KinshipError("every assignment is impossible; the data contradict all pairings")
    weights = np.exp(table.logliks - table.logliks[finite].max())
    weights /= weights.sum()
    for v in range(n_vic):
        col = np.where(table.assignments[:, v] == STAR_CODE, n_missing, table.assignments[:, v])
        out[v] = np.bincount(col, weights=weights, minlength=n_missing + 1)
    return np.minimum(out, 1.0)  # a certain pairing may sum to 1 + 1 ulp


def glr_matrix(table: JointTable, n_missing: int) -> Float:
    """dvir's ``pairwiseGLR`` matrix (victims x missing); ``nan`` where undefined."""
    n_vic = table.assignments.shape[1]
    out = np.full((n_vic, n_missing), np.nan)
    ll = table.logliks
    for v in range(n_vic):
        a = table.assignments[:, v]
        if np.unique(a).size < 2:
            continue
        first_other = int(np.argmax(a != a[0]))
        for m in range(n_missing):
            hits = np.nonzero(a == m)[0]
            if hits.size == 0:
                continue
            numer = int(hits[0])
            denom = first_other if numer == 0 else 0
            with np.errstate(invalid="ignore", over="ignore"):
                out[v, m] = np.exp(ll[numer] - ll[denom])
    return out
