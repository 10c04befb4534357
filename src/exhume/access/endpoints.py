"""Every URL of the project, by name, with the kind of data it shows.

The middleware (:mod:`exhume.access.middleware`) looks each request's URL name up here before
the view runs; a URL with no entry is refused and raises :class:`ConfigurationError`, and the
policy matrix test (``tests/access/test_matrix.py``) fails naming it. To add an endpoint, add
one line to :data:`ENDPOINTS` (``"namespace:url_name": Rule(Data.KIND)``); to add a model, add
it to :data:`MODEL_DATA` (its admin pages then follow the model's kind).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exhume.access.policy import Data, Level
from exhume.errors import ConfigurationError

WHERE = "src/exhume/access/endpoints.py"


@dataclass(frozen=True)
class Rule:
    """The data an endpoint shows; ``edit``: it writes (POST needs the edit right too);
    ``record``: how the access log names the record shown, as a format string over the URL's
    keyword arguments (``"families.missingperson:{pk}"``); ``at_least``: the level needed (the
    admin shows raw records, so its model pages need FULL; a page that codes for a coded role
    needs only CODED); ``form``: even a GET needs the edit right (an "add" form); ``staff``: a
    role is needed even for public data (the admin is a staff tool)."""

    data: Data
    edit: bool = False
    record: str = ""
    at_least: Level = Level.AFTER_IDENTIFICATION
    form: bool = False
    staff: bool = False


#: URL name -> rule. Pages and their JSON twins under /api/ (django-ninja names routes after
#: their functions, in the ``api`` namespace).
ENDPOINTS: dict[str, Rule] = {
    # public pages and their twins
    "publication:home": Rule(Data.PUBLIC),
    "publication:site": Rule(Data.PUBLIC),
    "publication:release_file": Rule(Data.PUBLIC),
    "api:list_sites": Rule(Data.PUBLIC),
    "api:site_page": Rule(Data.PUBLIC),
    "api:site_stats": Rule(Data.PUBLIC),
    "api:site_releases": Rule(Data.PUBLIC),
    "api:api-root": Rule(Data.PUBLIC),
    "api:openapi-json": Rule(Data.PUBLIC),
    "api:openapi-view": Rule(Data.PUBLIC),
    "login": Rule(Data.PUBLIC),
    "logout": Rule(Data.PUBLIC),
    "choose_language": Rule(Data.PUBLIC),
    "healthz": Rule(Data.PUBLIC),
    # the family portal: the public report form and a family's private status link (which
    # shows coarse steps only); family liaison checks the reports
    "portal:report": Rule(Data.PUBLIC),
    "portal:status": Rule(Data.PUBLIC),
    "api:family_status": Rule(Data.PUBLIC),
    "portal:reports": Rule(Data.FAMILY_CONTACTS, record="portal.familyreport:list"),
    "portal:report_detail": Rule(
        Data.FAMILY_CONTACTS, edit=True, record="portal.familyreport:{pk}"
    ),
    "api:family_reports": Rule(Data.FAMILY_CONTACTS, record="portal.familyreport:list"),
    "api:family_report": Rule(Data.FAMILY_CONTACTS, record="portal.familyreport:{report_id}"),
    # maps: the public map of sites, and a site's plan of graves for staff
    "maps:sites": Rule(Data.PUBLIC),
    "api:maps_sites": Rule(Data.PUBLIC),
    "maps:plan": Rule(Data.GRAVES),
    "api:maps_graves": Rule(Data.GRAVES),  # liveness: answers ok, reads no record
    # staff pages and their twins
    "casework:index": Rule(Data.STAFF),
    "api:sites": Rule(Data.STAFF),
    "casework:graves": Rule(Data.GRAVES),
    "api:graves": Rule(Data.GRAVES),
    "casework:journal": Rule(Data.JOURNAL_NAMES, record="casework.burialjournal:{slug}"),
    "api:journal": Rule(Data.JOURNAL_NAMES, record="casework.burialjournal:{slug}"),
    "casework:remains": Rule(Data.REMAINS),
    "api:remains": Rule(Data.REMAINS),
    "casework:remains_detail": Rule(Data.REMAINS),
    "api:remains_record": Rule(Data.REMAINS),
    # photos: seen by the roles that see their record (remains' photos in full only: the
    # laboratory works blind); added by the roles that edit it. Photos of personal effects that
    # staff let family liaison show: for the roles that deal with families, each view logged.
    "casework:grave_photos": Rule(Data.GRAVES, edit=True),
    "api:grave_photos": Rule(Data.GRAVES),
    "casework:grave_photo_file": Rule(Data.GRAVES),
    "casework:remains_photos": Rule(Data.REMAINS, edit=True, at_least=Level.FULL),
    "api:remains_photos": Rule(Data.REMAINS, at_least=Level.FULL),
    "casework:remains_photo_file": Rule(Data.REMAINS, at_least=Level.FULL),
    "casework:photo_liaison": Rule(Data.REMAINS, edit=True, at_least=Level.FULL),
    "casework:liaison_photos": Rule(
        Data.FAMILY_CONTACTS, at_least=Level.FULL, record="casework.photo:liaison"
    ),
    "api:liaison_photos": Rule(
        Data.FAMILY_CONTACTS, at_least=Level.FULL, record="casework.photo:liaison"
    ),
    "casework:liaison_photo_file": Rule(
        Data.FAMILY_CONTACTS, at_least=Level.FULL, record="casework.photo:{pk}"
    ),
    "families:missing": Rule(Data.MISSING_REPORTS, record="families.missingperson:list"),
    "api:missing_persons": Rule(Data.MISSING_REPORTS, record="families.missingperson:list"),
    "families:missing_detail": Rule(Data.MISSING_REPORTS, record="families.missingperson:{pk}"),
    "api:missing_person": Rule(Data.MISSING_REPORTS, record="families.missingperson:{person_id}"),
    "api:access_entries": Rule(Data.ACCESS_LOG),
    # DNA (dna app): samples, profiles and families' pedigrees. The laboratory (coded level)
    # gets coded pages: a sample by its code, never by its barcode (which may carry a case number)
    "dna:samples": Rule(Data.GENETIC, record="dna.samples:{slug}", at_least=Level.CODED),
    "dna:sample": Rule(Data.GENETIC, record="dna.sample:{barcode}", at_least=Level.FULL),
    "dna:coded_sample": Rule(Data.GENETIC, record="dna.sample:{code}", at_least=Level.CODED),
    "dna:families": Rule(Data.GENETIC, record="dna.families:{slug}", at_least=Level.CODED),
    "dna:family": Rule(Data.GENETIC, record="dna.family:{pk}", at_least=Level.CODED),
    "dna:pedigree_svg": Rule(Data.GENETIC, record="dna.family:{pk}", at_least=Level.CODED),
    "api:dna_samples": Rule(Data.GENETIC, record="dna.samples:{slug}", at_least=Level.CODED),
    "api:dna_sample": Rule(Data.GENETIC, record="dna.sample:{barcode}", at_least=Level.FULL),
    "api:dna_coded_sample": Rule(Data.GENETIC, record="dna.sample:{code}", at_least=Level.CODED),
    "api:dna_families": Rule(Data.GENETIC, record="dna.families:{slug}", at_least=Level.CODED),
    "api:dna_family": Rule(Data.GENETIC, record="dna.family:{family_id}", at_least=Level.CODED),
    # consent per reference sample (family liaison records it; no genotype is shown)
    "dna:consents": Rule(Data.FAMILY_CONTACTS, record="dna.consents:{slug}"),
    "dna:consent": Rule(Data.FAMILY_CONTACTS, edit=True, record="dna.consent:{barcode}"),
    "dna:consent_form": Rule(Data.FAMILY_CONTACTS, record="dna.consent:{barcode}"),
    "dna:consent_blank": Rule(Data.STAFF),
    "api:dna_consents": Rule(Data.FAMILY_CONTACTS, record="dna.consents:{slug}"),
    "api:dna_consent": Rule(Data.FAMILY_CONTACTS, record="dna.consent:{barcode}"),
    # identification (board pages, where the DNA analyst reviews and the board confirms): coded
    # for the laboratory (its review step), signed identifications only for family liaison
    # ("after identification"); signing and the runs need at least the coded level
    "identification:board": Rule(Data.IDENTIFICATION),
    "identification:proposal": Rule(Data.IDENTIFICATION),
    "identification:report": Rule(Data.IDENTIFICATION),
    "identification:sign": Rule(Data.IDENTIFICATION, at_least=Level.CODED),
    "api:identification_board": Rule(Data.IDENTIFICATION),
    "api:identification_proposal": Rule(Data.IDENTIFICATION),
    "identification:start_run": Rule(Data.IDENTIFICATION, at_least=Level.CODED),
    # family liaison after the decision (the action checks the role): signed ones only
    "identification:after_decision": Rule(Data.IDENTIFICATION),
    "identification:run_status": Rule(Data.IDENTIFICATION),
    "api:identification_run_status": Rule(Data.IDENTIFICATION),
    "api:identification_run": Rule(Data.IDENTIFICATION, at_least=Level.CODED),
    # the import page: any staff role; it offers, and checks, only the kinds of table the role
    # may edit (exhume.imports.views.KIND_DATA)
    "imports:upload": Rule(Data.STAFF),
    # corrections (POST): the route checks the role's right to change that kind of record
    "api:correct_record": Rule(Data.STAFF, edit=False),
    "api:correct_missing_person": Rule(Data.MISSING_REPORTS, edit=True),
    # the admin's own pages (its model pages follow MODEL_DATA)
    "admin:index": Rule(Data.STAFF),
    "admin:app_list": Rule(Data.STAFF),
    "admin:login": Rule(Data.PUBLIC),
    "admin:logout": Rule(Data.PUBLIC),
    "admin:password_change": Rule(Data.STAFF),
    "admin:password_change_done": Rule(Data.STAFF),
    "admin:jsi18n": Rule(Data.STAFF),
    "admin:view_on_site": Rule(Data.STAFF),
    # unnamed admin patterns resolve under their view's dotted path
    "admin:django.contrib.admin.sites.catch_all_view": Rule(Data.STAFF),
    "admin:django.views.generic.base.RedirectView": Rule(Data.STAFF),  # <id>/ -> <id>/change/
    "admin:autocomplete": Rule(Data.STAFF, at_least=Level.FULL),  # and the model it searches
}

#: model label -> data kind: the admin pages of a model show this kind of data, and the
#: roles' Django permissions on the model follow it (exhume.access.permissions).
MODEL_DATA: dict[str, Data] = {
    "casework.site": Data.PUBLIC,
    "casework.sitetext": Data.PUBLIC,
    "casework.grave": Data.GRAVES,
    "casework.remains": Data.REMAINS,
    "casework.burialjournalentry": Data.JOURNAL_NAMES,
    "casework.photo": Data.REMAINS,
    "families.missingperson": Data.MISSING_REPORTS,
    "identification.policyrecord": Data.IDENTIFICATION,
    "identification.identificationrun": Data.IDENTIFICATION,
    "identification.proposal": Data.IDENTIFICATION,
    "identification.decision": Data.IDENTIFICATION,
    "identification.flag": Data.IDENTIFICATION,
    "identification.recognition": Data.IDENTIFICATION,
    "identification.notification": Data.IDENTIFICATION,
    "identification.remainsrelease": Data.IDENTIFICATION,
    "dna.sample": Data.GENETIC,
    "dna.profile": Data.GENETIC,
    "dna.family": Data.GENETIC,
    "dna.pedigreemember": Data.GENETIC,
    "dna.custodyevent": Data.GENETIC,
    "dna.consent": Data.FAMILY_CONTACTS,
    "portal.familyreport": Data.FAMILY_CONTACTS,
    "dna.frequencydatabase": Data.GENETIC,
    "dna.allelefrequency": Data.GENETIC,
    "dna.kinshipparameters": Data.GENETIC,
    "reports.report": Data.IDENTIFICATION,
    "imports.importbatch": Data.ACCOUNTS,
    "audit.logentry": Data.AUDIT_LOG,
    "audit.loghead": Data.AUDIT_LOG,
    "audit.signingkey": Data.PUBLIC,
    "publication.release": Data.PUBLIC,
    "access.accessentry": Data.ACCESS_LOG,
    "access.restriction": Data.ACCOUNTS,
    "auth.user": Data.ACCOUNTS,
    "auth.group": Data.ACCOUNTS,
    "auth.permission": Data.ACCOUNTS,
    "contenttypes.contenttype": Data.ACCOUNTS,
    "sessions.session": Data.ACCOUNTS,
    "admin.logentry": Data.ACCOUNTS,
    "axes.accessattempt": Data.ACCOUNTS,
    "axes.accesslog": Data.ACCOUNTS,
    "axes.accessfailurelog": Data.ACCOUNTS,
    "axes.accessattemptexpiration": Data.ACCOUNTS,
}

ADMIN_MODEL_URL = re.compile(r"^admin:(?P<app>[a-z0-9]+)_(?P<model>[a-z0-9]+)_(?P<page>[a-z_]+)$")
#: admin model pages that only read; a "change" page reads for a role that may not edit (and
#: shows the record read-only) but writes on POST; any other page (add, delete,
#: password_change ...) needs the edit right even to be shown.
ADMIN_READS = {"changelist", "history"}


def model_rule(label: str) -> Data:
    """The data kind of a model, or a ConfigurationError saying where to declare it."""
    try:
        return MODEL_DATA[label]
    except KeyError:
        raise ConfigurationError(
            f"model {label!r} has no entry in the access policy: add "
            f'"{label}": Data.<KIND>, to MODEL_DATA in {WHERE} (see docs/roles.md)'
        ) from None


def rule_for(view_name: str) -> Rule:
    """The rule for a URL name (``namespace:name``), or a ConfigurationError naming the file
    and the line to add. Admin model pages follow their model's kind; adding and changing need
    the edit right."""
    if view_name in ENDPOINTS:
        return ENDPOINTS[view_name]
    match = ADMIN_MODEL_URL.match(view_name)
    if match:
        label = f"{match['app']}.{match['model']}"
        return Rule(
            model_rule(label),
            edit=match["page"] not in ADMIN_READS,
            form=match["page"] not in ADMIN_READS | {"change"},
            staff=True,
            record=f"{label}:{{object_id}}" if match["page"] == "change" else "",
            at_least=Level.FULL,
        )
    raise ConfigurationError(
        f"URL {view_name!r} has no entry in the access policy: add "
        f'"{view_name}": Rule(Data.<KIND>), to ENDPOINTS in {WHERE} '
        "(the kinds and who sees them are in exhume/access/policy.py and docs/roles.md)"
    )
