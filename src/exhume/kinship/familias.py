"""Read Familias ``.fam`` files: pedigrees, DNA data, the allele frequency database and DVI.

The layout is the one Familias 3 writes (and pedsuite's ``pedFamilias::readFam`` reads):

* a header (program line, comment, version ending in ``(DVI)`` for DVI files, an empty line);
* the persons: name, three Familias fields, ``#TRUE#`` for male, then the number of typed
  markers and, per marker, three 0-based integers: first allele, second allele, marker;
* ``Known relations``: extra females, extra males, parent-child pairs (0-based person indices)
  shared by every pedigree; then each pedigree (hypothesis) with its own extras and pairs;
* the database: ``Theta/Kinship/Fst``, the number of loci, its name, and per locus the female
  and male mutation rate, model code (0 equal, 1 proportional, 2 stepwise, 3 stationary
  stepwise, 4 extended stepwise), allele count, range, rate2, silent allele, then
  ``"allele"``/frequency pairs;
* optionally ``[DVI]``: unidentified persons (victims) and reference families, each with
  persons, DNA data by allele label and pedigrees in which the missing persons appear by a name
  starting with ``Missing`` (dvir's convention), read by :mod:`exhume.kinship.familias_dvi`.

Extras (unnamed persons) and parents added to children that have one parent only are named
``added_1``, ``added_2``, ... Every :class:`ProblemFormatError` names the file and the line.
What exhume cannot compute as Familias would (theta correction, drop-out, silent alleles,
twins, the stationary stepwise model) is refused, naming the line, rather than ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, ProblemFormatError
from exhume.kinship.dvijson import parse_problem
from exhume.kinship.familias_text import LineCursor
from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.mutation import MutationModel, equal, proportional, stepwise
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree
from exhume.kinship.problem import DviProblem

__all__ = [
    "MODEL_CODES",
    "FamiliasCase",
    "FamiliasFile",
    "FamiliasPerson",
    "load_fam",
    "parse_fam",
]

IntArray = NDArray[np.intp]

#: Familias' mutation model codes and the pedmut model each stands for.
MODEL_CODES = {
    0: "equal",
    1: "proportional",
    2: "stepwise",
    3: "stepwise (stationary)",
    4: "stepwise (extended)",
}

_DROPOUT = re.compile(r"Dropout probability = ([0-9.eE+-]+)")
_THETA = re.compile(r"Theta/Kinship/Fst: ([0-9.eE+-]+)")


@dataclass(frozen=True)
class FamiliasPerson:
    """A named person of the main part: sex (1 male, 2 female) and genotypes ``(n_markers, 2)``."""

    id: str
    sex: int
    genotypes: IntArray


@dataclass(frozen=True)
class FamiliasCase:
    """A kinship case: typed and untyped persons and the pedigrees (hypotheses) over them."""

    markers: tuple[Marker, ...]
    persons: tuple[FamiliasPerson, ...]
    pedigrees: tuple[tuple[str, Pedigree], ...]


@dataclass(frozen=True)
class FamiliasFile:
    """Everything read from one ``.fam`` file."""

    name: str
    version: str
    database: str
    theta: float
    markers: tuple[Marker, ...]
    case: FamiliasCase
    dvi: DviProblem | None
    dvi_document: dict[str, Any] | None
    sha256: str


@dataclass(frozen=True)
class _Sex:
    """One sex's mutation parameters of a locus, as written in the file."""

    code: int
    rate: float
    range: float
    rate2: float


def load_fam(path: Path | str) -> FamiliasFile:
    """Read a ``.fam`` file (UTF-8, or Windows-1252 as older Familias versions write)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return parse_fam(text, name=Path(path).name, sha256=hashlib.sha256(raw).hexdigest())


def parse_fam(text: str, *, name: str = "<fam>", sha256: str = "") -> FamiliasFile:
    """Parse the text of a ``.fam`` file; see the module docstring for the layout."""
    lines = text.splitlines()
    dvi_at = next((i for i, ln in enumerate(lines) if ln.strip() == "[DVI]"), None)
    tail = next((i for i, ln in enumerate(lines) if ln.startswith("[") and i >= 4), len(lines))
    cur = LineCursor(name, lines, stop=tail)
    cur.text("the program line")
    cur.text("the comment line")
    version = cur.text("the Familias version").strip()
    if cur.peek() == "":
        cur.text("an empty line")
    persons, raw_genos = _persons(cur)
    pedigrees = _pedigrees(cur, persons)
    theta, database, markers = _database(cur)
    while cur.peek() == "":
        cur.text("an empty line")
    if cur.peek() is not None:
        raise cur.error(f"unexpected line after the database: {cur.peek()!r}")
    if theta > 0 and (pedigrees or dvi_at is not None):
        raise ProblemFormatError(
            f"{name}: theta correction (Theta/Kinship/Fst = {theta}) is not supported; "
            "exhume's likelihoods assume theta = 0"
        )
    _check_advanced(name, lines, tail)
    people = tuple(
        FamiliasPerson(pid, sx, _genotype_row(name, markers, raw_genos[pid])) for pid, sx in persons
    )
    case = FamiliasCase(markers=markers, persons=people, pedigrees=pedigrees)
    document = problem = None
    if dvi_at is not None:
        from exhume.kinship.familias_dvi import dvi_document

        document = dvi_document(name, lines, dvi_at, markers)
        document["source"] = {"familias_file": name, "sha256": sha256, "version": version,
                              "database": database}  # fmt: skip
        problem = parse_problem(document, sha256=sha256)
    return FamiliasFile(
        name=name,
        version=version,
        database=database,
        theta=theta,
        markers=markers,
        case=case,
        dvi=problem,
        dvi_document=document,
        sha256=sha256,
    )


# -- main part ------------------------------------------------------------------------------

_RawGenos = dict[str, list[tuple[int, int, int, int]]]  # person -> (a1, a2, marker, line)


def _persons(cur: LineCursor) -> tuple[list[tuple[str, int]], _RawGenos]:
    n = cur.integer("the number of persons")
    persons: list[tuple[str, int]] = []
    genos: _RawGenos = {}
    for _ in range(n):
        line_no = cur.line_no
        pid = cur.text("a person's name")
        if not pid or pid in genos:
            raise cur.error(f"person name {pid!r} is empty or given twice", line_no)
        for field in ("a Familias person field", "the drop-out field", "a Familias field"):
            cur.text(field)
        sex = MALE if cur.flag(f"the sex of '{pid}' (#TRUE# = male)") else FEMALE
        k = cur.integer(f"the number of typed markers of '{pid}'")
        triples = []
        for _ in range(k):
            at = cur.line_no
            a1 = cur.integer(f"an allele index of '{pid}'", minimum=-1)
            a2 = cur.integer(f"an allele index of '{pid}'", minimum=-1)
            m = cur.integer(f"a marker index of '{pid}'")
            triples.append((a1, a2, m, at))
        persons.append((pid, sex))
        genos[pid] = triples
    return persons, genos


def _relations(
    cur: LineCursor, ids: list[str], sex: list[int], fidx: list[int], midx: list[int], what: str
) -> None:
    n = cur.integer(f"the number of relations of {what}")
    for _ in range(n):
        at = cur.line_no
        raw = cur.peek() or ""
        if "Direct" in raw:
            raise cur.error("twins (a 'Direct' relation) are not supported")
        parent = cur.integer(f"a parent's index in {what}", maximum=len(ids) - 1)
        child = cur.integer(f"a child's index in {what}", maximum=len(ids) - 1)
        slot = fidx if sex[parent] == MALE else midx
        if slot[child] and slot[child] != parent + 1:
            role = "father" if sex[parent] == MALE else "mother"
            raise cur.error(f"'{ids[child]}' is given a second {role} in {what}", at)
        slot[child] = parent + 1


def _extras(cur: LineCursor, ids: list[str], sex: list[int], what: str) -> None:
    n_fem = cur.integer(f"the number of extra females of {what}")
    n_mal = cur.integer(f"the number of extra males of {what}")
    for sx in [FEMALE] * n_fem + [MALE] * n_mal:
        ids.append(_fresh(ids))
        sex.append(sx)


def _fresh(ids: list[str]) -> str:
    k = 1
    while f"added_{k}" in ids:
        k += 1
    return f"added_{k}"


def _pedigrees(cur: LineCursor, persons: list[tuple[str, int]]) -> tuple[tuple[str, Pedigree], ...]:
    cur.expect("Known relations")
    ids = [p for p, _ in persons]
    sex = [s for _, s in persons]
    _extras(cur, ids, sex, "the known relations")
    fidx = [0] * len(ids)
    midx = [0] * len(ids)
    _relations(cur, ids, sex, fidx, midx, "the known relations")
    n_ped = cur.integer("the number of pedigrees")
    peds: list[tuple[str, Pedigree]] = []
    for _ in range(n_ped):
        cur.integer("the pedigree's number")
        ped_name = cur.text("the pedigree's name")
        what = f"pedigree '{ped_name}'"
        p_ids, p_sex = list(ids), list(sex)
        _extras(cur, p_ids, p_sex, what)
        grow = len(p_ids) - len(ids)
        p_f, p_m = fidx + [0] * grow, midx + [0] * grow
        line_no = cur.line_no
        _relations(cur, p_ids, p_sex, p_f, p_m, what)
        peds.append((ped_name, _pedigree(cur, p_ids, p_sex, p_f, p_m, what, line_no)))
    if n_ped == 0 and (any(fidx) or any(midx)):
        peds.append(("Known relations", _pedigree(cur, ids, sex, fidx, midx, "", cur.line_no)))
    return tuple(peds)


def _pedigree(
    cur: LineCursor,
    ids: list[str],
    sex: list[int],
    fidx: list[int],
    midx: list[int],
    what: str,
    line_no: int,
) -> Pedigree:
    """Complete single-parent children with an added parent and build the pedigree."""
    ids, sex, fidx, midx = list(ids), list(sex), list(fidx), list(midx)
    for child in range(len(ids)):
        if bool(fidx[child]) != bool(midx[child]):
            ids.append(_fresh(ids))
            sex.append(MALE if not fidx[child] else FEMALE)
            fidx.append(0)
            midx.append(0)
            (fidx if not fidx[child] else midx)[child] = len(ids)
    try:
        return Pedigree(ids=tuple(ids), fidx=np.array(fidx), midx=np.array(midx),
                        sex=np.array(sex))  # fmt: skip
    except InvalidInputError as exc:
        raise cur.error(f"{what}: {exc.message}", line_no) from None


def _database(cur: LineCursor) -> tuple[float, str, tuple[Marker, ...]]:
    line_no = cur.line_no
    head = cur.text("the database line '#FALSE# (#Databases: ...)'")
    if head.startswith("#TRUE#"):
        raise cur.error("pre-computed pedigree probabilities are not supported", line_no)
    match = _THETA.search(head)
    theta = float(match.group(1)) if match else 0.0
    n_loci = cur.integer("the number of loci")
    database = cur.text("the database name") if cur.flag("the database-name flag") else ""
    markers: list[Marker] = []
    for _ in range(n_loci):
        markers.append(_locus(cur))
    names = [m.name for m in markers]
    for i, m in enumerate(names):
        if m in names[:i]:
            raise cur.error(f"locus '{m}' appears twice in the database")
    return theta, database, tuple(markers)


def _locus(cur: LineCursor) -> Marker:
    line_no = cur.line_no
    name = cur.text("a locus name")
    where = f"locus '{name}'"
    rates = (cur.number(f"the female mutation rate of {where}"),
             cur.number(f"the male mutation rate of {where}"))  # fmt: skip
    codes = (cur.integer(f"the female mutation model of {where}", maximum=4),
             cur.integer(f"the male mutation model of {where}", maximum=4))  # fmt: skip
    cur.integer(f"the allele count (with the silent allele) of {where}")
    ranges = (cur.number(f"the female range of {where}"),
              cur.number(f"the male range of {where}"))  # fmt: skip
    rate2 = (cur.number(f"the female rate2 of {where}"),
             cur.number(f"the male rate2 of {where}"))  # fmt: skip
    silent_at = cur.line_no
    if cur.flag(f"the silent-allele flag of {where}"):
        raise cur.error(f"{where} has a silent allele, which is not supported", silent_at)
    cur.number(f"the silent allele frequency of {where}")
    info_at = cur.line_no
    info = cur.text(f"the allele count of {where}")
    count, _, details = info.partition("\t")
    try:
        n_alleles = int(count.strip())
    except ValueError:
        raise cur.error(f"expected the allele count of {where}, found {count!r}", info_at) from None
    drop = _DROPOUT.search(details)
    if drop and float(drop.group(1)) > 0:
        raise cur.error(f"{where}: drop-out is not supported (probability {drop.group(1)})",
                        info_at)  # fmt: skip
    alleles, freqs = [], []
    for _ in range(n_alleles):
        alleles.append(cur.text(f"an allele of {where}").strip())
        freqs.append(cur.number(f"the frequency of allele '{alleles[-1]}' of {where}"))
    sexes = tuple(_Sex(codes[i], rates[i], ranges[i], rate2[i]) for i in (0, 1))
    try:
        afreq = np.array(freqs, dtype=np.float64)
        mutation = _mutation(alleles, afreq, sexes[0], sexes[1])
        return Marker(name=name, alleles=tuple(alleles), afreq=afreq, mutation=mutation)
    except InvalidInputError as exc:
        raise cur.error(f"{where}: {exc.message}", line_no) from None


def _matrix(alleles: list[str], afreq: NDArray[np.float64], sex: _Sex) -> NDArray[np.float64]:
    if sex.code == 0:
        return equal(afreq, sex.rate)
    if sex.code == 1:
        return proportional(afreq, sex.rate)
    if sex.code == 3:
        raise InvalidInputError(
            "the stationary stepwise model (code 3) is not supported; "
            "use the extended stepwise model (code 4)"
        )
    rate2 = sex.rate2 if sex.code == 4 else 0.0
    return stepwise(alleles, afreq, sex.rate, sex.range, rate2)


def _mutation(
    alleles: list[str], afreq: NDArray[np.float64], female: _Sex, male: _Sex
) -> MutationModel | None:
    """The locus' model; ``None`` when neither sex can mutate (both rates 0)."""
    if female.rate == 0 and male.rate == 0 and female.rate2 == 0 and male.rate2 == 0:
        return None
    params = {"rate": female.rate, "range": female.range, "rate2": female.rate2}
    params |= {"male_rate": male.rate, "male_range": male.range, "male_rate2": male.rate2}
    model = MODEL_CODES[female.code]
    if male.code != female.code:
        model = f"{model} (female) / {MODEL_CODES[male.code]} (male)"
    return MutationModel(
        female=_matrix(alleles, afreq, female),
        male=_matrix(alleles, afreq, male),
        model=model,
        params=params,
    )


def _genotype_row(
    name: str, markers: tuple[Marker, ...], triples: list[tuple[int, int, int, int]]
) -> IntArray:
    row = np.full((len(markers), 2), MISSING, dtype=np.intp)
    for a1, a2, m, line in triples:
        if m >= len(markers):
            raise ProblemFormatError(
                f"{name}, line {line}: marker index {m} but the database has {len(markers)} loci"
            )
        for j, a in enumerate((a1, a2)):
            if a >= markers[m].n_alleles:
                raise ProblemFormatError(
                    f"{name}, line {line + j}: allele index {a} but locus '{markers[m].name}' "
                    f"has {markers[m].n_alleles} alleles"
                )
            row[m, j] = a
    return row


def _check_advanced(name: str, lines: list[str], start: int) -> None:
    """Refuse non-zero drop-in, drop-out or typing error from the ``[Advanced]`` section."""
    for pos in range(start, len(lines)):
        key, sep, value = lines[pos].partition("=")
        if sep and key.strip() in ("Dropin", "Dropout", "Error"):
            try:
                bad = float(value) > 0
            except ValueError:
                bad = True
            if bad:
                raise ProblemFormatError(
                    f"{name}, line {pos + 1}: {key.strip()}= {value.strip()} is not supported "
                    "(exhume computes without drop-in, drop-out or typing error)"
                )
