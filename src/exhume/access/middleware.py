"""The policy's gate: every request to a named URL is checked before its view runs.

Anonymous visitors asking for a page that needs a role are sent to the login page (the API
answers 401); a logged-in account whose role may not see the data gets 403. A URL without a
policy entry raises :class:`ConfigurationError` (fail closed). After a successful response to a
view of logged data (:data:`exhume.access.policy.LOGGED`), an access entry is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from exhume.access.endpoints import Rule, model_rule, rule_for
from exhume.access.policy import LOGGED, Data, Level, level_of, may_edit, role_label, role_of
from exhume.errors import AccessDeniedError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class PolicyMiddleware:
    """Refuse what the role may not see; log views of sensitive data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        rule: Rule | None = getattr(request, "exhume_rule", None)
        if rule is not None and rule.data in LOGGED and response.status_code == 200:
            _log_access(request, rule)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not match.view_name:
            return None
        rule = rule_for(match.view_name)
        data = _searched_model(request, rule)
        write = request.method not in SAFE_METHODS or rule.form
        allowed = allows(request.user, rule, data, write=write)
        if allowed:
            request.exhume_rule = rule  # type: ignore[attr-defined]
            return None
        return _refuse(request, data)


def allows(user: Any, rule: Rule, data: Data, *, write: bool) -> bool:
    """Whether the policy lets ``user`` through this endpoint (``write``: a POST or the like,
    or a form page such as the admin's "add")."""
    if level_of(user, data) < max(rule.at_least, Level.AFTER_IDENTIFICATION):
        return False
    if rule.staff and level_of(user, Data.STAFF) is Level.NONE:
        return False
    return not (rule.edit and write) or may_edit(user, data)


def _searched_model(request: HttpRequest, rule: Rule) -> Data:
    """The admin's autocomplete searches another model: its kind decides."""
    match = request.resolver_match
    if match is not None and match.view_name == "admin:autocomplete":
        app, model = request.GET.get("app_label", ""), request.GET.get("model_name", "")
        if app and model:
            return model_rule(f"{app}.{model}")
    return rule.data


def _refuse(request: HttpRequest, data: Data) -> HttpResponse:
    is_api = request.path_info.startswith("/api/")
    if not request.user.is_authenticated:
        if is_api:
            error = AccessDeniedError(_("log in first: this data is not public"))
            return JsonResponse(error.as_dict(), status=401)
        return redirect_to_login(request.get_full_path())
    message = AccessDeniedError(
        _("your role (%(role_label)s) may not see this data (%(value)s)")
        % {"role_label": role_label(role_of(request.user)), "value": data.value}
    )
    if is_api:
        return JsonResponse(message.as_dict(), status=403)
    raise PermissionDenied(message.message)


def _log_access(request: HttpRequest, rule: Rule) -> None:
    from exhume.access.actions import do_record_access

    match = request.resolver_match
    kwargs = {k: str(v) for k, v in (match.kwargs if match else {}).items()}
    try:
        record = rule.record.format(**kwargs) if rule.record else ""
    except KeyError:
        record = rule.record
    do_record_access(
        request.user,
        data=rule.data,
        record=record or (match.view_name if match else ""),
        page=request.get_full_path()[:500],
    )
