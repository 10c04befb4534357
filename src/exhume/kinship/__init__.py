"""exhume's kinship engine: markers, mutation models, pedigrees and likelihoods (pure NumPy).

The names below are loaded on first use (PEP 562), so that importing a light module of the
package (such as :mod:`exhume.kinship.defaults`, read by the command line to show its options)
does not load NumPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exhume.kinship.genotypes import genotype_index, n_genotypes
    from exhume.kinship.likelihood import LogLik, genotype_posterior, loglik, loglik_marker
    from exhume.kinship.markers import MISSING, Marker, make_marker
    from exhume.kinship.mutation import MutationModel, mutation_model
    from exhume.kinship.pedigree import FEMALE, MALE, UNKNOWN_SEX, Pedigree

_HOMES = {
    "genotype_index": "genotypes",
    "n_genotypes": "genotypes",
    "LogLik": "likelihood",
    "genotype_posterior": "likelihood",
    "loglik": "likelihood",
    "loglik_marker": "likelihood",
    "MISSING": "markers",
    "Marker": "markers",
    "make_marker": "markers",
    "MutationModel": "mutation",
    "mutation_model": "mutation",
    "FEMALE": "pedigree",
    "MALE": "pedigree",
    "UNKNOWN_SEX": "pedigree",
    "Pedigree": "pedigree",
}

__all__ = [
    "FEMALE",
    "MALE",
    "MISSING",
    "UNKNOWN_SEX",
    "LogLik",
    "Marker",
    "MutationModel",
    "Pedigree",
    "genotype_index",
    "genotype_posterior",
    "loglik",
    "loglik_marker",
    "make_marker",
    "mutation_model",
    "n_genotypes",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'exhume.kinship' has no attribute {name!r}")
    value = getattr(import_module(f"exhume.kinship.{home}"), name)
    globals()[name] = value
    return value
