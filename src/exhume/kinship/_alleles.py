"""Allele-level variable elimination, used for pedigrees with loops.

In :mod:`exhume.kinship._engine` every individual is one variable (its ordered genotype, up to
N^2 states), which is ideal on trees. Around a loop the elimination must hold several untyped
individuals at once, and N^2-state variables make those factors huge. Here an individual who is
untyped at some marker (domain ``FULL``) is split into two variables, its paternal allele and
its maternal allele (N states each); typed individuals keep their small genotype variable. The
factors are

* priors: ``p[P_i]`` and ``p[M_i]`` for an untyped founder, or the individual's unary
  potential (prior times evidence) over ``(P_i, M_i)`` or over its genotype variable;
* transmissions: ``(M[x, a] + M[y, a]) / 2`` linking a parent with alleles ``(x, y)`` (or
  genotype ``g = (x, y)``) to the child's transmitted allele ``a`` (or genotype variable).

The same greedy min-size elimination then runs over these smaller variables; the numbers are
identical to the genotype-level engine (tests compare both with a naive enumeration).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.kinship import _engine as eng
from exhume.kinship.pedigree import Pedigree

FloatArray = NDArray[np.float64]
Layout = tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]

_NOMINAL_ALLELES = 8


@dataclass(frozen=True)
class Factor:
    """An initial factor: ``kind`` with its member/link arguments and variable scope."""

    kind: str  # 'freq', 'pair', 'unary', 'tt', 'tg', 'gt', 'gg'
    args: tuple[int, ...]
    scope: tuple[int, ...]


@dataclass(frozen=True)
class AStep:
    var: int
    factors: tuple[int, ...]
    out: tuple[int, ...]
    layout: Layout
    new_id: int  # -1 when the result is a per-marker scalar


@dataclass(frozen=True)
class APlan:
    factors: tuple[Factor, ...]
    steps: tuple[AStep, ...]
    final: tuple[int, ...]  # factors left on the kept individual's two allele variables
    final_layout: Layout


_PLANS: weakref.WeakKeyDictionary[Pedigree, OrderedDict[tuple[object, ...], APlan]] = (
    weakref.WeakKeyDictionary()
)


def plan_for(
    ped: Pedigree,
    members: tuple[int, ...],
    kinds: tuple[int, ...],
    untyped: tuple[bool, ...],
    keep: int,
) -> APlan:
    """Cached allele-level plan; ``untyped[i]``: member ``i`` has no data at any marker."""
    key = (members, kinds, untyped, keep)
    with eng._LOCK:
        cache = _PLANS.setdefault(ped, OrderedDict())
        plan = cache.get(key)
    if plan is None:
        plan = _make_plan(ped, members, kinds, untyped, keep)
        with eng._LOCK:
            cache[key] = plan
            if len(cache) > 256:
                cache.popitem(last=False)
    return plan


def _variables(kinds: tuple[int, ...]) -> tuple[list[tuple[int, ...]], list[int]]:
    """Variable ids per member ((g,) or (pat, mat)) and nominal variable sizes."""
    ids: list[tuple[int, ...]] = []
    size: list[int] = []
    for kind in kinds:
        if kind == eng.FULL:
            ids.append((len(size), len(size) + 1))
            size += [_NOMINAL_ALLELES, _NOMINAL_ALLELES]
        else:
            ids.append((len(size),))
            size.append(eng._NOMINAL[kind])
    return ids, size


def _initial_factors(
    ped: Pedigree,
    members: tuple[int, ...],
    kinds: tuple[int, ...],
    untyped: tuple[bool, ...],
    keep: int,
    ids: list[tuple[int, ...]],
) -> list[Factor]:
    pos = {m: i for i, m in enumerate(members)}
    out: list[Factor] = []
    for i, m in enumerate(members):
        full = kinds[i] == eng.FULL
        founder = ped.fidx[m] == 0
        if full and untyped[i] and i != keep:
            if founder:
                out += [Factor("freq", (i,), (ids[i][0],)), Factor("freq", (i,), (ids[i][1],))]
        elif full:
            out.append(Factor("pair", (i,), ids[i]))
        else:
            out.append(Factor("unary", (i,), ids[i]))
        for parent, paternal in ((ped.fidx[m], 1), (ped.midx[m], 0)):
            if not parent:
                continue
            f = pos[int(parent) - 1]
            child_var = (ids[i][1 - paternal],) if full else ids[i]
            kind = ("t" if kinds[f] == eng.FULL else "g") + ("t" if full else "g")
            out.append(Factor(kind, (f, i, paternal), ids[f] + child_var))
    return out


def _make_plan(
    ped: Pedigree,
    members: tuple[int, ...],
    kinds: tuple[int, ...],
    untyped: tuple[bool, ...],
    keep: int,
) -> APlan:
    ids, size = _variables(kinds)
    init = _initial_factors(ped, members, kinds, untyped, keep, ids)
    scope: list[tuple[int, ...]] = [f.scope for f in init]
    of_var: list[set[int]] = [set() for _ in size]  # live factors touching each variable
    for f, sc in enumerate(scope):
        for u in sc:
            of_var[u].add(f)
    kept = set(ids[keep]) if keep >= 0 else set()
    remaining = {v for v in range(len(size)) if v not in kept}
    costs = {v: (_cost(v, scope, of_var, size), v) for v in remaining}
    steps: list[AStep] = []
    while remaining:
        best = min(remaining, key=costs.__getitem__)
        remaining.discard(best)
        mine = tuple(sorted(of_var[best]))
        out = tuple(sorted({u for f in mine for u in scope[f]} - {best}))
        for f in mine:
            for u in scope[f]:
                of_var[u].discard(f)
        new_id = -1
        if out:
            new_id = len(scope)
            scope.append(out)
            for u in out:
                of_var[u].add(new_id)
        layout = _layout((*out, best), [scope[f] for f in mine])
        steps.append(AStep(best, mine, out, layout, new_id))
        for u in out:
            if u in remaining:
                costs[u] = (_cost(u, scope, of_var, size), u)
    alive = {f for v in kept for f in of_var[v]}
    final = tuple(sorted(alive))
    final_layout = _layout(tuple(sorted(kept)), [scope[f] for f in final]) if kept else ()
    return APlan(tuple(init), tuple(steps), final, final_layout)


def _cost(v: int, scope: list[tuple[int, ...]], of_var: list[set[int]], size: list[int]) -> int:
    union = {u for f in of_var[v] for u in scope[f]} | {v}
    cost = 1
    for u in union:
        cost *= size[u]
    return cost


def _layout(full: tuple[int, ...], scopes: list[tuple[int, ...]]) -> Layout:
    """(transpose, new axes) putting each scope onto the axes (K, *full)."""
    rank = len(full) + 1
    lay = []
    for sc in scopes:
        pos = [full.index(u) + 1 for u in sc]
        order = sorted(range(len(pos)), key=lambda i: pos[i])
        perm = (0, *(1 + i for i in order))
        have = {pos[i] for i in order}
        lay.append((perm, tuple(a for a in range(1, rank) if a not in have)))
    return tuple(lay)


def _product(arrays: list[FloatArray], layout: Layout, rank: int, k: int) -> FloatArray:
    acc: FloatArray = np.ones((k,) + (1,) * rank)
    for arr, (perm, new) in zip(arrays, layout, strict=True):
        acc = acc * np.expand_dims(arr.transpose(perm), new)
    return acc


def run(plan: APlan, net: eng.Network) -> tuple[FloatArray, FloatArray]:
    """Execute ``plan`` on ``net``: (per-marker log-scale, kept potential (K, N*N) or empty)."""
    k = net.male.shape[0]
    n = net.width
    arrays: dict[int, FloatArray] = {i: _build(f, net, n) for i, f in enumerate(plan.factors)}
    logscale = np.zeros(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        for step in plan.steps:
            ops = [arrays.pop(f) for f in step.factors]
            acc = _product(ops, step.layout, len(step.out) + 1, k)
            res: FloatArray = acc.sum(axis=-1)
            if step.new_id < 0:
                logscale += np.log(res.reshape(k))
            else:
                arrays[step.new_id] = eng._rescale(res, logscale, net.rescale)
        if not plan.final_layout:
            return logscale, np.empty((k, 0))
        ops = [arrays.pop(f) for f in plan.final]
        pot = _product(ops, plan.final_layout, 2, k)
    pot = np.broadcast_to(pot, (k, n, n))
    return logscale, pot.reshape(k, n * n)


def _build(f: Factor, net: eng.Network, n: int) -> FloatArray:
    k = net.male.shape[0]
    if f.kind == "freq":
        return _freq(net)
    if f.kind == "pair":
        return net.unary[f.args[0]].reshape(k, n, n)
    if f.kind == "unary":
        return net.unary[f.args[0]]
    parent, child, paternal = f.args
    if f.kind == "gg":
        return eng.link_matrix(net, eng.Link(parent, child, bool(paternal)))
    if f.kind == "gt":
        return eng._transmit_cached(net, parent, bool(paternal), net.tcache)
    half = _half(net, bool(paternal))
    if f.kind == "tt":
        return half
    which = eng.allele_of(net, child, bool(paternal))
    idx = np.broadcast_to(which[:, None, None, :], (k, n, n, which.shape[1]))
    out: FloatArray = np.take_along_axis(half, idx, axis=3)
    return out


def _half(net: eng.Network, paternal: bool) -> FloatArray:
    key = (-2, paternal or net.male is net.female)
    t = net.tcache.get(key)
    if t is None:
        mats = net.male if paternal else net.female
        t = net.tcache[key] = 0.5 * (mats[:, :, None, :] + mats[:, None, :, :])
    return t


def _freq(net: eng.Network) -> FloatArray:
    key = (-3, True)
    t = net.tcache.get(key)
    if t is None:
        t = net.tcache[key] = net.founder_freq
    return t
