"""The chain-of-custody rule: which step may follow which.

A sample starts *collected*. It is packed, sent, received by a laboratory, stored (with a
place) and finally consumed by the analysis, returned, destroyed or released. A step that skips
one it needs (received but never sent) or that follows the end of the sample (anything after
consumed, destroyed or released) is refused, naming the step and the chain so far.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError

START = "collected"
#: step -> the states it may follow.
FOLLOWS: dict[str, frozenset[str]] = {
    "packed": frozenset({START, "received", "stored", "returned"}),
    "sent": frozenset({"packed"}),
    "received": frozenset({"sent"}),
    "stored": frozenset({"received", "stored"}),
    "consumed": frozenset({"received", "stored"}),
    "returned": frozenset({"received", "stored"}),
    "destroyed": frozenset({START, "packed", "received", "stored", "returned"}),
    "released": frozenset({START, "received", "stored", "returned"}),
}
FINAL = frozenset({"consumed", "destroyed", "released"})
#: what a step that is out of place most likely lacks.
NEEDS = {
    "sent": "packed",
    "received": "sent",
    "stored": "received",
    "consumed": "received",
    "returned": "received",
    "packed": "received",
}


def state(steps: Sequence[str]) -> str:
    """The state of a sample after these steps (``collected`` before any)."""
    return steps[-1] if steps else START


def check_next(barcode: str, steps: Sequence[str], step: str) -> None:
    """Refuse ``step`` after ``steps`` when the chain does not allow it."""
    if step not in FOLLOWS:
        raise InvalidInputError(_("unknown custody step '%(step)s'") % {"step": step}, field="step")
    now = state(steps)
    chain = " → ".join([START, *steps])
    if now in FINAL:
        raise InvalidInputError(
            _(
                "sample '%(barcode)s' was %(now)s (step %(steps)s); '%(step)s' cannot follow "
                "(chain: %(chain)s)"
            )
            % {"barcode": barcode, "now": now, "steps": len(steps), "step": step, "chain": chain},
            field="step",
        )
    if now not in FOLLOWS[step]:
        lack = NEEDS.get(step, "another step")
        raise InvalidInputError(
            _(
                "sample '%(barcode)s': '%(step)s' needs '%(lack)s' before it, but the last step"
                " is '%(now)s' (chain: %(chain)s)"
            )
            % {"barcode": barcode, "step": step, "lack": lack, "now": now, "chain": chain},
            field="step",
        )


def usable(steps: Sequence[str]) -> bool:
    """Whether DNA can still be typed from the sample (not consumed, destroyed or released)."""
    return state(steps) not in FINAL
