"""The types of a disaster victim identification (DVI) problem, whatever its source.

A :class:`DviProblem` holds the markers, the post-mortem samples (:class:`Victim`) and the
ante-mortem reference families (:class:`Family`: a pedigree, its genotypes, its missing persons
and typed references). :mod:`exhume.kinship.dvijson` reads them from dvi-json; a
database adapter can build the same types from case records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree

__all__ = ["DviProblem", "Family", "Victim"]

IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Victim:
    """Post-mortem sample (a singleton): genotypes of shape (n_markers, 2)."""

    id: str
    sex: int
    genotypes: IntArray


@dataclass(frozen=True)
class Family:
    """An ante-mortem reference family: its pedigree, genotypes (n_ind, n_markers, 2), the
    missing persons and the typed references among its members."""

    id: str
    pedigree: Pedigree
    genotypes: IntArray
    missing: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class DviProblem:
    """A whole DVI problem, as read from a dvi-json file."""

    dataset: str
    markers: tuple[Marker, ...]
    victims: tuple[Victim, ...]
    families: tuple[Family, ...]
    missing: tuple[str, ...]
    references: tuple[str, ...]
    pairings: dict[str, tuple[str, ...]] | None
    source_sha256: str

    def family_of(self, missing_id: str) -> Family:
        """The family whose pedigree holds the missing person ``missing_id``."""
        for fam in self.families:
            if missing_id in fam.missing:
                return fam
        raise InvalidInputError(f"'{missing_id}' is not a missing person of any family")

    def victim(self, victim_id: str) -> Victim:
        """The victim with id ``victim_id``."""
        for v in self.victims:
            if v.id == victim_id:
                return v
        raise InvalidInputError(f"no victim '{victim_id}' in dataset '{self.dataset}'")
