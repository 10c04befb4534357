"""Top-level actions own one durable transaction; the steps they are made of compose.

Each ``do_*`` action of the DNA app is ``durable(step)``: the step validates, writes and logs
inside the caller's transaction, so an import (a whole dvi-json case, a genotype file) runs many
steps in its own single durable transaction and writes all or nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


def durable(step: Callable[P, R]) -> Callable[P, R]:
    """``step`` run as a top-level action: in ``transaction.atomic(durable=True)``."""

    @functools.wraps(step)
    def action(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(durable=True):
            return step(*args, **kwargs)

    return action
