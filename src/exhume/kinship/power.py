"""Whom to sample next: the power of a missing person's family, now and with one more relative.

For a missing person ``MP`` with typed references ``R`` and a body whose profile ``g`` is MP's,
the LR at marker ``k`` (the pairwise DVI LR) is

    LR_k(g) = P(G_MP = g | R) / P_pop(g),

and the LR of a full profile is the product over markers. Typing another relative ``X`` adds
``X``'s genotypes to ``R``. For each candidate (the current references; the father, mother, a
full sibling, a child alone or with its other parent, a paternal half sibling, a grandparent,
or any other untyped, non-missing member of the pedigree) this module simulates, seeded:

1. ``X``'s genotypes given ``R`` (members in order: each from ``P(G_X | R, earlier draws)``),
2. MP's genotypes given ``R`` and ``X`` (``P(G_MP | R, X)``): exactly the joint conditional
   distribution ``P(G_X, G_MP | R)``, i.e. gene dropping conditional on the data, computed
   sequentially from exact genotype posteriors as forrel's conditional ``profileSim`` does;

and reports ``P(LR >= threshold | the body is MP)``, ``E[log10 LR]``, ``E[LR]`` (forrel's
``meanLR``) and the exclusion power: the probability that a random unrelated body is excluded
(impossible at one marker or more without mutation),
``EP = 1 - prod_k (1 - sum_{g: P0(G_MP = g | R, X) = 0} P_pop(g))``, averaged over the
simulated ``X`` (``P0``: Mendelian transmission). A marker whose reference data are impossible
without mutation excludes nobody. Posteriors are cached per marker and per distinct draw, so
the cost grows with the number of distinct genotypes drawn, not with the number of
simulations. :func:`exact_marker` enumerates the same distribution exactly at one
marker (for tests and small cases).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, KinshipError
from exhume.kinship.likelihood import genotype_posterior
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree
from exhume.kinship.problem import Family
from exhume.kinship.relatives import add_child, add_founder, carry_genotypes, ensure_parents

__all__ = [
    "Candidate",
    "Power",
    "candidates",
    "exact_marker",
    "family_power",
    "simulate_power",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: The LR a true match should reach (dvir's threshold for an undisputed identification).
DEFAULT_THRESHOLD = 1e4


@dataclass(frozen=True)
class Candidate:
    """A way to extend the references: ``typed`` (ids, simulated in this order) on
    ``pedigree`` (the family's, maybe with new members); ``typed == ()`` is "as now"."""

    label: str
    pedigree: Pedigree
    typed: tuple[str, ...]


@dataclass(frozen=True)
class Power:
    """Simulated power of one candidate: per simulation, the log10 LR of a true match and the
    exclusion power of the references."""

    candidate: Candidate
    log10_lr: FloatArray
    exclusion: FloatArray
    threshold: float

    @property
    def n_sims(self) -> int:
        """Number of simulations."""
        return int(self.log10_lr.size)

    @property
    def p_identified(self) -> float:
        """``P(LR >= threshold | the body is the missing person)``."""
        return float(np.mean(self.log10_lr >= math.log10(self.threshold)))

    @property
    def expected_log10_lr(self) -> float:
        """``E[log10 LR | the body is the missing person]``."""
        return float(np.mean(self.log10_lr))

    @property
    def mean_lr(self) -> float:
        """``E[LR | the body is the missing person]``, the mean over the simulations (forrel's
        ``meanLR`` of ``missingPersonIP``; for the current references it estimates
        ``prod_k sum_g P(G_MP = g | R)^2 / P_pop(g)``, forrel's ``expectedLR``). Computed from
        the log10 LRs scaled by their maximum, so only a mean beyond the float range is
        ``inf``."""
        top, scaled = self._scaled_lr()
        return float(top * np.mean(scaled))

    @property
    def mean_lr_se(self) -> float:
        """Monte Carlo standard error of :attr:`mean_lr`: the spread of the simulated LRs over
        ``sqrt(n_sims)`` (the LR of a true match is heavy-tailed, so with many markers this
        estimate is itself rough)."""
        top, scaled = self._scaled_lr()
        return float(top * np.std(scaled) / math.sqrt(self.n_sims))

    def _scaled_lr(self) -> tuple[float, FloatArray]:
        top = float(np.max(self.log10_lr))
        with np.errstate(over="ignore"):
            return float(np.power(10.0, top)), np.power(10.0, self.log10_lr - top)

    @property
    def exclusion_power(self) -> float:
        """``P(a random unrelated body is excluded)``, averaged over the simulations."""
        return float(np.mean(self.exclusion))


def candidates(ped: Pedigree, genotypes: IntArray, missing: str, *, skip: Sequence[str] = ()
               ) -> list[Candidate]:  # fmt: skip
    """The current references, then each relative who could still be typed: father, mother,
    full sibling, child (alone and with its other parent; when MP's sex is known), paternal
    half sibling, paternal grandfather and maternal grandmother (existing untyped members are
    used where the pedigree has them), then every other untyped member not in ``skip`` (the
    family's other missing persons)."""
    typed = {ped.ids[i] for i in np.flatnonzero((genotypes >= 0).any(axis=(1, 2)))}
    barred = typed | set(skip) | {missing}
    out = [Candidate("current references", ped, ())]
    used: set[str] = set()

    def offer(label: str, new_ped: Pedigree, ids: tuple[str, ...]) -> None:
        if not any(i in barred for i in ids):
            out.append(Candidate(label, new_ped, ids))
            used.update(ids)

    with_parents, fa, mo = ensure_parents(ped, missing)
    offer("father", with_parents, (fa,))
    offer("mother", with_parents, (mo,))
    sib_ped, sib = add_child(with_parents, f"{missing}_sibling", fa, mo)
    offer("full sibling", sib_ped, (sib,))
    sex = int(ped.sex[ped.index(missing)])
    if sex in (MALE, FEMALE):
        spouse_ped, spouse = add_founder(ped, f"{missing}_partner", MALE + FEMALE - sex)
        father, mother = (missing, spouse) if sex == MALE else (spouse, missing)
        child_ped, child = add_child(spouse_ped, f"{missing}_child", father, mother)
        offer("child", child_ped, (child,))
        offer("child and its other parent", child_ped, (spouse, child))
    mate_ped, mate = add_founder(with_parents, f"{fa}_partner", FEMALE)
    half_ped, half = add_child(mate_ped, f"{missing}_half_sibling", fa, mate)
    offer("paternal half sibling", half_ped, (half,))
    gp_ped, gf, _ = ensure_parents(with_parents, fa)
    offer("paternal grandfather", gp_ped, (gf,))
    gm_ped, _, gm = ensure_parents(with_parents, mo)
    offer("maternal grandmother", gm_ped, (gm,))
    for ident in ped.ids:
        if ident not in barred and ident not in used:
            offer(f"pedigree member {ident}", ped, (ident,))
    return out


def family_power(
    family: Family,
    markers: Sequence[Marker],
    missing: str,
    *,
    n_sims: int = 1000,
    seed: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Power]:
    """:func:`simulate_power` for every candidate of ``missing`` in ``family``; candidate
    ``j`` draws from ``numpy.random.default_rng([seed, j])``, so each is reproducible alone."""
    if missing not in family.missing:
        raise InvalidInputError(f"'{missing}' is not a missing person of family '{family.id}'")
    others = [m for m in family.missing if m != missing]
    cands = candidates(family.pedigree, family.genotypes, missing, skip=others)
    return [
        simulate_power(
            c,
            markers,
            carry_genotypes(family.pedigree, family.genotypes, c.pedigree),
            missing,
            n_sims=n_sims,
            rng=np.random.default_rng([seed, j]),
            threshold=threshold,
        )
        for j, c in enumerate(cands)
    ]


def simulate_power(
    candidate: Candidate,
    markers: Sequence[Marker],
    genotypes: IntArray,
    missing: str,
    *,
    n_sims: int,
    rng: np.random.Generator,
    threshold: float = DEFAULT_THRESHOLD,
) -> Power:
    """Simulate ``n_sims`` true matches for ``missing`` with ``candidate.typed`` added to the
    references ``genotypes`` (rows of ``candidate.pedigree``; see the module docstring)."""
    if n_sims < 1:
        raise InvalidInputError("the number of simulations must be at least 1")
    ped = candidate.pedigree
    order = [ped.index(i) for i in candidate.typed]
    mp = ped.index(missing)
    log10_lr = np.zeros(n_sims)
    keep = np.ones(n_sims)
    for k, marker in enumerate(markers):
        chain = _Chain(ped, marker, genotypes[:, k], order, mp)
        lr_k, ep_k = chain.sample(n_sims, rng)
        log10_lr += lr_k
        keep *= 1.0 - ep_k
    return Power(candidate, log10_lr, 1.0 - keep, threshold)


def exact_marker(
    ped: Pedigree,
    marker: Marker,
    genotypes_at_marker: IntArray,
    typed: Sequence[str],
    missing: str,
) -> list[tuple[float, float, float]]:
    """Every outcome at one marker as ``(probability, log10 LR, exclusion power)``: the
    distribution :func:`simulate_power` samples from, enumerated."""
    chain = _Chain(ped, marker, genotypes_at_marker, [ped.index(i) for i in typed],
                   ped.index(missing))  # fmt: skip
    return chain.enumerate()


class _Chain:
    """Sequential conditional genotype distributions at one marker, cached by the draws."""

    def __init__(
        self, ped: Pedigree, marker: Marker, g: IntArray, order: Sequence[int], mp: int
    ) -> None:
        self.ped, self.marker, self.g, self.order, self.mp = ped, marker, g, list(order), mp
        n = marker.n_alleles
        self.rows, self.cols = np.triu_indices(n)
        p = marker.afreq
        self.hw = np.where(self.rows == self.cols, p[self.rows] ** 2,
                           2.0 * p[self.rows] * p[self.cols])  # fmt: skip
        self.cache: dict[tuple[int, tuple[int, ...], bool], FloatArray] = {}

    def posterior(self, target: int, prefix: tuple[int, ...], mutation: bool = True) -> FloatArray:
        key = (target, prefix, mutation)
        if key not in self.cache:
            g = self.g.copy()
            for who, geno in zip(self.order, prefix, strict=False):
                g[who] = (self.rows[geno], self.cols[geno])
            try:
                self.cache[key] = genotype_posterior(self.ped, self.marker, g, target,
                                                     mutation=mutation)  # fmt: skip
            except KinshipError:
                if mutation:
                    raise
                self.cache[key] = np.ones_like(self.hw)  # inconsistent without mutation
        return self.cache[key]

    def outcome(self, prefix: tuple[int, ...]) -> tuple[FloatArray, FloatArray, float]:
        """MP's posterior, its log10 LR table and the exclusion power, given the draws."""
        post = self.posterior(self.mp, prefix)
        with np.errstate(divide="ignore"):
            table = np.log10(post) - np.log10(self.hw)
        plain = self.posterior(self.mp, prefix, False) if self.marker.mutation else post
        return post, table, float(self.hw[plain == 0].sum())

    def sample(self, n_sims: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
        draws = np.zeros((len(self.order), n_sims), dtype=np.intp)
        lr = np.empty(n_sims)
        ep = np.empty(n_sims)
        for j, target in enumerate([*self.order, self.mp]):
            keys, inverse = _groups(draws[:j])
            for u, key in enumerate(keys):
                sel = np.flatnonzero(inverse == u)
                if target == self.mp:
                    post, table, excl = self.outcome(key)
                    g = rng.choice(post.size, size=sel.size, p=post)
                    lr[sel], ep[sel] = table[g], excl
                else:
                    post = self.posterior(target, key)
                    draws[j, sel] = rng.choice(post.size, size=sel.size, p=post)
        return lr, ep

    def enumerate(self) -> list[tuple[float, float, float]]:
        out: list[tuple[float, float, float]] = []

        def walk(prefix: tuple[int, ...], prob: float) -> None:
            if len(prefix) == len(self.order):
                post, table, excl = self.outcome(prefix)
                out.extend((prob * float(q), float(table[i]), excl)
                           for i, q in enumerate(post) if q > 0)  # fmt: skip
                return
            post = self.posterior(self.order[len(prefix)], prefix)
            for i in np.flatnonzero(post > 0):
                walk((*prefix, int(i)), prob * float(post[i]))

        walk((), 1.0)
        return out


def _groups(draws: IntArray) -> tuple[list[tuple[int, ...]], IntArray]:
    """Distinct columns of ``draws`` (in sorted order) and each column's group."""
    if draws.shape[0] == 0:
        return [()], np.zeros(draws.shape[1], dtype=np.intp)
    uniq, inverse = np.unique(draws.T, axis=0, return_inverse=True)
    return [tuple(int(x) for x in row) for row in uniq], inverse.reshape(-1)
