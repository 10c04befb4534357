"""Synthetic screening scenarios: families of missing persons and recovered bodies.

:func:`simulate_scenario` draws, from one seed, ``N`` families (each one missing person and
their pedigree) and ``M`` bodies, a chosen share of which are missing persons of those
families. Genotypes are drawn by gene dropping: founder alleles from the population
frequencies, each child's paternal allele a random one of the father's two alleles passed
through the male mutation matrix (``M[parent allele, child allele]``), the maternal one
likewise. Realism knobs: 1 to 4 typed references per family, some families with no typed
relative, some with a direct reference (a personal effect of the missing person, stored as the
missing person's own, possibly partial, profile), a few mislabelled relatives (a "sibling"
typed from an unrelated person), references typed with an older 15-marker kit, degraded bones
(untyped markers, one-allele observations) and bodies of unknown sex.

The scenario's file format is in :mod:`exhume.kinship.scenariofile`; accuracy against the
truth in :mod:`exhume.kinship.screeningreport`. Family ``i`` is ``F{i:06d}`` with missing
person ``MP{i:06d}``; body ``j`` is ``B{j:06d}``.

**Several missing persons per family.** ``two_missing`` families (drawn at random) instead take
a shape with two missing persons: a father and his son (the mother and two siblings may be
typed) or a husband and his wife (their children may be typed). Each missing person is one
screening *column* (:meth:`Scenario.family_data`): the family's pedigree with that person as
the target, the other missing person untyped. Columns go family by family, each family's
missing persons in shape order, so a scenario without such families has one column per family
in family order. The second missing person of family ``i`` is ``MP{i:06d}-<pedigree id>``
(``MP000012-FA``: family 12's missing father).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError
from exhume.kinship.frequencies import (
    DEFAULT_MUTATION_KIND,
    DEFAULT_MUTATION_PARAMS,
    FrequencySource,
    FrequencyTable,
    synthetic_frequency_table,
    with_mutation,
)
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree
from exhume.kinship.screeningtables import FamilyData

__all__ = [
    "FamilyShape",
    "Scenario",
    "Truth",
    "family_shapes",
    "simulate_scenario",
    "two_missing_shapes",
]

_OLD_KIT_MARKERS = 15

I16 = NDArray[np.int16]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class FamilyShape:
    """A pedigree shape shared by many families, the missing person and who may be typed."""

    name: str
    pedigree: Pedigree
    missing: int
    references: tuple[int, ...] = ()
    siblings: tuple[int, ...] = ()
    also_missing: tuple[int, ...] = ()

    @property
    def missing_persons(self) -> tuple[int, ...]:
        """Pedigree indices of every missing person (``missing`` first)."""
        return (self.missing, *self.also_missing)


@dataclass(frozen=True)
class Scenario:
    """Families of missing persons with typed references, and bodies to screen."""

    markers: tuple[Marker, ...]
    source: FrequencySource
    mutation: dict[str, Any]
    shapes: tuple[FamilyShape, ...]
    family_shape: I16
    family_offset: I64
    reference_genotypes: I16
    remains_genotypes: I16
    remains_sex: NDArray[np.int8]
    seed: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def n_families(self) -> int:
        """Number of families."""
        return int(self.family_shape.shape[0])

    @property
    def n_missing(self) -> int:
        """Number of missing persons (screening columns)."""
        return int(self._missing_counts().sum())

    def _missing_counts(self) -> I64:
        counts = np.array([len(s.missing_persons) for s in self.shapes], dtype=np.int64)
        out: I64 = counts[self.family_shape]
        return out

    def missing_columns(self) -> tuple[I64, I64]:
        """Family index and pedigree index of every missing person (screening column), family
        by family and in shape order within a family."""
        counts = self._missing_counts()
        family = np.repeat(np.arange(self.n_families, dtype=np.int64), counts)
        rank = np.arange(family.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
        members = np.full((len(self.shapes), int(counts.max(initial=1))), -1, dtype=np.int64)
        for k, shape in enumerate(self.shapes):
            members[k, : len(shape.missing_persons)] = shape.missing_persons
        member: I64 = members[self.family_shape[family], rank]
        return family, member

    def missing_ids(self) -> list[str]:
        """Name of every missing person (column): ``MP{i:06d}`` for the first missing person of
        family ``i``, ``MP{i:06d}-<pedigree id>`` for another."""
        family, member = self.missing_columns()
        first = np.array([s.missing for s in self.shapes])[self.family_shape[family]]
        return [
            f"MP{f:06d}"
            if m == m0
            else f"MP{f:06d}-{self.shapes[self.family_shape[f]].pedigree.ids[m]}"
            for f, m, m0 in zip(family.tolist(), member.tolist(), first.tolist(), strict=True)
        ]

    @property
    def n_remains(self) -> int:
        """Number of bodies."""
        return int(self.remains_sex.shape[0])

    def family_genotypes(self, family: int) -> I16:
        """Genotypes ``(n_individuals, n_markers, 2)`` of one family's pedigree members."""
        lo, hi = int(self.family_offset[family]), int(self.family_offset[family + 1])
        return self.reference_genotypes[lo:hi]

    def family_data(self) -> FamilyData:
        """The missing persons as screening takes them: one column per missing person, its
        family's pedigree with it as the target (without several missing persons in any
        family, the families themselves)."""
        if all(not s.also_missing for s in self.shapes):
            return FamilyData(
                markers=self.markers,
                pedigrees=tuple(s.pedigree for s in self.shapes),
                targets=tuple(s.missing for s in self.shapes),
                family_shape=self.family_shape,
                family_offset=self.family_offset,
                genotypes=self.reference_genotypes,
            )
        column_shape: dict[tuple[int, int], int] = {}
        for k, shape in enumerate(self.shapes):
            for m in shape.missing_persons:
                column_shape[(k, m)] = len(column_shape)
        family, member = self.missing_columns()
        shapes = self.family_shape[family].astype(np.int64)
        lookup = np.full((len(self.shapes), max(s.pedigree.n for s in self.shapes)), -1)
        for (k, m), j in column_shape.items():
            lookup[k, m] = j
        sizes = self.family_offset[family + 1] - self.family_offset[family]
        starts = np.repeat(self.family_offset[family] - (np.cumsum(sizes) - sizes), sizes)
        rows = starts + np.arange(int(sizes.sum()))
        return FamilyData(
            markers=self.markers,
            pedigrees=tuple(self.shapes[k].pedigree for k, _ in column_shape),
            targets=tuple(m for _, m in column_shape),
            family_shape=lookup[shapes, member].astype(np.int64),
            family_offset=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            genotypes=self.reference_genotypes[rows],
        )


@dataclass(frozen=True)
class Truth:
    """What the simulation knows: the family of each body (``-1``: unrelated) and which of
    its missing persons the body is (the column of :meth:`Scenario.missing_columns`; ``None``
    when every family has one missing person, then the column is the family)."""

    remains_family: I64
    mislabelled_families: I64
    direct_reference_families: I64
    remains_missing: I64 | None = None

    def remains_column(self) -> I64:
        """The missing person (column) of each body, ``-1`` when unrelated."""
        return self.remains_family if self.remains_missing is None else self.remains_missing


# -- family shapes ----------------------------------------------------------------------------

_Rec = tuple[str, str | None, str | None, int]


def _shape(
    name: str, records: list[_Rec], refs: list[str], sibs: tuple[str, ...] = ()
) -> FamilyShape:
    ped = Pedigree.from_records(records)
    return FamilyShape(
        name=name,
        pedigree=ped,
        missing=ped.index("MP"),
        references=tuple(ped.index(r) for r in refs),
        siblings=tuple(ped.index(s) for s in sibs),
    )


def family_shapes() -> tuple[FamilyShape, ...]:
    """The simulated shapes, for a male and a female missing person each (parents first)."""
    out: list[FamilyShape] = []
    for sx, tag in ((MALE, "m"), (FEMALE, "f")):
        par: list[_Rec] = [("FA", None, None, MALE), ("MO", None, None, FEMALE)]
        mp: _Rec = ("MP", "FA", "MO", sx)
        out.append(_shape(f"parents-{tag}", [*par, mp], ["FA", "MO"]))
        sibs: list[_Rec] = [("S1", "FA", "MO", MALE), ("S2", "FA", "MO", FEMALE)]
        out.append(
            _shape(
                f"siblings-{tag}",
                [*par, mp, *sibs, ("S3", "FA", "MO", MALE)],
                ["S1", "S2", "S3"],
                ("S1", "S2", "S3"),
            )
        )
        out.append(
            _shape(f"parent-sibling-{tag}", [*par, mp, sibs[0]], ["MO", "S1", "FA"], ("S1",))
        )
        spouse_sex = FEMALE if sx == MALE else MALE
        couple: list[_Rec] = [("MP", None, None, sx), ("SP", None, None, spouse_sex)]
        fa, mo = ("MP", "SP") if sx == MALE else ("SP", "MP")
        kids: list[_Rec] = [("C1", fa, mo, MALE), ("C2", fa, mo, FEMALE), ("C3", fa, mo, MALE)]
        out.append(_shape(f"children-{tag}", [*couple, *kids], ["C1", "C2", "C3"]))
        out.append(_shape(f"spouse-children-{tag}", [*couple, *kids[:2]], ["SP", "C1", "C2"]))
        grand: list[_Rec] = [
            ("GF", None, None, MALE),
            ("GM", None, None, FEMALE),
            ("FA", "GF", "GM", MALE),
            ("MO", None, None, FEMALE),
            mp,
            ("UN", "GF", "GM", MALE),
        ]
        out.append(_shape(f"grandparents-{tag}", grand, ["GF", "GM", "UN"]))
        out.append(_shape(f"direct-{tag}", [("MP", None, None, sx)], []))
    return tuple(out)


def two_missing_shapes() -> tuple[FamilyShape, ...]:
    """Shapes with two missing persons: a father and his son (mother, a daughter and another
    son may be typed), and a husband and his wife (three children may be typed)."""
    father_son = _shape(
        "father-son",
        [("FA", None, None, MALE), ("MO", None, None, FEMALE), ("MP", "FA", "MO", MALE),
         ("S1", "FA", "MO", FEMALE), ("S2", "FA", "MO", MALE)],
        ["MO", "S1", "S2"],
    )  # fmt: skip
    couple = _shape(
        "husband-wife",
        [("MP", None, None, MALE), ("SP", None, None, FEMALE), ("C1", "MP", "SP", MALE),
         ("C2", "MP", "SP", FEMALE), ("C3", "MP", "SP", MALE)],
        ["C1", "C2", "C3"],
    )  # fmt: skip
    return (
        dataclasses.replace(father_son, also_missing=(father_son.pedigree.index("FA"),)),
        dataclasses.replace(couple, also_missing=(couple.pedigree.index("SP"),)),
    )


# -- gene dropping ----------------------------------------------------------------------------


def _founder_alleles(rng: np.random.Generator, markers: tuple[Marker, ...], size: int) -> I64:
    """``(size, n_markers)`` alleles drawn from the population frequencies."""
    out = np.empty((size, len(markers)), dtype=np.int64)
    for k, m in enumerate(markers):
        cdf = np.cumsum(m.afreq)
        out[:, k] = np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1]), m.n_alleles - 1)
    return out


def _transmit(
    rng: np.random.Generator, markers: tuple[Marker, ...], parent: I64, male: bool
) -> I64:
    """One allele per family from a parent's two ``(F, n_markers, 2)``, with mutation."""
    n_fam = parent.shape[0]
    pick = rng.integers(0, 2, size=(n_fam, len(markers)))
    allele = np.take_along_axis(parent, pick[..., None], axis=2)[..., 0]
    u = rng.random((n_fam, len(markers)))
    for k, m in enumerate(markers):
        if m.mutation is None:
            continue
        mat = m.mutation.male if male else m.mutation.female
        cdf = np.cumsum(mat, axis=1)[allele[:, k]]
        allele[:, k] = np.minimum((u[:, k, None] * cdf[:, -1:] > cdf).sum(axis=1), m.n_alleles - 1)
    return allele


def gene_drop(
    rng: np.random.Generator, shape: FamilyShape, markers: tuple[Marker, ...], n_fam: int
) -> I64:
    """Genotypes ``(n_fam, n_individuals, n_markers, 2)`` of ``n_fam`` families of a shape."""
    ped = shape.pedigree
    geno = np.empty((n_fam, ped.n, len(markers), 2), dtype=np.int64)
    for i in _parents_first(ped):
        fa, mo = ped.father(i), ped.mother(i)
        if fa is None or mo is None:
            geno[:, i, :, 0] = _founder_alleles(rng, markers, n_fam)
            geno[:, i, :, 1] = _founder_alleles(rng, markers, n_fam)
        else:
            geno[:, i, :, 0] = _transmit(rng, markers, geno[:, fa], male=True)
            geno[:, i, :, 1] = _transmit(rng, markers, geno[:, mo], male=False)
    return geno


def _parents_first(ped: Pedigree) -> list[int]:
    done: list[int] = []
    while len(done) < ped.n:
        for i in range(ped.n):
            parents = [p for p in (ped.father(i), ped.mother(i)) if p is not None]
            if i not in done and all(p in done for p in parents):
                done.append(i)
    return done


def _random_genotypes(rng: np.random.Generator, markers: tuple[Marker, ...], size: int) -> I64:
    return np.stack(
        [_founder_alleles(rng, markers, size), _founder_alleles(rng, markers, size)], axis=2
    )


def degrade(
    rng: np.random.Generator, geno: I64, p_untyped: NDArray[np.float64], p_dropout: float
) -> I64:
    """Untype each marker with its row's probability; keep one allele of a typed heterozygote
    with probability ``p_dropout`` (written ``(a, -1)``)."""
    out = geno.copy()
    lost = rng.random(geno.shape[:2]) < p_untyped[:, None]
    out[lost] = -1
    het = (out[..., 0] != out[..., 1]) & (out[..., 0] >= 0)
    drop = het & (rng.random(geno.shape[:2]) < p_dropout)
    out[drop, 1] = -1
    return out


# -- scenario ---------------------------------------------------------------------------------

#: Share of families per base shape (split equally between a male and a female missing person).
SHAPE_SHARES: dict[str, float] = {
    "parents": 0.15,
    "siblings": 0.25,
    "parent-sibling": 0.15,
    "children": 0.15,
    "spouse-children": 0.12,
    "grandparents": 0.10,
    "direct": 0.08,
}


@dataclass(frozen=True)
class Realism:
    """Rates of the imperfections drawn by :func:`simulate_scenario`."""

    no_typed_relative: float = 0.02
    direct_reference: float = 0.05
    mislabelled_sibling: float = 0.02
    old_kit: float = 0.05
    unknown_sex: float = 0.2
    dropout: float = 0.02
    bone_quality: tuple[tuple[float, float], ...] = ((0.6, 0.0), (0.3, 0.25), (0.1, 0.6))


def _check_args(
    n_families: int, n_remains: int, related_fraction: float, n_markers: int, available: int
) -> None:
    if n_families < 1:
        raise InvalidInputError("need at least one family", field="families")
    if n_remains < 0:
        raise InvalidInputError("the number of bodies cannot be negative", field="remains")
    if not 0.0 <= related_fraction <= 1.0:
        raise InvalidInputError("must lie in [0, 1]", field="related_fraction")
    if round(n_remains * related_fraction) > n_families:
        raise InvalidInputError(
            f"{round(n_remains * related_fraction)} related bodies need as many families, "
            f"but only {n_families} are simulated",
            field="related_fraction",
        )
    if not 1 <= n_markers <= available:
        raise InvalidInputError(
            f"must lie in 1..{available} (markers in the frequency table)", field="markers"
        )


def simulate_scenario(
    n_families: int,
    n_remains: int,
    related_fraction: float,
    *,
    seed: int,
    table: FrequencyTable | None = None,
    n_markers: int = 23,
    mutation_kind: str = DEFAULT_MUTATION_KIND,
    mutation_params: dict[str, float] | None = None,
    realism: Realism | None = None,
    two_missing: int = 0,
) -> tuple[Scenario, Truth]:
    """A scenario and its truth, fully determined by the arguments (``seed`` included);
    ``two_missing`` of the families have two missing persons (:func:`two_missing_shapes`)."""
    table = table or synthetic_frequency_table()
    _check_args(n_families, n_remains, related_fraction, n_markers, len(table.markers))
    if not 0 <= two_missing <= n_families:
        raise InvalidInputError(f"must lie in 0..{n_families} (the families)", field="two_missing")
    params = dict(DEFAULT_MUTATION_PARAMS if mutation_params is None else mutation_params)
    markers = with_mutation(table.markers[:n_markers], mutation_kind, **params)
    real = realism or Realism()
    rng = np.random.default_rng(seed)
    shapes = family_shapes()
    share = np.array([SHAPE_SHARES[s.name.rsplit("-", 1)[0]] / 2 for s in shapes])
    fam_shape = rng.choice(len(shapes), size=n_families, p=share / share.sum()).astype(np.int16)
    if two_missing:
        extra = two_missing_shapes()
        pick = rng.choice(n_families, size=two_missing, replace=False)
        fam_shape[pick] = len(shapes) + rng.integers(0, len(extra), size=two_missing)
        shapes = (*shapes, *extra)
    n_missing = np.array([len(s.missing_persons) for s in shapes])[fam_shape]
    column_start = np.cumsum(n_missing) - n_missing
    column_family = np.repeat(np.arange(n_families), n_missing)
    column_sex = np.empty(column_family.shape[0], dtype=np.int8)
    sizes = np.array([s.pedigree.n for s in shapes])[fam_shape]
    offset = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    refs = np.full((int(offset[-1]), n_markers, 2), -1, dtype=np.int16)
    mp_geno = np.empty((column_family.shape[0], n_markers, 2), dtype=np.int64)
    mislabelled: list[NDArray[np.int64]] = []
    direct: list[NDArray[np.int64]] = []
    for k, shape in enumerate(shapes):
        fams = np.flatnonzero(fam_shape == k)
        if fams.size == 0:
            continue
        geno = gene_drop(rng, shape, markers, fams.size)
        for r, person in enumerate(shape.missing_persons):
            mp_geno[column_start[fams] + r] = geno[:, person]
            column_sex[column_start[fams] + r] = shape.pedigree.sex[person]
        typed, swapped, has_direct = _typing(rng, shape, fams.size, real)
        if swapped.any():
            sib = shape.siblings[0]
            geno[swapped, sib] = _random_genotypes(rng, markers, int(swapped.sum()))
        observed = _observe_references(rng, shape, geno, typed, has_direct, real)
        rows = offset[fams][:, None] + np.arange(shape.pedigree.n)
        refs[rows] = observed
        mislabelled.append(fams[swapped])
        direct.append(fams[has_direct])
    remains, sex, truth = _bodies(
        rng, markers, mp_geno, column_sex, n_remains, related_fraction, real
    )
    scenario = Scenario(
        markers=markers,
        source=table.source,
        mutation={"kind": mutation_kind, "params": params},
        shapes=shapes,
        family_shape=fam_shape,
        family_offset=offset,
        reference_genotypes=refs,
        remains_genotypes=remains,
        remains_sex=sex,
        seed=seed,
        params={
            "families": n_families,
            "remains": n_remains,
            "related_fraction": related_fraction,
            "markers": n_markers,
            **({"two_missing": two_missing} if two_missing else {}),
        },
    )
    return scenario, Truth(
        remains_family=np.where(truth >= 0, column_family[np.maximum(truth, 0)], -1),
        mislabelled_families=np.sort(np.concatenate(mislabelled)).astype(np.int64),
        direct_reference_families=np.sort(np.concatenate(direct)).astype(np.int64),
        remains_missing=truth if two_missing else None,
    )


def _typing(
    rng: np.random.Generator, shape: FamilyShape, n_fam: int, real: Realism
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Who is typed: 1 to 4 references (none for some families), a mislabelled first sibling,
    and a direct reference (always for the ``direct`` shape)."""
    typed = np.zeros((n_fam, shape.pedigree.n), dtype=bool)
    pool = np.array(shape.references, dtype=np.int64)
    if pool.size:
        k = rng.integers(1, min(4, pool.size) + 1, size=n_fam)
        order = np.argsort(rng.random((n_fam, pool.size)), axis=1)
        chosen = np.arange(pool.size)[None, :] < k[:, None]
        rows = np.repeat(np.arange(n_fam)[:, None], pool.size, axis=1)
        typed[rows[chosen], pool[order][chosen]] = True
        typed[rng.random(n_fam) < real.no_typed_relative] = False
    if shape.pedigree.n == 1:
        has_direct = np.ones(n_fam, dtype=bool)
    elif shape.also_missing:
        has_direct = np.zeros(n_fam, dtype=bool)
    else:
        has_direct = rng.random(n_fam) < real.direct_reference
    typed[:, shape.missing] = has_direct
    swapped = np.zeros(n_fam, dtype=bool)
    if shape.siblings:
        swapped = typed[:, shape.siblings[0]] & (rng.random(n_fam) < real.mislabelled_sibling)
    return typed, swapped, has_direct


def _observe_references(
    rng: np.random.Generator,
    shape: FamilyShape,
    geno: I64,
    typed: NDArray[np.bool_],
    has_direct: NDArray[np.bool_],
    real: Realism,
) -> I16:
    """Reference profiles: typed members only; some with an older 15-marker kit; the direct
    reference (a personal effect) degraded like a moderately good bone."""
    out = np.where(typed[..., None, None], geno, -1)
    old = typed & (rng.random(typed.shape) < real.old_kit)
    old[:, shape.missing] = False
    out[:, :, _OLD_KIT_MARKERS:][old] = -1
    if has_direct.any():
        mp = out[has_direct, shape.missing]
        out[has_direct, shape.missing] = degrade(rng, mp, np.full(mp.shape[0], 0.2), real.dropout)
    return out.astype(np.int16)


def _bodies(
    rng: np.random.Generator,
    markers: tuple[Marker, ...],
    mp_geno: I64,
    mp_sex: NDArray[np.int8],
    n_remains: int,
    related_fraction: float,
    real: Realism,
) -> tuple[I16, NDArray[np.int8], I64]:
    n_rel = round(n_remains * related_fraction)
    columns = rng.choice(mp_geno.shape[0], size=n_rel, replace=False)
    truth = np.concatenate([columns, np.full(n_remains - n_rel, -1)]).astype(np.int64)
    geno = np.concatenate([mp_geno[columns], _random_genotypes(rng, markers, n_remains - n_rel)])
    sex = np.concatenate([mp_sex[columns], rng.integers(1, 3, n_remains - n_rel)]).astype(np.int8)
    perm = rng.permutation(n_remains)
    truth, geno, sex = truth[perm], geno[perm], sex[perm]
    sex[rng.random(n_remains) < real.unknown_sex] = 0
    shares = np.array([q for q, _ in real.bone_quality])
    levels = np.array([p for _, p in real.bone_quality])
    p_untyped = levels[rng.choice(levels.size, size=n_remains, p=shares / shares.sum())]
    return degrade(rng, geno, p_untyped, real.dropout).astype(np.int16), sex, truth
