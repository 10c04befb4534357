"""The one conversion of :class:`~exhume.errors.NotFoundError` into a 404 page (the JSON API has
its own handler in :mod:`exhume.project.api`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.http import Http404

from exhume.errors import NotFoundError

P = ParamSpec("P")
R = TypeVar("R")


def not_found_as_404(view: Callable[P, R]) -> Callable[P, R]:
    """Wrap a page view: a :class:`NotFoundError` it raises becomes a 404 with its message."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from None

    return wrapped
