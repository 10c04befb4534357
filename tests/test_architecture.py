"""The architecture, kept true by reading imports: pure libraries import nothing from the web
layer, and nothing imports the skins (CLI, views, API)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exhume"
PURE = ("kinship", "ledger", "names", "evidence")
WEB = ("django", "ninja", "exhume.casework", "exhume.families", "exhume.audit",
       "exhume.publication", "exhume.identification", "exhume.project", "exhume.cli",
       "exhume.demo")  # fmt: skip
SKINS = ("exhume.cli",)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("library", PURE)
def test_pure_libraries_import_nothing_from_the_web_layer(library: str) -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in imports_of(path)
            if name.split(".")[0] in {"django", "ninja"}
            or any(name == w or name.startswith(w + ".") for w in WEB)
        )
        for path in modules_under(library)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_parallel_module_imports_dask() -> None:
    users = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if any(n.split(".")[0] in {"dask", "distributed"} for n in imports_of(p))
    ]
    assert all(u == "kinship/parallel.py" for u in users), users


def test_nothing_outside_the_cli_imports_the_cli() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if not str(p.relative_to(PACKAGE)).startswith("cli/")
        and any(n == s or n.startswith(s + ".") for n in imports_of(p) for s in SKINS)
    ]
    assert offenders == []


def test_the_counting_rule_is_pure() -> None:
    """A verifier recomputes published figures offline with this module alone."""
    names = imports_of(PACKAGE / "publication" / "counting.py")
    assert not any(n.split(".")[0] in {"django", "ninja"} for n in names)
