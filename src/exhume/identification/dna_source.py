"""A site's DNA records as the engine's problem: the DNA app's dvi-json export, read by the
engine's own reader (honouring each reference's consent, :mod:`exhume.dna.consent`), and
which record each id stands for (victim id = case number; missing id
= the pedigree member's label, which is the dvi-json missing id for an imported case). Labels
are a family's own ("M", "FA"); when two families share one, every id becomes
``family/label``."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from exhume.casework.models import Site
from exhume.dna.consent import Use
from exhume.dna.dvi import export_case
from exhume.families.models import MissingPerson
from exhume.identification.runs import SiteDna
from exhume.kinship.dvijson import parse_problem


def site_dna(site: Site, *, use: str = Use.CASE) -> SiteDna:
    """The site's problem (hash of its canonical JSON as the run's input hash) and id maps.
    Only references whose family's consent permits ``use`` are in it (a national search also
    brings other sites' families whose consent reaches that far); the run's parameters say
    which use and how many references consent left out."""
    export = export_case(site, use=use)
    doc = export.document
    by_id = _unique_ids(doc, export.missing)
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    problem = parse_problem(doc, sha256=digest)
    victims = {v.id for v in problem.victims}
    remains = {r.case_number: r for r in site.remains.all() if r.case_number in victims}
    models = sorted({type(m.mutation).__name__ for m in problem.markers})
    references = {"use": str(use), "withheld_by_consent": export.withheld}
    parameters = {"dataset": problem.dataset, "markers": len(problem.markers), "mutation": models,
                  "references": references}  # fmt: skip
    return SiteDna(problem, remains, by_id, parameters)


def _unique_ids(
    doc: dict[str, Any], missing: dict[tuple[str, str], MissingPerson]
) -> dict[str, MissingPerson]:
    labels = [p["id"] for fam in doc["am"] for p in fam["pedigree"]]
    if len(labels) == len(set(labels)):
        return {label: person for (_, label), person in missing.items()}
    doc["missing"], doc["references"], doc["pairings"] = [], [], None
    out: dict[str, MissingPerson] = {}
    for fam in doc["am"]:
        name = fam["family"]
        new = {p["id"]: f"{name}/{p['id']}" for p in fam["pedigree"]}
        for p in fam["pedigree"]:
            label = p["id"]
            p["id"] = new[label]
            p["fid"] = new[p["fid"]] if p["fid"] else None
            p["mid"] = new[p["mid"]] if p["mid"] else None
            if (name, label) in missing:
                doc["missing"].append(p["id"])
                out[p["id"]] = missing[(name, label)]
        fam["genotypes"] = {new[k]: v for k, v in fam["genotypes"].items()}
        doc["references"].extend(fam["genotypes"])
    return out
