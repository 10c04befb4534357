"""One family under many placements of victims: shared messages, one allele space.

The DVI joint table evaluates one reference family under thousands of *placements* (which
victim sits at which missing person). One elimination per placement repeats almost all of its
work: a message from a part of the pedigree depends only on the victims placed at the missing
persons inside that part. Here

* every placement shares **one allele space** per marker: the alleles seen in the family's
  references and in every victim that may be placed in it, plus one lumped allele for the rest
  (pedprobr's lumping rule, :func:`~exhume.kinship._lumping.lump`, applied to the union: exact
  without mutation and for lumpable models; otherwise every allele of the marker is kept);
* the pedigree is one Markov network over **allele variables** (each member's paternal and
  maternal allele), with one **fixed elimination order** (greedy min-size, loops included);
* a missing person's evidence is a factor with one row per *choice* (nobody, or one of its
  candidate victims), and every intermediate factor keeps one row per distinct combination of
  the rows that entered it: the placements are first reduced, step by step, to these distinct
  combinations (a symbolic pass over integer indices), then each step's arithmetic runs once
  per distinct combination, all of them in one batched ``einsum``.

The values are the likelihoods of :func:`~exhume.kinship.likelihood.loglik` up to rounding
(same model, another order of summation and another lumping set), which the tests check to
1e-9 relative on random pedigrees and every dvi example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.kinship import _engine as eng
from exhume.kinship._lumping import Lumped, lump, marker_table
from exhume.kinship._plans import FULL, NOMINAL_ALLELES, Cost, GreedyElimination, prune
from exhume.kinship.genotypes import transmission_tensor
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Elements of one batched intermediate array (rows x markers x states) computed at once.
_CHUNK = 1 << 22
#: A join of two factors with rows is one matrix product over all their row pairs when these
#: are at most this many times the combinations needed (4: icmp 0.40 s, 16: 0.87 s).
_PAIR_WASTE = 4
#: Largest intermediate array (elements) :meth:`PlacementEvaluator.evaluate` will hold.
MAX_CELLS = 1 << 26


class TooLarge(Exception):
    """An intermediate factor would exceed :data:`MAX_CELLS`; evaluate otherwise."""


_LETTERS = "abcdefghijlmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXYZ"  # 'k', 'z' are reserved


@dataclass(frozen=True)
class _Factor:
    kind: str  # 'freq' (founder allele), 'trans' (parent -> child allele), 'ev', 'choice'
    arg: tuple[int, ...]
    scope: tuple[int, ...]


@dataclass(frozen=True)
class _Step:
    factors: tuple[int, ...]
    out: tuple[int, ...]
    vars: tuple[int, ...]  # summed out together
    new_id: int  # -1: the result is a scalar per marker
    combos: tuple[IntArray | None, ...]  # per factor: its row for each distinct combination
    n_rows: int  # distinct combinations (0 when no factor has rows: one shared value)


class PlacementEvaluator:
    """Per-marker log-likelihoods of one family under many placements of victims.

    ``slots`` are the pedigree indices of the missing persons; ``victims`` holds the victims'
    genotypes ``(V, K, 2)``; ``candidates[s]`` are the victims that may sit at slot ``s``
    (only their alleles enter the common allele space). :meth:`evaluate` takes placements as
    an array ``(P, n_slots)`` of victim indices or ``-1`` (the slot keeps its own data).
    """

    def __init__(
        self,
        ped: Pedigree,
        markers: Sequence[Marker],
        genotypes: NDArray[np.integer],
        slots: Sequence[int],
        victims: NDArray[np.integer],
        candidates: Sequence[Sequence[int]],
        *,
        mutation: bool = True,
    ) -> None:
        self.ped = ped
        self.slots = tuple(int(s) for s in slots)
        self.candidates = tuple(tuple(int(v) for v in c) for c in candidates)
        self.n_markers = len(markers)
        base = np.asarray(genotypes, dtype=np.intp)
        vic = np.asarray(victims, dtype=np.intp)
        used = sorted({v for c in self.candidates for v in c})
        self._n_victims = int(vic.shape[0])
        self._vrow = {v: i for i, v in enumerate(used)}
        table = marker_table(markers, mutation)
        k = self.n_markers
        stacked = np.concatenate(
            [base, vic[used].reshape(len(used), k, 2), np.full((1, k, 2), -1, dtype=np.intp)]
        )
        self.lumped = lump(table, stacked)
        self._base = self.lumped.genotypes[: ped.n]
        self._victims = self.lumped.genotypes[ped.n : ped.n + len(used)]
        untyped: NDArray[np.bool_] = np.all(base < 0, axis=(1, 2))
        for s, cands in zip(self.slots, self.candidates, strict=True):
            if cands:
                untyped[s] = False
        self.members = prune(ped, list(range(ped.n)), untyped)
        self._factors = self._initial_factors(untyped)
        self._all_scopes: list[tuple[int, ...]] = []

    # -- structure ---------------------------------------------------------------------------

    def _initial_factors(self, untyped: NDArray[np.bool_]) -> list[_Factor]:
        ped = self.ped
        pos = {m: i for i, m in enumerate(self.members)}
        slot_of = {m: s for s, m in enumerate(self.slots)}
        out: list[_Factor] = []
        for i, m in enumerate(self.members):
            pat, mat = 2 * i, 2 * i + 1
            for parent, var, paternal in ((ped.fidx[m], pat, 1), (ped.midx[m], mat, 0)):
                if parent:
                    f = pos[int(parent) - 1]
                    out.append(_Factor("trans", (paternal,), (2 * f, 2 * f + 1, var)))
                else:
                    out.append(_Factor("freq", (), (var,)))
            if m in slot_of and self.candidates[slot_of[m]]:
                out.append(_Factor("choice", (slot_of[m], m), (pat, mat)))
            elif not untyped[m]:
                out.append(_Factor("ev", (m,), (pat, mat)))
        return out

    def _plan(
        self, codes: IntArray
    ) -> list[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]]:
        """A fixed elimination order for these placements (``codes``: each slot's choice row
        per placement). Eliminating a variable costs its neighbourhood's states times the
        distinct choices of the missing persons whose evidence its factors carry, so parts of
        the pedigree with their own victims are summed into small messages before they meet.

        A step whose only other factors are choice-free and lie within the previous step's
        result is fused with it: both variables are summed out at once, without the
        intermediate factor."""
        deps: list[frozenset[int]] = [
            frozenset((f.arg[0],)) if f.kind == "choice" else frozenset() for f in self._factors
        ]
        counts: dict[frozenset[int], int] = {frozenset(): 1}

        def distinct(slots: frozenset[int]) -> int:
            hit = counts.get(slots)
            if hit is None:
                cols = sorted(slots)
                radix = np.int64(self._n_victims + 2)
                key = np.zeros(codes.shape[0], dtype=np.int64)
                for c in cols:
                    key = key * radix + codes[:, c]
                hit = counts[slots] = int(np.unique(key).size)
            return hit

        def cost(elim: GreedyElimination, v: int) -> Cost:
            slots = frozenset().union(*(deps[f] for f in elim.of_var[v]))
            return (distinct(slots) * NOMINAL_ALLELES ** (len(elim.neighbours(v)) + 1), v)

        n_vars = 2 * len(self.members)
        elim = GreedyElimination([f.scope for f in self._factors], n_vars, set(), cost)
        order = []
        for var, mine, out in elim.steps():
            new_id = elim.add_factor(out) if out else -1
            if new_id >= 0:
                deps.append(frozenset().union(*(deps[f] for f in mine)))
            order.append((var, mine, out, new_id))
        self._all_scopes = list(elim.scope)
        fused: list[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]] = []
        for var, mine, out, new_id in order:
            if fused and fused[-1][3] >= 0 and fused[-1][3] in mine:
                done, factors, last_out, last_id = fused[-1]
                others = tuple(f for f in mine if f != last_id)
                if all(not deps[f] and set(elim.scope[f]) <= set(last_out) for f in others):
                    fused[-1] = ((*done, var), factors + others, out, new_id)
                    continue
            fused.append(((var,), mine, out, new_id))
        return fused

    # -- evaluation --------------------------------------------------------------------------

    def _codes(self, placements: IntArray) -> IntArray:
        """Each slot's choice row per placement: 0 its own data, ``j + 1`` its j-th candidate."""
        out = np.zeros(placements.shape, dtype=np.intp)
        for s, cands in enumerate(self.candidates):
            code = np.zeros(self._n_victims + 1, dtype=np.intp)
            code[np.asarray(cands, dtype=np.intp) + 1] = np.arange(1, len(cands) + 1)
            col = placements[:, s]
            if bool(((col >= 0) & ~np.isin(col, cands)).any()):
                raise ValueError(f"a placement puts a victim at slot {s} outside its candidates")
            out[:, s] = code[col + 1]
        return out

    def _symbolic(self, placements: IntArray) -> tuple[list[_Step], list[IntArray | None]]:
        """Reduce the placements step by step to distinct row combinations."""
        codes = self._codes(placements)
        order = self._plan(codes)
        rows: dict[int, IntArray | None] = {}
        for fid, f in enumerate(self._factors):
            rows[fid] = codes[:, f.arg[0]] if f.kind == "choice" else None
        steps: list[_Step] = []
        scalars: list[IntArray | None] = []
        for summed, mine, out, new_id in order:
            have = [rows.pop(f) for f in mine]
            batched = [r for r in have if r is not None]
            if not batched:
                combos: tuple[IntArray | None, ...] = tuple(None for _ in mine)
                n_rows, inverse = 0, None
            else:
                uniq, inverse = _distinct(batched)
                cols = iter(uniq)
                combos = tuple(None if r is None else next(cols) for r in have)
                n_rows = uniq[0].shape[0]
            steps.append(_Step(mine, out, summed, new_id, combos, n_rows))
            if new_id >= 0:
                rows[new_id] = inverse
            else:
                scalars.append(inverse)
        return steps, scalars

    def evaluate(self, placements: NDArray[np.integer]) -> FloatArray:
        """Per-marker log-likelihoods ``(P, K)`` of the placements ``(P, n_slots)``.

        Raises :class:`TooLarge` (before any arithmetic) when an intermediate factor would
        hold more than :data:`MAX_CELLS` elements."""
        pl = np.asarray(placements, dtype=np.intp).reshape(-1, len(self.slots))
        steps, scalars = self._symbolic(pl)
        groups = _groups(self.lumped.n_alleles)
        peak = max(
            (
                max(st.n_rows, 1) * g.size * int(self.lumped.n_alleles[g[0]]) ** len(st.out)
                for st in steps
                for g in groups
            ),
            default=0,
        )
        if peak > MAX_CELLS:
            raise TooLarge(f"an intermediate factor of {peak} elements")
        out = np.zeros((pl.shape[0], self.n_markers))
        for group in groups:
            part = self.lumped.select(group)
            totals = self._numeric(part, group, steps)
            for inverse, vals in zip(scalars, totals, strict=True):
                out[:, group] += vals[0] if inverse is None else vals[inverse]
        return out

    def _numeric(self, part: Lumped, group: IntArray, steps: list[_Step]) -> list[FloatArray]:
        n = part.width
        k = group.size
        arrays: dict[int, tuple[FloatArray, FloatArray]] = {}
        tensors: dict[bool, FloatArray] = {}
        for fid, f in enumerate(self._factors):
            arrays[fid] = self._build(f, part, group, n, tensors)
        totals: list[FloatArray] = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for st in steps:
                ops = [arrays.pop(f) for f in st.factors]
                scopes = [self._scope(f) for f in st.factors]
                res, logs = _contract(ops, scopes, st, n, k)
                if st.new_id >= 0:
                    arrays[st.new_id] = (res, logs)
                else:
                    totals.append(logs + np.log(res))
        return totals

    def _scope(self, fid: int) -> tuple[int, ...]:
        return self._all_scopes[fid]

    def _build(
        self,
        f: _Factor,
        part: Lumped,
        group: IntArray,
        n: int,
        tensors: dict[bool, FloatArray],
    ) -> tuple[FloatArray, FloatArray]:
        """An initial factor as (rows, K, *N axes) values and (rows, K) log-scales."""
        k = group.size
        if f.kind == "freq":
            vals = part.freq[None]
        elif f.kind == "trans":
            paternal = bool(f.arg[0]) or part.male is part.female
            t = tensors.get(paternal)
            if t is None:
                t = tensors[paternal] = transmission_tensor(part.male if paternal else part.female)
            vals = t[None]
        elif f.kind == "ev":
            vals = _evidence(self._base[f.arg[0]][group], part, n)[None]
        else:
            s, m = f.arg
            own = _evidence(self._base[m][group], part, n)
            rows = [own] + [
                _evidence(self._victims[self._vrow[v]][group], part, n) for v in self.candidates[s]
            ]
            vals = np.stack(rows)
        return vals, np.zeros((vals.shape[0], k))


def _distinct(cols: list[IntArray]) -> tuple[list[IntArray], IntArray]:
    """Distinct rows of the stacked columns (non-negative ints): the columns of the distinct
    rows and each input row's index among them (one-dimensional ``unique`` on a mixed-radix
    key, re-coded whenever the key would pass 62 bits)."""
    key = np.zeros(cols[0].shape[0], dtype=np.int64)
    span = 1
    for col in cols:
        size = int(col.max()) + 1
        if span * size >= 1 << 62:
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1).astype(np.int64)
            span = int(key.max()) + 1
        key = key * size + col
        span *= size
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return [col[first] for col in cols], inverse.reshape(-1).astype(np.intp)


def _evidence(geno: IntArray, part: Lumped, n: int) -> FloatArray:
    """Indicator ``(K, N, N)`` of the ordered genotypes consistent with ``geno`` (K, 2)."""
    d = eng.domain(FULL, geno, part.n_alleles, n)
    return d.weight.reshape(geno.shape[0], n, n)


def _contract(
    ops: list[tuple[FloatArray, FloatArray]],
    scopes: list[tuple[int, ...]],
    st: _Step,
    n: int,
    k: int,
) -> tuple[FloatArray, FloatArray]:
    """Multiply the step's factors (each at its row of every distinct combination) and sum
    ``st.vars`` out; rescale each row and marker to max 1 (log-scale kept)."""
    letter = {v: _LETTERS[i] for i, v in enumerate(sorted({u for sc in scopes for u in sc}))}
    n_rows = max(st.n_rows, 1)
    logs = np.zeros((n_rows, k))
    for (_vals, lg), combo in zip(ops, st.combos, strict=True):
        logs += lg[0] if combo is None else lg[combo]
    res = _pair_product(ops, scopes, st, n, k, letter)
    if res is None:
        res = _gathered(ops, scopes, st, n, k, letter)
    if st.out:
        axes = tuple(range(2, res.ndim))
        top = res.max(axis=axes)
        top = np.where(top > 0, top, 1.0)
        res /= top.reshape(top.shape + (1,) * len(st.out))
        logs += np.log(top)
    return res, logs


def _gathered(
    ops: list[tuple[FloatArray, FloatArray]],
    scopes: list[tuple[int, ...]],
    st: _Step,
    n: int,
    k: int,
    letter: dict[int, str],
) -> FloatArray:
    """Every factor gathered at its rows of each combination, one C ``einsum`` per chunk."""
    out_sub = "zk" + "".join(letter[v] for v in st.out)
    n_rows = max(st.n_rows, 1)
    res = np.empty((n_rows, k) + (n,) * len(st.out))
    widest = max([len(st.out), *(len(sc) for sc in scopes)])
    chunk = max(1, _CHUNK // (k * n**widest))
    for start in range(0, n_rows, chunk):
        stop = min(n_rows, start + chunk)
        operands = []
        subs = []
        for (vals, _lg), sc, combo in zip(ops, scopes, st.combos, strict=True):
            body = "k" + "".join(letter[v] for v in sc)
            if combo is None:
                operands.append(vals[0])
                subs.append(body)
            else:
                operands.append(vals[combo[start:stop]])
                subs.append("z" + body)
        if all(c is None for c in st.combos):
            block = _einsum(",".join(subs) + "->" + out_sub[1:], operands)[None]
        else:
            block = _einsum(",".join(subs) + "->" + out_sub, operands)
        res[start:stop] = block
    return res


def _pair_product(
    ops: list[tuple[FloatArray, FloatArray]],
    scopes: list[tuple[int, ...]],
    st: _Step,
    n: int,
    k: int,
    letter: dict[int, str],
) -> FloatArray | None:
    """A step joining two factors with rows, as one matrix product over all their row pairs.

    The choice-free factors are multiplied into one of the two first (into the one with
    fewer rows, widened, when neither holds all their variables); variables summed out
    of one side only are summed there; then ``C[h, (a, x), (b, y)] = sum_e A[a, h, x, e]
    B[b, h, e, y]`` (``h`` the kept shared variables, ``e`` the summed ones) is a batched
    ``matmul`` and each combination reads its pair. ``None`` when the step is not such a join
    or the pairs would be far more than the combinations needed, or too large."""
    batched = [i for i, c in enumerate(st.combos) if c is not None]
    if len(batched) != 2:
        return None
    ia, ib = batched
    a, b = ops[ia][0], ops[ib][0]
    sa, sb = scopes[ia], scopes[ib]
    ra, rb = a.shape[0], b.shape[0]
    if ra * rb > _PAIR_WASTE * st.n_rows:
        return None

    def sub(sc: Sequence[int]) -> str:
        return "".join(letter[v] for v in sc)

    for i, ((vals, _lg), sc) in enumerate(zip(ops, scopes, strict=True)):
        if i in (ia, ib):
            continue
        if set(sc) <= set(sa):
            a = np.einsum(f"zk{sub(sa)},k{sub(sc)}->zk{sub(sa)}", a, vals[0])
        elif set(sc) <= set(sb):
            b = np.einsum(f"zk{sub(sb)},k{sub(sc)}->zk{sub(sb)}", b, vals[0])
        else:  # widen the side with fewer rows
            wide = (
                *(sa if ra <= rb else sb),
                *(v for v in sc if v not in (sa if ra <= rb else sb)),
            )
            if min(ra, rb) * k * n ** len(wide) > _CHUNK:
                return None
            if ra <= rb:
                a, sa = np.einsum(f"zk{sub(sa)},k{sub(sc)}->zk{sub(wide)}", a, vals[0]), wide
            else:
                b, sb = np.einsum(f"zk{sub(sb)},k{sub(sc)}->zk{sub(wide)}", b, vals[0]), wide
    summed = set(st.vars)
    only_a = [v for v in sa if v in summed and v not in sb]
    only_b = [v for v in sb if v in summed and v not in sa]
    if only_a:
        keep = [v for v in sa if v not in only_a]
        a, sa = np.einsum(f"zk{sub(sa)}->zk{sub(keep)}", a), tuple(keep)
    if only_b:
        keep = [v for v in sb if v not in only_b]
        b, sb = np.einsum(f"zk{sub(sb)}->zk{sub(keep)}", b), tuple(keep)
    shared = [v for v in sa if v in sb and v not in summed]
    inner = [v for v in sa if v in sb and v in summed]
    pa = [v for v in sa if v not in sb]
    pb = [v for v in sb if v not in sa]
    nh, npa, npb, ne = n ** len(shared), n ** len(pa), n ** len(pb), n ** len(inner)
    if k * nh * ra * npa * rb * npb > _CHUNK * 4:
        return None
    left = np.einsum(f"zk{sub(sa)}->k{sub(shared)}z{sub(pa)}{sub(inner)}", a)
    right = np.einsum(f"zk{sub(sb)}->k{sub(shared)}{sub(inner)}z{sub(pb)}", b)
    left = np.ascontiguousarray(left).reshape(k * nh, ra * npa, ne)
    right = np.ascontiguousarray(right).reshape(k * nh, ne, rb * npb)
    full = np.matmul(left, right).reshape(k * nh, ra, npa, rb, npb)
    picked = full[:, st.combos[ia], :, st.combos[ib], :]  # (rows, k * nh, npa, npb)
    order = [*shared, *pa, *pb]
    picked = picked.reshape((st.n_rows, k) + (n,) * len(order))
    perm = (0, 1, *(2 + order.index(v) for v in st.out))
    out: FloatArray = np.ascontiguousarray(picked.transpose(perm))
    return out


def _einsum(expr: str, operands: list[FloatArray]) -> FloatArray:
    """One pass of NumPy's C ``einsum`` (no pairwise contraction path): with the row and
    marker axes shared by every operand, the path's reshaped copies cost several times the
    arithmetic (grave: 13 s against 3 s)."""
    out: FloatArray = np.einsum(expr, *operands)
    return out


def _groups(n_alleles: IntArray) -> list[IntArray]:
    """Markers with the same allele count together (work grows as a power of it)."""
    return [np.flatnonzero(n_alleles == w) for w in np.unique(n_alleles)]
