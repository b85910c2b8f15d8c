"""Tray's Embedded GraphQL API at ``POST /graphql``, served by ariadne from spec/schema.graphql.

The gateway in front of the schema behaves like Tray's: a missing or unknown token is HTTP 401
``{"message":"Unauthorized"}``; an expired user token is HTTP 403 ``{"message":"User is not
authorized to access this resource with an explicit deny"}`` (Tray's API-gateway bodies; which
one an expired token gets is not documented, and 403 is what Tray's own integrations react to by
minting a new token). Over the rate limit, the answer is HTTP 200 with ``data: null`` and one
``Rate limit exceeded`` error per root field (code ``access_not_allowed``, as Tray documents).

``Json`` values travel as JSON text inside GraphQL strings. Invalid JSON text is not rejected by
the scalar (graphql-core would echo the value, which may be a secret, in its message); resolvers
reject it with an error that names the argument only. Messages graphql-core builds around
invalid variable values are likewise stripped of the values.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
from ariadne import (
    MutationType,
    ObjectType,
    QueryType,
    ScalarType,
    graphql,
    load_schema_from_path,
    make_executable_schema,
)
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    StringValueNode,
    ValueNode,
    parse,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .catalogue import SCHEDULED_WORKFLOWS, Environment
from .clock import iso_utc
from .connection import DroppedConnectionResponse
from .records import Auth, BareText, Page, Solution, SolutionInstance, User
from .rest import bearer_token
from .services import Services, logger
from .specfiles import graphql_schema_path
from .state import InvalidInput, NotFound, Principal, Refusal

UNAUTHORIZED = {"message": "Unauthorized"}
EXPLICIT_DENY = {"message": "User is not authorized to access this resource with an explicit deny"}
INTERNAL_ERROR = {"message": "Internal server error"}
MASTER_ONLY = frozenset(
    {
        "users",
        "createExternalUser",
        "updateExternalUser",
        "removeExternalUser",
        "authorize",
        "generateAuthorizationCode",
    }
)


class TrayGraphQLError(GraphQLError):
    """An error with Tray's extensions: ``name`` always, ``code`` when Tray gives one."""

    def __init__(
        self, message: str, *, name: str = "PreconditionError", code: str | None = None
    ) -> None:
        extensions: dict[str, Any] = {"name": name}
        if code is not None:
            extensions["code"] = code
        super().__init__(message, extensions=extensions)


@dataclass(frozen=True)
class InvalidJson:
    """A ``Json`` argument that was not JSON text; resolvers turn it into an error, except a
    config value, which keeps ``text`` (never printed: it may be a secret) as a bare string."""

    reason: str
    text: str | None = field(default=None, repr=False)


class JsonText(str):
    """A value already serialised to JSON text (so ``null`` can be sent for ``Json!``)."""

    __slots__ = ()


@dataclass
class Context:
    """What resolvers see as ``info.context``."""

    services: Services
    principal: Principal


# ------------------------------------------------------------------------------------ scalars

json_scalar = ScalarType("Json")


@json_scalar.serializer
def _serialize_json(value: Any) -> str:
    if isinstance(value, JsonText):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


@json_scalar.value_parser
def _parse_json_value(value: Any) -> Any:
    if not isinstance(value, str):
        return InvalidJson("must be JSON text inside a string")
    try:
        return json.loads(value)
    except ValueError:
        return InvalidJson("is not valid JSON text", value)


@json_scalar.literal_parser
def _parse_json_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    if isinstance(node, StringValueNode):
        return _parse_json_value(node.value)
    return InvalidJson("must be JSON text inside a string")


datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def _serialize_datetime(value: Any) -> str:
    if isinstance(value, (int, float)):
        return iso_utc(float(value))
    return str(value)


@datetime_scalar.value_parser
def _parse_datetime(value: Any) -> Any:
    return value


# ------------------------------------------------------------------------------------ helpers


def _context(info: GraphQLResolveInfo) -> Context:
    context = info.context
    assert isinstance(context, Context)
    return context


def _require_master(info: GraphQLResolveInfo) -> Context:
    context = _context(info)
    if not context.principal.is_master:
        raise TrayGraphQLError(
            f"{info.field_name} requires the master token.", code="access_not_allowed"
        )
    return context


def _json_argument(value: Any, name: str) -> Any:
    if isinstance(value, InvalidJson):
        raise TrayGraphQLError(
            f"Invalid value for '{name}': it {value.reason}.", name="GraphQLError"
        )
    return value


def tray_errors(resolver: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the state layer's refusals into Tray's GraphQL errors."""

    @functools.wraps(resolver)
    def wrapper(obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            return resolver(obj, info, **kwargs)
        except Refusal as error:
            raise TrayGraphQLError(error.message, code=error.graphql_code) from None

    return wrapper


def _page_info(page: Page[Any]) -> dict[str, Any]:
    return {
        "hasNextPage": page.has_next_page,
        "hasPreviousPage": page.has_previous_page,
        "startCursor": page.cursors[0] if page.cursors else None,
        "endCursor": page.cursors[-1] if page.cursors else None,
    }


def _paging(args: dict[str, Any]) -> dict[str, Any]:
    paging: dict[str, Any] = {key: args.get(key) for key in ("first", "after", "last", "before")}
    for key in ("first", "last"):
        count = paging[key]
        if isinstance(count, int) and count < 0:
            raise TrayGraphQLError(f"'{key}' must not be negative.", name="GraphQLError")
    return paging


def _cursor_guard(run: Callable[[], Page[Any]]) -> Page[Any]:
    try:
        return run()
    except ValueError as error:
        raise TrayGraphQLError("Invalid cursor.", name="GraphQLError") from error


def _user_node(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "externalUserId": user.external_user_id,
        "isTestUser": user.is_test_user,
        "clientMutationId": None,
    }


def _environment_node(environment: Environment) -> dict[str, Any]:
    return {
        "id": environment.id,
        "name": environment.title.lower().replace(" ", "_"),
        "title": environment.title,
    }


def _auth_node(services: Services, auth: Auth) -> dict[str, Any]:
    catalogue = services.state.catalogue
    environment = catalogue.environment(auth.service_environment_id)
    assert environment is not None, "auths are only ever created in catalogue environments"
    service = catalogue.service_of(environment)
    return {
        "id": auth.id,
        "name": auth.name,
        "customFields": None,
        "service": {
            "id": service.id,
            "name": service.name,
            "version": str(service.version),
            "title": service.title,
            "icon": service.icon,
        },
        "serviceEnvironment": _environment_node(environment),
    }


def _solution_node(solution: Solution) -> dict[str, Any]:
    return {
        "id": solution.id,
        "title": solution.title,
        "description": solution.description,
        "tags": list(solution.tags),
        "customFields": [{"key": k, "value": v} for k, v in solution.custom_fields],
        "configSlots": [
            {
                "externalId": slot.external_id,
                "title": slot.title,
                "defaultValue": JsonText(json.dumps(slot.default_value)),
            }
            for slot in solution.config_slots
        ],
        "authSlots": [{"externalId": s.external_id, "title": s.title} for s in solution.auth_slots],
    }


def _instance_node(services: Services, instance: SolutionInstance) -> dict[str, Any]:
    solution = services.state.get_solution(instance.solution_id)
    assert solution is not None
    workflows = [
        {
            "node": {
                "id": str(uuid.uuid5(uuid.UUID(instance.id), name)),
                "sourceWorkflowId": str(uuid.uuid5(uuid.UUID(solution.id), name)),
                "sourceWorkflowName": name,
                "triggerUrl": trigger_url(instance.id, name),
            }
        }
        for name in solution.workflows
    ]
    return {
        "id": instance.id,
        "solution": _solution_node(solution),
        "name": instance.name,
        "enabled": instance.enabled,
        "authValues": [{"externalId": k, "authId": v} for k, v in instance.auth_values],
        "configValues": [
            {"externalId": k, "value": _config_text(v)} for k, v in instance.config_values
        ],
        "workflows": {"edges": workflows},
        "solutionVersionFlags": {
            "hasNewerVersion": solution.version > instance.solution_version,
            "requiresUserInputToUpdateVersion": False,
            "requiresSystemInputToUpdateVersion": solution.version > instance.solution_version,
        },
        "created": instance.created,
        "owner": instance.owner,
    }


def trigger_url(instance_id: str, workflow: str) -> str | None:
    """A workflow instance's webhook URL. Tray answers one for webhook-triggered workflows and
    null for others (its published examples show both); the catalogue names the scheduled ones,
    and every other workflow is taken as webhook-triggered."""
    if workflow in SCHEDULED_WORKFLOWS:
        return None
    return f"https://{uuid.uuid5(uuid.UUID(instance_id), 'trigger:' + workflow)}.trayapp.io"


def _config_text(value: Any) -> JsonText:
    """A config value as it travels: a bare string as it was sent, anything else as JSON text
    (see the CHOICE on ConfigValue in spec/schema.graphql)."""
    if isinstance(value, BareText):
        return JsonText(str(value))
    return JsonText(json.dumps(value, separators=(",", ":")))


def _auth_values(values: Sequence[dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(str(v["externalId"]), str(v["authId"])) for v in values or ()]


def _config_values(values: Sequence[dict[str, Any]] | None) -> list[tuple[str, Any]]:
    result = []
    for value in values or ():
        external_id = str(value["externalId"])
        raw = value.get("value")
        if isinstance(raw, InvalidJson) and raw.text is not None:
            # Tray's upgrade example sends a bare string (support@example.com) and gets it back.
            result.append((external_id, BareText(raw.text)))
            continue
        result.append((external_id, _json_argument(raw, f"configValues.{external_id}")))
    return result


# ------------------------------------------------------------------------------------ resolvers

query = QueryType()
mutation = MutationType()
viewer = ObjectType("Viewer")


@query.field("viewer")
def resolve_viewer(*_: Any) -> dict[str, Any]:
    return {}


@query.field("users")
@tray_errors
def resolve_users(_obj: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = _require_master(info)
    criteria = args.get("criteria") or {}
    page = _cursor_guard(
        lambda: context.services.state.users(
            user_id=criteria.get("userId"),
            external_user_id=criteria.get("externalUserId"),
            name=criteria.get("name"),
            is_test_user=criteria.get("isTestUser"),
            **_paging(args),
        )
    )
    return {
        "edges": [
            {"node": _user_node(user), "cursor": cursor}
            for user, cursor in zip(page.items, page.cursors, strict=True)
        ],
        "pageInfo": _page_info(page),
    }


@viewer.field("authentications")
def resolve_authentications(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    context = _context(info)
    auths = context.services.state.list_auths(context.principal.user_id)
    return {
        "edges": [{"node": _auth_node(context.services, auth)} for auth in auths],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


@viewer.field("details")
def resolve_details(_obj: Any, info: GraphQLResolveInfo) -> dict[str, str]:
    context = _context(info)
    if context.principal.user_id is None:
        embedded_id = context.services.embedded_id
        return {
            "username": embedded_id,
            "email": f"admin@{embedded_id}.invalid",
            "name": "Emulated partner",
        }
    user = context.services.state.get_user(context.principal.user_id)
    assert user is not None
    return {"username": user.external_user_id, "email": "", "name": user.name}


@viewer.field("solutions")
@tray_errors
def resolve_solutions(_obj: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = _context(info)
    criteria = args.get("criteria") or {}
    page = _cursor_guard(
        lambda: context.services.state.solutions(tags=criteria.get("tags"), **_paging(args))
    )
    return {
        "edges": [
            {"node": _solution_node(solution), "cursor": cursor}
            for solution, cursor in zip(page.items, page.cursors, strict=True)
        ],
        "pageInfo": _page_info(page),
    }


@viewer.field("solutionInstances")
@tray_errors
def resolve_solution_instances(_obj: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = _context(info)
    criteria = args.get("criteria") or {}
    page = _cursor_guard(
        lambda: context.services.state.instances(
            context.principal,
            owner=criteria.get("owner"),
            instance_id=criteria.get("id"),
            name=criteria.get("name"),
            solution_id=criteria.get("solutionId"),
            **_paging(args),
        )
    )
    return {
        "edges": [
            {"node": _instance_node(context.services, instance), "cursor": cursor}
            for instance, cursor in zip(page.items, page.cursors, strict=True)
        ],
        "pageInfo": _page_info(page),
        "totalCount": page.total_count or 0,
    }


@mutation.field("createExternalUser")
@tray_errors
def resolve_create_external_user(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _require_master(info)
    data = args["input"]
    user = context.services.state.add_user(
        data["name"], data["externalUserId"], is_test_user=bool(data.get("isTestUser") or False)
    )
    return {
        "userId": user.id,
        "isTestUser": user.is_test_user,
        "clientMutationId": data.get("clientMutationId"),
    }


@mutation.field("updateExternalUser")
@tray_errors
def resolve_update_external_user(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _require_master(info)
    data = args["input"]
    user = context.services.state.update_user(data["userId"], is_test_user=data.get("isTestUser"))
    mutation_id = data.get("clientMutationId")
    # Tray's update-user example answers the mutation's clientMutationId on the user too.
    node = {**_user_node(user), "clientMutationId": mutation_id}
    return {"user": node, "clientMutationId": mutation_id}


@mutation.field("removeExternalUser")
@tray_errors
def resolve_remove_external_user(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _require_master(info)
    data = args["input"]
    context.services.state.remove_user(data["userId"])
    return {"clientMutationId": data.get("clientMutationId")}


@mutation.field("authorize")
@tray_errors
def resolve_authorize(_obj: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = _require_master(info)
    data = args["input"]
    token = context.services.state.mint_user_token(data["userId"])
    return {"accessToken": token, "clientMutationId": data.get("clientMutationId")}


@mutation.field("generateAuthorizationCode")
@tray_errors
def resolve_generate_code(_obj: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = _require_master(info)
    data = args["input"]
    code = context.services.state.mint_authorization_code(data["userId"])
    return {"authorizationCode": code, "clientMutationId": data.get("clientMutationId")}


@mutation.field("createUserAuthentication")
@tray_errors
def resolve_create_user_authentication(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    credentials = _json_argument(data["data"], "data")
    user_data = _json_argument(data.get("formData"), "formData")
    state = context.services.state
    environment = state.environment(data["serviceEnvironmentId"])
    if environment.service_id != data["serviceId"]:
        raise InvalidInput("The service environment does not belong to the service (serviceId).")
    for name, value in (("data", credentials), ("formData", user_data)):
        if value is not None and not isinstance(value, dict):
            raise InvalidInput(f"'{name}' must hold a JSON object.")
    auth = state.add_auth(
        owner=context.principal.user_id,
        service_environment_id=environment.id,
        name=data["name"],
        credentials=credentials,
        user_data=user_data,
        scopes=data.get("scopes") or (),
        hidden=bool(data.get("hidden") or False),
        credentials_field="data",
        user_data_field="formData",
    )
    return {"authenticationId": auth.id, "clientMutationId": data.get("clientMutationId")}


@mutation.field("removeAuthentication")
@tray_errors
def resolve_remove_authentication(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    context.services.state.delete_auth(context.principal, data["authenticationId"])
    return {"clientMutationId": data.get("clientMutationId")}


@mutation.field("createSolutionInstance")
@tray_errors
def resolve_create_solution_instance(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    instance = context.services.state.create_instance(
        context.principal,
        data["solutionId"],
        data["instanceName"],
        auth_values=_auth_values(data.get("authValues")),
        config_values=_config_values(data.get("configValues")),
    )
    return {
        "solutionInstance": _instance_node(context.services, instance),
        "clientMutationId": data.get("clientMutationId"),
    }


@mutation.field("updateSolutionInstance")
@tray_errors
def resolve_update_solution_instance(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    instance = context.services.state.update_instance(
        context.principal,
        data["solutionInstanceId"],
        name=data.get("instanceName"),
        enabled=data.get("enabled"),
        auth_values=_auth_values(data.get("authValues")),
        config_values=_config_values(data.get("configValues")),
        error_on_enabling_with_missing_values=bool(data.get("errorOnEnablingWithMissingValues")),
    )
    return {
        "solutionInstance": _instance_node(context.services, instance),
        "clientMutationId": data.get("clientMutationId"),
    }


@mutation.field("upgradeSolutionInstance")
@tray_errors
def resolve_upgrade_solution_instance(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    instance = context.services.state.update_instance(
        context.principal,
        data["solutionInstanceId"],
        auth_values=_auth_values(data.get("authValues")),
        config_values=_config_values(data.get("configValues")),
        upgrade=True,
    )
    return {
        "solutionInstance": _instance_node(context.services, instance),
        "clientMutationId": data.get("clientMutationId"),
    }


@mutation.field("removeSolutionInstance")
@tray_errors
def resolve_remove_solution_instance(
    _obj: Any, info: GraphQLResolveInfo, **args: Any
) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    context.services.state.remove_instance(context.principal, data["solutionInstanceId"])
    return {"clientMutationId": data.get("clientMutationId")}


@mutation.field("callConnector")
@tray_errors
def resolve_call_connector(_obj: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = _context(info)
    data = args["input"]
    connector_input = _json_argument(data["input"], "input")
    result = context.services.state.call_connector(
        context.principal,
        data["connector"],
        data["version"],
        data["operation"],
        data.get("authId"),
        connector_input,
    )
    if result.outcome == "error":
        raise NotFound(f"Connector call failed: {result.output['message']}")
    return {"output": result.output, "clientMutationId": data.get("clientMutationId")}


@functools.lru_cache(maxsize=1)
def executable_schema() -> GraphQLSchema:
    """spec/schema.graphql with the emulator's resolvers (stateless: shared by all emulators)."""
    type_defs = load_schema_from_path(str(graphql_schema_path()))
    return make_executable_schema(type_defs, query, mutation, viewer, json_scalar, datetime_scalar)


# ------------------------------------------------------------------------------------ errors

_VARIABLE_VALUE = re.compile(r"^(Variable '\$[^']+') got invalid value .*$", re.DOTALL)
_EXPECTED_VALUE = re.compile(r"^(Expected value of type '[^']+'), found .*$", re.DOTALL)
_CANNOT_REPRESENT = re.compile(r"^(.* cannot represent [^:]*?value)\s*:.*$", re.DOTALL)


def redact_message(message: str) -> str:
    """graphql-core's coercion messages without the offending value (it may be a secret)."""
    for pattern, replacement in (
        (_VARIABLE_VALUE, r"\1 got an invalid value (not shown)."),
        (_EXPECTED_VALUE, r"\1 (the value is not shown)."),
        (_CANNOT_REPRESENT, r"\1 (not shown)."),
    ):
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """Tray's error shape: message, locations, path, extensions.name (+ code / errorId)."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    original = error.original_error
    if "name" not in extensions:
        if original is not None and not isinstance(original, GraphQLError):
            error_id = str(uuid.uuid4())
            logger.error(
                "emulator bug in a GraphQL resolver (errorId %s)", error_id, exc_info=original
            )
            formatted["message"] = "Internal error"
            extensions = {"name": "InternalError", "errorId": error_id}
        else:
            extensions["name"] = "GraphQLError"
    formatted["message"] = redact_message(str(formatted.get("message", "")))
    formatted["extensions"] = extensions
    return formatted


class _QuietLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """ariadne logs every error with its raw message; ``format_error`` logs what matters."""

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        return None


# ------------------------------------------------------------------------------------ endpoint


def root_fields(document: DocumentNode | None, operation_name: str | None) -> list[tuple[str, str]]:
    """(field name, response key) of the root fields of the operation that will run.

    The first field names the request's fault route (``graphql:<field>``); the keys are the
    ``path`` of rate-limit errors. Unknown until the document parses and one operation is chosen.
    """
    if document is None:
        return []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [
            op for op in operations if op.name is not None and op.name.value == operation_name
        ]
    if len(operations) != 1:
        return []
    return [
        (selection.name.value, (selection.alias or selection.name).value)
        for selection in operations[0].selection_set.selections
        if isinstance(selection, FieldNode)
    ]


class GraphQLGateway:
    """The ``/graphql`` endpoint: faults, token, rate limit, then ariadne."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.schema = executable_schema()
        self._quiet = _QuietLogger(logging.getLogger("tray_ext.testing.graphql"), {})

    def rate_limited(self, keys: list[str]) -> dict[str, Any]:
        thrown = self.services.clock.iso_now()
        return {
            "data": None,
            "errors": [
                {
                    "message": "Rate limit exceeded",
                    "path": [key],
                    "extensions": {
                        "name": "PreconditionError",
                        "time_thrown": thrown,
                        "code": "access_not_allowed",
                    },
                }
                for key in (keys or ["graphql"])
            ],
        }

    async def endpoint(self, request: Request) -> Response:
        services = self.services
        raw = await request.body()
        data: Any = None
        document: DocumentNode | None = None
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        operation_name = data.get("operationName") if isinstance(data, dict) else None
        if not isinstance(operation_name, str):
            operation_name = None
        if isinstance(data, dict) and isinstance(data.get("query"), str):
            try:
                document = parse(data["query"])
            except GraphQLError:
                document = None
        fields = root_fields(document, operation_name)
        route = f"graphql:{fields[0][0]}" if fields else "graphql:(unparsed)"
        keys = [key for _, key in fields]

        decision = services.faults.decide(route)
        if decision.latency:
            await anyio.sleep(decision.latency)
        if decision.action == "drop_before":
            logger.info("fault: dropped %s before acting", route)
            return DroppedConnectionResponse()
        if decision.action == "500":
            return JSONResponse(INTERNAL_ERROR, status_code=500)
        if decision.action == "429":
            return JSONResponse(self.rate_limited(keys))

        principal = services.state.authenticate(bearer_token(request))
        if principal == "expired":
            return JSONResponse(EXPLICIT_DENY, status_code=403)
        if not isinstance(principal, Principal):
            return JSONResponse(UNAUTHORIZED, status_code=401)
        if not services.limiter.allow(principal.token_key):
            return JSONResponse(self.rate_limited(keys))

        if not isinstance(data, dict):
            body = {
                "errors": [
                    {
                        "message": "The request body must be a JSON object with a 'query'.",
                        "extensions": {"name": "GraphQLError"},
                    }
                ]
            }
            return JSONResponse(body, status_code=400)

        _success, result = await graphql(
            self.schema,
            data,
            context_value=Context(services=services, principal=principal),
            query_document=document,
            error_formatter=format_error,
            logger=self._quiet,
            debug=False,
        )
        response = JSONResponse(result, status_code=200)
        if decision.action == "drop_after":
            logger.info("fault: dropped %s after acting", route)
            return DroppedConnectionResponse()
        return response
