"""Pedigrees stored as parent-index arrays, as pedtools stores them.

``fidx[i]`` is 0 when individual ``i`` is a founder, else the 1-based index of the father;
``midx`` likewise for the mother. Sex is 0 unknown, 1 male, 2 female. A pedigree may have
several connected components (a singleton is one); likelihoods multiply over components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, NotFoundError

__all__ = ["FEMALE", "MALE", "UNKNOWN_SEX", "Pedigree"]

UNKNOWN_SEX = 0
MALE = 1
FEMALE = 2

Record = tuple[str, str | None, str | None, int]


@dataclass(frozen=True, eq=False)
class Pedigree:
    """A pedigree: ids, 1-based parent indices (0 = founder) and sexes.

    Objects are immutable and compared by identity, so they can key caches of per-pedigree
    computations (elimination plans).
    """

    ids: tuple[str, ...]
    fidx: NDArray[np.intp]
    midx: NDArray[np.intp]
    sex: NDArray[np.int8]
    _pos: dict[str, int] = field(init=False, repr=False)
    _loops: dict[tuple[int, ...], bool] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name, dtype in (("fidx", np.intp), ("midx", np.intp), ("sex", np.int8)):
            arr = np.array(getattr(self, name), dtype=dtype)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "ids", tuple(self.ids))
        n = len(self.ids)
        if not (self.fidx.shape == self.midx.shape == self.sex.shape == (n,)):
            raise InvalidInputError("pedigree arrays ids, fidx, midx and sex differ in length")
        pos: dict[str, int] = {}
        for i, ident in enumerate(self.ids):
            if ident in pos:
                raise InvalidInputError(f"individual '{ident}' appears twice in the pedigree")
            pos[ident] = i
        object.__setattr__(self, "_pos", pos)
        object.__setattr__(self, "_loops", {})
        self._validate_links()

    def _validate_links(self) -> None:
        n = len(self.ids)
        for i, ident in enumerate(self.ids):
            f, m = int(self.fidx[i]), int(self.midx[i])
            if not (0 <= f <= n and 0 <= m <= n):
                raise InvalidInputError(f"individual '{ident}' has a parent index out of range")
            if (f == 0) != (m == 0):
                raise InvalidInputError(
                    f"individual '{ident}' has only one parent given; give both or neither"
                )
            if f and self.sex[f - 1] != MALE:
                raise InvalidInputError(
                    f"the father of '{ident}', '{self.ids[f - 1]}', is not male"
                )
            if m and self.sex[m - 1] != FEMALE:
                raise InvalidInputError(
                    f"the mother of '{ident}', '{self.ids[m - 1]}', is not female"
                )
            if int(self.sex[i]) not in (UNKNOWN_SEX, MALE, FEMALE):
                raise InvalidInputError(f"individual '{ident}' has sex {self.sex[i]}; use 0, 1, 2")
        self._check_acyclic()

    def _check_acyclic(self) -> None:
        state = np.zeros(len(self.ids), dtype=np.int8)  # 0 new, 1 on stack, 2 done
        for start in range(len(self.ids)):
            stack: list[tuple[int, int]] = [(start, 0)]
            while stack:
                node, k = stack.pop()
                if k == 0:
                    if state[node] == 2:
                        continue
                    state[node] = 1
                parents = [p - 1 for p in (self.fidx[node], self.midx[node]) if p]
                if k < len(parents):
                    stack.append((node, k + 1))
                    p = parents[k]
                    if state[p] == 1:
                        raise InvalidInputError(
                            f"individual '{self.ids[node]}' is their own ancestor "
                            "(the pedigree has a cycle)"
                        )
                    if state[p] == 0:
                        stack.append((p, 0))
                else:
                    state[node] = 2

    # -- constructors -----------------------------------------------------------------------

    @classmethod
    def from_records(cls, records: Sequence[Record]) -> Pedigree:
        """Build from ``(id, father id, mother id, sex)`` rows; children may precede parents.

        Raises :class:`InvalidInputError` naming the individual for duplicate ids, unknown
        parent ids, a single parent, a father who is not male or a mother who is not female,
        and cycles.
        """
        ids = [str(r[0]) for r in records]
        pos: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in pos:
                raise InvalidInputError(f"individual '{ident}' appears twice in the pedigree")
            pos[ident] = i
        fidx = np.zeros(len(ids), dtype=np.intp)
        midx = np.zeros(len(ids), dtype=np.intp)
        sex = np.zeros(len(ids), dtype=np.int8)
        for i, (ident, fa, mo, sx) in enumerate(records):
            for parent, arr, role in ((fa, fidx, "father"), (mo, midx, "mother")):
                if parent is None:
                    continue
                if parent not in pos:
                    raise InvalidInputError(
                        f"the {role} of '{ident}', '{parent}', is not in the pedigree"
                    )
                if parent == ident:
                    raise InvalidInputError(f"individual '{ident}' is given as their own {role}")
                arr[i] = pos[parent] + 1
            sex[i] = int(sx)
        return cls(ids=tuple(ids), fidx=fidx, midx=midx, sex=sex)

    @classmethod
    def singleton(cls, id: str, sex: int) -> Pedigree:
        """A pedigree of one individual."""
        return cls(
            ids=(id,),
            fidx=np.zeros(1, dtype=np.intp),
            midx=np.zeros(1, dtype=np.intp),
            sex=np.array([sex], dtype=np.int8),
        )

    # -- queries ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n(self) -> int:
        """Number of individuals."""
        return len(self.ids)

    def index(self, id: str) -> int:
        """0-based index of individual ``id``; :class:`NotFoundError` naming it if absent."""
        try:
            return self._pos[id]
        except KeyError:
            raise NotFoundError(f"individual '{id}' is not in the pedigree") from None

    def __contains__(self, id: object) -> bool:
        return id in self._pos

    def father(self, i: int) -> int | None:
        """0-based index of the father of ``i``, or None for a founder."""
        f = int(self.fidx[i])
        return f - 1 if f else None

    def mother(self, i: int) -> int | None:
        """0-based index of the mother of ``i``, or None for a founder."""
        m = int(self.midx[i])
        return m - 1 if m else None

    @cached_property
    def founders(self) -> NDArray[np.intp]:
        """0-based indices of founders."""
        return np.flatnonzero(self.fidx == 0)

    @cached_property
    def nonfounders(self) -> NDArray[np.intp]:
        """0-based indices of non-founders."""
        return np.flatnonzero(self.fidx != 0)

    @cached_property
    def _children(self) -> tuple[tuple[int, ...], ...]:
        kids: list[list[int]] = [[] for _ in self.ids]
        for c in range(len(self.ids)):
            for p in (self.fidx[c], self.midx[c]):
                if p:
                    kids[p - 1].append(c)
        return tuple(tuple(k) for k in kids)

    def children_of(self, i: int) -> NDArray[np.intp]:
        """0-based indices of the children of ``i`` (in pedigree order)."""
        return np.array(self._children[i], dtype=np.intp)

    @cached_property
    def components(self) -> tuple[NDArray[np.intp], ...]:
        """Connected components (through parent-child links) as sorted index arrays."""
        n = len(self.ids)
        root = list(range(n))

        def find(a: int) -> int:
            while root[a] != a:
                root[a] = root[root[a]]
                a = root[a]
            return a

        for c in range(n):
            for p in (self.fidx[c], self.midx[c]):
                if p:
                    ra, rb = find(c), find(int(p) - 1)
                    if ra != rb:
                        root[max(ra, rb)] = min(ra, rb)
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(find(i), []).append(i)
        return tuple(np.array(g, dtype=np.intp) for g in groups.values())

    @cached_property
    def has_loops(self) -> bool:
        """True when the pedigree has a loop (inbreeding or marriage loop)."""
        return self.has_loop_among(tuple(range(len(self.ids))))

    def has_loop_among(self, members: tuple[int, ...]) -> bool:
        """Whether the sub-pedigree of ``members`` has a loop (cached per ``members``).

        Builds the graph with one node per individual and one per mating (father, mother);
        each individual links to the mating it was born of and the matings it takes part in.
        The pedigree has a loop exactly when this graph has a cycle. A member whose father is
        not among ``members`` counts as a founder; the parents of a member whose father is
        must be members too (as after pruning barren individuals).
        """
        hit = self._loops.get(members)
        if hit is None:
            hit = self._loops[members] = self._find_loop(members)
        return hit

    def _find_loop(self, members: tuple[int, ...]) -> bool:
        keep = set(members)
        root = {m: m for m in members}

        def find(a: int) -> int:
            while root[a] != a:
                a = root[a]
            return a

        matings: dict[tuple[int, int], int] = {}
        edges: set[tuple[int, int]] = set()
        for c in members:
            f, m = int(self.fidx[c]) - 1, int(self.midx[c]) - 1
            if f < 0 or f not in keep:
                continue
            node = matings.setdefault((f, m), -1 - len(matings))
            root.setdefault(node, node)
            for a in (f, m, c):
                if (a, node) in edges:
                    continue
                edges.add((a, node))
                ra, rb = find(a), find(node)
                if ra == rb:
                    return True
                root[ra] = rb
        return False

    def __repr__(self) -> str:
        return f"Pedigree({len(self.ids)} individuals: {', '.join(self.ids[:6])}...)"
