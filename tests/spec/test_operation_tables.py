"""The runtime's per-operation tables come from spec/ (scripts/codegen/tables.py): the committed
module says what the spec says, and an annotation that names nothing fails the generator."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tray_ext._generated import tables as generated

from .seeds import REPO


@pytest.fixture(scope="module")
def tables() -> Iterator[object]:
    sys.path.insert(0, str(REPO / "scripts" / "codegen"))
    try:
        import tables as module

        yield module
    finally:
        sys.path.remove(str(REPO / "scripts" / "codegen"))


def _spec_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "spec", root / "spec")
    return root


def test_the_runtime_reads_the_generated_tables() -> None:
    from tray_ext import pipeline, wire_secrets

    assert pipeline.GRAPHQL_QUERIES is generated.GRAPHQL_QUERIES
    assert pipeline._AUTH_OPERATIONS is generated.AUTH_OWNED_OPERATIONS
    assert wire_secrets.REST_SECRET_FIELDS is generated.REST_SECRET_FIELDS
    assert generated.CREATED_ID["createUserAuthentication"] == ("id",)
    assert generated.CREATED_ID["CreateExternalUser"] == ("data", "createExternalUser", "userId")


def test_a_new_annotated_operation_lands_in_the_tables(tables: object, tmp_path: Path) -> None:
    root = _spec_copy(tmp_path)
    (root / "spec" / "operations" / "extra.graphql").write_text(
        "query ListMore { users { pageInfo { hasNextPage } } }\n\n"
        "# tray-ext: created-id createExternalUser.userId\n"
        "mutation CreateMore($name: String!, $externalUserId: String!) {\n"
        "  createExternalUser(input: {name: $name, externalUserId: $externalUserId}) { userId }\n"
        "}\n"
    )
    spec = root / "spec" / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace(
            "      operationId: getConnectors\n",
            "      operationId: getConnectors\n      x-tray-ext-auth-owned: true\n",
        )
    )
    queries, created = tables.graphql_tables(root / "spec" / "operations")  # type: ignore[attr-defined]
    assert "ListMore" in queries
    assert "CreateMore" not in queries
    assert created["CreateMore"] == ("data", "createExternalUser", "userId")
    auth_owned, _, _ = tables.rest_tables(spec)  # type: ignore[attr-defined]
    assert "getConnectors" in auth_owned


@pytest.mark.parametrize(
    ("where", "edit", "message"),
    [
        (
            "operations/users.graphql",
            ("created-id createExternalUser.userId", "created-id createExternalUser.usrId"),
            "created-id createExternalUser.usrId is not in its selection",
        ),
        (
            "operations/users.graphql",
            ("# tray-ext: created-id", "# tray-ext: createdid"),
            "unknown annotation",
        ),
        (
            "openapi.yaml",
            ("x-tray-ext-created-id: id", "x-tray-ext-created-id: uuid"),
            "x-tray-ext-created-id uuid is not a property of its 2xx answer",
        ),
    ],
)
def test_an_annotation_that_names_nothing_fails(
    tables: object, tmp_path: Path, where: str, edit: tuple[str, str], message: str
) -> None:
    root = _spec_copy(tmp_path)
    path = root / "spec" / where
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1]))
    with pytest.raises(SystemExit, match=message):
        tables.render(root)  # type: ignore[attr-defined]
