"""Simulated disaster victim identification problems, for tests and benchmarks.

:func:`simulate_dvi` draws, from one seed, a :class:`~exhume.kinship.problem.DviProblem` of
reference families and victims like a lab's: families of a few shapes (both parents typed;
two siblings typed; a parent and a child of the missing person typed; and families with two
missing persons, a father and his son, with the wife and another son typed), genotypes by gene
dropping with the markers' mutation models (:func:`exhume.kinship.simulate.gene_drop`),
victims that are the missing persons (a chosen number) or unrelated people, and bone profiles
of which a chosen share is partial (untyped markers and one-allele observations). The truth
maps each victim to its missing person or ``None``. Written as dvi-json by
:func:`exhume.kinship.dvijson_write.problem_document`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError
from exhume.kinship.frequencies import (
    DEFAULT_MUTATION_KIND,
    FrequencyTable,
    synthetic_frequency_table,
    with_mutation,
)
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree
from exhume.kinship.problem import DviProblem, Family, Victim
from exhume.kinship.simulate import FamilyShape, degrade, gene_drop

__all__ = ["TRUTH_FORMAT", "DviSimulation", "simulate_dvi", "truth_document"]

#: Format name of the truth file written beside a simulated dvi-json problem.
TRUTH_FORMAT = "exhume-dvi-truth"

I64 = NDArray[np.int64]
_Rec = tuple[str, str | None, str | None, int]

#: (name, pedigree records, missing persons, typed references); ids get the family prefix.
_TEMPLATES: tuple[tuple[str, tuple[_Rec, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("parents", (("FA", None, None, MALE), ("MO", None, None, FEMALE), ("MP", "FA", "MO", MALE)),
     ("MP",), ("FA", "MO")),
    ("siblings", (("FA", None, None, MALE), ("MO", None, None, FEMALE), ("MP", "FA", "MO", FEMALE),
                  ("S1", "FA", "MO", MALE), ("S2", "FA", "MO", FEMALE)),
     ("MP",), ("S1", "S2")),
    ("parent-child", (("FA", None, None, MALE), ("MO", None, None, FEMALE),
                      ("MP", "FA", "MO", MALE), ("W", None, None, FEMALE), ("C", "MP", "W", MALE)),
     ("MP",), ("FA", "C")),
)  # fmt: skip
_TWO_MISSING: tuple[str, tuple[_Rec, ...], tuple[str, ...], tuple[str, ...]] = (
    "father-son",
    (("GF", None, None, MALE), ("GM", None, None, FEMALE), ("MP1", "GF", "GM", MALE),
     ("W", None, None, FEMALE), ("MP2", "MP1", "W", MALE), ("S", "MP1", "W", MALE)),
    ("MP1", "MP2"), ("W", "S"),
)  # fmt: skip


@dataclass(frozen=True)
class DviSimulation:
    """A simulated problem and the truth: each victim's missing person, or ``None``."""

    problem: DviProblem
    truth: dict[str, str | None]


def simulate_dvi(
    n_families: int,
    n_victims: int,
    *,
    seed: int,
    n_two_missing: int = 0,
    n_identified: int | None = None,
    n_markers: int = 23,
    partial_share: float = 0.25,
    table: FrequencyTable | None = None,
    mutation_rate: float = 1e-3,
) -> DviSimulation:
    """Draw a DVI problem of ``n_families`` families (``n_two_missing`` of them with two
    missing persons) and ``n_victims`` victims, ``n_identified`` of whom (default: as many as
    possible, up to the victims) are missing persons; ``partial_share`` of the victims have
    partial profiles (each marker untyped with probability 0.3, one allele of a heterozygote
    dropped with probability 0.1). Reproducible from ``seed``."""
    if n_families < 1 or n_victims < 0 or not 0 <= n_two_missing <= n_families:
        raise InvalidInputError("need families >= 1, victims >= 0, 0 <= two-missing <= families")
    table = table or synthetic_frequency_table()
    if not 1 <= n_markers <= len(table.markers):
        raise InvalidInputError(f"markers must lie in 1..{len(table.markers)}", field="markers")
    markers = with_mutation(table.markers[:n_markers], DEFAULT_MUTATION_KIND, rate=mutation_rate)
    rng = np.random.default_rng(seed)
    families, true_geno = _families(rng, markers, n_families, n_two_missing)
    missing = [(f.id, m) for f in families for m in f.missing]
    n_ident = min(len(missing), n_victims) if n_identified is None else n_identified
    if not 0 <= n_ident <= min(len(missing), n_victims):
        raise InvalidInputError("more identified victims than missing persons or victims")
    chosen = rng.permutation(len(missing))[:n_ident]
    genos = [true_geno[missing[k][1]] for k in chosen]
    sexes = [_sex_of(families, missing[k]) for k in chosen]
    unrelated = gene_drop(rng, _single(), markers, n_victims - n_ident)[:, 0]
    genos += list(unrelated)
    sexes += [int(s) for s in rng.choice([MALE, FEMALE], size=n_victims - n_ident)]
    truth_of = [missing[k][1] for k in chosen] + [None] * (n_victims - n_ident)
    order = rng.permutation(n_victims)
    partial = rng.random(n_victims) < partial_share
    victims, truth = [], {}
    for pos, k in enumerate(order):
        vid = f"V{pos + 1}"
        g = np.asarray(genos[k], dtype=np.int64)[None]
        if partial[pos]:
            g = degrade(rng, g, np.array([0.3]), 0.1)
        victims.append(Victim(vid, sexes[k], g[0].astype(np.intp)))
        truth[vid] = truth_of[k]
    problem = DviProblem(
        dataset=f"simulated-{n_families}-families-{n_victims}-victims-seed-{seed}",
        markers=markers,
        victims=tuple(victims),
        families=tuple(families),
        missing=tuple(m for _, m in missing),
        references=tuple(r for f in families for r in f.references),
        pairings=None,
        source_sha256="",
    )
    return DviSimulation(problem, truth)


def truth_document(sim: DviSimulation, problem_sha256: str | None = None) -> dict[str, object]:
    """The truth as a JSON object: each victim's missing person or ``null``, in victim order."""
    return {
        "format": TRUTH_FORMAT,
        "problem_sha256": problem_sha256,
        "dataset": sim.problem.dataset,
        "victims": {v.id: sim.truth[v.id] for v in sim.problem.victims},
    }


def _single() -> FamilyShape:
    return FamilyShape("single", Pedigree.singleton("X", MALE), 0)


def _sex_of(families: list[Family], fam_missing: tuple[str, str]) -> int:
    fam = next(f for f in families if f.id == fam_missing[0])
    return int(fam.pedigree.sex[fam.pedigree.index(fam_missing[1])])


def _families(
    rng: np.random.Generator, markers: tuple[Marker, ...], n_families: int, n_two: int
) -> tuple[list[Family], dict[str, I64]]:
    """Families with their references' genotypes, and every missing person's true genotype."""
    templates = [_TWO_MISSING] * n_two
    templates += [_TEMPLATES[k % len(_TEMPLATES)] for k in range(n_families - n_two)]
    families: list[Family] = []
    truth: dict[str, I64] = {}
    for f, (name, recs, miss, refs) in enumerate(templates):
        prefix = f"F{f + 1}-"

        def pid(x: str | None, p: str = prefix) -> str | None:
            return None if x is None else p + x

        ped = Pedigree.from_records([(prefix + i, pid(fa), pid(mo), s) for i, fa, mo, s in recs])
        shape = FamilyShape(name, ped, ped.index(prefix + miss[0]))
        geno = gene_drop(rng, shape, markers, 1)[0]
        typed = np.full_like(geno, -1)
        for r in refs:
            typed[ped.index(prefix + r)] = geno[ped.index(prefix + r)]
        for m in miss:
            truth[prefix + m] = geno[ped.index(prefix + m)]
        families.append(
            Family(
                id=f"F{f + 1}",
                pedigree=ped,
                genotypes=typed.astype(np.intp),
                missing=tuple(prefix + m for m in miss),
                references=tuple(prefix + r for r in refs),
            )
        )
    return families, truth
