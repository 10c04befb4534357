"""Closed-form conditional genotype kernels for nuclear families, batched over families.

Used by :func:`exhume.kinship.familytables.family_posterior_batch` when the part of the
pedigree that bears on the target is the target alone, the target with its two founder parents
and full siblings (or with untyped parents whose founder parents and siblings are typed:
grandparents, uncles), or a founder target with a spouse and their children, every typed member
fully typed. They enumerate the phases of the typed children and sum an untyped founder's
alleles through subset products, so each family costs O(2^k (n + k n^2)); the loops are
compiled (:mod:`exhume.kinship._familyloops`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from exhume.kinship._familyloops import (
    children_message,
    founder_joint,
    pair_joint,
    untyped_spouse,
)
from exhume.kinship.genotypes import (
    ONE_ALLELE,
    TWO_ALLELES,
    UNTYPED,
    hardy_weinberg,
    transmission,
)
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree

__all__ = ["Transmissions", "mendelian", "nuclear_joint"]

FloatArray = NDArray[np.float64]
#: Per parent sex: the mutation matrix ``M`` and the tensor ``K[u, v, x]``.
Transmissions = dict[int, tuple[FloatArray, FloatArray]]


@lru_cache(maxsize=256)
def mendelian(n: int) -> FloatArray:
    """The read-only Mendelian (identity) transmission matrix over ``n`` alleles (cached)."""
    eye = np.eye(n)
    eye.setflags(write=False)
    return eye


def nuclear_joint(
    ped: Pedigree,
    target: int,
    keep: list[int],
    kinds: NDArray[np.int8],
    geno: NDArray[np.int64],
    marker: Marker,
    tensors: Transmissions,
) -> FloatArray | None:
    """The ordered joint ``(F, n, n)`` by a closed-form kernel when the relevant pedigree is
    the target alone, the target with its two founder parents and full siblings, or the
    target (a founder) with one founder spouse and their children, every typed member fully
    typed; ``None`` otherwise (the general path is used)."""
    others = [i for i in keep if i != target]
    if any(kinds[i] == ONE_ALLELE for i in others):
        return None
    p = marker.afreq
    n_fam = geno.shape[0]
    if not others:
        hw = hardy_weinberg(p, ordered=True)
        return np.broadcast_to(hw, (n_fam, p.shape[0], p.shape[0])).copy()
    case = _Case(ped, target, others, kinds, geno, p, tensors)
    fa, mo = ped.father(target), ped.mother(target)
    if fa is not None and mo is not None:
        return _child_kernel(case, fa, mo)
    if fa is None:
        return _founder_kernel(case)
    return None


@dataclass(frozen=True)
class _Case:
    """A batch of families for the kernels: the pedigree, the target, the other relevant
    members, their typed pattern, genotypes ``(F, n_ind, 2)``, allele frequencies and
    transmission matrices."""

    ped: Pedigree
    target: int
    others: list[int]
    kinds: NDArray[np.int8]
    geno: NDArray[np.int64]
    p: FloatArray
    tensors: Transmissions


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


def _untyped_parent(p: FloatArray, mat: FloatArray, alleles: NDArray[np.int64]) -> FloatArray:
    """Message to the target's allele from an untyped founder parent whose other children
    received ``alleles`` ``(F, C, k)``:

        A(x) = sum_{u,v} p_u p_v prod_c (M[u,a_c] + M[v,a_c])/2 (M[u,x] + M[v,x])/2
             = 2^-k (sum_S s_{S^c} q_S) M,   q_S = p * prod_{c in S} M[:, a_c],  s = sum q.
    """
    return children_message(p, mat, np.ascontiguousarray(alleles), _is_identity(mat))


def _is_identity(mat: FloatArray) -> bool:
    """True for the Mendelian (no mutation) matrix, whose products can be skipped."""
    return bool(mat.flags.writeable is False and mat.shape[0] > 0 and mat[0, 0] == 1.0) and bool(
        np.array_equal(mat, mendelian(mat.shape[0]))
    )


def _typed_parent(
    p: FloatArray, mat: FloatArray, parent: NDArray[np.int64], alleles: NDArray[np.int64]
) -> FloatArray:
    """Message from a fully typed founder parent ``(u, v)`` ``(F, 2)``: its genotype
    probability times ``prod_c (M[u,a_c] + M[v,a_c])/2`` times ``(M[u,x] + M[v,x])/2``."""
    u, v = parent[:, 0], parent[:, 1]
    own = transmission(mat[u], mat[v])  # (F, n)
    out: FloatArray = _typed_spouse(p, mat, parent, alleles)[..., None] * own[:, None, :]
    return out


def _typed_spouse(
    p: FloatArray, mat: FloatArray, parent: NDArray[np.int64], alleles: NDArray[np.int64]
) -> FloatArray:
    """``P(u/v) prod_c (M[u,a_c] + M[v,a_c])/2`` for a typed founder parent, ``(F, C)``."""
    u, v = parent[:, 0], parent[:, 1]
    prior = p[u] * p[v] * np.where(u == v, 1.0, 2.0)
    kids = transmission(mat[u[:, None, None], alleles], mat[v[:, None, None], alleles])
    out: FloatArray = prior[:, None] * kids.prod(axis=-1)
    return out


def _founder_message(
    case: _Case, founder: int, mat: FloatArray, alleles: NDArray[np.int64]
) -> FloatArray:
    """Message from a founder parent whose other children received ``alleles``: through its
    genotype when typed, summed over the population when not (the grandparents are always
    among the relevant members)."""
    if case.kinds[founder] == TWO_ALLELES and founder in case.others:
        return _typed_parent(case.p, mat, case.geno[:, founder], alleles)
    return _untyped_parent(case.p, mat, alleles)


def _child_kernel(case: _Case, fa: int, mo: int) -> FloatArray | None:
    """Target with two parents: ``J(x, y) = sum_C w_C A_C(x) B_C(y)`` over the phases ``C``
    of the full siblings. Each parent is a typed founder, an untyped founder, or an untyped
    non-founder with founder parents (the grandparents, with their other children) when the
    target has no siblings."""
    sibs = [i for i in case.others if case.ped.father(i) == fa and case.ped.mother(i) == mo]
    if any(case.kinds[i] != TWO_ALLELES or case.ped.children_of(i).size for i in sibs):
        return None
    from_f, from_m, weight = _phase_combos(case.geno[:, sibs])
    used = {fa, mo, *sibs}
    sides = []
    for parent, alleles, sex in ((fa, from_f, MALE), (mo, from_m, FEMALE)):
        mat = case.tensors[sex][0]
        if case.ped.father(parent) is None:
            sides.append(_founder_message(case, parent, mat, alleles))
            continue
        if sibs or parent not in case.others or case.kinds[parent] != UNTYPED:
            return None
        side = _grand_message(case, parent, mat, used)
        if side is None:
            return None
        sides.append(side[:, None, :])
    if used != set(case.others):
        return None
    left = np.ascontiguousarray(sides[0] * weight[..., None])
    right = np.ascontiguousarray(np.broadcast_to(sides[1], left.shape))
    return pair_joint(left, right)


def _grand_message(case: _Case, parent: int, mat: FloatArray, used: set[int]) -> FloatArray | None:
    """Message ``(F, n)`` to the target's allele from an untyped parent ``P`` whose parents
    are founders (typed or not) with other fully typed children (the target's uncles/aunts):
    ``A(x) = sum_C w_C [(alpha_C M)(x) sum(beta_C) + sum(alpha_C) (beta_C M)(x)] / 2`` where
    ``alpha_C(u)``, ``beta_C(v)`` are the messages to ``P``'s paternal and maternal alleles."""
    gf, gm = case.ped.father(parent), case.ped.mother(parent)
    if gf is None or gm is None:
        return None
    if case.ped.father(gf) is not None or case.ped.father(gm) is not None:
        return None
    uncles = [
        i
        for i in case.others
        if i != parent and case.ped.father(i) == gf and case.ped.mother(i) == gm
    ]
    if any(case.kinds[i] != TWO_ALLELES or case.ped.children_of(i).size for i in uncles):
        return None
    from_f, from_m, weight = _phase_combos(case.geno[:, uncles])
    msgs = []
    for grand, alleles, sex in ((gf, from_f, MALE), (gm, from_m, FEMALE)):
        msgs.append(_founder_message(case, grand, case.tensors[sex][0], alleles))
    alpha, beta = msgs
    a_sum, b_sum = alpha.sum(axis=-1, keepdims=True), beta.sum(axis=-1, keepdims=True)
    per_combo = 0.5 * ((alpha @ mat) * b_sum + a_sum * (beta @ mat))
    used.update({parent, gf, gm, *uncles})
    out: FloatArray = (per_combo * weight[..., None]).sum(axis=1)
    return out


def _founder_kernel(case: _Case) -> FloatArray | None:
    """Founder target, one founder spouse and their fully typed children:
    ``J(x, y) = p_x p_y sum_C w_C spouse_C 2^-k sum_S P_S(x) P_{S^c}(y)`` with
    ``P_S(x) = prod_{c in S} M_T[x, t_c]`` over the alleles ``t_c`` the children got from the
    target."""
    spouses = [i for i in case.others if case.ped.father(i) is None]
    kids = [i for i in case.others if case.ped.father(i) is not None]
    if len(spouses) != 1 or not kids:
        return None
    sp = spouses[0]
    male = case.ped.father(kids[0]) == case.target
    parents = (case.target, sp) if male else (sp, case.target)
    if any(
        (case.ped.father(c), case.ped.mother(c)) != parents or case.kinds[c] != TWO_ALLELES
        for c in kids
    ):
        return None
    from_f, from_m, weight = _phase_combos(case.geno[:, kids])
    t_alleles, s_alleles = (from_f, from_m) if male else (from_m, from_f)
    t_mat = case.tensors[MALE if male else FEMALE][0]
    s_mat = case.tensors[FEMALE if male else MALE][0]
    if case.kinds[sp] == TWO_ALLELES:
        spouse = _typed_spouse(case.p, s_mat, case.geno[:, sp], s_alleles)
    else:
        spouse = _untyped_spouse(case.p, s_mat, s_alleles)
    coef = weight * spouse * 0.5 ** len(kids)
    return founder_joint(case.p, t_mat, np.ascontiguousarray(t_alleles), coef)


def _untyped_spouse(p: FloatArray, mat: FloatArray, alleles: NDArray[np.int64]) -> FloatArray:
    """``sum_{w,z} p_w p_z prod_c (M[w,o_c] + M[z,o_c])/2 = 2^-k sum_S s_S s_{S^c}``."""
    return untyped_spouse(p, mat, np.ascontiguousarray(alleles))
