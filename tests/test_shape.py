"""The package's shape (issue 15): no import circle, no stage importing a later one, no library
function ending the process. Read from the source with `ast`, imports inside functions included."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "analyser"
# The stages in the order data flows; each may import earlier ones, never a later one.
STAGES = ["analyser.ingest", "analyser.structure", "analyser.language", "analyser.classify", "analyser.checks",
          "analyser.report"]


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module(path)
        found = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analyser"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("analyser"))
    return {name: {i for i in deps if i in graph and i != name} for name, deps in graph.items()}


def _stage(module: str) -> int | None:
    return next((i for i, s in enumerate(STAGES) if module == s or module.startswith(s + ".")), None)


def test_no_stage_imports_a_later_stage():
    for module, deps in _imports().items():
        mine = _stage(module)
        if mine is None:
            continue
        later = sorted(d for d in deps if (_stage(d) or -1) > mine)
        assert not later, (module, later)


def test_the_learned_layer_backends_import_no_circle():
    graph = _imports()
    seen: set[str] = set()

    def reaches(start: str, goal: str) -> bool:
        stack = [start]
        visited: set[str] = set()
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in visited:
                visited.add(node)
                stack += [d for d in graph.get(node, ()) if d.startswith("analyser.classify")]
        return False

    for module in [m for m in graph if m.startswith("analyser.classify.")]:
        assert not any(reaches(dep, module) for dep in graph[module] if dep.startswith("analyser.classify.")), module
        seen.add(module)
    assert {"analyser.classify.hf", "analyser.classify.learned"} <= seen


def test_only_the_command_line_ends_the_process():
    allowed = {"analyser.cli", "analyser.__main__"}
    for path in PACKAGE.rglob("*.py"):
        if _module(path) in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                assert not (isinstance(target, ast.Name) and target.id == "SystemExit"), path


def test_the_readme_table_names_every_module_once():
    """README's "How it works" table matches the package's folders and modules one to one."""
    import re

    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1].split("\n### ", 1)[0]
    first_cells = [line.split(" | ", 1)[0] for line in section.splitlines() if line.startswith("| `analyser/")]
    named = [m for cell in first_cells for m in re.findall(r"`analyser/([^`]+)`", cell)]
    present = {p.name + ("/" if p.is_dir() else "") for p in PACKAGE.iterdir()
               if p.name != "__pycache__" and p.name != "__init__.py" and (p.is_dir() or p.suffix == ".py")}
    assert len(named) == len(set(named))
    assert set(named) == present


def test_the_library_never_imports_the_ui():
    """`ui/` (Streamlit) sits on top of the library: a batch or a CLI run must not need it."""
    leaks = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            leaks += [(path.name, n) for n in names if n.split(".")[0] in ("ui", "streamlit")]
    assert not leaks
    assert (PACKAGE.parent / "ui" / "app.py").is_file()
