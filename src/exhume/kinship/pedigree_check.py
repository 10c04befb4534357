"""Seeing through wrong pedigrees: references that do not fit, and the bodies they hide.

Families report relationships that are sometimes wrong: a reported father is not the
biological father, a "full sibling" is a half sibling, two tubes are swapped. Under the stated
pedigree such a family's body is excluded or weak. This module

1. **checks each reference against its family without it** (:func:`check_references`):
   ``inconsistent_markers`` counts the markers at which the family's data are impossible without
   mutation but become possible once the reference is left out (Mendelian check), and
   ``log10_lr = log10 P(R's genotypes | the other references, stated pedigree) / P_pop(R)``
   (likelihood check; mutation models as given). A reference is *flagged* when two or more
   markers are inconsistent, or when its placement is at least ``1 / threshold`` times less
   likely than an unrelated person's;
2. **evaluates alternative pedigrees** for every missing person ``M`` who is not identified
   (:func:`find_corrections`), one reference ``R`` at a time: ``R``'s sample does not fit (left
   out), ``R`` is not ``M``'s biological parent, ``R`` is ``M``'s half sibling instead of full
   sibling (either shared parent), ``R`` is not ``M``'s biological child, ``R``'s and another
   reference's samples are swapped (in :func:`check_json`, only pairs with a flagged
   reference). Under each, the LR of every open body is
   ``prod_k P(G_M = g_k | references, alternative) / P_pop(g_k)`` (one-allele calls summed over
   the genotypes holding the allele, untyped markers 1).

For a missing person ``M`` the solver did not settle (its body excluded by incompatible
markers, or weak), a body ``V`` is named under an alternative only when, among the open bodies
(those not settled for someone else): its LR under the alternative is at least ``threshold``
and at least ``threshold`` times every other open body's; its stated LR for every other
missing person is at most ``1 / threshold`` of it; and every alternative that names a body
names the same one (the one with the highest LR is reported). Such an identification is a
distinct conclusion that names the correction
(``"pedigree_correction": "R12 is not the biological father of M3"``) and always needs human
review: nothing here changes the solver's own conclusions.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.errors import KinshipError
from exhume.kinship.dvi import DviContext, pairwise_lr
from exhume.kinship.likelihood import genotype_posterior, loglik
from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem, Family
from exhume.kinship.relatives import add_founder, carry_genotypes, set_parents
from exhume.kinship.solve import Conclusion

__all__ = [
    "Alternative",
    "Correction",
    "ReferenceCheck",
    "alternatives",
    "check_json",
    "check_references",
    "column_log10_lr",
    "find_corrections",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Solver conclusions that settle a missing person (and take the body or bodies named).
SETTLED = ("Undisputed", "Match (GLR)", "Symmetric match")
#: Above this many pedigree members, body LRs come from placing each body (see
#: :func:`column_log10_lr`).
POSTERIOR_MAX_MEMBERS = 40
#: Inconsistent markers (without mutation) that flag a reference on their own.
FLAG_INCONSISTENT = 2


@dataclass(frozen=True)
class ReferenceCheck:
    """One reference tested against its family without it."""

    family: str
    reference: str
    inconsistent_markers: int
    log10_lr: float
    flagged: bool


@dataclass(frozen=True)
class Alternative:
    """A changed pedigree for one missing person's family, with the words that name it."""

    correction: str
    pedigree: Pedigree
    genotypes: IntArray


@dataclass(frozen=True)
class Correction:
    """A body named for a missing person only under a corrected pedigree."""

    family: str
    missing: str
    sample: str
    lr: float
    lr_stated: float
    pedigree_correction: str
    conclusion: str = "Undisputed"


def check_references(problem: DviProblem, threshold: float = 1e4) -> list[ReferenceCheck]:
    """Every typed reference of every family with two or more, tested without it."""
    out: list[ReferenceCheck] = []
    for fam in problem.families:
        refs = _typed(fam)
        if len(refs) < 2:
            continue
        full = loglik(fam.pedigree, problem.markers, fam.genotypes).per_marker
        plain = loglik(fam.pedigree, problem.markers, fam.genotypes, mutation=False).per_marker
        for ref in refs:
            i = fam.pedigree.index(ref)
            g = fam.genotypes.copy()
            g[i] = MISSING
            without = loglik(fam.pedigree, problem.markers, g).per_marker
            plain_without = loglik(fam.pedigree, problem.markers, g, mutation=False).per_marker
            alone = _singletons(problem.markers, fam.genotypes[i])
            bad = int(np.sum(np.isneginf(plain) & np.isfinite(plain_without)))
            log10 = float(np.sum(full - without - alone)) / math.log(10)
            flagged = bad >= FLAG_INCONSISTENT or log10 <= -math.log10(threshold)
            out.append(ReferenceCheck(fam.id, ref, bad, log10, flagged))
    return out


def alternatives(
    family: Family, missing: str, suspects: set[str] | None = None
) -> Iterator[Alternative]:
    """The pedigrees in which one reference of ``family`` is not what the family said; swaps
    only of pairs with a reference in ``suspects`` when given (flagged references)."""
    ped, g = family.pedigree, family.genotypes
    m = ped.index(missing)
    refs = _typed(family)
    for ref in refs:
        r = ped.index(ref)
        left_out = g.copy()
        left_out[r] = MISSING
        yield Alternative(f"{ref}'s sample does not fit the stated pedigree", ped, left_out)
        if ped.father(m) == r:
            yield _relinked(f"{ref} is not the biological father of {missing}", family,
                            missing, father=True)  # fmt: skip
        if ped.mother(m) == r:
            yield _relinked(f"{ref} is not the biological mother of {missing}", family,
                            missing, father=False)  # fmt: skip
        if ped.father(r) == m or ped.mother(r) == m:
            yield _relinked(f"{ref} is not the biological child of {missing}", family, ref,
                            father=ped.father(r) == m)  # fmt: skip
        if ped.father(r) is not None and (ped.father(r), ped.mother(r)) == (
            ped.father(m),
            ped.mother(m),
        ):
            text = f"{ref} is a half sibling of {missing}, not a full sibling"
            for father in (True, False):
                yield _relinked(text, family, ref, father=father)
    for a, ref_a in enumerate(refs):
        for ref_b in refs[a + 1 :]:
            if suspects is not None and not {ref_a, ref_b} & suspects:
                continue
            swapped = g.copy()
            ia, ib = ped.index(ref_a), ped.index(ref_b)
            swapped[[ia, ib]] = g[[ib, ia]]
            yield Alternative(f"the samples of {ref_a} and {ref_b} are swapped", ped, swapped)


def column_log10_lr(
    pedigree: Pedigree,
    genotypes: IntArray,
    missing: str,
    markers: Sequence[Marker],
    bodies: IntArray,
    rows: NDArray[np.bool_] | None = None,
) -> FloatArray:
    """log10 LR of each body (rows of ``bodies``, shape (n_bodies, n_markers, 2)) being
    ``missing``: ``sum_k log10 P(G_M = g_k | data) / P_pop(g_k)`` (``-inf`` outside ``rows``
    when given). Small loop-free pedigrees use one genotype posterior per marker; looped or
    large ones (above ``POSTERIOR_MAX_MEMBERS`` members, or when the posterior does not fit in
    memory) place each body and take ``L(data, body) / (L(data) P_pop(body))``. Raises
    :class:`KinshipError` when the family's data are impossible."""
    if pedigree.has_loops or pedigree.n > POSTERIOR_MAX_MEMBERS:
        return _placed_log10_lr(pedigree, genotypes, missing, markers, bodies, rows)
    target = pedigree.index(missing)
    total = np.zeros(bodies.shape[0])
    try:
        for k, marker in enumerate(markers):
            post = genotype_posterior(pedigree, marker, genotypes[:, k], target)
            total += _marker_log10_lr(marker, post, bodies[:, k])
    except MemoryError:
        return _placed_log10_lr(pedigree, genotypes, missing, markers, bodies, rows)
    return total if rows is None else np.where(rows, total, -np.inf)


def _placed_log10_lr(
    pedigree: Pedigree,
    genotypes: IntArray,
    missing: str,
    markers: Sequence[Marker],
    bodies: IntArray,
    rows: NDArray[np.bool_] | None,
) -> FloatArray:
    base = loglik(pedigree, markers, genotypes).per_marker
    if np.any(np.isneginf(base)):
        raise KinshipError(f"the data of the family of '{missing}' are impossible")
    target = pedigree.index(missing)
    out = np.full(bodies.shape[0], -np.inf)
    for v in range(bodies.shape[0]) if rows is None else np.flatnonzero(rows):
        g = genotypes.copy()
        g[target] = bodies[v]
        ll = loglik(pedigree, markers, g).per_marker - base - _singletons(markers, bodies[v])
        out[v] = float(ll.sum()) / math.log(10)
    return out


def find_corrections(
    problem: DviProblem,
    stated_lr: FloatArray,
    named: dict[str, str],
    threshold: float = 1e4,
    suspects: set[str] | None = None,
) -> list[Correction]:
    """Bodies named only under a corrected pedigree (rules in the module docstring).

    ``stated_lr`` is the pairwise LR matrix (victims x missing, NaN for non-candidates) under
    the stated pedigrees; ``named`` maps each missing person the solver settled to its body
    (``"V2/V3"`` for a symmetric match); ``suspects`` (the flagged references, when given)
    limits the swapped-sample alternatives to pairs with a suspect.
    """
    bodies = np.stack([v.genotypes for v in problem.victims])
    taken = {v for sample in named.values() for v in sample.split("/")}
    open_rows = np.array([v.id not in taken for v in problem.victims])
    stated = np.nan_to_num(stated_lr, nan=0.0)
    out: list[Correction] = []
    for j, missing in enumerate(problem.missing):
        if missing in named:
            continue
        found = _best_alternative(problem, missing, bodies, open_rows, threshold, suspects)
        if found is None:
            continue
        v, lr, text = found
        others = np.delete(stated[v], j)
        if np.any(others * threshold > lr):
            continue
        fam = problem.family_of(missing)
        out.append(Correction(fam.id, missing, problem.victims[v].id, lr,
                              float(stated[v, j]), text))  # fmt: skip
    return out


def check_json(ctx: DviContext, conclusions: Sequence[Conclusion], threshold: float
               ) -> dict[str, Any]:  # fmt: skip
    """The ``pedigree_check`` field of ``exhume kinship solve``: flagged references and
    identifications under corrected pedigrees (each ``"review": "required"``)."""
    problem = ctx.problem
    named = {c.missing: c.sample for c in conclusions if c.conclusion in SETTLED and c.sample}
    flagged = [r for r in check_references(problem, threshold) if r.flagged]
    suspects = {r.reference for r in flagged}
    corrections = find_corrections(problem, pairwise_lr(ctx), named, threshold, suspects)
    return {
        "flagged_references": [
            {"family": r.family, "reference": r.reference,
             "inconsistent_markers": r.inconsistent_markers,
             "log10_lr": r.log10_lr if math.isfinite(r.log10_lr) else None}
            for r in flagged
        ],
        "corrections": [
            {"family": c.family, "missing": c.missing, "sample": c.sample,
             "lr": c.lr if math.isfinite(c.lr) else None, "lr_stated": c.lr_stated,
             "conclusion": c.conclusion, "pedigree_correction": c.pedigree_correction,
             "review": "required"}
            for c in corrections
        ],
    }  # fmt: skip


# -- internals ------------------------------------------------------------------------------


def _best_alternative(
    problem: DviProblem,
    missing: str,
    bodies: IntArray,
    open_rows: NDArray[np.bool_],
    threshold: float,
    suspects: set[str] | None,
) -> tuple[int, float, str] | None:
    """The body every passing alternative agrees on, its best LR and that alternative."""
    fam = problem.family_of(missing)
    best: tuple[int, float, str] | None = None
    log_t = math.log10(threshold)
    for alt in alternatives(fam, missing, suspects):
        try:
            col = column_log10_lr(alt.pedigree, alt.genotypes, missing, problem.markers, bodies,
                                  open_rows & _sex_ok(problem, missing))  # fmt: skip
        except KinshipError:
            continue
        order = np.argsort(-col)
        top = float(col[order[0]])
        second = float(col[order[1]]) if col.size > 1 else -math.inf
        if top < log_t or top - second < log_t:
            continue
        v = int(order[0])
        if best is not None and best[0] != v:
            return None
        if best is None or top > math.log10(best[1]):
            best = (v, 10.0**top, alt.correction)
    return best


def _sex_ok(problem: DviProblem, missing: str) -> NDArray[np.bool_]:
    fam = problem.family_of(missing)
    sex = int(fam.pedigree.sex[fam.pedigree.index(missing)])
    vs = np.array([v.sex for v in problem.victims])
    ok: NDArray[np.bool_] = (sex == 0) | (vs == 0) | (vs == sex)
    return ok


def _marker_log10_lr(marker: Marker, post: FloatArray, g: IntArray) -> FloatArray:
    """Per-body log10 ``P(G_M = g | data) / P_pop(g)`` at one marker; ``g`` is (n_bodies, 2)."""
    n = marker.n_alleles
    p = marker.afreq
    grid = np.zeros((n, n))
    rows, cols = np.triu_indices(n)
    grid[rows, cols] = post
    grid[cols, rows] = post
    a, b = g[:, 0], g[:, 1]
    both = (a >= 0) & (b >= 0)
    one = (a >= 0) ^ (b >= 0)
    known = np.where(a >= 0, a, b).clip(0)
    aa, bb = a.clip(0), b.clip(0)
    hw = np.where(aa == bb, p[aa] ** 2, 2 * p[aa] * p[bb])
    pk = p[known]
    with np.errstate(divide="ignore", invalid="ignore"):
        full = np.log10(grid[aa, bb]) - np.log10(hw)
        half = np.log10(grid[known].sum(axis=1)) - np.log10(pk * pk + 2 * pk * (1 - pk))
    out: FloatArray = np.where(both, full, np.where(one, half, 0.0))
    return out


def _relinked(text: str, family: Family, child: str, *, father: bool) -> Alternative:
    """The family with ``child``'s father (or mother) replaced by a new untyped founder."""
    ped = family.pedigree
    new = _new_parent(ped, child, father=father)
    return Alternative(text, new, carry_genotypes(ped, family.genotypes, new))


def _new_parent(ped: Pedigree, child: str, *, father: bool) -> Pedigree:
    i = ped.index(child)
    fa, mo = ped.father(i), ped.mother(i)
    new, ident = add_founder(ped, f"{child}_true_{'father' if father else 'mother'}",
                             1 if father else 2)  # fmt: skip
    keep_fa = None if fa is None else ped.ids[fa]
    keep_mo = None if mo is None else ped.ids[mo]
    return set_parents(new, child, ident if father else keep_fa, keep_mo if father else ident)


def _typed(fam: Family) -> list[str]:
    typed = (fam.genotypes >= 0).any(axis=(1, 2))
    return [fam.pedigree.ids[i] for i in np.flatnonzero(typed) if fam.pedigree.ids[i]
            not in fam.missing]  # fmt: skip


def _singletons(markers: Sequence[Marker], g: IntArray) -> FloatArray:
    """Per-marker natural-log Hardy-Weinberg likelihood of one person's genotypes."""
    ped = Pedigree.singleton("x", 0)
    return loglik(ped, markers, g[None]).per_marker
