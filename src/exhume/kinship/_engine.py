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

import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.pedigree import Pedigree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

PAIR, PARTIAL, FULL = 0, 1, 2
_NOMINAL = {PAIR: 2, PARTIAL: 16, FULL: 64}  # domain sizes used to choose the order


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


def kind_of(geno: IntArray) -> int:
    """Representation needed for genotypes (K, 2): pair, partial or full."""
    missing = geno < 0
    if missing.all(axis=1).any():
        return FULL
    if missing.any():
        return PARTIAL
    return PAIR


# -- elimination plans ----------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A parent-child factor: ``parent`` transmits the child's paternal or maternal allele."""

    parent: int
    child: int
    paternal: bool


@dataclass(frozen=True)
class Step:
    """Eliminate ``var``. ``op`` is 'sum' (isolated), 'leaf' (one two-way factor), 'trio' (a
    child whose only factors are its two parent links) or 'general'."""

    op: str
    var: int
    factors: tuple[int, ...] = ()
    out: tuple[int, ...] = ()
    subscripts: str = ""
    var_first: bool = False  # leaf: is ``var`` the first axis; trio: is the father first in out
    merge_into: int = -1  # multiply the result into this existing factor
    new_id: int = -1  # or store it as a new factor with this id


@dataclass(frozen=True)
class Plan:
    links: tuple[Link, ...]
    steps: tuple[Step, ...]
    keep: int  # variable left uneliminated (-1 for none)


_PLANS: weakref.WeakKeyDictionary[Pedigree, OrderedDict[tuple[object, ...], Plan]] = (
    weakref.WeakKeyDictionary()
)
_PLANS_PER_PED = 512


def plan_for(ped: Pedigree, members: tuple[int, ...], kinds: tuple[int, ...], keep: int) -> Plan:
    """Elimination plan for ``members`` (pedigree indices) with the given domain kinds, cached
    per pedigree object. ``keep`` is a position in ``members`` left uneliminated, or -1."""
    cache = _PLANS.setdefault(ped, OrderedDict())
    key = (members, kinds, keep)
    plan = cache.get(key)
    if plan is None:
        plan = _make_plan(ped, members, kinds, keep)
        cache[key] = plan
        if len(cache) > _PLANS_PER_PED:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return plan


def _make_plan(ped: Pedigree, members: tuple[int, ...], kinds: tuple[int, ...], keep: int) -> Plan:
    pos = {m: i for i, m in enumerate(members)}
    links: list[Link] = []
    for i, m in enumerate(members):
        for parent, paternal in ((ped.fidx[m], True), (ped.midx[m], False)):
            if parent and (parent - 1) in pos:
                links.append(Link(pos[int(parent) - 1], i, paternal))
    n_links = len(links)
    size = [_NOMINAL[k] for k in kinds]
    scope: list[tuple[int, ...]] = [(lk.parent, lk.child) for lk in links]
    alive: set[int] = set(range(len(scope)))
    remaining = [v for v in range(len(members)) if v != keep]
    steps: list[Step] = []
    while remaining:
        best = min(remaining, key=lambda v: _cost(v, scope, alive, size, links))
        remaining.remove(best)
        mine = tuple(f for f in sorted(alive) if best in scope[f])
        out = tuple(sorted({u for f in mine for u in scope[f]} - {best}))
        alive.difference_update(mine)
        if not mine:
            steps.append(Step("sum", best))
            continue
        if len(mine) == 1 and len(scope[mine[0]]) == 2:
            steps.append(Step("leaf", best, mine, out, var_first=scope[mine[0]][0] == best))
            continue
        merge = (
            next((f for f in sorted(alive) if f >= n_links and scope[f] == out), -1)
            if len(out) > 1
            else -1
        )
        new_id = len(scope) if len(out) > 1 and merge < 0 else -1
        if new_id >= 0:
            scope.append(out)
            alive.add(new_id)
        trio = _trio_links(best, mine, links)
        if trio is not None:
            first = links[trio[0]].parent == out[0]
            steps.append(Step("trio", best, trio, out, "", first, merge, new_id))
        else:
            subs = _subscripts(best, mine, out, scope)
            steps.append(Step("general", best, mine, out, subs, False, merge, new_id))
    return Plan(tuple(links), tuple(steps), keep)


def _trio_links(v: int, mine: tuple[int, ...], links: list[Link]) -> tuple[int, int] | None:
    """(paternal link, maternal link) when ``v``'s only factors are its two parent links."""
    if len(mine) != 2 or max(mine) >= len(links):
        return None
    a, b = (links[f] for f in mine)
    if a.child != v or b.child != v or a.paternal == b.paternal:
        return None
    return (mine[0], mine[1]) if a.paternal else (mine[1], mine[0])


def _cost(
    v: int,
    scope: list[tuple[int, ...]],
    alive: set[int],
    size: list[int],
    links: list[Link],
) -> tuple[int, int]:
    mine = tuple(f for f in sorted(alive) if v in scope[f])
    nbrs = {u for f in mine for u in scope[f]} - {v}
    cost = size[v] if _trio_links(v, mine, links) is None else min(size[v], 8)
    for u in nbrs:
        cost *= size[u]
    return (cost, v)


def _subscripts(
    var: int, factors: tuple[int, ...], out: tuple[int, ...], scope: list[tuple[int, ...]]
) -> str:
    letters: dict[int, str] = {}
    for u in (var, *out):
        letters[u] = "abcdefghijlmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(letters)]
    operands = ["k" + letters[var]]
    operands += ["k" + "".join(letters[u] for u in scope[f]) for f in factors]
    return ",".join(operands) + "->k" + "".join(letters[u] for u in out)


# -- execution --------------------------------------------------------------------------------


@dataclass
class Network:
    """Numbers for one elimination: unary potentials, domains and transmission tables."""

    doms: list[Domain]
    unary: list[FloatArray]  # (K, D_v)
    male: FloatArray  # (K, N, N)
    female: FloatArray
    width: int


def transmit(net: Network, parent: int, paternal: bool) -> FloatArray:
    """``t[k, s, a]``: probability that the parent in state ``s`` transmits allele ``a``."""
    d = net.doms[parent]
    mats = net.male if paternal else net.female
    k = mats.shape[0]
    if d.kind == FULL:
        n = net.width
        half = 0.5 * (mats[:, :, None, :] + mats[:, None, :, :])
        out: FloatArray = half.reshape(k, n * n, n)
        return out
    rows = np.arange(k)[:, None]
    out = 0.5 * (mats[rows, d.pat] + mats[rows, d.mat])
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
    t = transmit(net, link.parent, link.paternal)
    which = allele_of(net, link.child, link.paternal)
    idx = np.broadcast_to(which[:, None, :], (t.shape[0], t.shape[1], which.shape[1]))
    out: FloatArray = np.take_along_axis(t, idx, axis=2)
    return out


def _rescale(arr: FloatArray, logscale: FloatArray) -> FloatArray:
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
    tcache: dict[tuple[int, bool], FloatArray] = {}
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
                    msg = _leaf_message(net, plan.links[fid], v, u, tcache)
                else:
                    spec = "kvw,kv->kw" if step.var_first else "kwv,kv->kw"
                    msg = np.einsum(spec, factors.pop(fid), u)
                unary[w] = _rescale(unary[w] * msg, logscale)
                continue
            if step.op == "trio":
                res = _trio(net, plan, step, u, tcache)
            else:
                res = np.einsum(step.subscripts, u, *[factor(fid) for fid in step.factors])
            for fid in step.factors:
                factors.pop(fid, None)
            if len(step.out) == 1:
                w = step.out[0]
                unary[w] = _rescale(unary[w] * res, logscale)
            elif step.merge_into >= 0:
                factors[step.merge_into] = _rescale(factors[step.merge_into] * res, logscale)
            else:
                factors[step.new_id] = _rescale(res, logscale)
        if plan.keep >= 0:
            return logscale, unary[plan.keep]
    return logscale, np.empty((k, 0))


def _transmit_cached(
    net: Network, parent: int, paternal: bool, tcache: dict[tuple[int, bool], FloatArray]
) -> FloatArray:
    key = (parent, paternal)
    t = tcache.get(key)
    if t is None:
        t = tcache[key] = transmit(net, parent, paternal)
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


def _trio(
    net: Network,
    plan: Plan,
    step: Step,
    u: FloatArray,
    tcache: dict[tuple[int, bool], FloatArray],
) -> FloatArray:
    """Sum a child out of its two parent links: ``t_father @ U @ t_mother^T``."""
    pat, mat = (plan.links[f] for f in step.factors)
    tf = _transmit_cached(net, pat.parent, True, tcache)
    tm = _transmit_cached(net, mat.parent, False, tcache)
    joint = joint_marginal(net, step.var, u)
    res: FloatArray = np.matmul(np.matmul(tf, joint), tm.transpose(0, 2, 1))
    return res if step.var_first else res.transpose(0, 2, 1)


def _leaf_message(
    net: Network, link: Link, v: int, u: FloatArray, tcache: dict[tuple[int, bool], FloatArray]
) -> FloatArray:
    t = _transmit_cached(net, link.parent, link.paternal, tcache)
    if v == link.child:  # child eliminated: message to the parent
        ua = marginal(net, link.child, link.paternal, u)
        out: FloatArray = np.matmul(t, ua[:, :, None])[:, :, 0]
        return out
    va = np.matmul(u[:, None, :], t)[:, 0, :]  # parent eliminated: message to the child
    which = allele_of(net, link.child, link.paternal)
    out = np.take_along_axis(va, which, axis=1)
    return out


def prune(ped: Pedigree, members: Sequence[int], untyped: NDArray[np.bool_]) -> tuple[int, ...]:
    """Drop individuals untyped at every marker who have no kept descendants (barren).

    Their contribution is exactly 1 (transmission rows sum to 1); ``untyped`` is indexed like
    the pedigree. Returns the kept members in the given order.
    """
    keep = set(members)
    changed = True
    kids = {m: [c for c in ped.children_of(m).tolist() if c in keep] for m in members}
    while changed:
        changed = False
        for m in list(keep):
            if untyped[m] and not any(c in keep for c in kids[m]):
                keep.discard(m)
                changed = True
    return tuple(m for m in members if m in keep)
