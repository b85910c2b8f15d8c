"""Tray's REST API (``/core/v1/...``) as starlette routes built from spec/openapi.yaml.

Each request passes the gateway in the order Tray's does: injected faults, the bearer token
(401), the rate limit (429), the contract (400), then the handler; each response is checked
against the contract before it leaves, and one that does not conform becomes a 500 and a logged
contract violation, so an emulator bug cannot masquerade as Tray behaviour.

Error bodies are ``{"message", "code"}``: 400 ``invalid_input``, 404 ``resource_not_found``,
429 ``LimitExceeded``, 500 ``internal_error``; the 401 is Tray's live body without a code.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .connection import DroppedConnectionResponse
from .contract import RequestRejected, error_body
from .schemas import everit_message
from .services import Services, logger
from .state import AccessNotAllowed, InvalidInput, NotFound, Principal, Refusal

UNAUTHORIZED_MESSAGE = "The request is unauthorized"
RATE_LIMIT_MESSAGE = "Rate limit exceeded"
#: Call connector is not rate limited in Tray, but at most this many calls may be in flight.
CALL_CONNECTOR_CONCURRENCY = 1000


@dataclass
class RestCall:
    """A validated request, as a handler sees it."""

    principal: Principal
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Any


@dataclass
class RestResult:
    """A handler's answer; ``body=None`` sends an empty body."""

    status: int
    body: Any = None
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Services, RestCall], RestResult]


def _json(status: int, body: Any) -> RestResult:
    return RestResult(status, body)


def _unchecked(result: RestResult) -> Response:
    """The result as sent, before (or without) the contract check."""
    content = b""
    if result.body is not None:
        content = json.dumps(result.body, separators=(",", ":")).encode("utf-8")
    return Response(
        content=content,
        status_code=result.status,
        media_type=result.media_type,
        headers=result.headers or None,
    )


# ---------------------------------------------------------------------------------- handlers


def _auth_summary(auth: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": auth.id,
        "name": auth.name,
        "serviceEnvironmentId": auth.service_environment_id,
        "scopes": list(auth.scopes),
    }
    if auth.on_prem_agent_group_id:
        body["onPremAgentGroupId"] = auth.on_prem_agent_group_id
    return body


def get_connectors(services: Services, call: RestCall) -> RestResult:
    catalogue = services.state.catalogue
    elements = []
    for connector in catalogue.connectors:
        service = catalogue.service(connector.service_id)
        assert service is not None
        elements.append(
            {
                "name": connector.name,
                "version": connector.version,
                "title": connector.title,
                "description": connector.description,
                "service": {"id": service.id, "name": service.name, "version": service.version},
            }
        )
    return _json(200, {"elements": elements})


def get_connector_operations(services: Services, call: RestCall) -> RestResult:
    connector = services.state.connector(
        call.params["connector-name"], call.params["connector-version"]
    )
    elements = [
        {
            "name": op.name,
            "title": op.title,
            "description": op.description,
            "inputSchema": op.input_schema,
            "outputSchema": op.output_schema,
            "hasDynamicOutput": op.has_dynamic_output,
            "authScopes": list(op.auth_scopes),
        }
        for op in connector.operations
    ]
    return _json(200, {"elements": elements})


def call_connector(services: Services, call: RestCall) -> RestResult:
    result = services.state.call_connector(
        call.principal,
        call.params["connector-name"],
        call.params["connector-version"],
        call.body["operation"],
        call.body.get("authId"),
        call.body["input"],
    )
    return _json(200, {"outcome": result.outcome, "output": result.output})


def create_user_authentication(services: Services, call: RestCall) -> RestResult:
    body = call.body
    auth = services.state.add_auth(
        owner=call.principal.user_id,
        service_environment_id=body["serviceEnvironmentId"],
        name=body["name"],
        credentials=body.get("credentials"),
        user_data=body.get("userData"),
        scopes=body.get("scopes") or (),
        on_prem_agent_group_id=body.get("onPremAgentGroupId"),
    )
    return _json(200, {"id": auth.id})


def get_user_authentication(services: Services, call: RestCall) -> RestResult:
    auth = services.state.accessible_auth(call.principal, call.params["authentication-id"])
    return _json(200, _auth_summary(auth))


def update_user_authentication(services: Services, call: RestCall) -> RestResult:
    body = call.body
    auth = services.state.replace_auth(
        call.principal,
        call.params["authentication-id"],
        name=body["name"],
        credentials=body.get("credentials"),
        user_data=body.get("userData"),
        scopes=body.get("scopes"),
        on_prem_agent_group_id=body.get("onPremAgentGroupId"),
    )
    return _json(200, _auth_summary(auth))


def delete_user_authentication(services: Services, call: RestCall) -> RestResult:
    services.state.delete_auth(call.principal, call.params["authentication-id"])
    return RestResult(204, None, media_type="text/html")


def get_full_authentication(services: Services, call: RestCall) -> RestResult:
    # forceRefresh is accepted and ignored: emulated credentials never expire on their own.
    auth = services.state.accessible_auth(call.principal, call.params["authentication-id"])
    body = _auth_summary(auth)
    body["userData"] = auth.user_data
    body["credentials"] = auth.credentials
    return _json(200, body)


def get_service_environments(services: Services, call: RestCall) -> RestResult:
    try:
        version = int(call.params["service-version"])
    except ValueError:
        version = -1
    service = services.state.catalogue.service_by_name(call.params["service-name"], version)
    if service is None:
        raise NotFound("Service name or version not found.")
    elements = [
        {
            "id": env.id,
            "title": env.title,
            "authenticationType": env.authentication_type,
            "userDataSchema": env.user_data_schema,
            "credentialsSchema": env.credentials_schema,
            "scopes": [scope.to_json() for scope in env.scopes],
        }
        for env in service.environments
    ]
    return _json(200, {"elements": elements})


HANDLERS: dict[str, Handler] = {
    "getConnectors": get_connectors,
    "getConnectorOperations": get_connector_operations,
    "callConnector": call_connector,
    "createUserAuthentication": create_user_authentication,
    "getUserAuthentication": get_user_authentication,
    "updateUserAuthentication": update_user_authentication,
    "deleteUserAuthentication": delete_user_authentication,
    "getFullAuthentication": get_full_authentication,
    "getServiceEnvironments": get_service_environments,
}

#: Operations exempt from the rate limit (Tray limits their concurrency instead).
NOT_RATE_LIMITED = frozenset({"callConnector"})


# ---------------------------------------------------------------------------------- gateway


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _parsed_body(body: bytes) -> Any:
    """The JSON body; the contract has checked it wherever the operation takes one (a body sent
    to an operation without one is ignored, as by most servers)."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _error_result(error: Refusal) -> RestResult:
    if isinstance(error, NotFound):
        return _json(404, error_body(error.message, "resource_not_found"))
    if isinstance(error, AccessNotAllowed):
        return _json(403, error_body(error.message, "forbidden"))
    if isinstance(error, InvalidInput):
        return _json(400, error_body(error.message, "invalid_input"))
    return _json(400, error_body(error.message, "invalid_input"))


class RestGateway:
    """Builds the routes and runs each request through faults, auth, limits and the contract."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._in_flight_calls = 0
        self._in_flight_lock = threading.Lock()
        missing = sorted(set(services.contract.operations) - set(HANDLERS))
        if missing:
            raise RuntimeError(
                f"spec/openapi.yaml operations without an emulator handler: {missing}"
            )

    def routes(self) -> list[Route]:
        by_path: dict[str, dict[str, str]] = {}
        for operation in self.services.contract.operations.values():
            by_path.setdefault(operation.path, {})[operation.method.upper()] = (
                operation.operation_id
            )
        routes = []
        for path, methods in by_path.items():
            starlette_path = re.sub(
                r"{([^}]+)}", lambda m: "{" + m[1].replace("-", "_") + "}", path
            )
            routes.append(
                Route(starlette_path, self._endpoint(path, methods), methods=sorted(methods))
            )
        return routes

    def _endpoint(self, spec_path: str, methods: dict[str, str]) -> Callable[[Request], Any]:
        names = re.findall(r"{([^}]+)}", spec_path)

        async def endpoint(request: Request) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            operation_id = methods[method]
            params = {name: str(request.path_params[name.replace("-", "_")]) for name in names}
            return await self.handle(request, operation_id, params)

        return endpoint

    async def handle(self, request: Request, operation_id: str, params: dict[str, str]) -> Response:
        services = self.services
        started = time.perf_counter()
        # Read the whole request first: a connection dropped with unread bytes is reset (RST),
        # and the client would see a reset while writing instead of a server that went away.
        body = await request.body()
        decision = services.faults.decide(f"rest:{operation_id}")
        if decision.latency:
            await anyio.sleep(decision.latency)
        if decision.action == "drop_before":
            logger.info("fault: dropped %s %s before acting", request.method, request.url.path)
            return DroppedConnectionResponse()
        if decision.action == "500":
            return self.respond(
                request, operation_id, _json(500, error_body("Internal error", "internal_error"))
            )
        if decision.action == "429":
            return self.respond(
                request, operation_id, _json(429, error_body(RATE_LIMIT_MESSAGE, "LimitExceeded"))
            )

        principal = services.state.authenticate(bearer_token(request))
        if not isinstance(principal, Principal):
            return self.respond(request, operation_id, _json(401, error_body(UNAUTHORIZED_MESSAGE)))
        if operation_id not in NOT_RATE_LIMITED and not services.limiter.allow(principal.token_key):
            return self.respond(
                request, operation_id, _json(429, error_body(RATE_LIMIT_MESSAGE, "LimitExceeded"))
            )

        try:
            services.contract.check_request(
                request.method,
                request.url.path,
                request.headers,
                request.query_params,
                body or None,
            )
        except RequestRejected as rejected:
            if rejected.status == 404:
                # A path the contract cannot place has no response to check it against either.
                return _unchecked(_json(404, error_body("Not Found", "resource_not_found")))
            if rejected.status == 401:
                result = _json(401, error_body(UNAUTHORIZED_MESSAGE))
            else:
                message = everit_message(
                    rejected.problems, "Request validation failed. Schema validation errors:"
                )
                result = _json(400, error_body(message, "invalid_input"))
            return self.respond(request, operation_id, result)

        call = RestCall(
            principal=principal,
            params=params,
            query=dict(request.query_params),
            body=_parsed_body(body),
        )
        result = self._run_handler(operation_id, call)
        response = self.respond(request, operation_id, result)
        if decision.action == "drop_after":
            logger.info("fault: dropped %s %s after acting", request.method, request.url.path)
            return DroppedConnectionResponse()
        logger.debug(
            "%s %s -> %d (%.1f ms)",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _run_handler(self, operation_id: str, call: RestCall) -> RestResult:
        handler = HANDLERS[operation_id]
        counted = operation_id in NOT_RATE_LIMITED
        if counted:
            with self._in_flight_lock:
                if self._in_flight_calls >= CALL_CONNECTOR_CONCURRENCY:
                    return _json(429, error_body("Concurrency limit exceeded", "LimitExceeded"))
                self._in_flight_calls += 1
        try:
            return handler(self.services, call)
        except Refusal as error:
            return _error_result(error)
        except Exception:
            logger.exception("emulator bug in REST handler %s", operation_id)
            return _json(500, error_body("Internal error", "internal_error"))
        finally:
            if counted:
                with self._in_flight_lock:
                    self._in_flight_calls -= 1

    def respond(self, request: Request, operation_id: str, result: RestResult) -> Response:
        """Serialise, check against the contract, and send (or turn into a loud 500)."""
        response = _unchecked(result)
        content = bytes(response.body)
        if not self.services.validate_responses:
            return response
        problems = self.services.contract.check_response(
            request.method,
            request.url.path,
            request.headers,
            request.query_params,
            operation_id,
            response.status_code,
            response.headers,
            content,
        )
        if not problems:
            return response
        self.services.record_violation(
            f"REST {operation_id} answered {result.status}, which breaks spec/openapi.yaml: "
            + "; ".join(problems)
        )
        return Response(
            content=json.dumps(
                error_body(
                    "Emulator bug: the response broke spec/openapi.yaml (see the emulator log)",
                    "internal_error",
                )
            ),
            status_code=500,
            media_type="application/json",
        )
