"""The policy matrix: every URL of the project, asked by every role, against the policy.

Used by ``test_matrix.py`` and ``test_crawl.py``. Each URL pattern is listed from the URL
configuration (pages, the admin and every django-ninja route under /api/); its rule comes from
:mod:`exhume.access.endpoints`; the expected answer from :mod:`exhume.access.policy`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from exhume.access.endpoints import Rule, rule_for
from exhume.access.middleware import allows
from exhume.access.policy import ROLES, Data, Level, level_for_role, role_of
from tests.web.builders import PERSONAL

NO_ROLE = "no-role"  # a logged-in account without a role: the public pages only
ANONYMOUS = "anonymous"
COLUMNS = (ANONYMOUS, NO_ROLE, *ROLES)

#: Values planted in restricted fields, with the data kind they belong to. None may appear in
#: an answer to a role that sees less than FULL of that kind.
SENTINELS: dict[str, Data] = {
    PERSONAL["personal_effects"].split()[-1]: Data.REMAINS,
    PERSONAL["distinguishing_marks"].split()[-1]: Data.REMAINS,
    PERSONAL["notes"].split()[-1]: Data.REMAINS,
    PERSONAL["case_prefix"]: Data.REMAINS,
    PERSONAL["inscription"].split()[-1]: Data.GRAVES,
    PERSONAL["journal_name"]: Data.JOURNAL_NAMES,
    PERSONAL["missing_family_name"]: Data.MISSING_REPORTS,
    PERSONAL["missing_description"].split()[-1]: Data.MISSING_REPORTS,
    "Portalcontact-7731": Data.FAMILY_CONTACTS,  # a family's report through the portal
    "Portalfamily-5519": Data.MISSING_REPORTS,
}

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespace:url_name
    route: str  # the pattern, e.g. "staff/sites/<slug:slug>/graves/"


def endpoints() -> list[Endpoint]:
    """Every named URL pattern of the project, pages, admin and API routes alike."""
    found: dict[tuple[str, str], Endpoint] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace or "") if x)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                # an unnamed pattern resolves under its view's dotted path, as here
                local = p.name or _func_path(p.callback)
                name = f"{namespace}:{local}" if namespace else local
                found[(name, prefix + str(p.pattern))] = Endpoint(name, prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "", "")
    return sorted(found.values(), key=lambda e: (e.name, e.route))


def _func_path(func: Any) -> str:
    """The dotted path Django's ResolverMatch names an unnamed pattern's view by."""
    func = getattr(func, "view_class", func)
    if not hasattr(func, "__name__"):
        return f"{func.__class__.__module__}.{func.__class__.__name__}"
    return f"{func.__module__}.{func.__name__}"


def missing_rules() -> list[str]:
    """One message per URL with no policy entry (each says where to add it)."""
    problems = []
    for endpoint in endpoints():
        try:
            rule_for(endpoint.name)
        except Exception as exc:
            problems.append(f"{endpoint.route}: {exc}")
    return problems


def make_users() -> dict[str, User | None]:
    """One active staff account per role, one without a role, and the anonymous visitor."""
    users: dict[str, User | None] = {ANONYMOUS: None}
    users[NO_ROLE] = User.objects.create_user(f"matrix-{NO_ROLE}", is_staff=True)
    for role in ROLES:
        user = User.objects.create_user(f"matrix-{role}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


def role_column(user: User | None) -> str | None:
    return role_of(user) if user is not None else None


def url_for(endpoint: Endpoint, samples: dict[str, str]) -> str | None:
    """The endpoint's path with sample values for its parameters (None: no sample exists)."""
    path = "/" + endpoint.route.replace("^", "").replace("$", "").replace("\\Z", "")
    model = _admin_model(endpoint.name)

    def value(m: re.Match[str]) -> str:
        name = m["name"] or m["group"]
        key = f"{endpoint.name}.{name}"
        if key in samples:
            return samples[key]
        if name == "object_id" and model is not None:
            obj = model._default_manager.order_by("pk").first()
            return str(obj.pk) if obj is not None else "999999"
        if name not in samples:
            raise KeyError(
                f"no sample value for URL parameter {name!r} of {endpoint.name!r}: add "
                f'"{key}": "..." (or "{name}": "...") to SAMPLES in tests/access/test_matrix.py'
            )
        return samples[name]

    return PARAM.sub(value, path)


def _admin_model(name: str) -> Any:
    m = re.match(r"^admin:([a-z0-9]+)_([a-z0-9]+)_[a-z_]+$", name)
    if not m:
        return None
    try:
        return apps.get_model(m[1], m[2])
    except LookupError:
        return None


def expected_allowed(role: str | None, endpoint: Endpoint, query: dict[str, str]) -> bool:
    """What the policy table says: may this role get this page (a GET)?"""
    rule: Rule = rule_for(endpoint.name)
    data = rule.data
    if endpoint.name == "admin:autocomplete" and query.get("model_name"):
        data = rule_for(f"admin:{query['app_label']}_{query['model_name']}_changelist").data

    class _Role:  # the policy asks for a user; this one has exactly the role
        is_authenticated = role is not None
        is_active = True
        is_superuser = False
        _exhume_role = role

    return allows(_Role(), rule, data, write=rule.form)


def refused(response: Any, anonymous: bool) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return anonymous and ("/accounts/login/" in location or "/admin/login/" in location)


def leaks(role: str | None, body: str) -> list[str]:
    """The sentinels in ``body`` that ``role`` may not see (JSON is read with its \\u escapes
    decoded, so a name cannot hide as ``\\u0490...``)."""
    with contextlib.suppress(ValueError):
        body = body + json.dumps(json.loads(body), ensure_ascii=False)
    return [
        f"{value!r} ({data.value})"
        for value, data in SENTINELS.items()
        if value in body and level_for_role(role, data) < Level.FULL
    ]


def ask(client: Client, url: str, query: dict[str, str]) -> Any:
    return client.get(url, query, headers={"Accept-Language": "en"})


def each_case(
    users: dict[str, User | None], samples: dict[str, str], queries: dict[str, dict[str, str]]
) -> Iterator[tuple[str, Endpoint, str, dict[str, str]]]:
    for endpoint in endpoints():
        url = url_for(endpoint, samples)
        if url is None:
            continue
        for column in users:
            yield column, endpoint, url, queries.get(endpoint.name, {})
