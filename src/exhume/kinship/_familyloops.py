"""Compiled loops of the nuclear-family kernels (:mod:`exhume.kinship.familykernels`).

The kernels' NumPy form spent most of its time in temporaries of shape ``(families, phases,
2^k, n)`` and in batched products of small matrices. These loops compute the same sums
family by family in registers, and use two identities that NumPy could not exploit cheaply:

* ``sum_S prod_{c in S} u_c prod_{c not in S} v_c = prod_c (u_c + v_c)`` over the subsets
  ``S`` of the ``k`` children, so a founder's joint costs ``O(k n^2)`` per phase instead of
  ``O(2^k n^2)``;
* a founder target's joint is symmetric, so half of it is computed.

Checked against the likelihood engine for every simulated shape and typed pattern, with and
without mutation (``tests/kinship/test_screening.py``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from exhume.kinship._compiled import compiled

__all__ = ["children_message", "fold", "founder_joint", "pair_joint", "untyped_spouse"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@compiled
def founder_joint(
    p: FloatArray, mat: FloatArray, alleles: IntArray, coef: FloatArray
) -> FloatArray:
    """``J[f, x, y] = p_x p_y sum_C coef[f, C] prod_c (M[x, a_c] + M[y, a_c])`` with ``a_c =
    alleles[f, C, c]`` the allele child ``c`` received from the target in phase ``C``: the
    target (a founder) passed ``x`` or ``y`` to each child (``(F, n, n)``, symmetric)."""
    n_fam, n_phase, k = alleles.shape
    n = p.shape[0]
    out = np.zeros((n_fam, n, n))
    for f in range(n_fam):
        for c in range(n_phase):
            w = coef[f, c]
            if w == 0.0:
                continue
            for x in range(n):
                for y in range(x, n):
                    prod = w
                    for i in range(k):
                        a = alleles[f, c, i]
                        prod *= mat[x, a] + mat[y, a]
                    out[f, x, y] += prod
        for x in range(n):
            out[f, x, x] *= p[x] * p[x]
            for y in range(x + 1, n):
                v = out[f, x, y] * (p[x] * p[y])
                out[f, x, y] = v
                out[f, y, x] = v
    return out


@compiled
def _subset_sums(
    p: FloatArray, mat: FloatArray, alleles: IntArray, q: FloatArray, s: FloatArray
) -> None:
    """For the ``k`` alleles an untyped founder passed to its children: ``q[S, u] = p_u
    prod_{c in S} M[u, a_c]`` for every subset ``S`` (bit ``c`` of ``S`` selects child ``c``)
    and ``s[S] = sum_u q[S, u]``."""
    n = p.shape[0]
    for u in range(n):
        q[0, u] = p[u]
    for i in range(alleles.shape[0]):
        a = alleles[i]
        step = 1 << i
        for j in range(step):
            for u in range(n):
                q[step + j, u] = q[j, u] * mat[u, a]
    for j in range(s.shape[0]):
        total = 0.0
        for u in range(n):
            total += q[j, u]
        s[j] = total


@compiled
def untyped_spouse(p: FloatArray, mat: FloatArray, alleles: IntArray) -> FloatArray:
    """``sum_{w,z} p_w p_z prod_c (M[w, o_c] + M[z, o_c]) / 2 = 2^-k sum_S s_S s_{S^c}`` with
    ``s_S = sum_w p_w prod_{c in S} M[w, o_c]``, per family and phase (``(F, C)``)."""
    n_fam, n_phase, k = alleles.shape
    size = 1 << k
    out = np.empty((n_fam, n_phase))
    q = np.empty((size, p.shape[0]))
    s = np.empty(size)
    half = 0.5**k
    for f in range(n_fam):
        for c in range(n_phase):
            _subset_sums(p, mat, alleles[f, c], q, s)
            total = 0.0
            for j in range(size):
                total += s[j] * s[size - 1 - j]
            out[f, c] = total * half
    return out


@compiled
def children_message(
    p: FloatArray, mat: FloatArray, alleles: IntArray, identity: bool
) -> FloatArray:
    """Message ``(F, C, n)`` to the target's allele from an untyped founder parent whose other
    children received ``alleles`` ``(F, C, k)``:

        A(x) = 2^-k (sum_S s_{S^c} q_S) M,   q_S = p * prod_{c in S} M[:, a_c],  s = sum q

    (the product with ``M`` is skipped for the Mendelian identity)."""
    n_fam, n_phase, k = alleles.shape
    n = p.shape[0]
    size = 1 << k
    out = np.empty((n_fam, n_phase, n))
    q = np.empty((size, n))
    s = np.empty(size)
    weighted = np.empty(n)
    half = 0.5**k
    for f in range(n_fam):
        for c in range(n_phase):
            _subset_sums(p, mat, alleles[f, c], q, s)
            for u in range(n):
                acc = 0.0
                for j in range(size):
                    acc += s[size - 1 - j] * q[j, u]
                weighted[u] = acc * half
            if identity:
                for x in range(n):
                    out[f, c, x] = weighted[x]
            else:
                for x in range(n):
                    out[f, c, x] = 0.0
                for u in range(n):
                    w = weighted[u]
                    for x in range(n):
                        out[f, c, x] += w * mat[u, x]
    return out


@compiled
def pair_joint(left: FloatArray, right: FloatArray) -> FloatArray:
    """``J[f, x, y] = sum_C left[f, C, x] right[f, C, y]`` (``(F, n, n)``)."""
    n_fam, n_phase, n = left.shape
    out = np.zeros((n_fam, n, n))
    for f in range(n_fam):
        for c in range(n_phase):
            for x in range(n):
                a = left[f, c, x]
                if a == 0.0:
                    continue
                for y in range(n):
                    out[f, x, y] += a * right[f, c, y]
    return out


@compiled
def fold(joint: FloatArray, target: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """From the ordered joint ``J (F, n, n)`` and the target's own observation ``(F, 2)``
    (``(a, b)``, ``(a, -1)`` or untyped): the normalised unordered distribution ``U({a, b}) =
    J(a, b) + J(b, a)`` (``J(a, a)`` on the diagonal, ``np.triu_indices`` order) restricted to
    the genotypes the observation allows, the probability ``sum_{g ∋ a} U(g)`` of a one-allele
    observation ``a``, and the likelihood ``sum U`` (rows of an impossible family are 0)."""
    n_fam, n, _ = joint.shape
    ng = n * (n + 1) // 2
    unordered = np.empty((n_fam, ng))
    one = np.zeros((n_fam, n))
    lik = np.empty(n_fam)
    for f in range(n_fam):
        t0, t1 = target[f, 0], target[f, 1]
        both = t0 >= 0 and t1 >= 0
        lo, hi = min(t0, t1), max(t0, t1)
        allele = t0 if t0 >= 0 else t1
        single = allele >= 0 and not both
        total = 0.0
        g = 0
        for a in range(n):
            for b in range(a, n):
                v = joint[f, a, a] if a == b else joint[f, a, b] + joint[f, b, a]
                if (both and (a != lo or b != hi)) or (single and a != allele and b != allele):
                    v = 0.0
                unordered[f, g] = v
                one[f, a] += v
                if b != a:
                    one[f, b] += v
                total += v
                g += 1
        lik[f] = total
        scale = 1.0 / total if total > 0 else 0.0
        for g in range(ng):
            unordered[f, g] *= scale
        for a in range(n):
            one[f, a] *= scale
    return unordered, one, lik
