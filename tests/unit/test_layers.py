"""The domain, application and read model (`timeline/`) never import the HTTP layer's
libraries: Flask appears only at the edge (DESIGN.md)."""

import ast
from pathlib import Path

TIMELINE = Path(__file__).resolve().parents[2] / "timeline"
EDGE = {"flask", "flask_smorest", "flask_cors", "flask_swagger_ui", "werkzeug", "marshmallow", "api"}


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_checker_sees_imports_at_any_depth():
    assert imported_roots("def f():\n    from flask import g\n") == {"flask"}
    assert imported_roots("import werkzeug.exceptions as w\nfrom . import x\n") == {"werkzeug"}


def test_timeline_imports_no_flask_werkzeug_marshmallow_nor_the_api_package():
    offenders = {str(path.relative_to(TIMELINE.parent)): sorted(imported_roots(path.read_text()) & EDGE)
                 for path in sorted(TIMELINE.rglob("*.py"))}
    assert {p: libs for p, libs in offenders.items() if libs} == {}
