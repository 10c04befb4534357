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

The same greedy planner (:class:`~exhume.kinship._plans.GreedyElimination`, min-size
cost) then runs over these smaller variables; the numbers are identical to the
genotype-level engine (tests compare both with a naive enumeration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from exhume.kinship import _engine as eng
from exhume.kinship._plans import (
    FULL,
    NOMINAL_ALLELES,
    NOMINAL_SIZE,
    Cost,
    GreedyElimination,
    Layout,
    Link,
    PlanCache,
    layout,
)
from exhume.kinship.pedigree import Pedigree

FloatArray = NDArray[np.float64]


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


class _Key(NamedTuple):
    """What an allele-level plan depends on besides the pedigree."""

    members: tuple[int, ...]
    kinds: tuple[int, ...]
    untyped: tuple[bool, ...]
    keep: int


_PLANS: PlanCache[APlan] = PlanCache()


def plan_for(
    ped: Pedigree,
    members: tuple[int, ...],
    kinds: tuple[int, ...],
    untyped: tuple[bool, ...],
    keep: int,
) -> APlan:
    """Cached allele-level plan; ``untyped[i]``: member ``i`` has no data at any marker."""
    key = _Key(members, kinds, untyped, keep)
    return _PLANS.get(ped, key, lambda: _make_plan(ped, key))


def _variables(kinds: tuple[int, ...]) -> tuple[list[tuple[int, ...]], list[int]]:
    """Variable ids per member ((g,) or (pat, mat)) and nominal variable sizes."""
    ids: list[tuple[int, ...]] = []
    size: list[int] = []
    for kind in kinds:
        if kind == FULL:
            ids.append((len(size), len(size) + 1))
            size += [NOMINAL_ALLELES, NOMINAL_ALLELES]
        else:
            ids.append((len(size),))
            size.append(NOMINAL_SIZE[kind])
    return ids, size


def _initial_factors(ped: Pedigree, key: _Key, ids: list[tuple[int, ...]]) -> list[Factor]:
    members, kinds, untyped, keep = key
    pos = {m: i for i, m in enumerate(members)}
    out: list[Factor] = []
    for i, m in enumerate(members):
        full = kinds[i] == FULL
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
            kind = ("t" if kinds[f] == FULL else "g") + ("t" if full else "g")
            out.append(Factor(kind, (f, i, paternal), ids[f] + child_var))
    return out


def _make_plan(ped: Pedigree, key: _Key) -> APlan:
    keep = key.keep
    ids, size = _variables(key.kinds)
    init = _initial_factors(ped, key, ids)
    kept = set(ids[keep]) if keep >= 0 else set()

    def cost(elim: GreedyElimination, v: int) -> Cost:
        work = 1
        for u in elim.neighbours(v) | {v}:
            work *= size[u]
        return (work, v)

    elim = GreedyElimination([f.scope for f in init], len(size), kept, cost)
    steps: list[AStep] = []
    for best, mine, out in elim.steps():
        new_id = elim.add_factor(out) if out else -1
        lay = layout((*out, best), [elim.scope[f] for f in mine])
        steps.append(AStep(best, mine, out, lay, new_id))
    final = tuple(sorted({f for v in kept for f in elim.of_var[v]}))
    final_layout = layout(tuple(sorted(kept)), [elim.scope[f] for f in final]) if kept else ()
    return APlan(tuple(init), tuple(steps), final, final_layout)


def run(plan: APlan, net: eng.Network) -> tuple[FloatArray, FloatArray]:
    """Execute ``plan`` on ``net``: (per-marker log-scale, kept potential (K, N*N) or empty)."""
    k = net.male.shape[0]
    n = net.width
    arrays: dict[int, FloatArray] = {i: _build(f, net, n) for i, f in enumerate(plan.factors)}
    logscale = np.zeros(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        for step in plan.steps:
            ops = [arrays.pop(f) for f in step.factors]
            acc = eng.broadcast_product(_ones(k, len(step.out) + 1), ops, step.layout)
            res: FloatArray = acc.sum(axis=-1)
            if step.new_id < 0:
                logscale += np.log(res.reshape(k))
            else:
                arrays[step.new_id] = eng.rescale(res, logscale, net.rescale)
        if not plan.final_layout:
            return logscale, np.empty((k, 0))
        ops = [arrays.pop(f) for f in plan.final]
        pot = eng.broadcast_product(_ones(k, 2), ops, plan.final_layout)
    pot = np.broadcast_to(pot, (k, n, n))
    return logscale, pot.reshape(k, n * n)


def _build(f: Factor, net: eng.Network, n: int) -> FloatArray:
    k = net.male.shape[0]
    if f.kind == "freq":
        return net.founder_freq
    if f.kind == "pair":
        return net.unary[f.args[0]].reshape(k, n, n)
    if f.kind == "unary":
        return net.unary[f.args[0]]
    parent, child, paternal = f.args
    if f.kind == "gg":
        return eng.link_matrix(net, Link(parent, child, bool(paternal)))
    if f.kind == "gt":
        return eng.transmit_cached(net, parent, bool(paternal))
    half = eng.transmission_grid(net, bool(paternal))
    if f.kind == "tt":
        return half
    which = eng.allele_of(net, child, bool(paternal))
    idx = np.broadcast_to(which[:, None, None, :], (k, n, n, which.shape[1]))
    out: FloatArray = np.take_along_axis(half, idx, axis=3)
    return out


def _ones(k: int, rank: int) -> FloatArray:
    return np.ones((k,) + (1,) * rank)
