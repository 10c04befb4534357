"""Variable elimination over ordered genotypes, batched across markers.

Model. Each individual ``i`` has an ordered genotype ``g_i = (paternal, maternal)``. Founders have
the Hardy-Weinberg prior ``p[a] p[b]``; a child's paternal allele depends only on the father's
genotype and its maternal allele only on the mother's:

    P(g_c | g_f, g_m) = t_male(g_f -> g_c.paternal) * t_female(g_m -> g_c.maternal),
    t(g -> a) = (M[g.paternal, a] + M[g.maternal, a]) / 2.

So the joint distribution is a pairwise Markov network whose edges are the parent-child links:
a tree unless the pedigree has loops. Evidence multiplies each individual's factor by the
indicator of the ordered genotypes consistent with its (unordered, maybe partial) genotype.
The likelihood is the sum over all genotypes, computed by eliminating individuals one at a time
(greedy min-size order; leaves of a tree first, so factors never exceed two individuals unless
there are loops).

Domains. To share one elimination across K markers, each individual's states are padded to a
common size D with zero weight: ``pair`` (typed everywhere: (a, b) and (b, a)), ``partial``
(some genotype has one allele missing: (a, x) and (x, a) for all x) and ``full`` (untyped
somewhere: all N x N ordered pairs). Each factor is rescaled by its per-marker maximum and the
scales are kept in log space, so long pedigrees cannot underflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from exhume.kinship._lumping import Lumped
from exhume.kinship._plans import FULL, PAIR, PARTIAL, Layout, Link, Plan, Step
from exhume.kinship.genotypes import hardy_weinberg, transmission, transmission_tensor

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Domain:
    """Padded states of one individual across K markers."""

    kind: int
    pat: IntArray  # (K, D) paternal allele of each state
    mat: IntArray  # (K, D) maternal allele
    weight: FloatArray  # (K, D) 1 where the state is allowed, else 0


def domain(kind: int, geno: IntArray, n_alleles: IntArray, width: int) -> Domain:
    """States of an individual with genotypes ``geno`` (K, 2) over ``n_alleles`` per marker."""
    k = geno.shape[0]
    a, b = geno[:, 0], geno[:, 1]
    if kind == PAIR:
        pat = np.stack([a, b], axis=1)
        mat = np.stack([b, a], axis=1)
        w = np.ones((k, 2))
        w[:, 1] = a != b
        return Domain(kind, pat, mat, w)
    x = np.arange(width)
    inrange = x[None, :] < n_alleles[:, None]
    if kind == PARTIAL:
        known = np.where(a >= 0, a, b)
        other = np.where(a >= 0, b, a)
        col = np.broadcast_to(x, (k, width))
        kn = np.broadcast_to(known[:, None], (k, width))
        pat = np.concatenate([kn, col], axis=1)
        mat = np.concatenate([col, kn], axis=1)
        match = inrange & ((other[:, None] < 0) | (x[None, :] == other[:, None]))
        w = np.concatenate([match, match & (x[None, :] != known[:, None])], axis=1)
        return Domain(kind, pat, mat, w.astype(np.float64))
    grid_p = np.repeat(x, width)
    grid_m = np.tile(x, width)
    pat = np.broadcast_to(grid_p, (k, width * width))
    mat = np.broadcast_to(grid_m, (k, width * width))
    ok = inrange[:, grid_p] & inrange[:, grid_m]
    typed = a >= 0
    both = typed & (b >= 0)
    one = typed ^ (b >= 0)
    known = np.where(typed, a, b)
    agree_pair = ((pat == a[:, None]) & (mat == b[:, None])) | (
        (pat == b[:, None]) & (mat == a[:, None])
    )
    agree_one = (pat == known[:, None]) | (mat == known[:, None])
    ev = np.where(both[:, None], agree_pair, np.where(one[:, None], agree_one, True))
    return Domain(kind, pat, mat, (ok & ev).astype(np.float64))


def broadcast_product(acc: FloatArray, operands: list[FloatArray], lay: Layout) -> FloatArray:
    """``acc`` times every operand, each put onto ``acc``'s axes as ``lay`` says."""
    for arr, (perm, new) in zip(operands, lay, strict=True):
        acc = acc * np.expand_dims(arr.transpose(perm), new)
    return acc


def _general(step: Step, u: FloatArray, operands: list[FloatArray], width: int) -> FloatArray:
    """Multiply the factors of ``step.var`` broadcast on (K, *out, var); sum ``var`` out.

    Compact links (see :func:`~exhume.kinship._plans.plan_for`) give an allele axis, expanded
    to the child's N^2 ordered genotypes at the end (state ``s`` has paternal allele
    ``s // N``, maternal ``s % N``).
    """
    acc = u.reshape((u.shape[0],) + (1,) * len(step.out) + (u.shape[1],))
    res: FloatArray = broadcast_product(acc, operands, step.layout).sum(axis=-1)
    if step.compact and any(step.compact):
        states = np.arange(width * width)
        for flag, (_perm, new) in zip(step.compact, step.layout, strict=True):
            if flag:
                axis = next(a for a in range(1, len(step.out) + 1) if a not in new)
                res = np.take(res, states // width if flag == 1 else states % width, axis=axis)
    return res


# -- execution --------------------------------------------------------------------------------


@dataclass
class Network:
    """Numbers for one elimination: unary potentials, domains and transmission tables."""

    doms: list[Domain]
    unary: list[FloatArray]  # (K, D_v)
    male: FloatArray  # (K, N, N)
    female: FloatArray
    width: int
    rescale: bool = True
    founder_freq: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    tcache: dict[tuple[int, bool], FloatArray] = field(default_factory=dict)


# Pedigrees up to this many members cannot underflow a double per marker (each member
# contributes more than ~1e-6), so factors are only rescaled in larger ones.
_RESCALE_ABOVE = 40


def network(
    geno: IntArray, founders: NDArray[np.bool_], keep: int, lumped: Lumped
) -> tuple[tuple[int, ...], Network]:
    """Domains and unary potentials of members with genotypes ``geno`` (n, K, 2).

    Founders carry the Hardy-Weinberg prior; ``keep`` (a position or -1) always gets the full
    domain. Arrays shared between members (the full grid) are built once.
    """
    n, k, _ = geno.shape
    width = lumped.width
    freq = lumped.freq
    missing = geno < 0
    kinds_arr = np.where(
        np.any(missing.all(axis=2), axis=1),
        FULL,
        np.where(np.any(missing, axis=(1, 2)), PARTIAL, PAIR),
    )
    if keep >= 0:
        kinds_arr[keep] = FULL
    kinds = tuple(int(x) for x in kinds_arr)
    doms: list[Domain] = []
    unary: list[FloatArray] = []
    shared: dict[str, object] = {}
    rows = np.arange(k)[:, None]
    grid = hardy_weinberg(freq, ordered=True)
    pair_pat = geno
    pair_mat = geno[:, :, ::-1]
    pair_w = np.ones((n, k, 2))
    pair_w[:, :, 1] = geno[:, :, 0] != geno[:, :, 1]
    for i in range(n):
        kind = kinds[i]
        if kind == PAIR:
            d = Domain(PAIR, pair_pat[i], pair_mat[i], pair_w[i])
        elif kind == FULL and missing[i].all():
            d = _untyped_domain(shared, lumped)
        else:
            d = domain(kind, geno[i], lumped.n_alleles, width)
        doms.append(d)
        if not founders[i]:
            unary.append(d.weight)
        elif d.kind == FULL and missing[i].all():
            unary.append(_untyped_founder(shared, d, grid))
        else:
            unary.append(d.weight * grid[rows, d.pat, d.mat])
    net = Network(doms, unary, lumped.male, lumped.female, width, n > _RESCALE_ABOVE, freq)
    return kinds, net


def _untyped_domain(shared: dict[str, object], lumped: Lumped) -> Domain:
    d = shared.get("full")
    if not isinstance(d, Domain):
        k = lumped.n_alleles.shape[0]
        d = domain(FULL, np.full((k, 2), -1, dtype=np.intp), lumped.n_alleles, lumped.width)
        shared["full"] = d
    return d


def _untyped_founder(shared: dict[str, object], d: Domain, grid: FloatArray) -> FloatArray:
    hw = shared.get("hw")
    if not isinstance(hw, np.ndarray):
        hw = grid.reshape(grid.shape[0], -1) * d.weight
        shared["hw"] = hw
    out: FloatArray = hw
    return out


def transmission_grid(net: Network, paternal: bool) -> FloatArray:
    """``t[k, u, v, a]`` for every ordered parental genotype ``(u, v)`` (cached on ``net``)."""
    key = (-2, paternal or net.male is net.female)
    t = net.tcache.get(key)
    if t is None:
        mats = net.male if paternal else net.female
        t = net.tcache[key] = transmission_tensor(mats)
    return t


def transmit(net: Network, parent: int, paternal: bool) -> FloatArray:
    """``t[k, s, a]``: probability that the parent in state ``s`` transmits allele ``a``."""
    d = net.doms[parent]
    mats = net.male if paternal else net.female
    k = mats.shape[0]
    if d.kind == FULL:
        n = net.width
        out: FloatArray = transmission_grid(net, paternal).reshape(k, n * n, n)
        return out
    rows = np.arange(k)[:, None]
    out = transmission(mats[rows, d.pat], mats[rows, d.mat])
    return out


def allele_of(net: Network, child: int, paternal: bool) -> IntArray:
    d = net.doms[child]
    return d.pat if paternal else d.mat


def marginal(net: Network, child: int, paternal: bool, u: FloatArray) -> FloatArray:
    """``sum_s u[k, s]`` grouped by the child's transmitted allele: shape (K, N)."""
    d = net.doms[child]
    n = net.width
    k = u.shape[0]
    if d.kind == FULL:
        grid = u.reshape(k, n, n)
        out: FloatArray = grid.sum(axis=2) if paternal else grid.sum(axis=1)
        return out
    which = d.pat if paternal else d.mat
    onehot = (which[:, :, None] == np.arange(n)).astype(np.float64)
    out = np.einsum("ks,ksa->ka", u, onehot)
    return out


def link_matrix(net: Network, link: Link) -> FloatArray:
    """Dense factor ``T[k, s_parent, s_child]`` of a link."""
    t = transmit_cached(net, link.parent, link.paternal)
    which = allele_of(net, link.child, link.paternal)
    k, d = t.shape[0], t.shape[1]
    out: FloatArray = t[np.arange(k)[:, None, None], np.arange(d)[None, :, None], which[:, None, :]]
    return out


def rescale(arr: FloatArray, logscale: FloatArray, on: bool = True) -> FloatArray:
    if not on:
        return arr
    axes = tuple(range(1, arr.ndim))
    top = arr.max(axis=axes) if axes else arr.copy()
    top = np.where(top > 0, top, 1.0)
    logscale += np.log(top)
    shape = (-1,) + (1,) * (arr.ndim - 1)
    out: FloatArray = arr / top.reshape(shape)
    return out


def run(plan: Plan, net: Network) -> tuple[FloatArray, FloatArray]:
    """Execute ``plan``: (log-likelihood per marker, unnormalised kept potential or empty).

    For a kept variable the second value holds its potential rescaled to max 1 per marker; the
    first value then holds the log-scale that multiplies it.
    """
    k = net.male.shape[0]
    logscale = np.zeros(k)
    unary = list(net.unary)
    factors: dict[int, FloatArray] = {}
    n_links = len(plan.links)

    def factor(fid: int) -> FloatArray:
        if fid not in factors:
            factors[fid] = link_matrix(net, plan.links[fid])
        return factors[fid]

    with np.errstate(divide="ignore", invalid="ignore"):
        for step in plan.steps:
            v = step.var
            u = unary[v]
            if step.op == "sum":
                tot = u.sum(axis=1)
                logscale += np.log(tot)
                continue
            if step.op == "leaf":
                fid = step.factors[0]
                (w,) = step.out
                if fid < n_links and fid not in factors:
                    msg = _leaf_message(net, plan.links[fid], v, u)
                else:
                    spec = "kvw,kv->kw" if step.var_first else "kwv,kv->kw"
                    msg = np.einsum(spec, factors.pop(fid), u)
                unary[w] = rescale(unary[w] * msg, logscale, net.rescale)
                continue
            if step.op == "trio":
                res = _trio(net, plan, step, u)
            else:
                ops = [
                    transmit_cached(net, v, flag == 1) if flag else factor(fid)
                    for fid, flag in zip(step.factors, step.compact, strict=True)
                ]
                res = _general(step, u, ops, net.width)
            for fid in step.factors:
                factors.pop(fid, None)
            if len(step.out) == 1:
                w = step.out[0]
                unary[w] = rescale(unary[w] * res, logscale, net.rescale)
            elif step.merge_into >= 0:
                factors[step.merge_into] = rescale(
                    factors[step.merge_into] * res, logscale, net.rescale
                )
            else:
                factors[step.new_id] = rescale(res, logscale, net.rescale)
        if plan.keep >= 0:
            return logscale, unary[plan.keep]
    return logscale, np.empty((k, 0))


def transmit_cached(net: Network, parent: int, paternal: bool) -> FloatArray:
    """:func:`transmit`, kept on ``net`` (both sexes share one table when the matrices are
    the same array; every untyped parent shares one)."""
    sex = paternal or net.male is net.female
    key = (-1 if net.doms[parent].kind == FULL else parent, sex)
    t = net.tcache.get(key)
    if t is None:
        t = net.tcache[key] = transmit(net, parent, paternal)
    return t


def joint_marginal(net: Network, child: int, u: FloatArray) -> FloatArray:
    """``U[k, a, b]``: sum of ``u`` over the child's states with alleles (a, b)."""
    d = net.doms[child]
    n = net.width
    k = u.shape[0]
    if d.kind == FULL:
        return u.reshape(k, n, n)
    flat = (np.arange(k)[:, None] * (n * n) + d.pat * n + d.mat).ravel()
    out = np.bincount(flat, weights=u.ravel(), minlength=k * n * n).astype(np.float64)
    res: FloatArray = out.reshape(k, n, n)
    return res


def _trio(net: Network, plan: Plan, step: Step, u: FloatArray) -> FloatArray:
    """Sum a child out of its two parent links: ``t_father @ U @ t_mother^T``."""
    pat, mat = (plan.links[f] for f in step.factors)
    tf = transmit_cached(net, pat.parent, True)
    tm = transmit_cached(net, mat.parent, False)
    joint = joint_marginal(net, step.var, u)
    res: FloatArray = np.matmul(np.matmul(tf, joint), tm.transpose(0, 2, 1))
    return res if step.var_first else res.transpose(0, 2, 1)


def _leaf_message(net: Network, link: Link, v: int, u: FloatArray) -> FloatArray:
    t = transmit_cached(net, link.parent, link.paternal)
    if v == link.child:  # child eliminated: message to the parent
        ua = marginal(net, link.child, link.paternal, u)
        out: FloatArray = np.matmul(t, ua[:, :, None])[:, :, 0]
        return out
    va = np.matmul(u[:, None, :], t)[:, 0, :]  # parent eliminated: message to the child
    which = allele_of(net, link.child, link.paternal)
    out = np.take_along_axis(va, which, axis=1)
    return out
