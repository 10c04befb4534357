"""The JSON document of a screening, its provenance, and its accuracy against a simulation.

``exhume kinship screen`` writes one document (:func:`result_document`)::

    {"format": "exhume-screening-result", "version": 1,
     "provenance": {exhume_version, created, parameters, frequency_source {name, sha256,
                    population}, mutation, scenario {file, sha256, seed}},
     "remains": [{"body", "index", "top": [{"family", "family_index", "missing_person",
                                            "log10_lr", "exclusions"}, ...]}, ...],
     "pairs": {"body": [...], "family": [...], "log10_lr": [...], "exclusions": [...]},
     "skipped": [{"family", "family_index", "reason"}, ...],
     "full_matrix": null | "FILE.full.npy"}

``pairs`` (every pair with LR >= threshold, by body then decreasing LR) is stored column-wise
to stay compact at national scale; ``full_matrix`` names the ``(bodies x families)`` float32
log10 LR matrix written beside the JSON (``-inf``: excluded by sex, or skipped).
:func:`evaluate_document` scores such a document against the simulation's truth.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.provenance import exhume_version
from exhume.kinship.screening import ScreeningResult
from exhume.kinship.simulate import Scenario, Truth

__all__ = [
    "RESULT_FORMAT",
    "evaluate_document",
    "evaluate_screening",
    "log10",
    "result_document",
    "screening_provenance",
    "typed_reference_counts",
]

RESULT_FORMAT = "exhume-screening-result"
#: Multiply a natural log by this to get a log10.
LOG10 = 1.0 / np.log(10.0)
I64 = NDArray[np.int64]


def log10(x: float) -> float | None:
    """A natural-log LR as a rounded log10, ``None`` when not finite."""
    return None if not np.isfinite(x) else round(float(x) * LOG10, 6)


def screening_provenance(
    result: ScreeningResult, scenario: Scenario, *, scenario_file: str, scenario_sha256: str
) -> dict[str, Any]:
    """Version, time, parameters, frequency source, mutation model and input of a screening."""
    params = result.params
    return {
        "exhume_version": exhume_version(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "parameters": {
            "top": params.top,
            "threshold": params.threshold,
            "full_matrix": params.full_matrix,
            "memory_mb": params.memory_mb,
        },
        "frequency_source": {
            "name": scenario.source.name,
            "sha256": scenario.source.sha256,
            "population": scenario.source.population,
        },
        "mutation": scenario.mutation,
        "scenario": {"file": scenario_file, "sha256": scenario_sha256, "seed": scenario.seed},
    }


def result_document(
    result: ScreeningResult,
    scenario: Scenario,
    *,
    scenario_file: str,
    scenario_sha256: str,
    full_matrix: str | None,
) -> dict[str, Any]:
    """The JSON document of a screening (see the module docstring); ``scenario_file`` is the
    scenario's file name, ``full_matrix`` the name of the matrix file or ``None``."""
    remains = []
    for b in range(result.top_family.shape[0]):
        top = [
            {
                "family": f"F{f:06d}",
                "family_index": int(f),
                "missing_person": f"MP{f:06d}",
                "log10_lr": log10(result.top_log_lr[b, k]),
                "exclusions": int(result.top_exclusions[b, k]),
            }
            for k, f in enumerate(result.top_family[b].tolist())
            if f >= 0
        ]
        remains.append({"body": f"B{b:06d}", "index": b, "top": top})
    provenance = screening_provenance(
        result, scenario, scenario_file=scenario_file, scenario_sha256=scenario_sha256
    )
    return {
        "format": RESULT_FORMAT,
        "version": 1,
        "provenance": provenance,
        "remains": remains,
        "pairs": {
            "body": result.pair_body.tolist(),
            "family": result.pair_family.tolist(),
            "log10_lr": [log10(x) for x in result.pair_log_lr.tolist()],
            "exclusions": result.pair_exclusions.tolist(),
        },
        "skipped": [
            {"family": f"F{f:06d}", "family_index": f, "reason": why}
            for f, why in result.skipped.items()
        ],
        "full_matrix": full_matrix,
    }


def evaluate_document(scenario: Scenario, doc: dict[str, Any], truth: Truth) -> dict[str, Any]:
    """:func:`evaluate_screening` of a document written by :func:`result_document`."""
    top = max((len(r["top"]) for r in doc["remains"]), default=1)
    top_family = np.full((scenario.n_remains, max(1, top)), -1, dtype=np.int64)
    for r in doc["remains"]:
        for k, c in enumerate(r["top"]):
            top_family[r["index"], k] = c["family_index"]
    pairs = doc["pairs"]
    log10_lr = np.array([-np.inf if x is None else x for x in pairs["log10_lr"]], dtype=float)
    return evaluate_screening(
        scenario,
        truth,
        top_family,
        np.array(pairs["body"], dtype=np.int64),
        np.array(pairs["family"], dtype=np.int64),
        log10_lr,
        {int(s["family_index"]) for s in doc["skipped"]},
        float(doc["provenance"]["parameters"]["threshold"]),
    )


_MARKER_BINS = ((0, 5), (6, 10), (11, 15), (16, 20), (21, 23))


def typed_reference_counts(scenario: Scenario) -> I64:
    """Number of typed pedigree members (a direct reference included) of each family."""
    typed = (scenario.reference_genotypes >= 0).any(axis=(1, 2)).astype(np.int64)
    return np.add.reduceat(typed, scenario.family_offset[:-1]).astype(np.int64)


def evaluate_screening(
    scenario: Scenario,
    truth: Truth,
    top_family: I64,
    pair_body: I64,
    pair_family: I64,
    pair_log10_lr: NDArray[np.float64],
    skipped: set[int],
    threshold: float,
) -> dict[str, Any]:
    """Accuracy of a screening against the simulation's truth.

    ``recall_at_1``: share of bodies whose missing person's family is in the database and was
    screened that have that family as best candidate, overall, by the family's number of
    typed references and by the body's number of typed markers. ``false_positive_share``:
    for ``k = 2..6``, the share of unrelated (body, screened family) pairs with
    ``LR >= 10^k`` (``null`` when ``10^k`` is below the screening threshold, since such pairs
    were not recorded); for a well-calibrated LR it stays below ``10^-k``.
    """
    fam = truth.remains_family
    screened = np.ones(scenario.n_families, dtype=bool)
    screened[list(skipped)] = False
    present = (fam >= 0) & screened[np.maximum(fam, 0)]
    hit = top_family[:, 0] == fam
    refs = typed_reference_counts(scenario)
    n_typed = (scenario.remains_genotypes >= 0).any(axis=2).sum(axis=1)
    by_refs = {
        str(k): _share(hit[present & (refs[np.maximum(fam, 0)] == k)])
        for k in range(1, int(refs.max(initial=0)) + 1)
    }
    by_markers = {
        f"{lo}-{hi}": _share(hit[present & (n_typed >= lo) & (n_typed <= hi)])
        for lo, hi in _MARKER_BINS
    }
    related = fam[pair_body] == pair_family
    n_unrelated = scenario.n_remains * int(screened.sum()) - int(present.sum())
    fp = {
        str(k): (
            None
            if 10.0**k < threshold
            else int(((pair_log10_lr >= k) & ~related).sum()) / max(1, n_unrelated)
        )
        for k in range(2, 7)
    }
    return {
        "bodies_with_family_present": int(present.sum()),
        "recall_at_1": _share(hit[present]),
        "recall_at_1_by_typed_references": by_refs,
        "recall_at_1_by_typed_markers": by_markers,
        "unrelated_pairs": n_unrelated,
        "false_positive_share": fp,
    }


def _share(values: NDArray[np.bool_]) -> dict[str, Any]:
    n = int(values.size)
    return {"n": n, "share": float(values.mean()) if n else None}
