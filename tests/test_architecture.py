"""The architecture, kept true by reading imports: pure libraries import nothing from the web
layer, and nothing imports the skins (CLI, views, API)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exhume"
PURE = ("kinship", "ledger", "names", "evidence")
WEB = ("django", "ninja", "exhume.access", "exhume.casework", "exhume.families", "exhume.dna",
       "exhume.audit",
       "exhume.publication", "exhume.identification", "exhume.project", "exhume.cli",
       "exhume.demo")  # fmt: skip
SKINS = ("exhume.cli",)
#: The Django apps (and ``core``, what they share), lowest layer first: each may import only
#: those before it. A new app must be placed here, which is the decision docs/architecture.md
#: asks for.
APP_LAYERS = ("translations", "audit", "access", "core", "casework", "families", "dna",
              "identification", "publication", "reports", "maps", "imports", "portal",
              "project")  # fmt: skip
#: Modules that serve pages or JSON: they read through their own app's queries, never another
#: app's models.
SKIN_MODULES = ("views.py", "api.py")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)  # and ``from exhume.app import models`` as exhume.app.models
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
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
        and str(p.relative_to(PACKAGE)) != "__main__.py"  # `python -m exhume`, a skin itself
        and any(n == s or n.startswith(s + ".") for n in imports_of(p) for s in SKINS)
    ]
    assert offenders == []


def test_the_counting_rule_is_pure() -> None:
    """A verifier recomputes published figures offline with this module alone."""
    names = imports_of(PACKAGE / "counting.py")
    assert not any(n.split(".")[0] in {"django", "ninja"} for n in names)


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "exhume" and parts[1] in APP_LAYERS:
        return parts[1]
    return None


def app_graph() -> dict[str, set[str]]:
    """``app -> apps it imports`` over every module of every app (migrations included)."""
    graph: dict[str, set[str]] = {app: set() for app in APP_LAYERS}
    for app in APP_LAYERS:
        for path in modules_under(app):
            for name in imports_of(path):
                other = _app_of(name)
                if other is not None and other != app:
                    graph[app].add(other)
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as a path ``[a, b, ..., a]``, or ``[]`` when there is none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        path.pop()
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_the_cycle_finder_finds_a_cycle_between_apps() -> None:
    assert find_cycle({"casework": {"publication"}, "publication": {"casework"}}) == [
        "casework",
        "publication",
        "casework",
    ]
    assert find_cycle({"publication": {"casework", "audit"}, "casework": {"audit"}}) == []


def test_every_django_app_has_a_place_in_the_layers() -> None:
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(APP_LAYERS), f"place {sorted(apps - set(APP_LAYERS))} in APP_LAYERS"


def test_the_django_apps_import_one_way() -> None:
    graph = app_graph()
    assert find_cycle(graph) == []
    upward = {
        app: sorted(o for o in graph[app] if APP_LAYERS.index(o) > APP_LAYERS.index(app))
        for app in APP_LAYERS
    }
    assert {app: up for app, up in upward.items() if up} == {}


def test_pages_and_api_never_query_another_apps_models() -> None:
    offenders = {
        f"{app}/{path.name}": sorted(
            name
            for name in imports_of(path)
            if name.endswith(".models") and _app_of(name) not in {None, app}
        )
        for app in APP_LAYERS
        for path in (PACKAGE / app / module for module in SKIN_MODULES)
        if path.exists()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("library", ("kinship", "ledger"))
def test_the_engine_and_the_ledger_import_nothing_of_exhume_but_its_errors(library: str) -> None:
    allowed = (f"exhume.{library}", "exhume.errors")
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in imports_of(path)
            if name.split(".")[0] == "exhume"
            and not any(name == a or name.startswith(a + ".") for a in allowed)
        )
        for path in modules_under(library)
    }
    assert {k: v for k, v in offenders.items() if v} == {}
