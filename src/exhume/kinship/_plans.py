"""Elimination plans: the one greedy planner, the plan cache, and genotype-level plans.

:class:`GreedyElimination` is the bookkeeping shared by both engines: factors with variable
scopes, a cost per variable, and the greedy choice of the cheapest variable to eliminate next
(its factors are multiplied and it is summed out, leaving a factor over its neighbours). Plans
are computed once per pedigree object and key (:class:`PlanCache`, least recently used) and
replayed for every call.

Genotype-level plans (:func:`plan_for`) make one variable per individual and say how to
eliminate it (``leaf``: one pairwise link, a message; ``trio``: a child whose only factors are
its two parent links, summed through its alleles; ``general``: a broadcast product of all its
factors; ``sum``: an isolated individual). The allele-level plans of
:mod:`exhume.kinship._alleles` use the same planner over smaller variables.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.pedigree import Pedigree

#: Domain kinds of an individual's genotype variable (see :mod:`exhume.kinship._engine`).
PAIR, PARTIAL, FULL = 0, 1, 2
#: Allele count assumed when choosing an elimination order.
NOMINAL_ALLELES = 8
#: Domain sizes assumed when choosing an elimination order.
NOMINAL_SIZE = {PAIR: 2, PARTIAL: 16, FULL: NOMINAL_ALLELES**2}

Layout = tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
Cost = tuple[int, int]

# -- the greedy planner -----------------------------------------------------------------------


class GreedyElimination:
    """Greedy variable elimination over factor scopes.

    ``scopes`` are the variables of the initial factors; ``keep`` variables are never
    eliminated; ``cost(self, v)`` prices eliminating ``v`` now (ties broken by the second
    item). :meth:`steps` yields ``(var, factors, out)``: the cheapest variable, the live
    factors it touches (now consumed) and the variables of their product once ``var`` is
    summed out. The caller may record that product with :meth:`add_factor` before asking for
    the next step; the costs of ``out`` are then refreshed.
    """

    def __init__(
        self,
        scopes: Sequence[tuple[int, ...]],
        n_vars: int,
        keep: set[int],
        cost: Callable[[GreedyElimination, int], Cost],
    ) -> None:
        self.scope: list[tuple[int, ...]] = list(scopes)
        self.of_var: list[set[int]] = [set() for _ in range(n_vars)]  # live factors per var
        for f, sc in enumerate(self.scope):
            for u in sc:
                self.of_var[u].add(f)
        self.remaining = {v for v in range(n_vars) if v not in keep}
        self._cost = cost
        self._costs = {v: cost(self, v) for v in self.remaining}

    def neighbours(self, v: int) -> set[int]:
        """Variables sharing a live factor with ``v`` (``v`` excluded)."""
        return {u for f in self.of_var[v] for u in self.scope[f]} - {v}

    def add_factor(self, scope: tuple[int, ...]) -> int:
        """Record a new live factor over ``scope``; returns its id."""
        fid = len(self.scope)
        self.scope.append(scope)
        for u in scope:
            self.of_var[u].add(fid)
        return fid

    def steps(self) -> Iterator[tuple[int, tuple[int, ...], tuple[int, ...]]]:
        """Eliminate every variable but the kept ones, cheapest first."""
        while self.remaining:
            best = min(self.remaining, key=self._costs.__getitem__)
            self.remaining.discard(best)
            mine = tuple(sorted(self.of_var[best]))
            out = tuple(sorted(self.neighbours(best)))
            for f in mine:
                for u in self.scope[f]:
                    self.of_var[u].discard(f)
            yield best, mine, out
            for u in out:
                if u in self.remaining:
                    self._costs[u] = self._cost(self, u)


def layout(axes: tuple[int, ...], scopes: Sequence[tuple[int, ...]]) -> Layout:
    """How to broadcast each factor onto the axes ``(K, *axes)``: (transpose, new axes)."""
    rank = len(axes) + 1
    lay = []
    for sc in scopes:
        pos = [axes.index(u) + 1 for u in sc]
        order = sorted(range(len(pos)), key=lambda i: pos[i])
        perm = (0, *(1 + i for i in order))
        have = {pos[i] for i in order}
        lay.append((perm, tuple(a for a in range(1, rank) if a not in have)))
    return tuple(lay)


_P = TypeVar("_P")


class PlanCache(Generic[_P]):
    """Plans per pedigree object (weakly held) and key, the least recently used dropped first
    beyond ``per_pedigree``; shared by threads."""

    def __init__(self, per_pedigree: int = 512) -> None:
        self._plans: weakref.WeakKeyDictionary[Pedigree, OrderedDict[object, _P]] = (
            weakref.WeakKeyDictionary()
        )
        self._per_pedigree = per_pedigree
        self._lock = threading.Lock()

    def get(self, ped: Pedigree, key: object, make: Callable[[], _P]) -> _P:
        """The cached plan of ``(ped, key)``, made by ``make()`` on a miss."""
        with self._lock:
            cache = self._plans.setdefault(ped, OrderedDict())
            plan = cache.get(key)
            if plan is not None:
                cache.move_to_end(key)
                return plan
        plan = make()
        with self._lock:
            cache[key] = plan
            if len(cache) > self._per_pedigree:
                cache.popitem(last=False)
        return plan


# -- genotype-level plans ---------------------------------------------------------------------


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


_PLANS: PlanCache[Plan] = PlanCache()


def plan_for(ped: Pedigree, members: tuple[int, ...], kinds: tuple[int, ...], keep: int) -> Plan:
    """Elimination plan for ``members`` (pedigree indices) with the given domain kinds, cached
    per pedigree object. ``keep`` is a position in ``members`` left uneliminated, or -1."""
    return _PLANS.get(ped, (members, kinds, keep), lambda: _make_plan(ped, members, kinds, keep))


def _make_plan(ped: Pedigree, members: tuple[int, ...], kinds: tuple[int, ...], keep: int) -> Plan:
    pos = {m: i for i, m in enumerate(members)}
    links: list[Link] = []
    for i, m in enumerate(members):
        for parent, paternal in ((ped.fidx[m], True), (ped.midx[m], False)):
            if parent and (parent - 1) in pos:
                links.append(Link(pos[int(parent) - 1], i, paternal))
    n_links = len(links)
    size = [NOMINAL_SIZE[k] for k in kinds]

    def cost(elim: GreedyElimination, v: int) -> Cost:
        return _cost(v, elim, size, links, kinds)

    scopes = [(lk.parent, lk.child) for lk in links]
    elim = GreedyElimination(scopes, len(members), {keep}, cost)
    scope = elim.scope
    steps: list[Step] = []
    for best, mine, out in elim.steps():
        if not mine:
            steps.append(Step("sum", best))
            continue
        if len(mine) == 1 and len(scope[mine[0]]) == 2:
            steps.append(Step("leaf", best, mine, out, var_first=scope[mine[0]][0] == best))
            continue
        merge = -1
        if len(out) > 1:
            same = (f for f in sorted(elim.of_var[out[0]]) if f >= n_links and scope[f] == out)
            merge = next(same, -1)
        new_id = elim.add_factor(out) if len(out) > 1 and merge < 0 else -1
        trio = _trio_links(best, mine, links)
        if trio is not None:
            first = links[trio[0]].parent == out[0]
            steps.append(Step("trio", best, trio, out, (), first, merge, new_id))
        else:
            lay = layout((*out, best), [scope[f] for f in mine])
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
    v: int, elim: GreedyElimination, size: list[int], links: list[Link], kinds: tuple[int, ...]
) -> Cost:
    """Nominal work plus output size of eliminating ``v`` (then ``v``, to break ties).

    A trio is two matrix products (``D_f N N + D_f N D_m``). A general step is one broadcast
    product over its output and ``v`` per factor, where an untyped child reached only through
    its link from ``v`` counts N (its transmitted allele), plus one pass over the output per
    such child when its axis is expanded back to N^2 genotypes.
    """
    mine = tuple(sorted(elim.of_var[v]))
    nbrs = elim.neighbours(v)
    out = 1
    for u in nbrs:
        out *= size[u]
    n = NOMINAL_ALLELES
    if _trio_links(v, mine, links) is not None:
        a, b = (size[u] for u in sorted(nbrs))
        return (a * n * n + a * n * b + out, v)
    compact = _compact(v, mine, elim.scope, links, kinds)
    n_compact = sum(1 for flag in compact if flag)
    work = size[v] * n**n_compact
    dense = {u for f, flag in zip(mine, compact, strict=True) if not flag for u in elim.scope[f]}
    for u in dense - {v}:
        work *= size[u]
    return (work * (len(mine) + 1) + out * (1 + n_compact), v)


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
