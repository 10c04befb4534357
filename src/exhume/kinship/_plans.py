"""Elimination plans for the genotype-level engine, and pedigree structure helpers.

A plan is computed once per pedigree object, kept members and domain kinds (cached), and
replayed for every call: which individual to eliminate next (greedy: smallest product of the
domain sizes it touches), and how (``leaf``: one pairwise link, a message; ``trio``: a child
whose only factors are its two parent links, summed through its alleles; ``general``: a
broadcast product of all its factors; ``sum``: an isolated individual).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.pedigree import Pedigree

PAIR, PARTIAL, FULL = 0, 1, 2
_NOMINAL_ALLELES = 8
_NOMINAL = {
    PAIR: 2,
    PARTIAL: 16,
    FULL: _NOMINAL_ALLELES**2,
}  # domain sizes used to choose the order

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
    of_var: list[set[int]] = [set() for _ in members]  # live factors touching each variable
    for f, sc in enumerate(scope):
        for u in sc:
            of_var[u].add(f)
    remaining = {v for v in range(len(members)) if v != keep}
    costs = {v: _cost(v, scope, of_var, size, links, kinds) for v in remaining}
    steps: list[Step] = []
    while remaining:
        best = min(remaining, key=costs.__getitem__)
        remaining.discard(best)
        mine = tuple(sorted(of_var[best]))
        out = tuple(sorted({u for f in mine for u in scope[f]} - {best}))
        for f in mine:
            for u in scope[f]:
                of_var[u].discard(f)
        if not mine:
            steps.append(Step("sum", best))
            continue
        if len(mine) == 1 and len(scope[mine[0]]) == 2:
            steps.append(Step("leaf", best, mine, out, var_first=scope[mine[0]][0] == best))
            _update(costs, out, remaining, scope, of_var, size, links, kinds)
            continue
        merge = -1
        if len(out) > 1:
            same = (f for f in sorted(of_var[out[0]]) if f >= n_links and scope[f] == out)
            merge = next(same, -1)
        new_id = len(scope) if len(out) > 1 and merge < 0 else -1
        if new_id >= 0:
            scope.append(out)
            for u in out:
                of_var[u].add(new_id)
        trio = _trio_links(best, mine, links)
        if trio is not None:
            first = links[trio[0]].parent == out[0]
            steps.append(Step("trio", best, trio, out, (), first, merge, new_id))
        else:
            lay = _layout(best, mine, out, scope)
            compact = _compact(best, mine, scope, links, kinds)
            steps.append(Step("general", best, mine, out, lay, False, merge, new_id, compact))
        _update(costs, out, remaining, scope, of_var, size, links, kinds)
    return Plan(tuple(links), tuple(steps), keep)


def _update(
    costs: dict[int, tuple[int, int]],
    touched: tuple[int, ...],
    remaining: set[int],
    scope: list[tuple[int, ...]],
    of_var: list[set[int]],
    size: list[int],
    links: list[Link],
    kinds: tuple[int, ...],
) -> None:
    """Refresh the costs of the variables whose factors just changed."""
    for u in touched:
        if u in remaining:
            costs[u] = _cost(u, scope, of_var, size, links, kinds)


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
    of_var: list[set[int]],
    size: list[int],
    links: list[Link],
    kinds: tuple[int, ...],
) -> tuple[int, int]:
    """Nominal work plus output size of eliminating ``v`` (then ``v``, to break ties).

    A trio is two matrix products (``D_f N N + D_f N D_m``). A general step is one broadcast
    product over its output and ``v`` per factor, where an untyped child reached only through
    its link from ``v`` counts N (its transmitted allele), plus one pass over the output per
    such child when its axis is expanded back to N^2 genotypes.
    """
    mine = tuple(sorted(of_var[v]))
    nbrs = {u for f in mine for u in scope[f]} - {v}
    out = 1
    for u in nbrs:
        out *= size[u]
    n = _NOMINAL_ALLELES
    if _trio_links(v, mine, links) is not None:
        a, b = (size[u] for u in sorted(nbrs))
        return (a * n * n + a * n * b + out, v)
    compact = _compact(v, mine, scope, links, kinds)
    n_compact = sum(1 for flag in compact if flag)
    work = size[v] * n**n_compact
    dense = {u for f, flag in zip(mine, compact, strict=True) if not flag for u in scope[f]}
    for u in dense - {v}:
        work *= size[u]
    return (work * (len(mine) + 1) + out * (1 + n_compact), v)


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
