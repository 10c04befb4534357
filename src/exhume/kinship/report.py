"""The JSON result of ``exhume kinship solve``: every DVI quantity plus its provenance.

Shape (rows and columns in the order of the input file)::

    {"loglik0": float,
     "pairwise_lr": {"rows": [victims], "cols": [missing], "matrix": [[float | null]]},
     "exclusions": {"rows": [...], "cols": [...], "matrix": [[int | null]]},
     "joint": {"method": "exhaustive" | "stepwise" | "pairwise", "method_reason": str,
               "n_assignments": int,
               "rows": [{"assignment": {victim: missing | "*"}, "loglik": float | null,
                         "lr": float | null}]},
     "posterior_pairing": {"rows": [...], "cols": [missing..., "*"], "matrix": [[float]]},
     "conclusions": [{"family", "missing", "sample", "lr", "glr", "conclusion"}],
     "pedigree_check": {"flagged_references": [...], "corrections": [...]},
     "provenance": {...}}

Writing rules, so that the JSON is always finite: ``null`` marks a value that is undefined
(a pairwise LR or exclusion count for a pair that is not a candidate, a GLR that dvir leaves
NA); an impossible assignment has ``"loglik": null`` and ``"lr": 0.0``; an LR too large for a
double (above ~1.8e308) is written ``null`` while its log-likelihood stays exact. Every other
float is written with Python's shortest round-trip representation.

Methods: the joint table is *exhaustive* (dvir's ``dviJoint`` over all candidate pairings)
when the number of assignments is at most ``max_assignments`` (dvir's ``maxAssign``, 1e5) and
evaluating them needs at most ``max_evaluations`` family likelihoods (a cost guard of exhume's:
one large looped pedigree, such as ``grave``, costs a fraction of a second per placement of
victims, and dvir would take hours there too); otherwise it is *stepwise*:
exclusions and undisputed identifications are settled first (dvir's ``dviSolve`` loop) and
the remaining assignments enumerated with those identifications fixed; ``n_assignments`` then
counts the assignments of that reduced problem, and posteriors are conditional on the fixed
identifications. When even the reduced problem exceeds a guard the table is *pairwise*: H0
of the reduced problem and every single pairing of an open victim with an open missing person
(at most ``1 + victims x missing`` rows, whose family likelihoods the pairwise LRs already
computed), so the solve never fails for size; posteriors then assume at most one more
identification. ``method_reason`` says in words which guard decided, with the counts.
``--top`` limits the rows written, never ``n_assignments``.

Conclusions are :func:`exhume.kinship.solve.solve`'s (dvir's ``dviSolve``, AM side): one per
missing person, ``sample`` is a victim id, ``"V2/V3"`` for a symmetric match, or null.
``pedigree_check`` is :func:`exhume.kinship.pedigree_check.check_json`: references that do not
fit their stated relationships, and bodies named only under a corrected pedigree (a distinct
conclusion with ``"review": "required"``; the solver's conclusions are never changed).
Mutation models are kept as given unless ``disable_mutations`` says otherwise ("yes": strip;
"auto": dvir's ``NA`` rule); exclusion counts always ignore them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from exhume.errors import KinshipError
from exhume.kinship.defaults import (
    DEFAULT_MAX_ASSIGNMENTS,
    DEFAULT_MAX_EVALUATIONS,
    DEFAULT_MAX_INCOMP,
    DEFAULT_THRESHOLD,
    DEFAULT_TOP,
)
from exhume.kinship.dvi import (
    STAR,
    STAR_CODE,
    DviContext,
    Float,
    Int,
    JointTable,
    exclusion_matrix,
    joint_cost,
    joint_table,
    make_context,
    pairwise_lr,
    posterior_pairing,
)
from exhume.kinship.pedigree_check import check_json
from exhume.kinship.problem import DviProblem
from exhume.kinship.provenance import exhume_version, software
from exhume.kinship.solve import (
    reduce,
    restricted_codes,
    restricted_joint,
    single_pairing_joint,
    solve,
)

#: ``--disable-mutations`` choices: dvir 3.4's ``pairwiseLR`` and ``dviJoint`` keep the mutation
#: models as given ("no", the default); "yes" strips them; "auto" is dvir's ``NA`` rule (off in
#: families whose reference data are consistent without mutations).
DISABLE_MUTATIONS: dict[str, bool | None] = {"no": False, "yes": True, "auto": None}


@dataclass(frozen=True)
class SolveOptions:
    """Parameters of one solve, recorded in the provenance."""

    top: int = DEFAULT_TOP
    max_assignments: int = DEFAULT_MAX_ASSIGNMENTS
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS
    threshold: float = DEFAULT_THRESHOLD
    max_incomp: int = DEFAULT_MAX_INCOMP
    disable_mutations: str = "no"


def finite_or_none(x: float) -> float | None:
    """A finite float, or ``None`` for nan and infinities."""
    return float(x) if math.isfinite(x) else None


def _lr_rows(mat: Float) -> list[list[float | None]]:
    return [[finite_or_none(float(x)) for x in row] for row in mat]


def _count_rows(mat: Int) -> list[list[int | None]]:
    return [[int(x) if x >= 0 else None for x in row] for row in mat]


def joint_rows(problem: DviProblem, table: JointTable, top: int) -> list[dict[str, Any]]:
    """The first ``top`` rows of a joint table as JSON objects."""
    lrs = table.lr()
    rows = []
    for r in range(min(top, table.n_assignments)):
        assignment = {
            v.id: STAR if code == STAR_CODE else problem.missing[code]
            for v, code in zip(problem.victims, table.assignments[r], strict=True)
        }
        ll = float(table.logliks[r])
        rows.append(
            {
                "assignment": assignment,
                "loglik": finite_or_none(ll),
                "lr": 0.0 if ll == -math.inf else finite_or_none(float(lrs[r])),
            }
        )
    return rows


@dataclass(frozen=True)
class JointChoice:
    """The joint table the result prints, how it was built and why."""

    method: str
    reason: str
    table: JointTable


def choose_joint(ctx: DviContext, options: SolveOptions) -> JointChoice:
    """Exhaustive when small enough, else stepwise, else single pairings (module docstring).

    Small enough: at most ``max_assignments`` assignments whose evaluation needs at most
    ``max_evaluations`` new family likelihoods. The stepwise table obeys the same guards on the
    reduced problem; when it does not, the table degrades to single pairings, which never fails
    for size. ``reason`` names the guard and the counts that decided.
    """
    limits = (options.max_assignments, options.max_evaluations)
    full = joint_cost(ctx, ctx.codes, *limits)
    # the limits are checked once, by joint_cost; building the table does not check them again
    if full.within:
        return JointChoice("exhaustive", full.explain(), joint_table(ctx, limits[0]))
    why = "the full problem has " + full.explain()
    state, _, _ = reduce(ctx, options.threshold, options.max_incomp)
    reduced = joint_cost(ctx, restricted_codes(ctx, state), *limits)
    if reduced.within:
        table = restricted_joint(ctx, state, None, limits[0])
        return JointChoice(
            "stepwise",
            f"{why}; exclusions and undisputed identifications first "
            f"({len(state.fixed)} fixed), leaving {reduced.explain()}",
            table,
        )
    table = single_pairing_joint(ctx, state)
    return JointChoice(
        "pairwise",
        f"{why}; after exclusions and undisputed identifications ({len(state.fixed)} fixed) "
        f"the rest still has {reduced.explain()}, so the table holds only H0 and the "
        f"{table.n_assignments - 1} single pairings of the open victims",
        table,
    )


def solve_problem(problem: DviProblem, options: SolveOptions | None = None) -> dict[str, Any]:
    """Compute every DVI quantity of ``problem`` and assemble the JSON result."""
    opts = options or SolveOptions()
    if opts.top < 0 or opts.max_assignments < 1 or opts.max_evaluations < 0:
        raise KinshipError("--top and --max-evaluations must be >= 0, --max-assignments >= 1")
    if opts.disable_mutations not in DISABLE_MUTATIONS:
        raise KinshipError(
            f"--disable-mutations must be one of {', '.join(DISABLE_MUTATIONS)}, "
            f"got {opts.disable_mutations!r}"
        )
    ctx = make_context(problem, disable_mutations=DISABLE_MUTATIONS[opts.disable_mutations])
    check_h0(ctx)
    victims = [v.id for v in problem.victims]
    missing = list(problem.missing)
    choice = choose_joint(ctx, opts)
    table = choice.table
    result = solve(
        ctx, opts.threshold, max_incomp=opts.max_incomp,
        max_assignments=opts.max_assignments, max_evaluations=opts.max_evaluations,
    )  # fmt: skip
    return {
        "loglik0": ctx.loglik0,
        "pairwise_lr": {
            "rows": victims,
            "cols": missing,
            "matrix": _lr_rows(pairwise_lr(ctx)),
        },
        "exclusions": {
            "rows": victims,
            "cols": missing,
            "matrix": _count_rows(exclusion_matrix(ctx)),
        },
        "joint": {
            "method": choice.method,
            "method_reason": choice.reason,
            "n_assignments": table.n_assignments,
            "rows": joint_rows(problem, table, opts.top),
        },
        "posterior_pairing": {
            "rows": victims,
            "cols": [*missing, STAR],
            "matrix": [[float(x) for x in row] for row in posterior_pairing(table, len(missing))],
        },
        "conclusions": [
            {
                "family": c.family,
                "missing": c.missing,
                "sample": c.sample,
                "lr": None if c.lr is None else finite_or_none(c.lr),
                "glr": None if c.glr is None else finite_or_none(c.glr),
                "conclusion": c.conclusion,
            }
            for c in result.conclusions
        ],
        "pedigree_check": check_json(ctx, result.conclusions, opts.threshold),
        "provenance": provenance(problem, opts),
    }


def check_h0(ctx: DviContext) -> None:
    """dvir refuses data that are impossible before any victim is placed; so do we."""
    for vic, ll in zip(ctx.problem.victims, ctx.victim_ll, strict=True):
        if ll == -math.inf:
            raise KinshipError(
                f"victim '{vic.id}': the genotypes are impossible (an allele has frequency 0)"
            )
    for f, fam in enumerate(ctx.problem.families):
        if ctx.families.empty(f) == -math.inf:
            raise KinshipError(
                f"family '{fam.id}': the reference data are impossible under the pedigree "
                "(check the references' genotypes or add a mutation model)"
            )


def provenance(problem: DviProblem, options: SolveOptions) -> dict[str, Any]:
    """Software versions, input hash and parameters of a result."""
    return {
        "exhume": exhume_version(),
        "input_sha256": problem.source_sha256,
        "dataset": problem.dataset,
        "parameters": {
            "top": options.top,
            "max_assignments": options.max_assignments,
            "max_evaluations": options.max_evaluations,
            "threshold": options.threshold,
            "threshold2": max(1.0, options.threshold / 10),
            "max_incomp": options.max_incomp,
            "disable_mutations": options.disable_mutations,
            "reference": "dvir 3.4 (pairwiseLR, findExclusions, dviJoint, Bmarginal, dviSolve)",
        },
        **software(),
    }
