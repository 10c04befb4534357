"""The text layer of Familias ``.fam`` files: a line cursor and the bracketed DVI section.

A ``.fam`` file (Familias 3, Egeland et al. 2000) has two parts. The *main part* is one value
per line, read in a fixed order (counts announce how many lines follow); quotes around strings
are not significant. The optional *DVI part* starts at a line ``[DVI]`` and is an INI-like tree:
headings ``[name]`` whose bracket depth gives their level, and ``Key= value`` lines.

Every error raised here is a :class:`ProblemFormatError` naming the file and line, so that a
truncated or hand-edited file can be repaired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exhume.errors import ProblemFormatError

__all__ = ["DviNode", "LineCursor", "parse_dvi_tree", "unquote"]


def unquote(line: str) -> str:
    """A line without its double quotes and surrounding line-end characters."""
    return line.rstrip("\r\n").replace('"', "")


class LineCursor:
    """Reads the main part of a ``.fam`` file value by value, counting lines (1-based)."""

    def __init__(self, name: str, lines: list[str], start: int = 0, stop: int | None = None):
        self.name = name
        self.lines = lines
        self.pos = start
        self.stop = len(lines) if stop is None else stop

    @property
    def line_no(self) -> int:
        """The 1-based number of the next line to be read."""
        return self.pos + 1

    def error(self, message: str, line_no: int | None = None) -> ProblemFormatError:
        """A format error naming this file and a line (the next one by default)."""
        return ProblemFormatError(f"{self.name}, line {line_no or self.line_no}: {message}")

    def peek(self) -> str | None:
        """The next value without consuming it; ``None`` at the end of the part."""
        return unquote(self.lines[self.pos]) if self.pos < self.stop else None

    def text(self, what: str) -> str:
        """The next line as text; a file that ends here is reported as truncated."""
        if self.pos >= self.stop:
            raise self.error(f"the file ends where {what} was expected (is it truncated?)")
        value = unquote(self.lines[self.pos])
        self.pos += 1
        return value

    def integer(self, what: str, *, minimum: int = 0, maximum: int | None = None) -> int:
        """The next line as an integer in ``[minimum, maximum]``."""
        line_no = self.line_no
        raw = self.text(what).strip()
        try:
            value = int(raw)
        except ValueError:
            raise self.error(f"expected {what} (an integer), found {raw!r}", line_no) from None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            raise self.error(f"{what} must be {bound}, found {value}", line_no)
        return value

    def number(self, what: str) -> float:
        """The next line as a finite, non-negative number (Familias writes ``1e-006``)."""
        line_no = self.line_no
        raw = self.text(what).strip()
        try:
            value = float(raw)
        except ValueError:
            raise self.error(f"expected {what} (a number), found {raw!r}", line_no) from None
        if not value >= 0 or value == float("inf"):
            raise self.error(f"{what} must be a non-negative number, found {raw!r}", line_no)
        return value

    def flag(self, what: str) -> bool:
        """The next line as Familias' ``#TRUE#`` / ``#FALSE#``."""
        line_no = self.line_no
        raw = self.text(what).strip()
        if raw not in ("#TRUE#", "#FALSE#"):
            raise self.error(f"expected {what} (#TRUE# or #FALSE#), found {raw!r}", line_no)
        return raw == "#TRUE#"

    def expect(self, literal: str) -> None:
        """The next line must be ``literal``."""
        line_no = self.line_no
        raw = self.text(f"'{literal}'").strip()
        if raw != literal:
            raise self.error(f"expected '{literal}', found {raw!r}", line_no)


@dataclass
class DviNode:
    """A heading of the DVI part with its ``Key= value`` entries and sub-headings."""

    name: str
    depth: int
    line: int
    entries: list[tuple[str, str, int]] = field(default_factory=list)
    children: list[DviNode] = field(default_factory=list)

    def child(self, name: str, file: str) -> DviNode:
        """The sub-heading called ``name``; an error naming this heading's line if absent."""
        for c in self.children:
            if c.name == name:
                return c
        raise ProblemFormatError(
            f"{file}, line {self.line}: section [{self.name}] has no [{name}] part"
        )

    def value(self, key: str, file: str) -> tuple[str, int]:
        """The first value of ``key`` and its line."""
        for k, v, line in self.entries:
            if k == key:
                return v, line
        raise ProblemFormatError(f"{file}, line {self.line}: [{self.name}] lacks '{key}='")

    def count(self, key: str, file: str) -> int:
        """The integer value of ``key`` (``nPersons``, ``nSystems``, ...)."""
        raw, line = self.value(key, file)
        try:
            n = int(raw)
        except ValueError:
            raise ProblemFormatError(
                f"{file}, line {line}: '{key}=' must be an integer, found {raw!r}"
            ) from None
        if n < 0:
            raise ProblemFormatError(f"{file}, line {line}: '{key}=' is negative")
        return n


def parse_dvi_tree(name: str, lines: list[str], start: int) -> DviNode:
    """The DVI part, from its ``[DVI]`` line (0-based ``start``) to the end of the file.

    Later top-level sections (``[Prior]``, ``[Advanced]``) become siblings of ``[DVI]`` and are
    returned under a synthetic root; the ``[DVI]`` node is the root's first child.
    """
    root = DviNode(name="", depth=0, line=start)
    stack = [root]
    for pos in range(start, len(lines)):
        raw = lines[pos].rstrip("\r\n")
        text = raw.strip()
        if not text:
            continue
        if text.startswith("["):
            depth = len(text) - len(text.lstrip("["))
            if not text.endswith("]" * depth) or depth > len(stack):
                raise ProblemFormatError(f"{name}, line {pos + 1}: malformed heading {text!r}")
            node = DviNode(name=text.strip("[]").strip(), depth=depth, line=pos + 1)
            del stack[depth:]
            stack[-1].children.append(node)
            stack.append(node)
        elif stack[-1].name == "Notes":
            continue  # free text, one note per family
        elif "=" in text:
            key, _, value = text.partition("=")
            stack[-1].entries.append((key.strip(), value.strip(), pos + 1))
        else:
            raise ProblemFormatError(
                f"{name}, line {pos + 1}: expected a [heading] or 'Key= value', found {text!r}"
            )
    return root
