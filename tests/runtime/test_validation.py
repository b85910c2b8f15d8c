"""Validation before the wire: Tray's mixed-draft schemas, every problem listed, never a value."""

from __future__ import annotations

from typing import Any

import pytest

from tray_ext.errors import Problem, ValidationError
from tray_ext.models import ServiceEnvironment
from tray_ext.validation import check_auth_input, normalise, password_keys, problems

SECRET = "zz-secret-value-zz"

MIXED = {
    "type": "object",
    "advanced": ["region"],  # a Tray extension: ignored
    "required": ["api_key"],  # draft-04 list...
    "properties": {
        "api_key": {"type": "string", "minLength": 30, "format": "password"},
        "account": {"type": "string", "required": True},  # ...beside draft-03 booleans
        "region": {"type": "string", "enum": ["us", "eu"], "lookup": {"operation": "x"}},
        "limits": {
            "type": "object",
            "properties": {"max": {"type": "integer", "maximum": 10, "required": True}},
        },
        "hosts": {"type": "array", "items": {"type": "string", "pattern": "^https://"}},
    },
    "additionalProperties": False,
}


def _environment(
    credentials: dict[str, Any],
    user_data: dict[str, Any] | None = None,
    scopes: list[str] | None = None,
) -> ServiceEnvironment:
    return ServiceEnvironment(
        "env", "Production", "token", credentials, user_data or {}, scopes or []
    )


def test_mixed_drafts_every_problem_listed_with_paths() -> None:
    found = problems(
        MIXED,
        {
            "api_key": SECRET,
            "region": SECRET,
            "limits": {"max": 99},
            "hosts": [SECRET, "https://x"],
            "weird key": SECRET,
        },
        "credentials",
    )
    assert found == [
        Problem("credentials.account", "is required"),
        Problem("credentials.api_key", "must be at least 30 characters long"),
        Problem("credentials.hosts[0]", "must match the pattern '^https://'"),
        Problem("credentials.limits.max", "breaks maximum 10"),
        Problem("credentials.region", 'must be one of the allowed values ("us", "eu")'),
        Problem('credentials["weird key"]', "is not allowed (no such field in the schema)"),
    ]
    assert all(SECRET not in f"{p.path} {p.rule}" for p in found)


def test_a_nested_draft_03_requirement_is_honoured() -> None:
    found = problems(MIXED, {"api_key": "x" * 30, "account": "a", "limits": {}}, "credentials")
    assert found == [Problem("credentials.limits.max", "is required")]


def test_a_declared_draft_03_schema_is_normalised() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-03/schema#",
        "type": "object",
        "properties": {"token": {"type": "string", "required": True}},
    }
    assert problems(schema, {}, "credentials") == [Problem("credentials.token", "is required")]
    assert normalise(schema)["required"] == ["token"]


def test_empty_schemas_accept_anything_and_non_objects_are_refused() -> None:
    assert problems({}, {"anything": 1}, "user_data") == []
    assert problems(MIXED, ["not", "an", "object"], "credentials") == [
        Problem("credentials", "must be an object")
    ]


def test_an_unusable_schema_leaves_the_check_to_tray(caplog: pytest.LogCaptureFixture) -> None:
    assert problems({"type": "no-such-type"}, {"a": 1}, "credentials") == []
    assert "Tray will check it" in caplog.text


def test_password_fields_are_found_at_any_depth() -> None:
    schema = {
        "properties": {
            "pin": {"format": "password"},
            "nested": {"properties": {"deep": {"format": "password"}}},
        }
    }
    assert password_keys(schema) == {"pin", "deep"}


def test_scopes_are_checked_against_the_environment() -> None:
    environment = _environment({}, scopes=["chat:write", "channels:read"])
    with pytest.raises(ValidationError) as caught:
        check_auth_input(
            environment,
            credentials={},
            user_data=None,
            scopes=["chat:write", "admin", "chat:write"],
        )
    assert caught.value.paths == ["scopes[1]", "scopes[2]"]
    assert "channels:read, chat:write" in str(caught.value)


def test_the_error_lists_credentials_and_user_data_together_without_values() -> None:
    environment = _environment(
        MIXED, {"type": "object", "properties": {"subdomain": {"type": "string", "maxLength": 3}}}
    )
    with pytest.raises(ValidationError) as caught:
        check_auth_input(
            environment,
            credentials={"api_key": SECRET},
            user_data={"subdomain": SECRET},
            scopes=[],
        )
    error = caught.value
    assert error.paths == ["credentials.account", "credentials.api_key", "user_data.subdomain"]
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert error.attempts == 0


def test_a_value_tray_cannot_carry_is_refused_by_field_before_the_wire(
    make_tray: Any,
) -> None:
    """A list of strings used to crash inside the generated model as UnexpectedResponse."""
    tray = make_tray()
    user = tray.users.create("Lou", "lou-external")
    env = tray.environments.get("slack", 4)
    secret = "xoxb-list-item-secret"
    with pytest.raises(ValidationError) as refused:
        tray.as_user(user.id).auths.create(
            env,
            name="lists",
            credentials={"access_token": "ok-token", "aliases": [secret, "b"], "ratio": 0.5},
        )
    assert refused.value.paths == ["credentials.aliases", "credentials.ratio"]
    assert refused.value.attempts == 0
    assert secret not in str(refused.value)
    with pytest.raises(ValidationError, match=r"user_data\.nothing"):
        tray.as_user(user.id).auths.update(
            "6f1c7d1e-0000-4000-8000-000000000001",
            name="x",
            credentials={"access_token": "ok-token"},
            user_data={"nothing": None},
        )
