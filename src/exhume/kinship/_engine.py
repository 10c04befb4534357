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

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from exhume.kinship._lumping import Lumped
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
    layout: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = ()
    var_first: bool = False  # leaf: is ``var`` the first axis; trio: is the father first in out
    merge_into: int = -1  # multiply the result into this existing factor
    new_id: int = -1  # or store it as a new factor with this id
    # general: per factor, 0 = dense; 1 / 2 = link to an untyped child used through the child's
    # paternal / maternal allele only (N values instead of N^2 states), expanded afterwards
    compact: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    links: tuple[Link, ...]
    steps: tuple[Step, ...]
    keep: int  # variable left uneliminated (-1 for none)


_PLANS: weakref.WeakKeyDictionary[Pedigree, OrderedDict[tuple[object, ...], Plan]] = (
    weakref.WeakKeyDictionary()
)
_PLANS_PER_PED = 512
_LOCK = threading.RLock()  # plan caches are shared by threads


def plan_for(ped: Pedigree, members: tuple[int, ...], kinds: tuple[int, ...], keep: int) -> Plan:
    """Elimination plan for ``members`` (pedigree indices) with the given domain kinds, cached
    per pedigree object. ``keep`` is a position in ``members`` left uneliminated, or -1."""
    key = (members, kinds, keep)
    with _LOCK:
        cache = _PLANS.setdefault(ped, OrderedDict())
        plan = cache.get(key)
        if plan is not None:
            cache.move_to_end(key)
            return plan
    plan = _make_plan(ped, members, kinds, keep)
    with _LOCK:
        cache[key] = plan
        if len(cache) > _PLANS_PER_PED:
            cache.popitem(last=False)
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
            steps.append(Step("trio", best, trio, out, (), first, merge, new_id))
        else:
            lay = _layout(best, mine, out, scope)
            compact = _compact(best, mine, scope, links, kinds)
            steps.append(Step("general", best, mine, out, lay, False, merge, new_id, compact))
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


def _layout(
    var: int, factors: tuple[int, ...], out: tuple[int, ...], scope: list[tuple[int, ...]]
) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """How to broadcast each factor onto axes (K, *out, var): (transpose, new axes).

    The summed variable goes last so that the broadcast products run over long inner loops.
    """
    full = (*out, var)
    rank = len(full) + 1
    lay = []
    for f in factors:
        pos = [full.index(u) + 1 for u in scope[f]]
        order = sorted(range(len(pos)), key=lambda i: pos[i])
        perm = (0, *(1 + i for i in order))
        have = {pos[i] for i in order}
        lay.append((perm, tuple(a for a in range(1, rank) if a not in have)))
    return tuple(lay)


def _compact(
    var: int,
    mine: tuple[int, ...],
    scope: list[tuple[int, ...]],
    links: list[Link],
    kinds: tuple[int, ...],
) -> tuple[int, ...]:
    """Which links from ``var`` (as parent) to an untyped child can stay allele-sized: the
    child must appear in no other factor of the step."""
    flags = []
    for f in mine:
        flag = 0
        if f < len(links) and links[f].parent == var and kinds[links[f].child] == FULL:
            child = links[f].child
            if sum(child in scope[g] for g in mine) == 1:
                flag = 1 if links[f].paternal else 2
        flags.append(flag)
    return tuple(flags)


def _general(step: Step, u: FloatArray, operands: list[FloatArray], width: int) -> FloatArray:
    """Multiply the factors of ``step.var`` broadcast on (K, *out, var); sum ``var`` out.

    Compact links (see :func:`_compact`) give an allele axis, expanded to the child's N^2
    ordered genotypes at the end (state ``s`` has paternal allele ``s // N``, maternal
    ``s % N``).
    """
    acc = u.reshape((u.shape[0],) + (1,) * len(step.out) + (u.shape[1],))
    for arr, (perm, new) in zip(operands, step.layout, strict=True):
        acc = acc * np.expand_dims(arr.transpose(perm), new)
    res: FloatArray = acc.sum(axis=-1)
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
            unary.append(_hardy_weinberg(shared, d, freq))
        else:
            unary.append(d.weight * freq[rows, d.pat] * freq[rows, d.mat])
    net = Network(doms, unary, lumped.male, lumped.female, width, n > _RESCALE_ABOVE, freq)
    return kinds, net


def _untyped_domain(shared: dict[str, object], lumped: Lumped) -> Domain:
    d = shared.get("full")
    if not isinstance(d, Domain):
        k = lumped.n_alleles.shape[0]
        d = domain(FULL, np.full((k, 2), -1, dtype=np.intp), lumped.n_alleles, lumped.width)
        shared["full"] = d
    return d


def _hardy_weinberg(shared: dict[str, object], d: Domain, freq: FloatArray) -> FloatArray:
    hw = shared.get("hw")
    if not isinstance(hw, np.ndarray):
        k, n = freq.shape
        hw = (freq[:, :, None] * freq[:, None, :]).reshape(k, n * n) * d.weight
        shared["hw"] = hw
    out: FloatArray = hw
    return out


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
    t = _transmit_cached(net, link.parent, link.paternal, net.tcache)
    which = allele_of(net, link.child, link.paternal)
    k, d = t.shape[0], t.shape[1]
    out: FloatArray = t[np.arange(k)[:, None, None], np.arange(d)[None, :, None], which[:, None, :]]
    return out


def _rescale(arr: FloatArray, logscale: FloatArray, on: bool = True) -> FloatArray:
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
    tcache = net.tcache
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
                unary[w] = _rescale(unary[w] * msg, logscale, net.rescale)
                continue
            if step.op == "trio":
                res = _trio(net, plan, step, u, tcache)
            else:
                ops = [
                    _transmit_cached(net, v, flag == 1, tcache) if flag else factor(fid)
                    for fid, flag in zip(step.factors, step.compact, strict=True)
                ]
                res = _general(step, u, ops, net.width)
            for fid in step.factors:
                factors.pop(fid, None)
            if len(step.out) == 1:
                w = step.out[0]
                unary[w] = _rescale(unary[w] * res, logscale, net.rescale)
            elif step.merge_into >= 0:
                factors[step.merge_into] = _rescale(
                    factors[step.merge_into] * res, logscale, net.rescale
                )
            else:
                factors[step.new_id] = _rescale(res, logscale, net.rescale)
        if plan.keep >= 0:
            return logscale, unary[plan.keep]
    return logscale, np.empty((k, 0))


def _transmit_cached(
    net: Network, parent: int, paternal: bool, tcache: dict[tuple[int, bool], FloatArray]
) -> FloatArray:
    key = (-1 if net.doms[parent].kind == FULL else parent, paternal)
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


_LOOPED: weakref.WeakKeyDictionary[Pedigree, dict[tuple[int, ...], bool]] = (
    weakref.WeakKeyDictionary()
)


def looped(ped: Pedigree, members: tuple[int, ...]) -> bool:
    """Whether the sub-pedigree of ``members`` (parents of members included) has a loop:
    its graph of individuals and matings has more edges than a forest would (cached)."""
    with _LOCK:
        cache = _LOOPED.setdefault(ped, {})
    hit = cache.get(members)
    if hit is not None:
        return hit
    keep = set(members)
    matings: dict[tuple[int, int], int] = {}
    edges: set[tuple[int, int]] = set()
    root = {m: m for m in members}

    def find(a: int) -> int:
        while root[a] != a:
            a = root[a]
        return a

    n_nodes = len(members)
    cyclic = False
    for c in members:
        f, m = int(ped.fidx[c]) - 1, int(ped.midx[c]) - 1
        if f < 0 or f not in keep:
            continue
        if (f, m) not in matings:
            matings[(f, m)] = -1 - len(matings)
            root[matings[(f, m)]] = matings[(f, m)]
            n_nodes += 1
        node = matings[(f, m)]
        for a in (f, m, c):
            if (a, node) in edges:
                continue
            edges.add((a, node))
            ra, rb = find(a), find(node)
            if ra == rb:
                cyclic = True
            else:
                root[ra] = rb
    cache[members] = cyclic
    return cyclic


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
