from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.forbidden import Forbidden
from ...models.internal_error import InternalError
from ...models.invalid_input import InvalidInput
from ...models.limit_exceeded import LimitExceeded
from ...models.public_service_environment_list import PublicServiceEnvironmentList
from ...models.resource_not_found import ResourceNotFound
from ...models.unauthorized import Unauthorized
from ...types import Response


def _get_kwargs(
    service_name: str,
    service_version: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        # tray-ext: name the operation on the request, so transports and hooks know which call
        # each HTTP request belongs to without parsing URLs.
        # (endpoint.name is the operationId in snake case; the pipeline wants spec's camelCase.)
        "extensions": {"tray_ext.operation": "getServiceEnvironments", "tray_ext.api": "rest"},
        "url": "/core/v1/services/{service_name}/versions/{service_version}/environments".format(
            service_name=quote(str(service_name), safe=""),
            service_version=quote(str(service_version), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | PublicServiceEnvironmentList
    | ResourceNotFound
    | Unauthorized
    | None
):
    if response.status_code == 200:
        response_200 = PublicServiceEnvironmentList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = InvalidInput.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Unauthorized.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Forbidden.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ResourceNotFound.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = LimitExceeded.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = InternalError.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | PublicServiceEnvironmentList
    | ResourceNotFound
    | Unauthorized
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    service_name: str,
    service_version: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | PublicServiceEnvironmentList
    | ResourceNotFound
    | Unauthorized
]:
    """List a service's environments

     Every environment of a service version: Tray's default "Production" and one per custom
    OAuth app. Each carries the credentials and userData JSON Schemas and the scopes that
    Create authentication checks against. The service name and the integer service version come
    from Get connectors (the service version, not the decimal connector version). Master or
    user token. Non-billable.

    Args:
        service_name (str):
        service_version (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Forbidden | InternalError | InvalidInput | LimitExceeded | PublicServiceEnvironmentList | ResourceNotFound | Unauthorized]
    """

    kwargs = _get_kwargs(
        service_name=service_name,
        service_version=service_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    service_name: str,
    service_version: int,
    *,
    client: AuthenticatedClient | Client,
) -> (
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | PublicServiceEnvironmentList
    | ResourceNotFound
    | Unauthorized
    | None
):
    """List a service's environments

     Every environment of a service version: Tray's default "Production" and one per custom
    OAuth app. Each carries the credentials and userData JSON Schemas and the scopes that
    Create authentication checks against. The service name and the integer service version come
    from Get connectors (the service version, not the decimal connector version). Master or
    user token. Non-billable.

    Args:
        service_name (str):
        service_version (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Forbidden | InternalError | InvalidInput | LimitExceeded | PublicServiceEnvironmentList | ResourceNotFound | Unauthorized
    """

    return sync_detailed(
        service_name=service_name,
        service_version=service_version,
        client=client,
    ).parsed


async def asyncio_detailed(
    service_name: str,
    service_version: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | PublicServiceEnvironmentList
    | ResourceNotFound
    | Unauthorized
]:
    """List a service's environments

     Every environment of a service version: Tray's default "Production" and one per custom
    OAuth app. Each carries the credentials and userData JSON Schemas and the scopes that
    Create authentication checks against. The service name and the integer service version come
    from Get connectors (the service version, not the decimal connector version). Master or
    user token. Non-billable.

    Args:
        service_name (str):
        service_version (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Forbidden | InternalError | InvalidInput | LimitExceeded | PublicServiceEnvironmentList | ResourceNotFound | Unauthorized]
    """

    kwargs = _get_kwargs(
        service_name=service_name,
        service_version=service_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    service_name: str,
    service_version: int,
    *,
    client: AuthenticatedClient | Client,
) -> (
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | PublicServiceEnvironmentList
    | ResourceNotFound
    | Unauthorized
    | None
):
    """List a service's environments

     Every environment of a service version: Tray's default "Production" and one per custom
    OAuth app. Each carries the credentials and userData JSON Schemas and the scopes that
    Create authentication checks against. The service name and the integer service version come
    from Get connectors (the service version, not the decimal connector version). Master or
    user token. Non-billable.

    Args:
        service_name (str):
        service_version (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Forbidden | InternalError | InvalidInput | LimitExceeded | PublicServiceEnvironmentList | ResourceNotFound | Unauthorized
    """

    return (
        await asyncio_detailed(
            service_name=service_name,
            service_version=service_version,
            client=client,
        )
    ).parsed
