"""The staff upload page: a table is checked and previewed (a dry run: nothing is written),
and imported only when its author confirms, with the same bad-row report as the command line.

The page opens for any staff role; the kinds of table offered are those the role may add and
correct (:func:`exhume.access.policy.may_edit` of :data:`KIND_DATA`), and the choice is checked
again on every request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exhume.access.policy import Data, may_edit
from exhume.casework.queries import get_site
from exhume.core.admin import actor_for
from exhume.core.http import not_found_as_404
from exhume.errors import ExhumeError, InvalidInputError
from exhume.imports import pending
from exhume.imports.actions import do_import
from exhume.imports.forms import UploadForm
from exhume.imports.tables import read_table

#: kind of table -> the data it writes (the role must be allowed to edit it)
KIND_DATA = {
    "graves": Data.GRAVES,
    "journal": Data.JOURNAL_NAMES,
    "remains": Data.REMAINS,
    "missing-persons": Data.MISSING_REPORTS,
    "relatives": Data.FAMILY_CONTACTS,
}
KIND_LABELS = {
    "graves": gettext_lazy("Graves"),
    "journal": gettext_lazy("Burial journal"),
    "remains": gettext_lazy("Remains"),
    "missing-persons": gettext_lazy("Missing persons"),
    "relatives": gettext_lazy("Relatives of missing persons"),
}
#: rows of the file shown in the preview
PREVIEW_ROWS = 20
SESSION_KEY = "exhume_pending_import"


def kinds_for(user: Any) -> list[tuple[str, str]]:
    """The kinds of table ``user`` may import, with their labels."""
    return [(k, str(KIND_LABELS[k])) for k, data in KIND_DATA.items() if may_edit(user, data)]


@not_found_as_404
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form; POST a file: its preview; POST ``confirm``: the import itself."""
    site = get_site(slug)
    kinds = kinds_for(request.user)
    context: dict[str, Any] = {"site": site, "form": UploadForm(kinds=kinds), "kinds": kinds}
    if not kinds:
        context["error"] = _("your role may not import any kind of table")
    elif request.method == "POST" and "confirm" in request.POST:
        context.update(_confirm(request, site, dict(kinds)))
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES, kinds=kinds)
        context["form"] = form
        if form.is_valid():
            context.update(_preview(request, site, form.cleaned_data))
    refused = request.method == "POST" and context.get("error")
    status = 400 if refused or getattr(context.get("report"), "problems", []) else 200
    return render(request, "imports/upload.html", context, status=status)


def _preview(request: HttpRequest, site: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Check every row (a dry run) and keep the file for the confirmation."""
    upload = data["file"]
    encoding = data.get("encoding") or None
    try:
        pending.check_size(upload.size or 0)
        path = pending.stage(upload.name or "table.csv", upload.read())
        table = read_table(path, encoding=encoding)
    except InvalidInputError as exc:
        return {"error": exc.message}
    report = do_import(actor_for(request), kind=data["kind"], table=table, site=site, dry_run=True)
    previous = request.session.get(SESSION_KEY)
    if previous and previous.get("sha256") != table.sha256:
        pending.discard(previous["sha256"])
    if report.problems:
        pending.discard(table.sha256)
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = {
            "sha256": table.sha256,
            "name": path.name,
            "kind": data["kind"],
            "encoding": encoding or "",
            "site": site.slug,
        }
    return {
        "report": report,
        "kind_label": KIND_LABELS[data["kind"]],
        "header": table.header,
        "rows": [
            (n, [row.get(c, "") for c in table.header]) for n, row in table.rows[:PREVIEW_ROWS]
        ],
        "more_rows": max(0, len(table.rows) - PREVIEW_ROWS),
    }


def _confirm(request: HttpRequest, site: Any, kinds: dict[str, str]) -> dict[str, Any]:
    """Import the previewed file, if it is the one this account previewed for this site."""
    held = request.session.get(SESSION_KEY) or {}
    if (
        held.get("sha256") != request.POST.get("sha256")
        or held.get("site") != site.slug
        or held.get("kind") not in kinds
    ):
        return {"error": _("nothing to confirm: upload the file and check its preview again")}
    try:
        path = pending.staged(held["sha256"], held["name"])
        table = read_table(path, encoding=held["encoding"] or None)
        if table.sha256 != held["sha256"]:
            return {"error": _("the previewed file changed; upload it again")}
        report = do_import(actor_for(request), kind=held["kind"], table=table, site=site)
    except ExhumeError as exc:
        return {"error": exc.message}
    if report.written:
        pending.discard(held["sha256"])
        request.session.pop(SESSION_KEY, None)
    return {"report": report, "kind_label": KIND_LABELS[held["kind"]], "done": True}
