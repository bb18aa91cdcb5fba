"""How the project's modules import each other, read from their source (ast),
function-level imports included: no module outside tests/ is part of an import
cycle, the reader's layers import only downward, the web process's code never
imports the test helpers, and `make evaluate` reaches no TensorFlow."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "tests", ".git", "artifacts", "build"}
# The reader's layers, bottom first: each may import only its own and those before it.
LAYERS = ["model.core", "model.inputs", "model.character", "model.numbers", "model.evidence"]
PRODUCTION = ("dashboard", "web", "components", "model")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]) or "." in path.stem:
            continue  # gunicorn.conf.py is a config file, not an importable module
        modules[module_name(path)] = path
    return modules


def imported_names(path: Path, name: str, is_package: bool) -> set[str]:
    """Every module name an import statement anywhere in the file names."""
    names = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (the most specific one each
    statement names: `from web import api` is web.api, not web)."""
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(path, name, path.name == "__init__.py"):
            parts = imported.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in modules:
                    targets.add(candidate)
                    break
        targets.discard(name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_sees_the_project_and_its_function_level_imports(graph):
    assert {"dashboard", "web", "web.api", "model.numbers.number", "testkit.browser"} <= set(graph)
    # create_app imports what it builds inside the function: those count.
    assert {"web.api", "model.core.inference", "components.callbacks"} <= graph["web"]
    assert "model.numbers.number" in graph["web.api"]


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_part_of_an_import_cycle(graph):
    assert cycles(graph) == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_of_the_reader_imports_only_the_layers_below_it(graph, layer):
    allowed = LAYERS[: LAYERS.index(layer) + 1]
    for module in (m for m in graph if in_package(m, layer)):
        for target in graph[module]:
            assert any(in_package(target, below) for below in allowed), (
                f"{module} imports {target}, which is not below {layer}"
            )


def test_the_reader_imports_nothing_of_the_web_the_page_or_training(graph):
    for module in (m for m in graph if in_package(m, "model")):
        if in_package(module, "model.training"):
            continue
        for target in graph[module]:
            assert in_package(target, "model") and not in_package(target, "model.training"), (
                f"{module} imports {target}"
            )


def test_the_page_does_not_import_the_web_layer(graph):
    for module in (m for m in graph if in_package(m, "components")):
        assert not any(in_package(t, "web") for t in graph[module]), module


def test_the_web_process_never_imports_the_test_helpers_or_the_benchmarks(graph):
    for module in (m for m in graph if any(in_package(m, p) for p in PRODUCTION)):
        if in_package(module, "model.training"):
            continue
        for target in graph[module]:
            assert not any(in_package(target, p) for p in ("testkit", "bench")), (
                f"{module} imports {target}"
            )


def test_make_evaluate_reaches_no_tensorflow(graph):
    modules = project_modules()
    for module in sorted(reachable(graph, "model.training.evaluate")):
        path = modules[module]
        third_party = imported_names(path, module, path.name == "__init__.py")
        assert not {n.split(".")[0] for n in third_party} & {"tensorflow", "keras"}, module
