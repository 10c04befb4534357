"""The one parser of dates typed in a query string or a form (ISO ``YYYY-MM-DD``)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError


def parse_date(raw: str | None, field: str) -> dt.date | None:
    """``raw`` as a date, ``None`` when empty; :class:`InvalidInputError` naming ``field`` when
    it is not an ISO date."""
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(
            _("%(field)s=%(raw)r is not a date (YYYY-MM-DD)") % {"field": field, "raw": raw},
            field=field,
        ) from None
