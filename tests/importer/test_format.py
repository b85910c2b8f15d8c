"""The input format: streaming readers, row interpretation, secrets by reference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tray_ext.importer.problems import InputError, Problem
from tray_ext.importer.rows import Cell, RowSpec, interpret, materialize
from tray_ext.importer.secrets import Scrubber, SecretReferenceError, resolve_value
from tray_ext.importer.source import Record, detect_format, read_records

HEADER = "external_user_id,user_name,service,service_version,auth_name,credentials.access_token"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_records_carry_the_line_where_they_start(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        HEADER + '\nu1,"Multi\nline name",slack,4,a1,tok-1\n\nu2,Two,slack,4,a2,tok-2\n',
    )
    items = list(read_records(path, "csv"))
    assert [item.line for item in items] == [2, 5]
    first = items[0]
    assert isinstance(first, Record)
    assert first.values["user_name"] == "Multi\nline name"


def test_bad_csv_quoting_is_a_problem_per_row_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        HEADER + '\nu1,"x"y,slack,4,a1,tok\nu2,ok,slack,4,a2,tok\nu3,a,b,c,d,e,f,g\n',
    )
    items = list(read_records(path, "csv"))
    assert isinstance(items[0], Problem)
    assert items[0].line == 2
    assert "quoting" in items[0].rule
    assert isinstance(items[1], Record)
    assert isinstance(items[2], Problem)
    assert items[2].line == 4
    assert "cells" in items[2].rule


def test_unterminated_quote_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", HEADER + '\nu1,ok,slack,4,a1,tok\nu2,"never closed,slack\n')
    items = list(read_records(path, "csv"))
    assert isinstance(items[1], Problem)
    assert items[1].line == 3
    assert "never closed" in items[1].rule


def test_jsonl_bad_lines_are_problems_without_the_text(tmp_path: Path) -> None:
    secret = "sk-live-abcdef123456"
    path = write(
        tmp_path,
        "a.jsonl",
        json.dumps({"external_user_id": "u1"}) + "\n" + '{"token": "' + secret + '",}\n[1]\n',
    )
    items = list(read_records(path, "jsonl"))
    assert isinstance(items[0], Record)
    assert isinstance(items[1], Problem)
    assert secret not in str(items[1])
    assert isinstance(items[2], Problem)
    assert "not a JSON object" in items[2].rule


def test_format_by_extension_or_explicit(tmp_path: Path) -> None:
    assert detect_format(Path("x.CSV")) == "csv"
    assert detect_format(Path("x.ndjson")) == "jsonl"
    assert detect_format(Path("x.txt"), "jsonl") == "jsonl"
    with pytest.raises(InputError, match="--format"):
        detect_format(Path("x.txt"))


def test_header_problems_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        list(read_records(write(tmp_path, "e.csv", ""), "csv"))
    with pytest.raises(InputError, match="column 'auth_name' appears twice"):
        list(read_records(write(tmp_path, "d.csv", HEADER + ",auth_name\n1,2\n"), "csv"))


def test_interpret_builds_a_spec_from_flattened_columns() -> None:
    record = Record(
        7,
        {
            "external_user_id": " u1 ",
            "user_name": "User",
            "connector": "slack",
            "connector_version": "9.1",
            "auth_name": "a1",
            "credentials.access_token": "s3cr3t-value",
            "credentials.expires_in": "3600",
            "user_data": '{"region": "eu"}',
            "scopes": "chat:write channels:read",
            "api": "GraphQL",
            "solution_id": "sol",
            "auth_slot": "slot",
            "config.channel": "#general",
            "config.size": "7",
        },
    )
    spec = interpret(record)
    assert isinstance(spec, RowSpec)
    assert spec.external_user_id == "u1"
    assert spec.service_ref == ("connector", "slack", "9.1")
    assert spec.api == "graphql"
    assert spec.scopes == ("chat:write", "channels:read")
    assert isinstance(spec.credentials["access_token"], Cell)
    assert spec.user_data == {"region": "eu"}
    assert spec.config == {"channel": "#general", "size": 7}
    assert spec.instance_name == "a1"  # defaults to the auth name
    assert "s3cr3t-value" not in repr(spec)


def test_interpret_lists_every_problem_of_a_row() -> None:
    record = Record(
        3,
        {
            "service": "slack",
            "service_version": "9.1",
            "credentials": "{not json",
            "scopes": "a a",
            "api": "soap",
            "instance_name": "x",
            "bogus": "1",
        },
    )
    problems = interpret(record)
    assert isinstance(problems, list)
    fields = {p.field for p in problems}
    assert fields >= {
        "external_user_id",
        "auth_name",
        "service_version",
        "credentials",
        "scopes[1]",
        "api",
        "instance_name",
        "bogus",
    }
    assert all(p.line == 3 for p in problems)


def test_materialize_types_cells_from_the_schema_and_resolves_references(tmp_path: Path) -> None:
    (tmp_path / "key.txt").write_text("from-file-secret\n")
    schema = {
        "properties": {
            "expires_in": {"type": "integer"},
            "flag": {"type": "boolean"},
            "token": {"type": "string"},
            "key": {"type": "string"},
        }
    }
    values, problems = materialize(
        {
            "expires_in": Cell("3600"),
            "flag": Cell("true"),
            "token": Cell("env:TRAY_IMPORT_TOK"),
            "key": "file:key.txt",
            "raw": "raw:env:literal",
            "typed": 5,
        },
        schema,
        prefix="credentials",
        line=2,
        base_dir=tmp_path,
        environ={"TRAY_IMPORT_TOK": "from-env-secret"},
    )
    assert problems == []
    assert values == {
        "expires_in": 3600,
        "flag": True,
        "token": "from-env-secret",
        "key": "from-file-secret",
        "raw": "env:literal",
        "typed": 5,
    }


def test_missing_references_name_row_and_field_only(tmp_path: Path) -> None:
    _, problems = materialize(
        {"a": "env:TRAY_IMPORT_NOPE_NOT_SET", "b": "file:missing.txt"},
        {},
        prefix="credentials",
        line=9,
        base_dir=tmp_path,
        environ={},
    )
    assert [(p.line, p.field) for p in problems] == [(9, "credentials.a"), (9, "credentials.b")]
    with pytest.raises(SecretReferenceError):
        resolve_value("env:", tmp_path, {})


def test_scrubber_masks_every_secret_in_a_message() -> None:
    scrub = Scrubber([{"token": "xoxb-123456", "nested": {"k": "sssecret"}}, {"short": "ab"}])
    assert scrub("bad xoxb-123456 and sssecret ab") == "bad *** and *** ab"
    assert "xoxb" not in repr(scrub)
