"""The JSON result of ``exhume kinship power`` (see :mod:`exhume.kinship.power`)::

    {"missing": id, "family": id, "n_sims": int, "seed": int, "threshold": float,
     "candidates": [{"relative": label, "typed": [ids], "p_identified": float,
                     "p_identified_se": float, "expected_log10_lr": float | null,
                     "log10_lr_sd": float | null, "mean_lr": float | null,
                     "mean_lr_se": float | null, "exclusion_power": float}],
     "provenance": {...}}

``relative`` is "current references" first, then each relative who could be typed; ``typed``
names the members added (new members get ids such as ``M1_sibling``). ``mean_lr`` is the mean
LR of a true match (forrel's ``meanLR``; null beyond the float range). ``*_se`` and ``_sd``
are the Monte Carlo standard error and the spread over simulations.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from exhume.kinship.power import DEFAULT_THRESHOLD, family_power
from exhume.kinship.problem import DviProblem
from exhume.kinship.provenance import exhume_version, software

__all__ = ["power_json"]


def power_json(
    problem: DviProblem,
    missing: str,
    *,
    n_sims: int = 1000,
    seed: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, Any]:
    """Simulate every candidate relative of ``missing`` and describe the result as JSON."""
    family = problem.family_of(missing)
    rows = []
    for res in family_power(family, problem.markers, missing, n_sims=n_sims, seed=seed,
                            threshold=threshold):  # fmt: skip
        p = res.p_identified
        rows.append(
            {
                "relative": res.candidate.label,
                "typed": list(res.candidate.typed),
                "p_identified": p,
                "p_identified_se": math.sqrt(p * (1 - p) / res.n_sims),
                "expected_log10_lr": _finite(res.expected_log10_lr),
                "log10_lr_sd": _finite(float(np.std(res.log10_lr))),
                "mean_lr": _finite(res.mean_lr),
                "mean_lr_se": _finite(res.mean_lr_se),
                "exclusion_power": res.exclusion_power,
            }
        )
    return {
        "missing": missing,
        "family": family.id,
        "n_sims": n_sims,
        "seed": seed,
        "threshold": threshold,
        "candidates": rows,
        "provenance": {
            "exhume": exhume_version(),
            "input_sha256": problem.source_sha256,
            "dataset": problem.dataset,
            "method": "sequential conditional gene dropping from exact genotype posteriors",
            "reference": "forrel MPPsims / missingPersonEP / missingPersonIP (quantities)",
            **software(),
        },
    }


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None
