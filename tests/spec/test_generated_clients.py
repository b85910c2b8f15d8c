"""What the generated clients promise the hand-written layer: JSON scalars serialised for the
caller, every request named by its operation, explicit timeouts, and reprs without secrets."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any

import attrs
import httpx
import pydantic
import pytest
import yaml

import tray_ext._generated.graphql
import tray_ext._generated.rest
from tray_ext._generated.rest import models as rest

from .seeds import REPO, graphql_documents, seeds_dir

CANARY = "canary-Zq7-secret-value"
GRAPHQL_URL = "https://tray.io/graphql"


def _recording_transport(seen: list[httpx.Request], body: dict[str, Any]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handler)


def _seed_authentication_data() -> str:
    """The `authenticationData` variable of Tray's createUserAuthentication curl example."""
    doc = next(d for d in graphql_documents() if "$authenticationData: Json!" in d.text)
    seed_text = (seeds_dir() / doc.seed).read_text()
    curl_body_start = seed_text.rindex("-d '", 0, seed_text.index("$authenticationData")) + 4
    curl_body = seed_text[curl_body_start : seed_text.index("}'", curl_body_start) + 1]
    return str(json.loads(curl_body)["variables"]["authenticationData"])


CREATED = {"data": {"createUserAuthentication": {"authenticationId": "a-1"}}}


def test_a_dict_passed_as_data_reaches_the_wire_as_trays_json_string() -> None:
    expected = _seed_authentication_data()  # '{"region":"us-east-1",...}' as Tray documents it
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=_recording_transport(seen, CREATED))
    client = tray_ext._generated.graphql.TrayGraphQLClient(
        url="https://tray.io/graphql", http_client=http
    )

    result = client.create_user_authentication(
        name="my-test-sqs-authentication-1",
        service_id="e73d8e91-XXXX-XXXX-XXXX-37df289242",
        service_environment_id="a84eu2880-XXXX-XXXX-XXXX-7edd82904d",
        data=json.loads(expected),
        scopes=[],
        hidden=True,
    )

    assert result.create_user_authentication.authentication_id == "a-1"
    wire = json.loads(seen[0].content)
    assert wire["variables"]["data"] == expected
    assert "\n" not in wire["variables"]["data"]
    assert "formData" not in wire["variables"]  # an absent optional argument is not sent


async def test_the_async_client_serialises_json_the_same_way() -> None:
    seen: list[httpx.Request] = []
    http = httpx.AsyncClient(transport=_recording_transport(seen, CREATED))  # type: ignore[arg-type]
    client = tray_ext._generated.graphql.AsyncTrayGraphQLClient(url=GRAPHQL_URL, http_client=http)
    await client.create_user_authentication(
        name="n", service_id="s", service_environment_id="e",
        data={"api_key": 'with "quotes"\nand a newline'}, form_data={"subdomain": "acme"},
    )  # fmt: skip
    variables = json.loads(seen[0].content)["variables"]
    assert variables["data"] == '{"api_key":"with \\"quotes\\"\\nand a newline"}'
    assert variables["formData"] == '{"subdomain":"acme"}'


def test_config_values_are_json_encoded_as_tray_requires() -> None:
    from tray_ext._generated.graphql.input_types import ConfigValue

    dumped = [
        ConfigValue(externalId="x", value=v).model_dump(by_alias=True) for v in ("x", True, 7)
    ]
    assert [d["value"] for d in dumped] == ['"x"', "true", "7"]


def test_json_results_come_back_as_python_values() -> None:
    body = {"data": {"callConnector": {"output": '{"ok":true}'}}}
    http = httpx.Client(transport=_recording_transport([], body))
    client = tray_ext._generated.graphql.TrayGraphQLClient(
        url="https://tray.io/graphql", http_client=http
    )
    result = client.call_connector(connector="c", version="1.0", operation="op", input={"a": 1})
    assert result.call_connector.output == {"ok": True}


def _rest_operation_ids() -> set[str]:
    spec = yaml.safe_load((REPO / "spec" / "openapi.yaml").read_text())
    return {
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def _rest_endpoint_modules() -> list[Any]:
    import tray_ext._generated.rest.api as api

    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(api.__path__, prefix="tray_ext._generated.rest.api.")
        if not info.ispkg
    ]


class _EmptyBody:
    def to_dict(self) -> dict[str, Any]:
        return {}


def test_every_rest_request_names_its_operation_id() -> None:
    named = set()
    for module in _rest_endpoint_modules():
        params = inspect.signature(module._get_kwargs).parameters
        arguments: dict[str, Any] = {name: "x" for name in params}
        if "body" in params:
            arguments["body"] = _EmptyBody()
        kwargs = module._get_kwargs(**arguments)
        assert kwargs["extensions"]["tray_ext.api"] == "rest"
        named.add(kwargs["extensions"]["tray_ext.operation"])
    assert named == _rest_operation_ids()


def test_every_graphql_request_names_its_operation() -> None:
    seen: list[httpx.Request] = []
    body = {"data": {"removeAuthentication": {"clientMutationId": None}}}
    http = httpx.Client(transport=_recording_transport(seen, body))
    client = tray_ext._generated.graphql.TrayGraphQLClient(
        url="https://tray.io/graphql", http_client=http
    )
    client.remove_authentication(authentication_id="a-1")
    assert seen[0].extensions["tray_ext.operation"] == "RemoveAuthentication"
    assert seen[0].extensions["tray_ext.api"] == "graphql"


def test_default_timeouts_are_explicit() -> None:
    rest_http = tray_ext._generated.rest.Client(base_url="https://api.tray.io").get_httpx_client()
    assert rest_http.timeout.read == 30.0
    assert rest_http.timeout.connect == 5.0
    graphql_http = tray_ext._generated.graphql.TrayGraphQLClient(url=GRAPHQL_URL).http_client
    assert isinstance(graphql_http, httpx.Client)
    assert graphql_http.timeout.read == 30.0


# ---- reprs -------------------------------------------------------------------------------------

SECRET_FIELD_NAMES = {"credentials", "user_data", "data", "form_data", "input_", "output"}
SECRET_CLASSES = {
    "AuthenticationCredentials",
    "AuthenticationUserData",
    "AuthenticationFieldValueType0Item",
    "AuthenticationFieldValueType3",
    "ConnectorInput",
    "ConnectorOutput",
}


def _rest_models() -> list[type]:
    return [cls for _, cls in inspect.getmembers(rest, inspect.isclass) if attrs.has(cls)]


def _canary_map() -> dict[str, Any]:
    return {"token": CANARY, "nested": {"key": CANARY}, "list": [{"key": CANARY}]}


REST_SAMPLES: dict[str, dict[str, Any]] = {
    "CreatePublicUserAuthentication": {
        "name": "n", "serviceEnvironmentId": "e", "credentials": _canary_map(),
        "userData": _canary_map(),
    },
    "UpdatePublicUserAuthenticationHttp": {
        "name": "n", "credentials": _canary_map(), "userData": _canary_map(),
    },
    "GetFullUserAuthenticationResult": {
        "id": "123e4567-aaaa-aaaa-aaaa-aaaaaa614174", "name": "n", "serviceEnvironmentId": "e",
        "credentials": _canary_map(), "userData": _canary_map(),
    },
    "PublicConnectorCallPayload": {"operation": "op", "input": _canary_map()},
    "PublicConnectorCallResult": {"outcome": "success", "output": _canary_map()},
    "AuthenticationCredentials": _canary_map(),
    "AuthenticationUserData": _canary_map(),
    "AuthenticationFieldValueType3": _canary_map(),
    "AuthenticationFieldValueType0Item": _canary_map(),
    "ConnectorInput": _canary_map(),
    "ConnectorOutput": _canary_map(),
}  # fmt: skip


def test_every_rest_model_carrying_secrets_is_covered() -> None:
    carrying = {
        cls.__name__
        for cls in _rest_models()
        if {f.name for f in attrs.fields(cls)} & SECRET_FIELD_NAMES
        or cls.__name__ in SECRET_CLASSES
    }
    assert carrying == set(REST_SAMPLES)


@pytest.mark.parametrize("name", sorted(REST_SAMPLES))
def test_rest_model_repr_shows_no_secret_value(name: str) -> None:
    model = getattr(rest, name).from_dict(REST_SAMPLES[name])
    assert CANARY in json.dumps(model.to_dict())  # the value is there...
    assert CANARY not in repr(model)  # ...but never printed
    assert CANARY not in str(model)


GRAPHQL_SECRET_ALIASES = {"accessToken", "authorizationCode", "data", "formData", "input", "output"}


def _graphql_models() -> list[type[pydantic.BaseModel]]:
    models = []
    for package in (tray_ext._generated.graphql,):
        for info in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, pydantic.BaseModel) and cls.__module__ == module.__name__:
                    models.append(cls)
    return models


def test_every_graphql_field_that_can_hold_a_secret_is_left_out_of_repr() -> None:
    checked = 0
    for cls in _graphql_models():
        for name, field in cls.model_fields.items():
            if (field.alias or name) in GRAPHQL_SECRET_ALIASES:
                assert field.repr is False, f"{cls.__module__}.{cls.__name__}.{name}"
                checked += 1
    assert checked >= 6  # each field once: the sync and async clients share one set of models


def test_graphql_model_repr_shows_no_secret_value() -> None:
    from tray_ext._generated.graphql.authorize import Authorize
    from tray_ext._generated.graphql.generate_authorization_code import (
        GenerateAuthorizationCode,
    )
    from tray_ext._generated.graphql.input_types import CreateUserAuthenticationInput

    models = [
        Authorize.model_validate({"authorize": {"accessToken": CANARY}}),
        GenerateAuthorizationCode.model_validate(
            {"generateAuthorizationCode": {"authorizationCode": CANARY, "clientMutationId": None}}
        ),
        CreateUserAuthenticationInput(
            name="n", serviceId="s", serviceEnvironmentId="e", data=_canary_map(),
            formData=_canary_map(),
        ),
    ]  # fmt: skip
    for model in models:
        assert CANARY not in repr(model)
        assert CANARY not in str(model)
