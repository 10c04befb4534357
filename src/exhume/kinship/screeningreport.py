"""The JSON document of a screening, its provenance, and its accuracy against a simulation.

``exhume kinship screen`` writes one document (:func:`result_document`)::

    {"format": "exhume-screening-result", "version": 1,
     "provenance": {exhume_version, created, parameters, frequency_source {name, sha256,
                    population}, mutation, scenario {file, sha256, seed}},
     "remains": [{"body", "index", "top": [{"family", "family_index", "missing_person",
                                            "missing_index", "log10_lr", "exclusions"}, ...]},
                 ...],
     "pairs": {"body": [...], "family": [...], "missing_index": [...], "log10_lr": [...],
               "exclusions": [...]},
     "skipped": [{"family", "family_index", "missing_person", "missing_index", "reason"}, ...],
     "full_matrix": null | "FILE.full.npy"}

``pairs`` (every pair with LR >= threshold, by body then decreasing LR) is stored column-wise
to stay compact at national scale. Candidates are missing persons (screening columns,
``missing_index``, see :meth:`~exhume.kinship.simulate.Scenario.missing_columns`): a family
with two missing persons has two, named ``MP000012`` and ``MP000012-FA``; without such
families ``missing_index`` equals ``family_index``. ``full_matrix`` names the
``(bodies x missing persons)`` float32
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
    family = scenario.missing_columns()[0].tolist()
    names = scenario.missing_ids()
    remains = []
    for b in range(result.top_family.shape[0]):
        top = [
            {
                "family": f"F{family[c]:06d}",
                "family_index": family[c],
                "missing_person": names[c],
                "missing_index": c,
                "log10_lr": log10(result.top_log_lr[b, k]),
                "exclusions": int(result.top_exclusions[b, k]),
            }
            for k, c in enumerate(result.top_family[b].tolist())
            if c >= 0
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
            "family": [family[c] for c in result.pair_family.tolist()],
            "missing_index": result.pair_family.tolist(),
            "log10_lr": [log10(x) for x in result.pair_log_lr.tolist()],
            "exclusions": result.pair_exclusions.tolist(),
        },
        "skipped": [
            {
                "family": f"F{family[c]:06d}",
                "family_index": family[c],
                "missing_person": names[c],
                "missing_index": c,
                "reason": why,
            }
            for c, why in result.skipped.items()
        ],
        "full_matrix": full_matrix,
    }


def evaluate_document(scenario: Scenario, doc: dict[str, Any], truth: Truth) -> dict[str, Any]:
    """:func:`evaluate_screening` of a document written by :func:`result_document`."""
    top = max((len(r["top"]) for r in doc["remains"]), default=1)
    top_family = np.full((scenario.n_remains, max(1, top)), -1, dtype=np.int64)
    for r in doc["remains"]:
        for k, c in enumerate(r["top"]):
            top_family[r["index"], k] = c.get("missing_index", c["family_index"])
    pairs = doc["pairs"]
    log10_lr = np.array([-np.inf if x is None else x for x in pairs["log10_lr"]], dtype=float)
    return evaluate_screening(
        scenario,
        truth,
        top_family,
        np.array(pairs["body"], dtype=np.int64),
        np.array(pairs.get("missing_index", pairs["family"]), dtype=np.int64),
        log10_lr,
        {int(s.get("missing_index", s["family_index"])) for s in doc["skipped"]},
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
    """Accuracy of a screening against the simulation's truth; candidates (``top_family``,
    ``pair_family``, ``skipped``) are missing persons (columns of
    :meth:`~exhume.kinship.simulate.Scenario.missing_columns`, the families themselves when
    every family has one missing person).

    ``recall_at_1``: share of bodies whose missing person is in the database and was screened
    that have that missing person (not only the family) as best candidate, overall, by the
    family's number of typed references and by the body's number of typed markers; bodies of
    families with two missing persons also apart (``recall_at_1_two_missing``).
    ``false_positive_share``: for ``k = 2..6``, the share of unrelated (body, screened missing
    person) pairs with ``LR >= 10^k`` (``null`` when ``10^k`` is below the screening
    threshold, since such pairs were not recorded); a body and another missing person of its
    own family are relatives, not unrelated. For a well-calibrated LR it stays below
    ``10^-k``.
    """
    column_family, _ = scenario.missing_columns()
    n_col = column_family.shape[0]
    col = truth.remains_column()
    fam = truth.remains_family
    screened = np.ones(n_col, dtype=bool)
    screened[list(skipped)] = False
    present = (col >= 0) & screened[np.maximum(col, 0)]
    hit = top_family[:, 0] == col
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
    related = (fam[pair_body] >= 0) & (fam[pair_body] == column_family[pair_family])
    screened_in_family = np.bincount(column_family[screened], minlength=scenario.n_families)
    own = np.where(fam >= 0, screened_in_family[np.maximum(fam, 0)], 0)
    n_unrelated = scenario.n_remains * int(screened.sum()) - int(own.sum())
    fp = {
        str(k): (
            None
            if 10.0**k < threshold
            else int(((pair_log10_lr >= k) & ~related).sum()) / max(1, n_unrelated)
        )
        for k in range(2, 7)
    }
    report: dict[str, Any] = {
        "bodies_with_family_present": int(present.sum()),
        "recall_at_1": _share(hit[present]),
        "recall_at_1_by_typed_references": by_refs,
        "recall_at_1_by_typed_markers": by_markers,
    }
    if n_col > scenario.n_families:
        two = np.bincount(column_family, minlength=scenario.n_families) > 1
        report["recall_at_1_two_missing"] = _share(hit[present & two[np.maximum(fam, 0)]])
    report["unrelated_pairs"] = n_unrelated
    report["false_positive_share"] = fp
    return report


def _share(values: NDArray[np.bool_]) -> dict[str, Any]:
    n = int(values.size)
    return {"n": n, "share": float(values.mean()) if n else None}
