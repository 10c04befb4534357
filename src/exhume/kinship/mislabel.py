"""Simulated DVI problems with mislabelled relatives, and how a solve fares on them.

:func:`simulate_mislabelled` draws, from one seed, ``n_families`` families of one missing
person each (``M{i}``), with 1 to 4 typed references among the father ``FA{i}``, the mother
``MO{i}``, full siblings ``S{i}a``/``S{i}b`` and a child ``C{i}`` (whose other parent ``P{i}``
is untyped), and one body per missing person with probability ``p_body`` (a quarter of them
partial: 10-30% of markers untyped and 5% one-allele calls) plus ``n_unrelated`` unrelated
bodies, ids shuffled. In families with two or more references, a share ``p_error`` carries
one planted error, recorded in :attr:`Mislabelled.errors`:

* ``father``: the stated father is not the missing person's biological father (who is an
  unknown man), though he is the father of the typed siblings;
* ``half``: a stated full sibling is a half sibling (another father);
* ``swap``: two references' tubes are swapped.

Genotypes come from gene dropping on the *true* pedigree (founders from the allele
frequencies, each transmitted allele through the sex's mutation matrix); the problem carries
the *stated* pedigree. :func:`evaluate` counts, over the bodies of reported missing persons,
those named (Undisputed or Match by the solver, or a pedigree correction naming the right
person), named wrongly, and missed, with the planted error of each miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree
from exhume.kinship.problem import DviProblem, Family, Victim
from exhume.kinship.relatives import Record

__all__ = ["BodyResult", "Mislabelled", "Outcome", "evaluate", "simulate_mislabelled"]

IntArray = NDArray[np.intp]
ERRORS = ("father", "half", "swap")
NAMES = ("Undisputed", "Match (GLR)")


@dataclass(frozen=True)
class Mislabelled:
    """A simulated problem, the truth (body -> missing person) and the planted errors."""

    problem: DviProblem
    truth: dict[str, str]
    errors: dict[str, str]


@dataclass(frozen=True)
class BodyResult:
    """One body of a reported missing person: how it fared and what its case looked like."""

    body: str
    missing: str
    n_references: int
    typed_markers: int
    error: str
    result: str  # "named", "named by correction", "missed"


@dataclass
class Outcome:
    """Bodies of reported missing persons, and every name given to the wrong body."""

    bodies: list[BodyResult] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def count(self, result: str) -> int:
        """Bodies with this result."""
        return sum(b.result == result for b in self.bodies)


def simulate_mislabelled(
    markers: Sequence[Marker],
    seed: int,
    *,
    n_families: int = 50,
    p_error: float = 0.3,
    p_body: float = 0.9,
    n_unrelated: int = 8,
) -> Mislabelled:
    """A seeded problem as described in the module docstring."""
    rng = np.random.default_rng(seed)
    families, victims, truth, errors = [], [], {}, {}
    pool: list[tuple[IntArray, int, str | None]] = []
    for i in range(n_families):
        fam, body, sex, error = _family(rng, markers, i, p_error)
        families.append(fam)
        errors[fam.id] = error
        if rng.random() < p_body:
            pool.append((_degrade(rng, body), sex, fam.missing[0]))
    for _ in range(n_unrelated):
        pool.append((_founder(rng, markers), int(rng.integers(1, 3)), None))
    for n, k in enumerate(rng.permutation(len(pool))):
        g, sex, who = pool[int(k)]
        vid = f"V{n + 1:03d}"
        victims.append(Victim(vid, sex, g))
        if who is not None:
            truth[vid] = who
    problem = DviProblem(
        dataset=f"mislabelled-{seed}",
        markers=tuple(markers),
        victims=tuple(victims),
        families=tuple(families),
        missing=tuple(f.missing[0] for f in families),
        references=tuple(r for f in families for r in f.references),
        pairings=None,
        source_sha256="",
    )
    return Mislabelled(problem, truth, errors)


def evaluate(case: Mislabelled, conclusions: Sequence[tuple[str, str | None, str]],
             corrections: Sequence[tuple[str, str]]) -> Outcome:  # fmt: skip
    """Score ``conclusions`` (missing, sample, conclusion) and ``corrections`` (missing,
    sample) against the truth."""
    out = Outcome()
    named = {m: s for m, s, c in conclusions if c in NAMES and s is not None}
    fixed = dict(corrections)
    owner = {m: v for v, m in case.truth.items()}
    for missing, sample in [*named.items(), *fixed.items()]:
        if case.truth.get(sample) != missing:
            out.wrong.append(f"{sample} named {missing}")
    victims = {v.id: v for v in case.problem.victims}
    for missing, body in sorted(owner.items()):
        fam = case.problem.family_of(missing)
        result = "missed"
        if named.get(missing) == body:
            result = "named"
        elif fixed.get(missing) == body:
            result = "named by correction"
        typed = int((victims[body].genotypes >= 0).any(axis=1).sum())
        out.bodies.append(BodyResult(body, missing, len(fam.references), typed,
                                     case.errors[fam.id], result))  # fmt: skip
    return out


# -- internals ------------------------------------------------------------------------------


def _family(
    rng: np.random.Generator, markers: Sequence[Marker], i: int, p_error: float
) -> tuple[Family, IntArray, int, str]:
    """A stated family, the missing person's true genotypes, sex and the planted error."""
    sex = int(rng.integers(1, 3))
    m, fa, mo, sa, sb, ch, pa = (f"{x}{i}" for x in ("M", "FA", "MO", "S", "S", "C", "P"))
    sa, sb = sa + "a", sb + "b"
    kinds = ["father", "mother", "sibling", "sibling2", "child"]
    n_refs = int(rng.integers(1, 5))
    chosen = set(rng.choice(kinds, size=n_refs, replace=False).tolist())
    child_rows: list[Record] = []
    if "child" in chosen:
        child_rows = [(pa, None, None, FEMALE if sex == MALE else MALE),
                      (ch, m if sex == MALE else pa, pa if sex == MALE else m, MALE)]  # fmt: skip
    stated: list[Record] = [(fa, None, None, MALE), (mo, None, None, FEMALE), (m, fa, mo, sex),
                            (sa, fa, mo, MALE), (sb, fa, mo, FEMALE), *child_rows]  # fmt: skip
    typed = [x for x, k in ((fa, "father"), (mo, "mother"), (sa, "sibling"), (sb, "sibling2"),
                            (ch, "child")) if k in chosen]  # fmt: skip
    error = "none"
    if len(typed) >= 2 and rng.random() < p_error:
        possible = [e for e in ERRORS if e != "father" or fa in typed]
        possible = [e for e in possible if e != "half" or {sa, sb} & set(typed)]
        error = str(rng.choice(possible))
    true = list(stated)
    if error == "father":
        true = [(x, f"X{i}", mo, s) if x == m else (x, f, mm, s) for x, f, mm, s in stated]
        true.append((f"X{i}", None, None, MALE))
    elif error == "half":
        sib = sa if sa in typed else sb
        true = [(x, f"Y{i}", mo, s) if x == sib else (x, f, mm, s) for x, f, mm, s in stated]
        true.append((f"Y{i}", None, None, MALE))
    true_ped = Pedigree.from_records(true)
    drop = _gene_drop(rng, true_ped, markers)
    ped = Pedigree.from_records(stated)
    g = np.full((ped.n, len(markers), 2), MISSING, dtype=np.intp)
    for x in typed:
        g[ped.index(x)] = drop[true_ped.index(x)]
    if error == "swap":
        a, b = rng.choice(len(typed), size=2, replace=False)
        ia, ib = ped.index(typed[int(a)]), ped.index(typed[int(b)])
        g[[ia, ib]] = g[[ib, ia]]
        error = f"swap {typed[int(a)]}/{typed[int(b)]}"
    elif error == "father":
        error = f"father {fa}"
    elif error == "half":
        error = f"half {sa if sa in typed else sb}"
    fam = Family(f"F{i}", ped, g, (m,), tuple(typed))
    return fam, drop[true_ped.index(m)], sex, error


def _gene_drop(rng: np.random.Generator, ped: Pedigree, markers: Sequence[Marker]) -> IntArray:
    out = np.full((ped.n, len(markers), 2), MISSING, dtype=np.intp)
    done: set[int] = set()
    while len(done) < ped.n:
        for i in range(ped.n):
            parents = (ped.father(i), ped.mother(i))
            if i in done or any(p is not None and p not in done for p in parents):
                continue
            for k, mk in enumerate(markers):
                if parents[0] is None or parents[1] is None:
                    out[i, k] = rng.choice(mk.n_alleles, size=2, p=mk.afreq)
                    continue
                for side, (par, mat) in enumerate(zip(parents, _matrices(mk), strict=True)):
                    allele = out[par, k, rng.integers(2)]
                    out[i, k, side] = rng.choice(mk.n_alleles, p=mat[allele])
            done.add(i)
    return out


def _matrices(mk: Marker) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if mk.mutation is None:
        eye = np.eye(mk.n_alleles)
        return eye, eye
    return mk.mutation.male, mk.mutation.female


def _founder(rng: np.random.Generator, markers: Sequence[Marker]) -> IntArray:
    return np.array([rng.choice(m.n_alleles, size=2, p=m.afreq) for m in markers], dtype=np.intp)


def _degrade(rng: np.random.Generator, g: IntArray) -> IntArray:
    if rng.random() >= 0.25:
        return g
    out = g.copy()
    out[rng.random(len(g)) < rng.uniform(0.1, 0.3)] = MISSING
    drop = rng.random(len(g)) < 0.05
    out[drop, 1] = MISSING
    return out
