"""``/healthz``: is this server fit to answer? For load balancers and monitors.

Three checks, each reported by name; any failure answers 503:

* ``database``: a query reaches the database;
* ``migrations``: every migration of the code is applied (remembered once true: the code of a
  running process does not change);
* ``log``: the audit log agrees with the newest release: the log holds at least its tree size,
  the entry at ``tree_size - 1`` is that release's ``publish`` entry, and the Merkle root of the
  first ``tree_size`` leaves is the signed root (computed once per log head).

The answer holds counts and labels only, never a record.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from exhume.audit.models import LogEntry, LogHead
from exhume.ledger.merkle import leaf_hash, root_from_leaf_hashes
from exhume.publication.cache import cached
from exhume.publication.models import Release

_migrated = False


def database_reachable() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def migrations_applied() -> dict[str, Any]:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        pending = sorted(f"{m.app_label}.{m.name}" for m, _ in plan)
        if pending:
            return {"ok": False, "pending": pending, "fix": "run `exhume serve` or migrate"}
        _migrated = True
    return {"ok": True}


def log_matches_last_release() -> dict[str, Any]:
    head = LogHead.objects.first()
    size = head.size if head else 0
    release = Release.objects.order_by("-tree_size").first()
    if release is None:
        return {"ok": True, "size": size, "release": None}
    found: dict[str, Any] = {"size": size, "release": release.label, "tree_size": release.tree_size}
    if size < release.tree_size:
        problem: str | None = (
            f"the log has {size} entries, fewer than release {release.label} signed"
        )
    else:
        problem = cached(lambda: _release_problem(release), "health", release.label)
    return {**found, "ok": problem is None, **({"problem": problem} if problem else {})}


def _release_problem(release: Release) -> str | None:
    last = LogEntry.objects.filter(seq=release.tree_size - 1).first()
    if last is None or last.action != "publish" or last.record_id != release.label:
        return f"entry {release.tree_size - 1} is not the publish entry of {release.label}"
    leaves = (
        LogEntry.objects.filter(seq__lt=release.tree_size)
        .order_by("seq")
        .values_list("leaf", flat=True)
        .iterator(chunk_size=5000)
    )
    root = root_from_leaf_hashes(leaf_hash(leaf.encode()) for leaf in leaves)
    if root.hex() != release.root:
        return f"the first {release.tree_size} log entries do not give {release.label}'s root"
    return None


CHECKS = {
    "database": database_reachable,
    "migrations": migrations_applied,
    "log": log_matches_last_release,
}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"ok": bool, "checks": {name: {"ok": bool, ...}}}``; 200 when all pass, else 503."""
    checks: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except DatabaseError as exc:
            checks[name] = {"ok": False, "problem": type(exc).__name__}
            break
    ok = len(checks) == len(CHECKS) and all(c["ok"] for c in checks.values())
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)
