"""exhume's kinship engine: markers, mutation models, pedigrees and likelihoods (pure NumPy)."""

from exhume.kinship.genotypes import genotype_index, n_genotypes
from exhume.kinship.likelihood import LogLik, genotype_posterior, loglik, loglik_marker
from exhume.kinship.markers import MISSING, Marker, make_marker
from exhume.kinship.mutation import MutationModel, mutation_model
from exhume.kinship.pedigree import FEMALE, MALE, UNKNOWN_SEX, Pedigree

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
