"""`make lint`'s structural checks on the product code (the apps, core and
config; not tests, the bench or migrations):

1. Public Django APIs only: no private ORM attribute (a queryset's `_query`,
   `_result_cache`, `_prefetch_done`, an instance's
   `_prefetched_objects_cache`), no compiler (`get_compiler`, `as_sql`), no
   lazy object's insides (`_wrapped`, `_setup`, `django.utils.functional.empty`)
   and no form field's private hook (`_check_values`), whether read, called
   or overridden.
2. Apps depend one way, each only on those below it: core; accounts
   (people, couples, coaching links); library (themes, articles, the
   question bank, the safe fetch); reflections (answering, readiness, the
   reveal, the gates); conversation (after the reveal); coaching (the
   coach's workspace); notifications; demo (make run's content); config
   wires them all.
3. Imports at the top of a module; inside a function only in an app's
   `ready()` (Django's place to connect signal receivers).

Run: python -m tools.check_structure [root]. Prints each finding and exits 1
when there is one.
"""

import ast
import sys
from pathlib import Path

# From the bottom up: each may import only those before it.
LAYERS = [
    "core",
    "accounts",
    "library",
    "reflections",
    "checkins",
    "conversation",
    "practice",
    "coaching",
    "notifications",
    "demo",
]
PACKAGES = [*LAYERS, "config"]
PRIVATE_NAMES = {
    # the ORM's
    "_query",
    "_result_cache",
    "_prefetch_done",
    "_prefetched_objects_cache",
    "get_compiler",
    "as_sql",
    # SimpleLazyObject's (request.user) and a form field's
    "_wrapped",
    "_setup",
    "_check_values",
}
# What each package may import from the project; anything else it imports
# must be a third-party or standard module.
MAY_IMPORT = {package: set(LAYERS[:n]) for n, package in enumerate(LAYERS)} | {"config": set(PACKAGES)}


def product_files(root: Path):
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def imported_packages(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    else:
        return set()  # relative imports stay inside their package
    return {name.split(".")[0] for name in names} & set(PACKAGES)


def _imports_lazy_empty(node: ast.ImportFrom) -> bool:
    return node.module == "django.utils.functional" and any(alias.name == "empty" for alias in node.names)


def findings_in(package: str, path: Path, root: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(root)
    allowed = MAY_IMPORT[package] | {package}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_NAMES:
            yield f"{where}:{node.lineno}: private Django API `.{node.attr}`: use Django's public APIs"
        if isinstance(node, ast.FunctionDef) and node.name in PRIVATE_NAMES:
            yield f"{where}:{node.lineno}: overrides Django's private `{node.name}()`: use a public hook"
        if isinstance(node, ast.ImportFrom) and _imports_lazy_empty(node):
            yield f"{where}:{node.lineno}: imports `empty`, a lazy object's insides: use Django's public APIs"
        for other in sorted(imported_packages(node) - allowed):
            may = ", ".join(sorted(MAY_IMPORT[package])) or "no app"
            yield f"{where}:{node.lineno}: {package} imports {other}: apps depend one way ({package} may import {may})"
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready" and path.name == "apps.py":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield f"{where}:{node.lineno}: import inside {function.name}(): import at the top of the module"


def findings(root: Path) -> list[str]:
    return [finding for package, path in product_files(root) for finding in findings_in(package, path, root)]


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = findings(root)
    for finding in found:
        print(finding)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
