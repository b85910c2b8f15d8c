"""The breaking-change gate (scripts/api_gate), run on temporary copies of the tree."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from api_gate import gate, rest  # noqa: E402

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def _copy(source: Path, root: Path) -> Path:
    root.mkdir()
    for name in ("spec", "api", "tray_ext"):
        shutil.copytree(source / name, root / name, ignore=IGNORE)
    shutil.copy(source / "CHANGELOG.md", root / "CHANGELOG.md")
    return root


@pytest.fixture
def real_tree(tmp_path: Path) -> Path:
    """A copy of the repository as it is, compared with its committed baseline."""
    return _copy(ROOT, tmp_path / "tree")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _copy(ROOT, tmp_path_factory.mktemp("recorded") / "tree")
    gate.record(root)
    return root


@pytest.fixture
def tree(recorded: Path, tmp_path: Path) -> Path:
    """A copy whose baseline is the copy itself, so each test sees only its own edit (the
    repository may hold API changes waiting for the lead to record them)."""
    return _copy(recorded, tmp_path / "tree")


def _spec(root: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((root / "spec/openapi.yaml").read_text()))


def _write_spec(root: Path, doc: dict[str, Any]) -> None:
    (root / "spec/openapi.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def _fails_naming(root: Path, capsys: pytest.CaptureFixture[str], *names: str) -> str:
    assert gate.check(root) == 1
    out = capsys.readouterr().out
    assert "breaking change" in out
    for name in names:
        assert name in out
    return out


def test_the_real_tree_passes(real_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate.check(real_tree) == 0
    assert "none unapproved" in capsys.readouterr().out


def test_renaming_an_operation_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _spec(tree)
    doc["paths"]["/core/v1/connectors"]["get"]["operationId"] = "listConnectors"
    _write_spec(tree, doc)
    _fails_naming(tree, capsys, "getConnectors", "renamed to `listConnectors`")


def test_removing_a_graphql_field_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tree / "spec/schema.graphql"
    text = schema.read_text()
    line = (
        '  "Master token. +docs"\n'
        "  updateExternalUser(input: UpdateExternalUserInput!): UpdateExternalUserPayload!\n"
    )
    assert line in text
    schema.write_text(text.replace(line, ""))
    _fails_naming(tree, capsys, "Mutation.updateExternalUser was removed")


def _optional_response_field(doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A response object schema in doc with a property that is not required (breadth first)."""
    queue: list[Any] = [
        op["responses"]["200"]["content"]["application/json"]["schema"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method == "get"
        and "200" in op.get("responses", {})
        and "content" in op["responses"]["200"]
    ]
    for node in queue:
        while isinstance(node, dict) and "$ref" in node:
            node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        if not isinstance(node, dict):
            continue
        props = node.get("properties") or {}
        optional = [p for p in props if p not in node.get("required", [])]
        if optional:
            return node, optional[0]
        queue += list(props.values()) + ([node["items"]] if "items" in node else [])
    raise AssertionError("no optional response field found")


def test_making_a_response_field_required_fails(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _spec(tree)
    schema, field = _optional_response_field(doc)
    schema["required"] = [*schema.get("required", []), field]
    _write_spec(tree, doc)
    _fails_naming(tree, capsys, f"response field `{field}` made required")


def test_removing_a_public_function_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    errors = tree / "tray_ext/errors.py"
    text = errors.read_text()
    start = text.index("def status_error_class(")
    errors.write_text(text[:start].replace('    "status_error_class",\n', ""))
    _fails_naming(tree, capsys, "status_error_class")


def test_changing_a_returned_attributes_type_fails(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """griffe 2.x does not compare annotations; the gate's own rule does."""
    models = tree / "tray_ext/models.py"
    text = models.read_text()
    old = "    external_user_id: str | None\n"
    assert text.count(old) == 1
    models.write_text(text.replace(old, "    external_user_id: int | None\n"))
    _fails_naming(tree, capsys, "tray_ext.models.User.external_user_id: type changed")


def test_changing_a_return_type_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    errors = tree / "tray_ext/errors.py"
    text = errors.read_text()
    start = text.index("def status_error_class(")
    line = text[start : text.index("\n", start)]
    assert "->" in line
    errors.write_text(text.replace(line, line[: line.index("->")] + "-> object:"))
    _fails_naming(tree, capsys, "status_error_class: return type changed")


def _rename_problem(tree: Path, *, alias: bool) -> None:
    """errors.Problem renamed ValueProblem (annotations too), the old name kept or not."""
    errors = tree / "tray_ext/errors.py"
    text = errors.read_text()
    for old, new in (
        ("class Problem:", "class ValueProblem:"),
        ("Iterable[Problem]", "Iterable[ValueProblem]"),
    ):
        assert old in text
        text = text.replace(old, new)
    errors.write_text(text + ("\nProblem = ValueProblem\n" if alias else ""))


def test_renaming_a_class_that_keeps_its_old_name_as_an_alias_passes(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Old = New` beside the class: the same object under both names, annotations included."""
    _rename_problem(tree, alias=True)
    assert gate.check(tree) == 0, capsys.readouterr().out
    assert "No API change since the baseline." in gate.section(gate.changes(tree))


def test_renaming_a_class_without_its_old_name_fails(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _rename_problem(tree, alias=False)
    _fails_naming(tree, capsys, "tray_ext.errors.Problem")


def test_a_renamed_class_is_compared_member_by_member(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tree / "tray_ext/models.py"
    text = models.read_text()
    assert text.count("class User:\n") == 1
    text = text.replace("class User:\n", "class EndUser:\n")
    text = text.replace("    external_user_id: str | None\n", "    external_user_id: int | None\n")
    models.write_text(text + "\nUser = EndUser\n")
    _fails_naming(tree, capsys, "tray_ext.models.User.external_user_id: type changed")
    models.write_text(text.replace("    external_user_id: int | None\n", "") + "\nUser = EndUser\n")
    _fails_naming(tree, capsys, "tray_ext.models.User.external_user_id")


def test_cli_internals_are_not_the_python_api(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line's contract is its options and output, not tray_ext.cli's functions."""
    output = tree / "tray_ext/cli/output.py"
    text = output.read_text()
    assert "def table(" in text
    output.write_text(text.replace("def table(", "def table_renamed("))
    assert gate.check(tree) == 0, capsys.readouterr().out


def test_runtime_machinery_is_not_the_python_api(
    real_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0.2.0 recorded the token providers in tray_ext.tokens: they are the clients' machinery, so
    the gate lets them go (or be renamed); the token cache beside them stays public."""
    tokens = real_tree / "tray_ext/tokens.py"
    renamed = (
        tokens.read_text()
        .replace("class AsyncTokenProvider(", "class _AsyncTokenProvider(")
        .replace("class TokenProvider(", "class _TokenProvider(")
    )
    tokens.write_text(renamed)
    (real_tree / "tray_ext/driver.py").unlink(missing_ok=True)
    assert gate.check(real_tree) == 0, capsys.readouterr().out
    tokens.write_text(renamed.replace("class MemoryTokenCache:", "class _MemoryTokenCache:"))
    _fails_naming(real_tree, capsys, "MemoryTokenCache")


def test_the_report_and_changelog_hold_no_terminal_colours(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    errors = tree / "tray_ext/errors.py"
    text = errors.read_text()
    old = "def status_error_class("
    errors.write_text(text.replace(old, "def status_error_class(extra_required: int, "))
    assert gate.check(tree) == 1
    assert "\x1b[" not in capsys.readouterr().out
    assert "\x1b[" not in gate.section(gate.changes(tree))


def test_a_major_bump_approves_a_breaking_change(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _spec(tree)
    doc["paths"]["/core/v1/connectors"]["get"]["operationId"] = "listConnectors"
    _write_spec(tree, doc)
    init = tree / "tray_ext/__init__.py"
    init.write_text(_next_major(init.read_text()))
    (tree / "CHANGELOG.md").write_text(gate.changelog_with(tree, gate.section(gate.changes(tree))))
    assert gate.check(tree) == 0
    assert "renamed to `listConnectors`" in (tree / "CHANGELOG.md").read_text()


def test_adding_an_optional_field_passes_and_lands_in_the_changelog(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _spec(tree)
    schema, _ = _optional_response_field(doc)
    schema["properties"]["shinyNewField"] = {"type": "string"}
    _write_spec(tree, doc)
    assert gate.check(tree) == 1  # the changelog must say so first
    assert "CHANGELOG.md's generated section is stale" in capsys.readouterr().out
    (tree / "CHANGELOG.md").write_text(gate.changelog_with(tree, gate.section(gate.changes(tree))))
    assert gate.check(tree) == 0
    log = (tree / "CHANGELOG.md").read_text()
    assert "### Added" in log
    assert "optional field `shinyNewField` added" in log


# --------------------------------------------------------------------- REST rules, one each
def _op(**extra: Any) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": "getThing", "responses": {}}
    op.update(extra)
    return {"openapi": "3.1.0", "paths": {"/thing": {"get": op}}}


def _body(schema: dict[str, Any], *, request: bool) -> dict[str, Any]:
    content = {"content": {"application/json": {"schema": schema}}}
    return _op(requestBody=content) if request else _op(responses={"200": content})


def _obj(required: list[str] | None = None, **props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or []}


def _breaking(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.description for c in rest.compare(old, new) if c.severity == "breaking"]


S = {"type": "string"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (_op(), {"openapi": "3.1.0", "paths": {}}, "operation `getThing` (GET /thing) removed"),
        (
            _op(parameters=[{"in": "query", "name": "q", "schema": S}]),
            _op(),
            "query parameter `q` removed",
        ),
        (
            _op(parameters=[{"in": "query", "name": "q", "schema": S}]),
            _op(parameters=[{"in": "query", "name": "q", "required": True, "schema": S}]),
            "query parameter `q` made required",
        ),
        (
            _op(),
            _op(parameters=[{"in": "query", "name": "q", "required": True, "schema": S}]),
            "required query parameter `q` added",
        ),
        (_body(_obj(a=S), request=True), _body(_obj(), request=True), "request field `a` removed"),
        (
            _body(_obj(a=S), request=True),
            _body(_obj(["a"], a=S), request=True),
            "request field `a` made required",
        ),
        (
            _body(_obj(["a"], a=S), request=False),
            _body(_obj(a=S), request=False),
            "response field `a` made optional",
        ),
        (
            _body(_obj(a=S), request=False),
            _body(_obj(), request=False),
            "response field `a` removed",
        ),
        (
            _body(_obj(a=S), request=False),
            _body(_obj(a={"type": "integer"}), request=False),
            "type changed from string to integer",
        ),
        (
            _body(_obj(a={"type": "string", "enum": ["x", "y"]}), request=True),
            _body(_obj(a={"type": "string", "enum": ["x"]}), request=True),
            "enum narrowed (removed y)",
        ),
    ],
)
def test_rest_rule(old: dict[str, Any], new: dict[str, Any], expected: str) -> None:
    assert any(expected in line for line in _breaking(old, new)), _breaking(old, new)


def test_rest_additions_are_safe() -> None:
    old, new = _body(_obj(a=S), request=True), _body(_obj(a=S, b=S), request=True)
    assert _breaking(old, new) == []
    assert [c.description for c in rest.compare(old, new)] == [
        "`getThing` request: optional field `b` added"
    ]


def _next_major(source: str) -> str:
    """`__version__` bumped to the next major version, whatever it is now."""
    found = re.search(r'__version__ = "(\d+)\.\d+\.\d+"', source)
    assert found is not None
    return source.replace(found.group(0), f'__version__ = "{int(found.group(1)) + 1}.0.0"')
