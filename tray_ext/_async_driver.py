"""Running the operations of tray_ext.operations against the generated clients.

Written once, here, async; tray_ext/_sync_driver.py (`SyncDriver`, with the sync generated
clients) is generated from this file by `scripts/generate` with unasync
(scripts/codegen/sync_twins.py). Change this file, never that.

Each effect an operation yields is performed inside its own `CallFacts` scope (the contextvar the
pipeline reads), through the client's single httpx client, and its outcome mapped into a result or
a tray_ext error — which is thrown back into the operation, so an operation may catch it.
The generated clients are built on first use (start-up cost) and share the one httpx client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from tray_ext.calls import CURRENT_FACTS, CallFacts
from tray_ext.errors import TrayError
from tray_ext.operations import GraphQL, Op, Rest
from tray_ext.responses import from_graphql_exception, from_unexpected, rest_result

if TYPE_CHECKING:
    from types import ModuleType

    import httpx

    from tray_ext.config import Hosts

__all__ = ["AsyncDriver"]

T = TypeVar("T")


def _is_graphql_client_error(error: Exception) -> bool:
    return any(cls.__name__ == "GraphQLClientError" for cls in type(error).__mro__)


def _mapped(error: Exception, facts: CallFacts, operation: str) -> TrayError:
    if _is_graphql_client_error(error):
        return from_graphql_exception(error, facts, operation)
    return from_unexpected(error, facts, operation)


class AsyncDriver:
    """Runs operations with the generated clients."""

    def __init__(self, http: httpx.AsyncClient, hosts: Hosts) -> None:
        self._http = http
        self._hosts = hosts
        self._rest: Any = None
        self._graphql: Any = None
        self._types: ModuleType | None = None

    def _rest_client(self) -> Any:
        if self._rest is None:
            from tray_ext._generated.rest import Client

            self._rest = Client(base_url=self._hosts.api_url).set_async_httpx_client(self._http)
        return self._rest

    def _graphql_client(self) -> tuple[Any, ModuleType]:
        if self._graphql is None:
            from tray_ext._generated.graphql import TrayGraphQLClient, input_types

            self._graphql = TrayGraphQLClient(
                url=self._hosts.graphql_url, http_client=cast(Any, self._http)
            )
            self._types = input_types
        assert self._types is not None
        return self._graphql, self._types

    async def perform(self, effect: Rest | GraphQL) -> Any:
        facts = effect.facts
        reset = CURRENT_FACTS.set(facts)
        try:
            if isinstance(effect, Rest):
                response = await effect.asyncio(client=self._rest_client(), **effect.kwargs)
                return rest_result(response, facts, effect.operation, effect.expect)
            client, types = self._graphql_client()
            return await getattr(client, effect.method)(**effect.arguments(types))
        except TrayError:
            raise
        except Exception as error:
            mapped = _mapped(error, facts, effect.operation)
        finally:
            CURRENT_FACTS.reset(reset)
        raise mapped  # outside the handler: the original (which may hold a body) is not chained

    async def run(self, op: Op[T]) -> T:
        result: Any = None
        error: TrayError | None = None
        while True:
            try:
                effect = op.throw(error) if error is not None else op.send(result)
            except StopIteration as stop:
                value: T = stop.value
                return value
            error = None
            try:
                result = await self.perform(effect)
            except TrayError as raised:
                error, result = raised, None
