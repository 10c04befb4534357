"""Editing pedigrees by relationship: add a parent, a sibling, a child; detach a member.

Pure functions from one :class:`Pedigree` to another (pedigrees are immutable); a genotype
array follows its pedigree through :func:`carry_genotypes`, which matches rows by id. Used to
ask "what if we also typed this relative?" (:mod:`exhume.kinship.power`) and "what if this
reference is not who the family says?" (:mod:`exhume.kinship.pedigree_check`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.markers import MISSING
from exhume.kinship.pedigree import FEMALE, MALE, Pedigree

__all__ = [
    "Record",
    "add_child",
    "add_founder",
    "carry_genotypes",
    "ensure_parents",
    "fresh_id",
    "records",
    "set_parents",
]

Record = tuple[str, str | None, str | None, int]
IntArray = NDArray[np.intp]


def records(ped: Pedigree) -> list[Record]:
    """``(id, father id, mother id, sex)`` rows of ``ped``, in its order."""
    out: list[Record] = []
    for i, ident in enumerate(ped.ids):
        f, m = ped.father(i), ped.mother(i)
        out.append(
            (
                ident,
                None if f is None else ped.ids[f],
                None if m is None else ped.ids[m],
                int(ped.sex[i]),
            )
        )
    return out


def fresh_id(ped: Pedigree | Iterable[str], base: str) -> str:
    """``base``, or ``base`` with a number appended, not yet used in ``ped``."""
    used = set(ped.ids if isinstance(ped, Pedigree) else ped)
    if base not in used:
        return base
    k = 2
    while f"{base}_{k}" in used:
        k += 1
    return f"{base}_{k}"


def add_founder(ped: Pedigree, base: str, sex: int) -> tuple[Pedigree, str]:
    """``ped`` with a new founder of sex ``sex``; returns the pedigree and the new id."""
    ident = fresh_id(ped, base)
    return Pedigree.from_records([*records(ped), (ident, None, None, sex)]), ident


def add_child(
    ped: Pedigree, base: str, father: str, mother: str, sex: int = MALE
) -> tuple[Pedigree, str]:
    """``ped`` with a new child of ``father`` and ``mother``; returns it and the new id."""
    ident = fresh_id(ped, base)
    return Pedigree.from_records([*records(ped), (ident, father, mother, sex)]), ident


def set_parents(ped: Pedigree, child: str, father: str | None, mother: str | None) -> Pedigree:
    """``ped`` with ``child``'s parents replaced (``None``, ``None``: ``child`` a founder)."""
    rows = [(i, father, mother, s) if i == child else (i, f, m, s) for i, f, m, s in records(ped)]
    return Pedigree.from_records(rows)


def ensure_parents(ped: Pedigree, person: str) -> tuple[Pedigree, str, str]:
    """``ped`` where ``person`` has parents (two new untyped founders if a founder); returns
    the pedigree and the father's and mother's ids. Giving a founder untyped founder parents
    changes no likelihood: the person's genotype stays in Hardy-Weinberg equilibrium."""
    i = ped.index(person)
    f, m = ped.father(i), ped.mother(i)
    if f is not None and m is not None:
        return ped, ped.ids[f], ped.ids[m]
    ped, fa = add_founder(ped, f"{person}_father", MALE)
    ped, mo = add_founder(ped, f"{person}_mother", FEMALE)
    return set_parents(ped, person, fa, mo), fa, mo


def carry_genotypes(old: Pedigree, genotypes: IntArray, new: Pedigree) -> IntArray:
    """``genotypes`` (rows of ``old``) re-indexed for ``new``: rows matched by id, ``-1`` for
    members only ``new`` has."""
    out = np.full((new.n, *genotypes.shape[1:]), MISSING, dtype=np.intp)
    for i, ident in enumerate(new.ids):
        if ident in old:
            out[i] = genotypes[old.index(ident)]
    return out
