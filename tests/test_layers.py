"""The packages form layers, read from the source (lazy imports inside functions count too): no cycle
between packages or between modules, and the core never imports a shell (the app, the command line, the SSH
server)."""

import ast
from pathlib import Path

import tutor

SOURCE = Path(tutor.__file__).parent
SHELLS = {"ui", "cli", "serve", "__main__"}


def _module(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path) for path in SOURCE.rglob("*.py")}


def imports() -> list[tuple[str, str]]:
    """(importer, imported) for every import of a tutor module anywhere in the package's source; `from a import
    b` imports the module `a.b` where b is one."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        importer = _module(path)
        here = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(here[: len(here) - node.level + 1]) if node.level else ""
                module = ".".join(filter(None, [base, node.module]))
                subs = [f"{module}.{alias.name}" for alias in node.names]
                names = subs if set(subs) <= MODULES else [module]
            else:
                continue
            found += [(importer, name) for name in names if name.split(".")[0] == "tutor"]
    return found


def package(module: str) -> str:
    """The layer a module belongs to: `tutor.diagnose.rules` -> `diagnose`, `tutor.config` -> `config`."""
    return module.split(".")[1] if "." in module else ""


def between_packages() -> list[tuple[str, str]]:
    return [(a, b) for a, b in imports() if package(a) and package(b) and package(a) != package(b)]


def test_the_import_graph_is_read():
    edges = between_packages()
    assert ("tutor.cli.main", "tutor.cli.tune") in imports() and ("tutor.dialogue.tutor", "tutor.store") in edges
    assert any(a.startswith("tutor.serve.") and package(b) == "ui" for a, b in edges)  # a lazy import, in a function


def test_the_core_imports_no_shell():
    wrong = [f"{a} imports {b}" for a, b in between_packages() if package(a) not in SHELLS and package(b) in SHELLS]
    assert not wrong, "the core reaches into a shell:\n" + "\n".join(wrong)


def leading_back(edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges (a, b) of an import graph from which b's imports lead back to a."""
    after: dict[str, set[str]] = {}
    for a, b in edges:
        after.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            p = todo.pop()
            if p == goal:
                return True
            if p not in seen:
                seen.add(p)
                todo += after.get(p, ())
        return False

    return [(a, b) for a, b in edges if reaches(b, a)]


def test_no_cycle_between_packages():
    edges = between_packages()
    back = set(leading_back([(package(a), package(b)) for a, b in edges]))
    wrong = [f"{a} imports {b}, and {package(b)} leads back to {package(a)}"
             for a, b in edges if (package(a), package(b)) in back]
    assert not wrong, "packages import each other:\n" + "\n".join(wrong)


def test_no_cycle_between_modules():
    edges = sorted({(a, b) for a, b in imports() if b in MODULES and a != b})
    wrong = [f"{a} imports {b}, and {b} leads back to {a}" for a, b in leading_back(edges)]
    assert not wrong, "modules import each other:\n" + "\n".join(wrong)


def test_the_command_line_is_imported_by_nothing():
    wrong = [f"{a} imports {b}" for a, b in between_packages() if package(b) == "cli" and a != "tutor.__main__"]
    assert not wrong, "only `python -m tutor` may import the command line:\n" + "\n".join(wrong)
