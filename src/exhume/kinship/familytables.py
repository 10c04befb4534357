"""Conditional genotype distributions of missing persons, batched over families.

For every family that shares a pedigree shape and a typed pattern at a marker,
:func:`family_posterior_batch` gives ``P(G_target = g | typed relatives)`` over unordered
genotypes (``np.triu_indices`` order) in one NumPy pass. Closed-form kernels cover the target
alone, the target with founder parents and full siblings (or with untyped parents whose founder
parents and siblings are typed: grandparents, uncles), and a founder target with a spouse and
their children; they enumerate the phases of the typed children and sum an untyped founder's
alleles through subset products, so each family costs O(2^k n^2). Any other pedigree goes
through a general variable elimination over allele variables with ``einsum``. Both are checked
against :func:`exhume.kinship.likelihood.genotype_posterior`; screening
(:mod:`exhume.kinship.screening`) turns these distributions into log LR tables.
"""

from __future__ import annotations

import itertools
import string
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from exhume.errors import KinshipError
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

# Typed pattern codes of one individual at one marker.
UNTYPED, FULL, PARTIAL = 0, 1, 2


# -- genotype bookkeeping ---------------------------------------------------------------------


def n_genotypes(n_alleles: int) -> int:
    """Number of unordered genotypes, ``n (n + 1) / 2``."""
    return n_alleles * (n_alleles + 1) // 2


@lru_cache(maxsize=256)
def _triu(n: int) -> tuple[IntArray, IntArray]:
    a, b = np.triu_indices(n)
    return a.astype(np.int64), b.astype(np.int64)


def genotype_rows(n_alleles: int, genotypes: NDArray[np.integer]) -> IntArray:
    """Table row of each observation ``(..., 2)``: unordered genotype index for ``a/b``,
    ``n(n+1)/2 + a`` for a one-allele observation, ``n(n+1)/2 + n`` when untyped.

    The genotype index of ``a <= b`` is its position in ``np.triu_indices(n)`` order,
    ``a n - a (a - 1) / 2 + (b - a)``.
    """
    g = np.asarray(genotypes, dtype=np.int64)
    x, y = g[..., 0], g[..., 1]
    lo, hi = np.minimum(x, y), np.maximum(x, y)
    full = lo * n_alleles - lo * (lo - 1) // 2 + (hi - lo)
    ng = n_genotypes(n_alleles)
    rows = np.where(lo >= 0, full, np.where(hi >= 0, ng + hi, ng + n_alleles))
    return rows.astype(np.int64)


def typed_pattern(genotypes: NDArray[np.integer]) -> NDArray[np.int8]:
    """:data:`UNTYPED`, :data:`FULL` or :data:`PARTIAL` for each observation ``(..., 2)``."""
    g = np.asarray(genotypes)
    n_known = (g >= 0).sum(axis=-1)
    return np.where(n_known == 2, FULL, np.where(n_known == 1, PARTIAL, UNTYPED)).astype(np.int8)


def hardy_weinberg(afreq: FloatArray) -> FloatArray:
    """Population genotype probabilities in triu order: ``p_a^2`` or ``2 p_a p_b``."""
    a, b = _triu(afreq.shape[0])
    return np.where(a == b, 1.0, 2.0) * afreq[a] * afreq[b]


def allele_incidence(n_alleles: int) -> FloatArray:
    """``C[g, a] = 1`` when unordered genotype ``g`` contains allele ``a``."""
    a, b = _triu(n_alleles)
    inc = np.zeros((a.shape[0], n_alleles))
    rows = np.arange(a.shape[0])
    inc[rows, a] = 1.0
    inc[rows, b] = 1.0
    return inc


# -- batched conditional genotype distribution ---------------------------------------------


def transmission_tensor(mat: FloatArray) -> FloatArray:
    """``K[u, v, x] = (M[u, x] + M[v, x]) / 2``: a parent with alleles ``u, v`` passes ``x``."""
    return 0.5 * (mat[:, None, :] + mat[None, :, :])


_Transmission = tuple[FloatArray, FloatArray]  # (M, K) of one parent sex


@lru_cache(maxsize=512)
def _parent_matrices(marker: Marker, mutation: bool) -> dict[int, _Transmission]:
    n = marker.n_alleles
    if not mutation or marker.mutation is None:
        eye = _identity(n)
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
    if kind == FULL:
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

    out: FloatArray = 0.5 * (half(fu, fx, fv is None, True) + half(fv, fx, fu is None, False))
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
    allele is ``x`` with probability ``K[u, v, x]`` (:func:`transmission_tensor`) given the
    father's alleles ``u, v`` (male mutation matrix), the maternal one likewise.
    """
    geno = _normalised(genotypes)
    n_fam, n = geno.shape[0], marker.n_alleles
    kinds = typed_pattern(geno[0])
    typed = kinds > 0
    typed[target] = False
    keep = _relevant_cached(ped, target, tuple(typed.tolist()))
    tensors = _parent_matrices(marker, mutation)
    fast = _fast_joint(ped, target, keep, kinds, geno, marker, tensors)
    if fast is not None:
        return _fold(fast, geno[:, target], n)
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
    return _fold(joint, geno[:, target], n)


def _combo_joint(
    ped: Pedigree,
    target: int,
    marker: Marker,
    tensors: dict[int, _Transmission],
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


# -- fast kernels for nuclear families -------------------------------------------------------


def _fast_joint(
    ped: Pedigree,
    target: int,
    keep: list[int],
    kinds: NDArray[np.int8],
    geno: NDArray[np.int64],
    marker: Marker,
    tensors: dict[int, _Transmission],
) -> FloatArray | None:
    """The ordered joint ``(F, n, n)`` by a closed-form kernel when the relevant pedigree is
    the target alone, the target with its two founder parents and full siblings, or the
    target (a founder) with one founder spouse and their children, every typed member fully
    typed; ``None`` otherwise (the general path is used)."""
    others = [i for i in keep if i != target]
    if any(kinds[i] == PARTIAL for i in others):
        return None
    p = marker.afreq
    n_fam = geno.shape[0]
    if not others:
        return np.broadcast_to(np.outer(p, p), (n_fam, p.shape[0], p.shape[0])).copy()
    fa, mo = ped.father(target), ped.mother(target)
    if fa is not None and mo is not None:
        return _child_kernel(ped, target, others, kinds, geno, p, tensors, fa, mo)
    if fa is None:
        return _founder_kernel(ped, target, others, kinds, geno, p, tensors)
    return None


def _phase_combos(
    child_geno: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]:
    """All phase assignments of ``k`` fully typed children ``(F, k, 2)``: alleles from the
    father and from the mother ``(F, C, k)`` with ``C = 2^k``, and weights ``(F, C)`` (0 for
    the duplicate phase of a homozygote)."""
    k = child_geno.shape[1]
    bits = (np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1  # (C, k)
    a, b = child_geno[:, None, :, 0], child_geno[:, None, :, 1]
    from_father = np.where(bits[None] == 0, a, b)
    from_mother = np.where(bits[None] == 0, b, a)
    dup = (bits[None] == 1) & (a == b)
    weight = np.where(dup.any(axis=2), 0.0, 1.0)
    return from_father, from_mother, weight


def _subset_products(cols: FloatArray) -> FloatArray:
    """``P_S(u) = prod_{c in S} cols[..., c, u]`` for every subset ``S`` of the ``k`` columns
    (axis -2), bit ``c`` of the subset index selecting column ``c``: ``(..., 2^k, n)``."""
    k = cols.shape[-2]
    out = np.empty((*cols.shape[:-2], 2**k, cols.shape[-1]))
    out[..., 0, :] = 1.0
    for c in range(k):
        np.multiply(
            out[..., : 2**c, :], cols[..., c : c + 1, :], out=out[..., 2**c : 2 ** (c + 1), :]
        )
    return out


def _untyped_parent(p: FloatArray, mat: FloatArray, alleles: NDArray[np.int64]) -> FloatArray:
    """Message to the target's allele from an untyped founder parent whose other children
    received ``alleles`` ``(F, C, k)``:

        A(x) = sum_{u,v} p_u p_v prod_c (M[u,a_c] + M[v,a_c])/2 (M[u,x] + M[v,x])/2
             = 2^-k (sum_S s_{S^c} q_S) M,   q_S = p * prod_{c in S} M[:, a_c],  s = sum q.
    """
    k = alleles.shape[-1]
    q = p * _subset_products(mat.T[alleles])  # (F, C, 2^k, n)
    s = q.sum(axis=-1)
    comp = s[..., ::-1]  # complement subset: index 2^k - 1 - S
    weighted: FloatArray = np.einsum("fcs,fcsn->fcn", comp, q) * 0.5**k
    if _is_identity(mat):
        return weighted
    out: FloatArray = weighted @ mat
    return out


def _is_identity(mat: FloatArray) -> bool:
    """True for the Mendelian (no mutation) matrix, whose products can be skipped."""
    return bool(mat.flags.writeable is False and mat.shape[0] > 0 and mat[0, 0] == 1.0) and bool(
        np.array_equal(mat, _identity(mat.shape[0]))
    )


@lru_cache(maxsize=256)
def _identity(n: int) -> FloatArray:
    eye = np.eye(n)
    eye.setflags(write=False)
    return eye


def _typed_parent(
    p: FloatArray, mat: FloatArray, parent: NDArray[np.int64], alleles: NDArray[np.int64]
) -> FloatArray:
    """Message from a fully typed founder parent ``(u, v)`` ``(F, 2)``: its genotype
    probability times ``prod_c (M[u,a_c] + M[v,a_c])/2`` times ``(M[u,x] + M[v,x])/2``."""
    u, v = parent[:, 0], parent[:, 1]
    own = 0.5 * (mat[u] + mat[v])  # (F, n)
    out: FloatArray = _typed_spouse(p, mat, parent, alleles)[..., None] * own[:, None, :]
    return out


def _typed_spouse(
    p: FloatArray, mat: FloatArray, parent: NDArray[np.int64], alleles: NDArray[np.int64]
) -> FloatArray:
    """``P(u/v) prod_c (M[u,a_c] + M[v,a_c])/2`` for a typed founder parent, ``(F, C)``."""
    u, v = parent[:, 0], parent[:, 1]
    prior = p[u] * p[v] * np.where(u == v, 1.0, 2.0)
    kids = 0.5 * (mat[u[:, None, None], alleles] + mat[v[:, None, None], alleles])
    out: FloatArray = prior[:, None] * kids.prod(axis=-1)
    return out


def _child_kernel(
    ped: Pedigree,
    target: int,
    others: list[int],
    kinds: NDArray[np.int8],
    geno: NDArray[np.int64],
    p: FloatArray,
    tensors: dict[int, _Transmission],
    fa: int,
    mo: int,
) -> FloatArray | None:
    """Target with two parents: ``J(x, y) = sum_C w_C A_C(x) B_C(y)`` over the phases ``C``
    of the full siblings. Each parent is a typed founder, an untyped founder, or an untyped
    non-founder with founder parents (the grandparents, with their other children) when the
    target has no siblings."""
    sibs = [i for i in others if ped.father(i) == fa and ped.mother(i) == mo]
    if any(kinds[i] != FULL or ped.children_of(i).size for i in sibs):
        return None
    from_f, from_m, weight = _phase_combos(geno[:, sibs])
    used = {fa, mo, *sibs}
    sides = []
    for parent, alleles, sex in ((fa, from_f, MALE), (mo, from_m, FEMALE)):
        mat = tensors[sex][0]
        if ped.father(parent) is None:
            if kinds[parent] == FULL and parent in others:
                sides.append(_typed_parent(p, mat, geno[:, parent], alleles))
            else:
                sides.append(_untyped_parent(p, mat, alleles))
            continue
        if sibs or parent not in others or kinds[parent] != UNTYPED:
            return None
        side = _grand_message(ped, parent, others, kinds, geno, p, tensors, mat, used)
        if side is None:
            return None
        sides.append(side[:, None, :])
    if used != set(others):
        return None
    left = sides[0] * weight[..., None]
    joint: FloatArray = np.matmul(left.transpose(0, 2, 1), sides[1])
    return joint


def _grand_message(
    ped: Pedigree,
    parent: int,
    others: list[int],
    kinds: NDArray[np.int8],
    geno: NDArray[np.int64],
    p: FloatArray,
    tensors: dict[int, _Transmission],
    mat: FloatArray,
    used: set[int],
) -> FloatArray | None:
    """Message ``(F, n)`` to the target's allele from an untyped parent ``P`` whose parents
    are founders (typed or not) with other fully typed children (the target's uncles/aunts):
    ``A(x) = sum_C w_C [(alpha_C M)(x) sum(beta_C) + sum(alpha_C) (beta_C M)(x)] / 2`` where
    ``alpha_C(u)``, ``beta_C(v)`` are the messages to ``P``'s paternal and maternal alleles."""
    gf, gm = ped.father(parent), ped.mother(parent)
    if gf is None or gm is None:
        return None
    if ped.father(gf) is not None or ped.father(gm) is not None:
        return None
    uncles = [i for i in others if i != parent and ped.father(i) == gf and ped.mother(i) == gm]
    if any(kinds[i] != FULL or ped.children_of(i).size for i in uncles):
        return None
    from_f, from_m, weight = _phase_combos(geno[:, uncles])
    msgs = []
    for grand, alleles, sex in ((gf, from_f, MALE), (gm, from_m, FEMALE)):
        gmat = tensors[sex][0]
        if kinds[grand] == FULL:
            msgs.append(_typed_parent(p, gmat, geno[:, grand], alleles))
        else:
            msgs.append(_untyped_parent(p, gmat, alleles))
    alpha, beta = msgs
    a_sum, b_sum = alpha.sum(axis=-1, keepdims=True), beta.sum(axis=-1, keepdims=True)
    per_combo = 0.5 * ((alpha @ mat) * b_sum + a_sum * (beta @ mat))
    used.update({parent, gf, gm, *uncles})
    out: FloatArray = (per_combo * weight[..., None]).sum(axis=1)
    return out


def _founder_kernel(
    ped: Pedigree,
    target: int,
    others: list[int],
    kinds: NDArray[np.int8],
    geno: NDArray[np.int64],
    p: FloatArray,
    tensors: dict[int, _Transmission],
) -> FloatArray | None:
    """Founder target, one founder spouse and their fully typed children:
    ``J(x, y) = p_x p_y sum_C w_C spouse_C 2^-k sum_S P_S(x) P_{S^c}(y)`` with
    ``P_S(x) = prod_{c in S} M_T[x, t_c]`` over the alleles ``t_c`` the children got from the
    target."""
    spouses = [i for i in others if ped.father(i) is None]
    kids = [i for i in others if ped.father(i) is not None]
    if len(spouses) != 1 or not kids:
        return None
    sp = spouses[0]
    male = ped.father(kids[0]) == target
    parents = (target, sp) if male else (sp, target)
    if any((ped.father(c), ped.mother(c)) != parents or kinds[c] != FULL for c in kids):
        return None
    from_f, from_m, weight = _phase_combos(geno[:, kids])
    t_alleles, s_alleles = (from_f, from_m) if male else (from_m, from_f)
    t_mat = tensors[MALE if male else FEMALE][0]
    s_mat = tensors[FEMALE if male else MALE][0]
    if kinds[sp] == FULL:
        spouse = _typed_spouse(p, s_mat, geno[:, sp], s_alleles)
    else:
        spouse = _untyped_spouse(p, s_mat, s_alleles)
    k = len(kids)
    prods = _subset_products(t_mat.T[t_alleles])  # (F, C, 2^k, n)
    scale = (weight * spouse * 0.5**k)[..., None, None]
    left = (prods * scale * p).reshape(geno.shape[0], -1, p.shape[0])
    right = (prods[:, :, ::-1] * p).reshape(geno.shape[0], -1, p.shape[0])
    joint: FloatArray = np.matmul(left.transpose(0, 2, 1), right)
    return joint


def _untyped_spouse(p: FloatArray, mat: FloatArray, alleles: NDArray[np.int64]) -> FloatArray:
    """``sum_{w,z} p_w p_z prod_c (M[w,o_c] + M[z,o_c])/2 = 2^-k sum_S s_S s_{S^c}``."""
    k = alleles.shape[-1]
    s = (p * _subset_products(mat.T[alleles])).sum(axis=-1)
    out: FloatArray = (s * s[..., ::-1]).sum(axis=-1) * 0.5**k
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


@lru_cache(maxsize=256)
def _fold_index(n: int) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    a, b = _triu(n)
    return a * n + b, b * n + a, np.flatnonzero(a == b), allele_incidence(n)


def _fold(
    joint: FloatArray, target_geno: NDArray[np.int64], n: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """From the ordered joint ``J (F, n, n)``: the normalised unordered distribution
    ``U({a,b}) = J(a,b) + J(b,a)`` (``J(a,a)`` on the diagonal) times the target's own
    observation, the probability of a one-allele observation ``sum_{g ∋ a} U(g)`` (which is
    ``rowsum(J)_a + colsum(J)_a - J(a,a)``), and the likelihood ``sum U``."""
    flat, flat_t, diag, inc = _fold_index(n)
    jf = joint.reshape(joint.shape[0], n * n)
    unordered = np.take(jf, flat, axis=1)
    unordered += np.take(jf, flat_t, axis=1)
    unordered[:, diag] *= 0.5
    one = joint.sum(axis=2) + joint.sum(axis=1) - np.diagonal(joint, axis1=1, axis2=2)
    kind = typed_pattern(target_geno) if (target_geno >= 0).any() else np.zeros(0, np.int8)
    full = np.flatnonzero(kind == FULL)
    if full.size:
        rows = genotype_rows(n, target_geno[full])
        keep = unordered[full, rows]
        unordered[full] = 0.0
        unordered[full, rows] = keep
    part = np.flatnonzero(kind == PARTIAL)
    if part.size:
        a, b = _triu(n)
        allele = target_geno[part, 0][:, None]
        unordered[part] *= (a[None, :] == allele) | (b[None, :] == allele)
    typed = np.concatenate([full, part])
    if typed.size:
        one[typed] = unordered[typed] @ inc
    lik = unordered.sum(axis=1)
    scale = np.where(lik > 0, 1.0 / np.where(lik > 0, lik, 1.0), 0.0)
    return unordered * scale[:, None], one * scale[:, None], lik


# -- log tables ------------------------------------------------------------------------------
