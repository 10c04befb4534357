"""The ``[DVI]`` part of a Familias ``.fam`` file, read into a dvi-json document.

``[[Unidentified persons]]`` become the victims (``pm``); each family of
``[[Reference Families]]`` becomes an AM family whose pedigree is its pedigree that is not the
``Reference pedigree`` copy (Familias writes both). Its members are the family's persons plus
the names that appear only in its parent-child relations. Missing persons are the untyped
members whose name starts with ``Missing`` (dvir's ``familias2dvir`` convention); references
are the typed members. The file does not record the sex of persons that appear only in
relations: it is taken from their partner (the other parent of a common child), else unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from exhume.errors import ProblemFormatError
from exhume.kinship.dvijson_write import FORMAT, marker_document
from exhume.kinship.familias_text import DviNode, parse_dvi_tree
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import FEMALE, MALE, UNKNOWN_SEX

__all__ = ["MISSING_PREFIX", "REFERENCE_PEDIGREE", "dvi_document"]

#: Names of missing persons in a reference family start with this (dvir's convention).
MISSING_PREFIX = "Missing"
#: The name of the copy of a family's pedigree that Familias keeps for the references.
REFERENCE_PEDIGREE = "Reference pedigree"

_GENDER = {"Male": MALE, "Female": FEMALE}
T = TypeVar("T")


def dvi_document(
    name: str, lines: list[str], start: int, markers: tuple[Marker, ...]
) -> dict[str, Any]:
    """The dvi-json object of the DVI part starting at line ``start`` (0-based)."""
    root = parse_dvi_tree(name, lines, start)
    dvi = root.child("DVI", name)
    by_name = {m.name: m for m in markers}
    pm = _listed(name, dvi, "Unidentified persons", lambda p: _person(name, p, by_name))
    am, missing, refs = [], [], []
    families = _listed(name, dvi, "Reference Families", lambda f: _family(name, f, by_name),
                       count="nFamilies")  # fmt: skip
    for family, fam_missing, fam_refs in families:
        am.append(family)
        missing += fam_missing
        refs += fam_refs
    return {
        "format": FORMAT,
        "dataset": name.removesuffix(".fam"),
        "title": f"Imported from the Familias file {name}",
        "markers": [marker_document(m) for m in markers],
        "pm": pm,
        "am": am,
        "missing": missing,
        "references": refs,
        "pairings": None,
        "marker_overrides": None,
    }


def _listed(
    name: str, parent: DviNode, section: str, read: Callable[[DviNode], T], count: str = "nPersons"
) -> list[T]:
    """``read`` applied to each child of ``parent``'s ``section``, then checked against the
    section's declared count (so that a truncated child is reported first, and precisely)."""
    try:
        node = parent.child(section, name)
    except ProblemFormatError:
        if section == "Unidentified persons":
            return []
        raise
    n = node.count(count, name)
    out = [read(child) for child in node.children]
    if len(node.children) != n:
        raise ProblemFormatError(
            f"{name}, line {_last(node)}: [{section}] (line {node.line}) declares {count}= {n} "
            f"but lists {len(node.children)} (is the file truncated?)"
        )
    return out


def _last(node: DviNode) -> int:
    """The last line number inside ``node``."""
    lines = [node.line] + [ln for *_, ln in node.entries] + [_last(c) for c in node.children]
    return max(lines)


def _person(name: str, node: DviNode, by_name: dict[str, Marker]) -> dict[str, Any]:
    """``{"id", "sex", "genotypes"}`` of a person heading."""
    pid, _ = node.value("Name", name)
    gender = next((v for k, v, _ in node.entries if k == "Gender"), "")
    sex = _GENDER.get(gender, UNKNOWN_SEX)
    genos: dict[str, list[str]] = {}
    dna = next((c for c in node.children if c.name == "DNA data"), None)
    if dna is not None:
        n = dna.count("nSystems", name)
        entries = [(k, v, ln) for k, v, ln in dna.entries if k != "nSystems"]
        if len(entries) != 3 * n:
            raise ProblemFormatError(
                f"{name}, line {_last(dna)}: the DNA data of '{pid}' (line {dna.line}) declare "
                f"{n} systems but hold {len(entries)} of {3 * n} lines (is the file truncated?)"
            )
        for k in range(n):
            (k1, marker, at), (k2, a1, _), (k3, a2, _) = entries[3 * k : 3 * k + 3]
            if (k1, k2, k3) != ("SystemName", "Allele1", "Allele2"):
                raise ProblemFormatError(
                    f"{name}, line {at}: expected SystemName=, Allele1=, Allele2= for '{pid}'"
                )
            if marker not in by_name:
                raise ProblemFormatError(
                    f"{name}, line {at}: '{pid}' is typed for '{marker}', not in the database"
                )
            for allele in (a1, a2):
                if allele not in by_name[marker].alleles:
                    raise ProblemFormatError(
                        f"{name}, line {at}: '{pid}', marker '{marker}': allele '{allele}' is "
                        "not in the database"
                    )
            genos[marker] = [a1, a2]
    return {"id": pid, "sex": sex, "genotypes": genos}


def _family(
    name: str, node: DviNode, by_name: dict[str, Marker]
) -> tuple[dict[str, Any], list[str], list[str]]:
    fam, _ = node.value("Name", name)
    persons = _listed(name, node, "Persons", lambda p: _person(name, p, by_name))
    peds = _listed(name, node, "Pedigrees", lambda p: (p, _relations(name, p, fam)),
                   count="nPedigrees")  # fmt: skip
    chosen = [p for p in peds if p[0].value("Name", name)[0] != REFERENCE_PEDIGREE] or peds[-1:]
    if len(chosen) != 1:
        names = ", ".join(p.value("Name", name)[0] for p, _ in chosen)
        raise ProblemFormatError(
            f"{name}, line {node.line}: family '{fam}' has several pedigrees ({names}); "
            "exhume needs exactly one besides the reference pedigree"
        )
    ped_node, pairs = chosen[0]
    sex = {p["id"]: p["sex"] for p in persons}
    for who in sorted({x for pair in pairs for x in pair} - set(sex)):
        sex[who] = UNKNOWN_SEX
    _infer_sexes(name, ped_node.line, fam, sex, pairs)
    parents: dict[str, dict[str, str]] = {}
    for parent, child in pairs:
        role = "fid" if sex[parent] == MALE else "mid"
        parents.setdefault(child, {})[role] = parent
    rows = [
        {
            "id": pid,
            "fid": parents.get(pid, {}).get("fid"),
            "mid": parents.get(pid, {}).get("mid"),
            "sex": sx,
        }
        for pid, sx in sex.items()
    ]
    _add_missing_parents(rows)
    typed = {p["id"]: p["genotypes"] for p in persons if p["genotypes"]}
    missing = [r["id"] for r in rows if r["id"].startswith(MISSING_PREFIX) and r["id"] not in typed]
    rows.sort(key=lambda r: r["id"] in missing)  # members first, then the missing (stable)
    family = {"family": fam, "pedigree": rows, "genotypes": typed, "founderInbreeding": None}
    return family, missing, list(typed)


def _relations(name: str, ped: DviNode, fam: str) -> list[tuple[str, str]]:
    n = ped.count("nRelations", name)
    entries = [(k, v, ln) for k, v, ln in ped.entries if k in ("Parent", "Child")]
    if len(entries) != 2 * n:
        raise ProblemFormatError(
            f"{name}, line {_last(ped)}: a pedigree of family '{fam}' (line {ped.line}) declares "
            f"{n} relations but lists {len(entries) / 2:g} (is the file truncated?)"
        )
    pairs = []
    for k in range(n):
        (k1, parent, at), (k2, child, _) = entries[2 * k : 2 * k + 2]
        if (k1, k2) != ("Parent", "Child"):
            raise ProblemFormatError(f"{name}, line {at}: expected 'Parent=' then 'Child='")
        pairs.append((parent, child))
    return pairs


def _infer_sexes(
    name: str, line: int, fam: str, sex: dict[str, int], pairs: list[tuple[str, str]]
) -> None:
    """Give parents of unknown sex the sex opposite to their partner's.

    When both parents of a child are of unknown sex, the first one listed for the child is
    taken as the father (Familias and pedsuite write the father first).
    """
    changed = True
    while changed:
        changed = False
        for parent, child in pairs:
            if sex[parent] != UNKNOWN_SEX:
                continue
            partners = {p for p, c in pairs if c == child and p != parent}
            known = {sex[p] for p in partners} - {UNKNOWN_SEX}
            if len(known) == 1:
                sex[parent] = FEMALE if known == {MALE} else MALE
                changed = True
    for parent, child in pairs:
        if sex[parent] == UNKNOWN_SEX:
            first = next(p for p, c in pairs if c == child)
            sex[parent] = MALE if parent == first else FEMALE
            _infer_sexes(name, line, fam, sex, pairs)


def _add_missing_parents(rows: list[dict[str, Any]]) -> None:
    """A child with one parent in the file gets an added founder as the other parent."""
    ids = {r["id"] for r in rows}
    for row in list(rows):
        if (row["fid"] is None) == (row["mid"] is None):
            continue
        k = 1
        while f"added_{k}" in ids:
            k += 1
        new = f"added_{k}"
        ids.add(new)
        role, sx = ("fid", MALE) if row["fid"] is None else ("mid", FEMALE)
        row[role] = new
        rows.append({"id": new, "fid": None, "mid": None, "sex": sx})
