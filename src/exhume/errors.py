"""The one exception tree of exhume.

Every error meant for a person derives from :class:`ExhumeError`. Messages say what was wrong,
where (field, row, individual, marker), and how to fix it. The skins (CLI, HTML views, JSON API)
turn these into an exit code, an error page or a JSON error body; nothing else should be raised
across a package boundary for bad input.
"""

from __future__ import annotations


class ExhumeError(Exception):
    """Base class of every error that exhume reports to a person."""

    #: CLI exit status for this kind of error.
    exit_code: int = 1

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None) -> None:
        self.message = message
        self.field = field
        self.row = row
        super().__init__(self.located())

    def located(self) -> str:
        """The message, prefixed with the row and field it concerns when known."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        """The JSON error shape used by the API and ``--json`` CLI output."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "field": self.field,
            "row": self.row,
        }


class ConfigurationError(ExhumeError):
    """An environment variable or setting is missing or malformed."""

    exit_code = 78


class InvalidInputError(ExhumeError):
    """A record, import row or request is inconsistent or malformed."""

    exit_code = 65


class NotFoundError(ExhumeError):
    """A requested site, record or file does not exist."""

    exit_code = 66


class AccessDeniedError(ExhumeError):
    """The acting role may not see or change this data."""

    exit_code = 77


class ConflictError(ExhumeError):
    """A correction was made against a version of a record that is no longer the latest: someone
    else corrected it meanwhile. Nothing was written; reload the record and correct it again."""

    exit_code = 75


class ProblemFormatError(InvalidInputError):
    """A kinship problem file (dvi-json) is malformed; the message names family, individual,
    marker or allele."""


class KinshipError(ExhumeError):
    """A kinship computation cannot be carried out as asked (for example too many assignments)."""


class UnavailableError(ExhumeError):
    """A feature needs software this machine lacks (e.g. the Pango library for PDF reports);
    the message says what to install."""

    exit_code = 69  # EX_UNAVAILABLE


class VerificationError(ExhumeError):
    """A log, proof, signature or release does not verify."""

    exit_code = 2


class BadRowsError(InvalidInputError):
    """An import file has bad rows; nothing was written. ``problems`` lists every one as
    ``(row, column, reason)`` (rows numbered as in the file, the header being row 1)."""

    exit_code = 2

    def __init__(self, source: str, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        lines = "\n".join(f"  row {r}, column '{c}': {why}" for r, c, why in problems)
        super().__init__(
            f"{source}: {len(problems)} bad row(s), nothing was written:\n{lines}",
            row=problems[0][0] if problems else None,
        )
