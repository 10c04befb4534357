"""Find the messages of exhume's templates and Python code, and the strings left unmarked.

Scanned: every template, and the Python of the web layer and the command line (see
:data:`PYTHON_DIRS`). The pure libraries (``kinship``, ``ledger``, ``names``) import nothing
from Django and are not translated; their messages are English.

``python -m exhume.translations.extract`` rewrites ``locale/uk/LC_MESSAGES/django.po`` with
every message found, keeping existing translations (new ones are left empty, which the test
suite refuses until they are translated).
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
PO = PACKAGE / "locale" / "uk" / "LC_MESSAGES" / "django.po"
PYTHON_DIRS = ("access", "audit", "casework", "core", "families", "identification", "publication",
               "demo", "project",
               "translations", "portal", "cli/base.py", "cli/records.py", "cli/identify.py",
               "cli/imports.py", "cli/dna.py", "cli/ledger.py", "cli/operations.py",
               "cli/reports.py", "cli/exports.py", "cli/corrections.py", "dna",
               "imports")  # fmt: skip
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
#: keyword arguments whose string is shown to people
SHOWN_KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text", "label", "empty_label"}
#: errors whose message reaches people (configuration and programming errors are addressed to
#: the operator or developer, often before translations can load, and stay English)
SHOWN_ERRORS = {
    "InvalidInputError",
    "NotFoundError",
    "AccessDeniedError",
    "VerificationError",
    "KinshipError",
    "ProblemFormatError",
    "ValidationError",
    "PermissionDenied",
}
LETTERS = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Message:
    msgid: str | tuple[str, ...]  # (singular, plural) for a plural message
    context: str | None
    where: str


#: templates left in English on purpose: the site report is a signed document whose bytes are
#: hashed into the log; a Ukrainian edition would be a second document (not made yet)
ENGLISH_ONLY = ("reports/templates/reports/site_report.html",)


def templates() -> list[Path]:
    found = sorted(PACKAGE.glob("**/templates/**/*.html"))
    return [p for p in found if str(p.relative_to(PACKAGE)) not in ENGLISH_ONLY]


def python_files() -> list[Path]:
    files: list[Path] = []
    for entry in PYTHON_DIRS:
        path = PACKAGE / entry
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if "migrations" not in f.parts]


def messages() -> Iterator[Message]:
    """Every marked message, from templates (through Django's templatize) and Python."""
    from django.utils.translation.template import templatize

    for path in templates():
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        yield from _template_calls(code, path)
    for path in python_files():
        yield from _extract(path.read_text(encoding="utf-8"), path)


#: a Python string literal as ``templatize`` writes it (``repr``: double quotes when the text
#: holds an apostrophe, as in "can't")
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext)\(((?:\s*{_LITERAL}\s*,?)+)")
LITERAL = re.compile(_LITERAL)


def _template_calls(code: str, path: Path) -> Iterator[Message]:
    """The calls Django's ``templatize`` writes for a template's translate tags (the rest of
    its output is not Python, so it is read line by line rather than tokenized)."""
    where = str(path.relative_to(PACKAGE))
    for lineno, line in enumerate(code.splitlines(), start=1):
        for call in CALL.finditer(line):
            args = [ast.literal_eval(a) for a in LITERAL.findall(call[2])]
            context = args.pop(0) if call[1].startswith(("pgettext", "npgettext")) else None
            msgid: str | tuple[str, ...] = tuple(args[:2]) if "ngettext" in call[1] else args[0]
            yield Message(msgid, context, f"{where}:{lineno}")


def _extract(code: str, path: Path) -> Iterator[Message]:
    where = str(path.relative_to(PACKAGE))
    found = extract("python", io.BytesIO(code.encode()), keywords=KEYWORDS)
    for lineno, message, _comments, context in found:
        if message:
            yield Message(message, context, f"{where}:{lineno}")


def catalog() -> Catalog:
    """The catalogue of every message, with the Ukrainian translations already made."""
    with PO.open("rb") as handle:
        known = read_po(handle, locale="uk")
    fresh = Catalog(locale="uk", project="exhume", charset="utf-8", fuzzy=False)
    fresh.header_comment = known.header_comment
    for m in messages():
        old = known.get(m.msgid, context=m.context)
        blank: str | tuple[str, ...] = ("", "", "") if isinstance(m.msgid, tuple) else ""
        path, line = m.where.rsplit(":", 1)
        fresh.add(
            m.msgid,
            string=old.string if old is not None else blank,  # Ukrainian: three plural forms
            context=m.context,
            locations=[(path, int(line))],
        )
    return fresh


def untranslated(cat: Catalog) -> list[str]:
    """The messages of ``cat`` without a (complete) translation, or marked fuzzy."""
    missing = []
    for message in cat:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(strings):
            missing.append(str(message.id))
    return missing


def write(cat: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, cat, width=100, sort_output=True, omit_header=False)
    PO.write_bytes(buffer.getvalue())


# --- strings shown to people but not marked for translation ---------------------------------


def unmarked() -> list[str]:
    """``file:line: text`` for every shown string that is not marked for translation."""
    return [*_unmarked_in_templates(), *_unmarked_in_python()]


SHOWN_ATTRIBUTE = re.compile(r'(?:aria-label|title|placeholder|alt)="([^"{]*)"')
#: words that stay as they are in every language (names, codes, units)
KEEP = {"exhume", "JSON", "OpenAPI", "HTMX", "ID", "FOLDER", "SVG", "LR", "SHA", "log",
        "run", "inputs"}  # fmt: skip


def _unmarked_in_templates() -> Iterator[str]:
    """Text of templates outside translate tags. The template is flattened to its text, each
    tag or variable standing as NUL, so that HTML tags spanning several template tokens are
    stripped whole; what remains outside tags must carry no words."""
    from django.template.base import Lexer, TokenType

    for path in templates():
        where = path.relative_to(PACKAGE)
        flat, depth, css_class = [], 0, False  # depth: in {% blocktranslate %} or {% comment %}
        for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
            word = (token.contents.split() or [""])[0]
            if token.token_type == TokenType.BLOCK:
                depth += word in {"blocktranslate", "blocktrans", "comment"}
                depth -= word in {"endblocktranslate", "endblocktrans", "endcomment"}
                css_class = token.contents.strip() == "block body_class"  # a class name
            if token.token_type == TokenType.TEXT and not depth and not css_class:
                flat.append(token.contents)
            else:
                flat.append("\0")
        text = "".join(flat)
        for match in SHOWN_ATTRIBUTE.finditer(text):
            if _has_words(match[1].replace("\0", " ")):
                yield f"{where}:{text.count(chr(10), 0, match.start()) + 1}: {match[1]!r}"
        text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r"<[^<>]*>", lambda m: "\n" * m[0].count("\n"), text)
        for lineno, line in enumerate(text.splitlines(), start=1):
            for piece in line.split("\0"):
                if _has_words(piece):
                    yield f"{where}:{lineno}: {' '.join(piece.split())!r}"


def _has_words(text: str) -> bool:
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return any(w not in KEEP for w in LETTERS.findall(text))


def _unmarked_in_python() -> Iterator[str]:
    for path in python_files():
        where = path.relative_to(PACKAGE)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, text in _shown_strings(tree):
            yield f"{where}:{getattr(node, 'lineno', 0)}: {text!r}"


def _literal(node: ast.AST | None) -> str | None:
    """The text of a plain string or f-string literal (f-strings with ``{}`` for values)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None and right is None else (left or "") + (right or "")
    return None


def _shown_strings(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Strings people see: choice labels, field labels and help, error messages, CLI output."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Attribute | ast.Name) and "Choices" in ast.unparse(b)
            for b in node.bases
        ):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple):
                    label = _literal(stmt.value.elts[-1])
                    if label is not None and _has_words(label):
                        yield stmt, label
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        for keyword in node.keywords:
            text = _literal(keyword.value)
            if keyword.arg in SHOWN_KEYWORDS and text is not None and _has_words(text):
                yield node, text
        shown = name.split(".")[-1] in SHOWN_ERRORS or name in {"click.echo", "console.print"}
        if shown and node.args:
            text = _literal(node.args[0])
            if text is not None and _has_words(text) and not _is_format_only(text):
                yield node, text


def _is_format_only(text: str) -> bool:
    """A string made only of values and punctuation (``"{}: {}"``) needs no translation."""
    return not _has_words(re.sub(r"\{[^}]*\}", " ", text))


def main() -> None:  # pragma: no cover - a developer's tool
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exhume.project.settings")
    django.setup()
    cat = catalog()
    write(cat)
    print(f"{PO}: {len(cat)} messages, {len(untranslated(cat))} without a Ukrainian translation")


if __name__ == "__main__":  # pragma: no cover
    main()
