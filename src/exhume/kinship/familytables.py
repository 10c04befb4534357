"""Conditional genotype distributions of missing persons, batched over families.

For every family that shares a pedigree shape and a typed pattern at a marker,
:func:`family_posterior_batch` gives ``P(G_target = g | typed relatives)`` over unordered
genotypes (``np.triu_indices`` order) in one NumPy pass. Nuclear families go through
the closed-form kernels of :mod:`exhume.kinship.familykernels` (O(2^k n^2) per family); any
other pedigree through a general variable elimination over allele variables with
``einsum``. Both are checked against :func:`exhume.kinship.likelihood.genotype_posterior`;
screening (:mod:`exhume.kinship.screening`) turns these distributions into log LR tables.
"""

from __future__ import annotations

import itertools
import string
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from exhume.errors import KinshipError
from exhume.kinship._familyloops import fold
from exhume.kinship.familykernels import Transmissions, mendelian, nuclear_joint
from exhume.kinship.genotypes import (
    TWO_ALLELES,
    allele_incidence,
    n_genotypes,
    transmission,
    transmission_tensor,
    typed_pattern,
)
from exhume.kinship.likelihood import genotype_posterior
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_BATCH = "Z"
_VARS = string.ascii_letters.replace(_BATCH, "")
_PATH_F = 256  # batch size assumed when choosing a contraction order
#: Largest pedigree (after pruning) that the batched path handles (two letters per person).
MAX_BATCHED_INDIVIDUALS = len(_VARS) // 2

# -- batched conditional genotype distribution ---------------------------------------------


@lru_cache(maxsize=512)
def _parent_matrices(marker: Marker, mutation: bool) -> Transmissions:
    n = marker.n_alleles
    if not mutation or marker.mutation is None:
        eye = mendelian(n)
        return {MALE: (eye, transmission_tensor(eye)), FEMALE: (eye, transmission_tensor(eye))}
    male, female = marker.mutation.male, marker.mutation.female
    return {
        MALE: (male, transmission_tensor(male)),
        FEMALE: (female, transmission_tensor(female)),
    }


def relevant_individuals(ped: Pedigree, target: int, typed: NDArray[np.bool_]) -> list[int]:
    """Individuals that bear on the target: repeatedly drop untyped childless non-targets
    (their factors sum to 1), then keep the target's connected part (the rest only scales
    the likelihood). In pedigree order; parents of a kept individual are always kept."""
    alive = set(range(ped.n))
    changed = True
    while changed:
        changed = False
        for i in sorted(alive):
            if i == target or typed[i]:
                continue
            if not any(int(c) in alive for c in ped.children_of(i)):
                alive.discard(i)
                changed = True
    linked = {target}
    stack = [target]
    while stack:
        i = stack.pop()
        near = [ped.father(i), ped.mother(i), *(int(c) for c in ped.children_of(i))]
        for j in near:
            if j is not None and j in alive and j not in linked:
                linked.add(j)
                stack.append(j)
    return sorted(linked)


@lru_cache(maxsize=4096)
def _relevant_cached(ped: Pedigree, target: int, typed: tuple[bool, ...]) -> list[int]:
    return relevant_individuals(ped, target, np.array(typed, dtype=bool))


_Fixed = NDArray[np.int64] | None
_Branch = tuple[_Fixed, _Fixed, FloatArray]


def _branches(kind: int, geno: NDArray[np.int64], founder: bool) -> list[_Branch]:
    """Phase branches of one typed individual: fixed (paternal, maternal) alleles and weights.

    A full genotype ``a/b`` is ``(a, b) + (b, a)``, the second dropped for homozygotes. A
    one-allele observation ``a`` is ``(a, ·) + (·, a) - (a, a)`` (inclusion-exclusion). A
    founder's two alleles enter every factor symmetrically (prior ``p_u p_v``, transmission
    ``K[u, v, x] = K[v, u, x]``), so its branches collapse: ``(1 + [a != b]) (a, b)`` and
    ``2 (a, ·) - (a, a)``.
    """
    a, b = geno[:, 0], geno[:, 1]
    one = np.ones(a.shape[0])
    het = (a != b).astype(np.float64)
    if kind == TWO_ALLELES:
        if founder:
            return [(a, b, one + het)]
        return [(a, b, one), (b, a, het)]
    if founder:
        return [(a, None, 2 * one), (a, a, -one)]
    return [(a, None, one), (None, a, one), (a, a, -one)]


def _transmission(mat: FloatArray, fu: _Fixed, fv: _Fixed, fx: _Fixed, n_fam: int) -> FloatArray:
    """``K[u, v, x] = (M[u, x] + M[v, x]) / 2`` with the fixed axes indexed per family, as
    ``(F, free axes...)``, built from two gathers of ``M`` (never the ``n^3`` tensor)."""
    n = mat.shape[0]

    def half(fr: _Fixed, fc: _Fixed, other_free: bool, first: bool) -> FloatArray:
        if fr is None and fc is None:
            part: FloatArray = mat[None]
        elif fr is None:
            part = mat[:, fc].T
        elif fc is None:
            part = mat[fr]
        else:
            part = mat[fr, fc]
        shape = [part.shape[0]]
        dims = [(fr is None, n), (other_free, 1)] if first else [(other_free, 1), (fr is None, n)]
        shape += [size for free, size in dims if free]
        shape += [n] if fc is None else []
        return part.reshape(shape)

    out: FloatArray = transmission(half(fu, fx, fv is None, True), half(fv, fx, fu is None, False))
    if out.shape[0] != n_fam:
        out = np.broadcast_to(out, (n_fam, *out.shape[1:]))
    return out


@lru_cache(maxsize=4096)
def _einsum_path(expr: str, shapes: tuple[tuple[int, ...], ...]) -> tuple[object, ...]:
    dummies = [np.broadcast_to(np.zeros(1), s) for s in shapes]
    path, _ = np.einsum_path(expr, *dummies, optimize="greedy")
    return tuple(path)


def family_posterior_batch(
    ped: Pedigree,
    target: int,
    marker: Marker,
    genotypes: NDArray[np.integer],
    *,
    mutation: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``P(G_target = g | typed relatives)`` for ``F`` families of one pedigree shape.

    ``genotypes`` is ``(F, n_individuals, 2)`` at ``marker``; every family must have the same
    typed pattern (untyped / full / one allele) for every individual but the target. The
    target's own observation (a direct reference) multiplies the result. Returns the
    conditional distribution ``(F, n(n+1)/2)`` in ``np.triu_indices`` order, the conditional
    probability ``(F, n)`` that the target carries allele ``a`` (what a one-allele observation
    ``(a, -1)`` sees) and the likelihood of the data ``(F,)``; a family whose data are
    impossible gets likelihood 0 and zero rows.

    Founder alleles are independent with the population frequencies; a child's paternal
    allele is ``x`` with probability ``K[u, v, x]`` (see
    :func:`~exhume.kinship.genotypes.transmission`) given the father's alleles ``u, v`` (male
    mutation matrix), the maternal one likewise.
    """
    geno = _normalised(genotypes)
    n_fam, n = geno.shape[0], marker.n_alleles
    kinds = typed_pattern(geno[0])
    typed = kinds > 0
    typed[target] = False
    keep = _relevant_cached(ped, target, tuple(typed.tolist()))
    tensors = _parent_matrices(marker, mutation)
    fast = nuclear_joint(ped, target, keep, kinds, geno, marker, tensors)
    if fast is not None:
        return _fold(fast, geno[:, target])
    if len(keep) > MAX_BATCHED_INDIVIDUALS:
        return _engine_posteriors(ped, target, marker, geno, mutation)
    letter = {(i, s): _VARS[2 * k + s] for k, i in enumerate(keep) for s in (0, 1)}
    typed_ids = [i for i in keep if typed[i]]
    choices = [_branches(int(kinds[i]), geno[:, i], ped.father(i) is None) for i in typed_ids]
    joint = np.zeros((n_fam, n, n))
    for combo in itertools.product(*choices):
        fixed: dict[tuple[int, int], NDArray[np.int64]] = {}
        weight = np.ones(n_fam)
        for i, (pat, mat, w) in zip(typed_ids, combo, strict=True):
            weight = weight * w
            for s, val in ((0, pat), (1, mat)):
                if val is not None:
                    fixed[(i, s)] = val
        joint += _combo_joint(ped, target, marker, tensors, keep, letter, fixed, weight)
    return _fold(joint, geno[:, target])


def _combo_joint(
    ped: Pedigree,
    target: int,
    marker: Marker,
    tensors: Transmissions,
    keep: list[int],
    letter: dict[tuple[int, int], str],
    fixed: dict[tuple[int, int], NDArray[np.int64]],
    weight: FloatArray,
) -> FloatArray:
    """Joint probability of the fixed alleles and the target's ordered genotype ``(F, n, n)``."""
    n_fam = weight.shape[0]
    operands: list[FloatArray] = []
    subs: list[str] = []
    for i in keep:
        parents = (ped.father(i), ped.mother(i))
        for s in (0, 1):
            parent = parents[s]
            if parent is None:
                own = fixed.get((i, s))
                if own is None:
                    operands.append(marker.afreq)
                    subs.append(letter[(i, s)])
                else:
                    weight = weight * marker.afreq[own]
                continue
            slots = [(parent, 0), (parent, 1), (i, s)]
            mat, tensor = tensors[MALE if s == 0 else FEMALE]
            free = "".join(letter[k] for k in slots if k not in fixed)
            if len(free) == 3:
                operands.append(tensor)
                subs.append(free)
                continue
            fu, fv, fx = (fixed.get(k) for k in slots)
            gathered = _transmission(mat, fu, fv, fx, n_fam)
            if free:
                operands.append(gathered)
                subs.append(_BATCH + free)
            else:
                weight = weight * gathered
    operands.append(weight)
    subs.append(_BATCH)
    operands, subs = _merge_same(operands, subs)
    expr = ",".join(subs) + "->" + _BATCH + letter[(target, 0)] + letter[(target, 1)]
    shapes = tuple(
        (_PATH_F, *op.shape[1:]) if sub.startswith(_BATCH) else op.shape
        for op, sub in zip(operands, subs, strict=True)
    )
    path = _einsum_path(expr, shapes)
    out: FloatArray = np.einsum(expr, *operands, optimize=list(path))
    return out


def _engine_posteriors(
    ped: Pedigree, target: int, marker: Marker, geno: NDArray[np.int64], mutation: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One family at a time through the likelihood engine, for pedigrees too large for the
    batched path; impossible data give zero rows and likelihood 0."""
    n = marker.n_alleles
    post = np.zeros((geno.shape[0], n_genotypes(n)))
    lik = np.zeros(geno.shape[0])
    for f in range(geno.shape[0]):
        try:
            post[f] = genotype_posterior(ped, marker, geno[f], target, mutation=mutation)
        except KinshipError:
            continue
        lik[f] = 1.0
    return post, post @ allele_incidence(n), lik


def _merge_same(operands: list[FloatArray], subs: list[str]) -> tuple[list[FloatArray], list[str]]:
    """Multiply factors with the same variables together (elementwise) before contracting,
    so that the contraction order never forms outer products of big batched factors."""
    merged: dict[str, FloatArray] = {}
    for op, sub in zip(operands, subs, strict=True):
        merged[sub] = merged[sub] * op if sub in merged else op
    return list(merged.values()), list(merged.keys())


def _normalised(genotypes: NDArray[np.integer]) -> NDArray[np.int64]:
    """Copy with a one-allele observation written ``(a, -1)``."""
    g = np.array(genotypes, dtype=np.int64)
    swap = (g[..., 0] < 0) & (g[..., 1] >= 0)
    g[swap] = g[swap][:, ::-1]
    return g


def _fold(
    joint: FloatArray, target_geno: NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """From the ordered joint ``J (F, n, n)``: the normalised unordered distribution
    ``U({a,b}) = J(a,b) + J(b,a)`` (``J(a,a)`` on the diagonal) times the target's own
    observation, the probability of a one-allele observation ``sum_{g ∋ a} U(g)`` (which is
    ``rowsum(J)_a + colsum(J)_a - J(a,a)``), and the likelihood ``sum U``."""
    return fold(np.ascontiguousarray(joint), target_geno)


# -- log tables ------------------------------------------------------------------------------
