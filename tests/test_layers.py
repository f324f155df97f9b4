"""The package's layers: project < model < stages < build < commands, with no import cycles.

Counted over every import anywhere in a module (inside functions too), so a cycle cannot hide
behind a late import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

LAYERS = {"findings": 0, "project": 0, "workers": 0, "urls": 0, "files": 0, "heap": 0, "model": 1, "stages": 2, "build": 3, "commands": 4, "__init__": 5, "__main__": 5}
"""Each top-level module or folder of the package, by layer: a module imports only its own layer or lower ones."""


def module_name(file: Path) -> str:
    """``generator/stages/load.py`` -> ``generator.stages.load``."""
    parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(file: Path) -> list[tuple[str, int, bool]]:
    """The package modules ``file`` imports: (module, line, inside a function)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    package = module_name(file) if file.name == "__init__.py" else module_name(file).rpartition(".")[0]
    found = []
    functions = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                 for n in ast.walk(f) if n is not f}
    for node in ast.walk(tree):
        nested = id(node) in functions
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, nested) for a in node.names if a.name.split(".")[0] == "generator"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "generator":
                continue
            for alias in node.names:  # `from . import export` names a module
                sub = f"{target}.{alias.name}"
                found.append((sub if _is_module(sub) else target, node.lineno, nested))
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of(module: str) -> int:
    """The layer of a package module, from its first component below ``generator``."""
    parts = module.split(".")
    return LAYERS["__init__"] if len(parts) == 1 else LAYERS[parts[1]]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert MODULES
    for file in MODULES:
        layer_of(module_name(file))  # raises KeyError for a module outside the layer map


@pytest.mark.parametrize("file", MODULES, ids=lambda f: module_name(f))
def test_imports_go_down_the_layers(file: Path) -> None:
    me = module_name(file)
    for target, line, _ in imported_modules(file):
        assert layer_of(target) <= layer_of(me), f"{file}:{line}: {me} (layer {layer_of(me)}) imports {target} (layer {layer_of(target)})"


@pytest.mark.parametrize("file", MODULES, ids=lambda f: module_name(f))
def test_no_package_import_hides_inside_a_function(file: Path) -> None:
    late = [(t, line) for t, line, nested in imported_modules(file) if nested]
    assert late == [], f"{file}: imports inside functions {late}: import at the top (a cycle is a layering error)"


def test_the_import_graph_has_no_cycle() -> None:
    graph = {module_name(f): {t for t, _, _ in imported_modules(f) if t != module_name(f)} for f in MODULES}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path[path.index(nxt):], nxt]) if nxt in path else nxt)
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_checker_sees_a_cycle_and_a_layer_breach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above can fail: a model module importing a stage is caught, and so is a late import."""
    fake = tmp_path / "generator"
    (fake / "model").mkdir(parents=True)
    (fake / "stages").mkdir()
    for init in (fake / "__init__.py", fake / "model" / "__init__.py", fake / "stages" / "__init__.py"):
        init.write_text("")
    (fake / "stages" / "load.py").write_text("from ..model import records\n")
    (fake / "model" / "records.py").write_text("def f():\n    from ..stages import load\n")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    assert imported_modules(fake / "model" / "records.py") == [("generator.stages.load", 2, True)]
    assert imported_modules(fake / "stages" / "load.py") == [("generator.model.records", 1, False)]
    assert layer_of("generator.stages.load") > layer_of("generator.model.records")
