"""A slow, obviously correct pedigree likelihood: enumerate every ordered genotype.

For each individual list the ordered genotypes (paternal, maternal) consistent with its data
(all of them when untyped); for every joint choice multiply

* ``p[a] p[b]`` for a founder with ordered genotype (a, b),
* ``t_male(father -> a) t_female(mother -> b)`` for a child with ordered genotype (a, b), where
  ``t(parent (x, y) -> a) = (M[x, a] + M[y, a]) / 2``,

and add the products. No lumping, no pruning, no special cases: only for tiny pedigrees.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree


def ordered_genotypes(n_alleles: int, a: int, b: int) -> list[tuple[int, int]]:
    """Ordered genotypes consistent with the unordered, maybe partial genotype a/b."""
    every = list(itertools.product(range(n_alleles), repeat=2))
    if a < 0 and b < 0:
        return every
    if a >= 0 and b >= 0:
        return sorted({(a, b), (b, a)})
    known = a if a >= 0 else b
    return [g for g in every if known in g]


def joint_terms(
    ped: Pedigree, marker: Marker, genotypes: NDArray[np.intp], mutation: bool = True
) -> list[tuple[tuple[tuple[int, int], ...], float]]:
    """Every joint ordered-genotype assignment with its probability."""
    n = marker.n_alleles
    p = marker.afreq
    model = marker.mutation if mutation else None
    male = model.male if model is not None else np.eye(n)
    female = model.female if model is not None else np.eye(n)
    choices = [ordered_genotypes(n, int(g[0]), int(g[1])) for g in genotypes]
    terms = []
    for combo in itertools.product(*choices):
        prob = 1.0
        for i, (a, b) in enumerate(combo):
            f, m = ped.father(i), ped.mother(i)
            if f is None or m is None:
                prob *= p[a] * p[b]
            else:
                fx, fy = combo[f]
                mx, my = combo[m]
                prob *= 0.5 * (male[fx, a] + male[fy, a]) * 0.5 * (female[mx, b] + female[my, b])
        terms.append((combo, prob))
    return terms


def naive_likelihood(
    ped: Pedigree, marker: Marker, genotypes: NDArray[np.intp], mutation: bool = True
) -> float:
    """Sum of the joint probabilities of all consistent ordered genotypes."""
    return float(sum(prob for _, prob in joint_terms(ped, marker, genotypes, mutation)))


def naive_loglik(
    ped: Pedigree, markers: Sequence[Marker], genotypes: NDArray[np.intp], mutation: bool = True
) -> NDArray[np.float64]:
    """Per-marker log-likelihood, naively."""
    out = np.empty(len(markers))
    with np.errstate(divide="ignore"):
        for k, m in enumerate(markers):
            out[k] = np.log(naive_likelihood(ped, m, genotypes[:, k], mutation))
    return out


def naive_posterior(
    ped: Pedigree, marker: Marker, genotypes: NDArray[np.intp], target: int, mutation: bool = True
) -> NDArray[np.float64]:
    """P(unordered genotype of ``target`` | data), triu order, naively."""
    n = marker.n_alleles
    rows, cols = np.triu_indices(n)
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(zip(rows, cols, strict=True))}
    post = np.zeros(rows.size)
    for combo, prob in joint_terms(ped, marker, genotypes, mutation):
        a, b = combo[target]
        post[index[(min(a, b), max(a, b))]] += prob
    total = post.sum()
    return post / total
