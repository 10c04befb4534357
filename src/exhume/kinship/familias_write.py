"""Write Familias ``.fam`` files: a kinship case, or a DVI problem with its database.

The layout is the one :mod:`exhume.kinship.familias` reads (Familias 3's). Familias stores a
mutation model as parameters, not as a matrix, so each marker's matrices must be ones that
Familias' models rebuild: :func:`familias_model` finds the model code and parameters that
reproduce a matrix to 1e-12 and refuses a marker (naming it and the sex) when none does.

In the DVI part the missing persons appear by a name starting with ``Missing``; an id that does
not is written ``Missing <id>``. The file does not keep their sex; importing gives each the
sex opposite to a partner's when they are a parent, else unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError
from exhume.kinship.familias import FamiliasCase, FamiliasPerson
from exhume.kinship.familias_dvi import MISSING_PREFIX, REFERENCE_PEDIGREE
from exhume.kinship.markers import Marker
from exhume.kinship.mutation import equal, proportional, stepwise
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree
from exhume.kinship.problem import DviProblem, Family
from exhume.kinship.provenance import exhume_version

__all__ = ["familias_model", "write_case", "write_dvi"]

FAMILIAS_VERSION = "3.4.1"
_TOL = 1e-12
Params = tuple[int, float, float, float]  # code, rate, range, rate2


def _q(text: str) -> str:
    return f'"{text}"'


def _num(x: float) -> str:
    return repr(float(x)) if x != int(x) else str(int(x))


def _header(*, dvi: bool, n_persons: int) -> list[str]:
    version = FAMILIAS_VERSION + (" (DVI)" if dvi else "")
    written = _q(f"(Written by exhume {exhume_version()})")
    return [_q(f"Output from Familias, version {FAMILIAS_VERSION}"),
            written, version, _q(""), str(n_persons)]  # fmt: skip


def familias_model(marker: Marker, sex: str) -> Params:
    """Familias' (code, rate, range, rate2) that rebuild ``marker``'s matrix for ``sex``."""
    mut = marker.mutation
    if mut is None:
        return (0, 0.0, 0.0, 0.0)
    mat = mut.female if sex == "female" else mut.male
    p = marker.afreq
    stored = [mut.params]
    if sex == "male":
        stored.insert(0, {k[5:]: v for k, v in mut.params.items() if k.startswith("male_")})
    for params in stored:
        for cand in _candidates(marker, params, mat):
            if _rebuild(marker, cand).shape == mat.shape and np.allclose(
                _rebuild(marker, cand), mat, rtol=0, atol=_TOL
            ):
                return cand
    n = marker.n_alleles
    for cand in ((0, 1.0 - float(mat[0, 0]), 0.0, 0.0),
                 (1, float(np.sum(p * (1.0 - np.diag(mat)))), 0.0, 0.0)):  # fmt: skip
        if n > 1 and np.allclose(_rebuild(marker, cand), mat, rtol=0, atol=_TOL):
            return cand
    raise InvalidInputError(
        f"marker '{marker.name}': the {sex} mutation matrix is not one of Familias' models "
        "(equal, proportional, stepwise with the stored parameters); it cannot be written"
    )


def _candidates(
    marker: Marker, params: dict[str, float], mat: NDArray[np.float64]
) -> Iterator[Params]:
    rate = params.get("rate")
    if rate is None:
        return
    rng, rate2 = params.get("range", 0.0), params.get("rate2", 0.0)
    yield (0, rate, 0.0, 0.0)
    yield (1, rate, 0.0, 0.0)
    if rng > 0:
        yield (4 if rate2 > 0 else 2, rate, rng, rate2)


def _rebuild(marker: Marker, cand: Params) -> NDArray[np.float64]:
    code, rate, rng, rate2 = cand
    try:
        if code == 0:
            return equal(marker.afreq, rate)
        if code == 1:
            return proportional(marker.afreq, rate)
        return stepwise(marker.alleles, marker.afreq, rate, rng, rate2)
    except InvalidInputError:
        return np.zeros((0, 0))


def _database(database: str, markers: tuple[Marker, ...]) -> list[str]:
    out = ["#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )", str(len(markers)), "#TRUE#",
           _q(database)]  # fmt: skip
    for m in markers:
        f, ml = familias_model(m, "female"), familias_model(m, "male")
        n = m.n_alleles
        out += [_q(m.name), _num(f[1]), _num(ml[1]), str(f[0]), str(ml[0]), str(n),
                _num(f[2]), _num(ml[2]), _num(f[3]), _num(ml[3]), "#FALSE#", "0",
                f"{n}\t(DatabaseSize = 1000 , Dropout probability = 0 , "
                "Minor allele frequency = 0 )"]  # fmt: skip
        for allele, freq in zip(m.alleles, m.afreq, strict=True):
            out += [_q(allele), repr(float(freq))]
    return out


def _relation_pairs(ped: Pedigree) -> Iterator[tuple[int, int]]:
    """(parent, child) 0-based index pairs, father then mother of each non-founder."""
    for i in range(ped.n):
        if ped.fidx[i]:
            yield int(ped.fidx[i]) - 1, i
            yield int(ped.midx[i]) - 1, i


def write_case(case: FamiliasCase, *, database: str = "unknown") -> str:
    """A ``.fam`` text of a kinship case: the persons, then each pedigree with its extras.

    Members of a pedigree that are not among the case's persons are written as that
    pedigree's unnamed extras (females first, as Familias counts them).
    """
    names = [p.id for p in case.persons]
    out = _header(dvi=False, n_persons=len(names))
    for p in case.persons:
        if p.sex not in (MALE, FEMALE):
            raise InvalidInputError(f"person '{p.id}' has no sex; a Familias case needs one")
        out += [_q(p.id), "#FALSE#", "-1", "#FALSE#", "#TRUE#" if p.sex == MALE else "#FALSE#"]
        out += _index_genotypes(p, len(case.markers))
    out += ['"Known relations"', "0", "0", "0", str(len(case.pedigrees))]
    for k, (ped_name, ped) in enumerate(case.pedigrees):
        extras = [i for i in range(ped.n) if ped.ids[i] not in names]
        if any(ped.sex[i] not in (MALE, FEMALE) for i in extras):
            raise InvalidInputError(f"pedigree '{ped_name}': every member needs a sex")
        extras.sort(key=lambda i: ped.sex[i] != FEMALE)
        order = names + [ped.ids[i] for i in extras]
        n_fem = sum(1 for i in extras if ped.sex[i] == FEMALE)
        pairs = list(_relation_pairs(ped))
        out += [str(k), _q(ped_name), str(n_fem), str(len(extras) - n_fem), str(len(pairs))]
        for parent, child in pairs:
            out += [str(order.index(ped.ids[parent])), str(order.index(ped.ids[child]))]
    return "\n".join(out + _database(database, case.markers) + _advanced()) + "\n"


def _index_genotypes(person: FamiliasPerson, n_markers: int) -> list[str]:
    typed = [k for k in range(n_markers) if (person.genotypes[k] >= 0).any()]
    out = [str(len(typed))]
    for k in typed:
        out += [str(int(person.genotypes[k, 0])), str(int(person.genotypes[k, 1])), str(k)]
    return out


def write_dvi(problem: DviProblem, *, database: str = "unknown") -> str:
    """A DVI ``.fam`` text: the database, the victims and the reference families."""
    markers = problem.markers
    out = _header(dvi=True, n_persons=0)
    out += ['"Known relations"', "0", "0", "0", "0", *_database(database, markers)]
    out += ["", "[DVI]", "[[Unidentified persons]]", f"nPersons= {len(problem.victims)}"]
    for k, v in enumerate(problem.victims, start=1):
        out += _dvi_person(markers, v.id, v.sex, v.genotypes, f"Person {k} ", 3)
    n_fam = len(problem.families)
    out += ["[[Notes]]", f"nFamilies= {n_fam}"] + [""] * n_fam
    out += ["[[Reference Families]]", f"nFamilies= {n_fam}"]
    for k, fam in enumerate(problem.families, start=1):
        out += _dvi_family(markers, fam, k)
    return "\n".join(out + _advanced(len(problem.victims))) + "\n"


def _dvi_person(
    markers: tuple[Marker, ...], pid: str, sex: int, genos: NDArray[np.intp], title: str, depth: int
) -> list[str]:
    lines = []
    for k, m in enumerate(markers):
        a1, a2 = int(genos[k, 0]), int(genos[k, 1])
        if a1 < 0 and a2 < 0:
            continue
        if a1 < 0 or a2 < 0:
            raise InvalidInputError(f"'{pid}', marker '{m.name}': Familias cannot hold a "
                                    "genotype with one allele missing")  # fmt: skip
        lines += [f"SystemName= {m.name}", f"Allele1= {m.alleles[a1]}", f"Allele2= {m.alleles[a2]}"]
    head = ["[" * depth + title + "]" * depth, f"Name= {pid}"]
    if sex in (MALE, FEMALE):
        head.append(f"Gender= {'Male' if sex == MALE else 'Female'}")
    dna = "[" * (depth + 1) + "DNA data" + "]" * (depth + 1)
    return [*head, dna, f"nSystems= {len(lines) // 3}", *lines]


def _dvi_family(markers: tuple[Marker, ...], fam: Family, k: int) -> list[str]:
    ped = fam.pedigree
    label = {i: i for i in ped.ids}
    for m in fam.missing:
        label[m] = m if m.startswith(MISSING_PREFIX) else f"{MISSING_PREFIX} {m}"
        if label[m] in ped.ids and label[m] != m:
            raise InvalidInputError(f"family '{fam.id}': '{label[m]}' is already a member")
    for ident in ped.ids:
        if ident not in fam.missing and ident.startswith(MISSING_PREFIX):
            raise InvalidInputError(
                f"family '{fam.id}': member '{ident}' is not missing but its name starts with "
                f"'{MISSING_PREFIX}', which marks missing persons in Familias files"
            )
    members = [i for i in range(ped.n) if ped.ids[i] not in fam.missing]
    out = [f"[[[Family {k} ]]]", f"Name= {fam.id}", "[[[[Persons]]]]", f"nPersons= {len(members)}"]
    for j, i in enumerate(members, start=1):
        out += _dvi_person(markers, ped.ids[i], int(ped.sex[i]), fam.genotypes[i], f"Person {j}", 5)
    rel = [f"{role}= {label[ped.ids[x]]}" for p, c in _relation_pairs(ped)
           for role, x in (("Parent", p), ("Child", c))]  # fmt: skip
    out += ["[[[[Pedigrees]]]]", "nPedigrees= 2"]
    for n, title in enumerate((REFERENCE_PEDIGREE, fam.id), start=1):
        out += [f"[[[[[Pedigree {n}]]]]]", f"Name= {title}", f"nRelations= {len(rel) // 2}", *rel]
    return out


def _advanced(prior: int | None = None) -> list[str]:
    head: Iterable[str] = ["[Prior]", "UseList= Yes", f"Size= {prior}"] if prior else []
    return [*head, "[Advanced]", "[[Direct/Identity]]", "Dropin= 0", "Dropout= 0", "Error= 0",
            "[[Other]]", "NumberOfDecimals= 10"]  # fmt: skip
