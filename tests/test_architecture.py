"""The floors of the code: an app imports only apps below it, so the import graph between apps has no circle.

ourvidz_admin (kernel) < prompts < configs < generations < {analytics, gpu} < demo.
Migrations and the composition roots (settings, root URLconf, the scheduler's
cron file), which name every app on purpose, are left out; tests are not code.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"ourvidz_admin": 0, "prompts": 1, "configs": 2, "generations": 3, "analytics": 4, "gpu": 4, "demo": 5}
COMPOSITION_ROOTS = ("ourvidz_admin/settings/", "ourvidz_admin/urls.py", "ourvidz_admin/cron.py")


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative.startswith(COMPOSITION_ROOTS):
            continue
        yield relative, ast.parse(path.read_text(), filename=relative)


def _imported_apps(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in FLOORS:
                yield top, node.lineno


def import_edges() -> dict[tuple[str, str], list[str]]:
    """``(importer, imported) -> ["path:line", ...]`` between different apps, lazy imports included."""
    edges = defaultdict(list)
    for app in FLOORS:
        for relative, tree in _modules(app):
            for imported, line in _imported_apps(tree):
                if imported != app:
                    edges[(app, imported)].append(f"{relative}:{line}")
    return edges


def test_every_app_imports_only_apps_on_lower_floors():
    upward = {f"{a} -> {b}": places for (a, b), places in import_edges().items() if FLOORS[b] >= FLOORS[a]}

    assert upward == {}


def test_the_import_graph_between_apps_has_no_circle():
    graph = defaultdict(set)
    for a, b in import_edges():
        graph[a].add(b)

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start])

    assert [app for app in FLOORS if reaches(app, app)] == []


@pytest.mark.parametrize("forbidden", ["analytics", "gpu", "demo"])
def test_the_job_domain_imports_no_app_above_it(forbidden):
    assert import_edges().get(("generations", forbidden), []) == []


def test_demo_is_a_top_level_app_that_nothing_imports():
    assert (ROOT / "demo" / "apps.py").is_file() and not (ROOT / "generations" / "demo").exists()
    assert [edge for edge in import_edges() if edge[1] == "demo"] == []
