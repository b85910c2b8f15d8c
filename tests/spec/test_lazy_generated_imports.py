"""Generated modules load on first use (scripts/codegen/graphql.toml `lazy_imports`,
scripts/codegen/rest_templates/models_init.py.jinja): importing a generated client builds no
result model, a call imports only its own operation's module, and every public name still resolves.

Checked in a fresh interpreter by which modules are loaded (not by timing, which is flaky)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

GRAPHQL_PACKAGES = ("tray_ext._generated.graphql",)
# The package's two clients: (class, its httpx client, how a call runs).
GRAPHQL_CLIENTS = (
    ("AsyncTrayGraphQLClient", "AsyncClient", "import asyncio; asyncio.run(client.list_users())"),
    ("TrayGraphQLClient", "Client", "client.list_users()"),
)
# What a GraphQL client needs before any operation runs: the client, its base client and the
# shared pydantic base model, exceptions and Json scalar helpers.
GRAPHQL_INFRASTRUCTURE = {
    "async_client",
    "client",
    "async_base_client",
    "base_client",
    "base_model",
    "exceptions",
    "json_scalar",
}
USERS = {"data": {"users": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}}


def _run(code: str) -> dict[str, list[str]]:
    """Run `code` in a fresh interpreter; it fills `seen` (name -> loaded generated modules)."""
    probe = (
        "import json, sys\nseen = {}\n"
        "def loaded(prefix):\n"
        "    return sorted(m for m in sys.modules if m.startswith(prefix + '.'))\n"
        f"{textwrap.dedent(code)}\nprint(json.dumps(seen))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, list[str]] = json.loads(output.splitlines()[-1])
    return result


@pytest.mark.parametrize(("client_class", "http", "call"), GRAPHQL_CLIENTS)
def test_graphql_client_imports_an_operation_module_only_when_its_method_runs(
    client_class: str, http: str, call: str
) -> None:
    package = GRAPHQL_PACKAGES[0]
    seen = _run(f"""
        import httpx
        from {package} import {client_class} as TrayGraphQLClient
        seen["import"] = loaded("{package}")
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={USERS!r}))
        client = TrayGraphQLClient(url="https://tray.io/graphql",
                                   http_client=httpx.{http}(transport=transport))
        {call}
        seen["call"] = loaded("{package}")
        """)
    infrastructure = {f"{package}.{name}" for name in GRAPHQL_INFRASTRUCTURE}
    assert set(seen["import"]) <= infrastructure, "importing the client loaded operation modules"
    assert set(seen["call"]) - set(seen["import"]) == {f"{package}.list_users"}


@pytest.mark.parametrize("package", GRAPHQL_PACKAGES)
def test_graphql_package_names_resolve_on_demand(package: str) -> None:
    seen = _run(f"""
        import {package} as package
        seen["bare"] = loaded("{package}")
        from {package} import ListUsers, TrayGraphQLClient, input_types  # as the driver does
        assert ListUsers.__module__ == "{package}.list_users"
        assert input_types.UserSearchCriteria.__name__ == "UserSearchCriteria"
        seen["some"] = loaded("{package}")
        for name in package.__all__:
            getattr(package, name)
        seen["all"] = loaded("{package}")
        try:
            from {package} import NoSuchName  # noqa: F401
        except ImportError:
            seen["missing"] = []
        """)
    assert seen["bare"] == []
    assert f"{package}.authorize" not in seen["some"]
    assert f"{package}.authorize" in seen["all"]
    assert seen["missing"] == []


def test_rest_models_load_one_module_at_a_time() -> None:
    seen = _run("""
        import tray_ext._generated.rest.models as models
        seen["bare"] = loaded("tray_ext._generated.rest.models")
        from tray_ext._generated.rest.models import Unauthorized
        seen["one"] = loaded("tray_ext._generated.rest.models")
        import tray_ext._generated.rest.api.connectors.get_connectors
        seen["endpoint"] = loaded("tray_ext._generated.rest.models")
        for name in models.__all__:
            getattr(models, name)
        seen["all"] = loaded("tray_ext._generated.rest.models")
        try:
            from tray_ext._generated.rest.models import NoSuchModel  # noqa: F401
        except ImportError:
            seen["missing"] = []
        """)
    assert seen["bare"] == []
    assert seen["one"] == ["tray_ext._generated.rest.models.unauthorized"]
    assert "tray_ext._generated.rest.models.public_connector_list" in seen["endpoint"]
    assert (
        "tray_ext._generated.rest.models.update_public_user_authentication_http"
        not in seen["endpoint"]
    )
    assert len(seen["endpoint"]) < len(seen["all"])
    assert seen["missing"] == []
