"""Base class of the generated GraphQL clients (tray-ext's custom base client), async as written;
scripts/generate derives the sync base class (base_client.py, TrayBaseClient) from it with unasync.

Derived from ariadne-codegen's own `async_base_client.py` (less the WebSocket subscription
support Tray does not use), with two changes: every request carries
`extensions` naming its GraphQL operation, so the transport and hooks below it know which call an
HTTP request belongs to; and the fallback httpx client has an explicit timeout. Copied verbatim into
the generated package by scripts/generate; edit it here, never in tray_ext/_generated/.
"""

from typing import Any, Protocol, TypeVar, cast

import httpx
from pydantic import BaseModel as PydanticBaseModel
from pydantic_core import to_jsonable_python

from .base_model import UNSET
from .exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class Response(Protocol):
    status_code: int

    def json(self, **kwargs: Any) -> Any: ...


class HttpClient(Protocol):
    async def post(
        self,
        url: Any | str,
        json: Any | None = None,
        data: Any | None = None,
        files: Any | None = None,
        headers: Any | None = None,
        **kwargs: Any,
    ) -> Response: ...

    async def aclose(self) -> None: ...


Self = TypeVar("Self", bound="TrayAsyncBaseClient")


class TrayAsyncBaseClient:
    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: HttpClient | None = None,
    ) -> None:
        self.url = url
        self.headers = headers
        self.http_client = (
            http_client
            if http_client
            else httpx.AsyncClient(headers=headers, timeout=DEFAULT_TIMEOUT)
        )

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(self, exc_type: object, exc_val: object, exc_tb: object) -> None:
        await self.http_client.aclose()

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Response:
        processed_variables = (
            self._convert_dict_to_json_serializable(variables) if variables else {}
        )
        extensions = dict(kwargs.pop("extensions", None) or {})
        extensions.setdefault("tray_ext.operation", operation_name)
        extensions.setdefault("tray_ext.api", "graphql")
        return await self.http_client.post(
            url=self.url,
            json=to_jsonable_python(
                {"query": query, "operationName": operation_name, "variables": processed_variables}
            ),
            extensions=extensions,
            **kwargs,
        )

    def get_data(self, response: Response) -> dict[str, Any]:
        if not (200 <= response.status_code <= 299):
            raise GraphQLClientHttpError(status_code=response.status_code, response=response)
        try:
            response_json = response.json()
        except ValueError as exc:
            raise GraphQLClientInvalidResponseError(response=response) from exc
        if (not isinstance(response_json, dict)) or (
            "data" not in response_json and "errors" not in response_json
        ):
            raise GraphQLClientInvalidResponseError(response=response)
        data = response_json.get("data")
        errors = response_json.get("errors")
        if errors:
            raise GraphQLClientGraphQLMultiError.from_errors_dicts(errors_dicts=errors, data=data)
        return cast(dict[str, Any], data)

    def _convert_dict_to_json_serializable(self, dict_: dict[str, Any]) -> dict[str, Any]:
        return {
            key: self._convert_value(value) for key, value in dict_.items() if value is not UNSET
        }

    def _convert_value(self, value: Any) -> Any:
        if isinstance(value, PydanticBaseModel):
            return value.model_dump(by_alias=True, exclude_unset=True)
        if isinstance(value, list):
            return [self._convert_value(item) for item in value]
        return value
