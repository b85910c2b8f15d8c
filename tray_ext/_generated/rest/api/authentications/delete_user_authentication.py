from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.forbidden import Forbidden
from ...models.internal_error import InternalError
from ...models.invalid_input import InvalidInput
from ...models.limit_exceeded import LimitExceeded
from ...models.resource_not_found import ResourceNotFound
from ...models.unauthorized import Unauthorized
from ...types import Response


def _get_kwargs(
    authentication_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        # tray-ext: name the operation on the request, so transports and hooks know which call
        # each HTTP request belongs to without parsing URLs.
        # (endpoint.name is the operationId in snake case; the pipeline wants spec's camelCase.)
        "extensions": {"tray_ext.operation": "deleteUserAuthentication", "tray_ext.api": "rest"},
        "url": "/core/v1/authentications/{authentication_id}".format(
            authentication_id=quote(str(authentication_id), safe=""),
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
    | ResourceNotFound
    | Unauthorized
    | str
    | None
):
    if response.status_code == 204:
        response_204 = response.text
        return response_204

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
    Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    authentication_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str
]:
    """Delete an authentication

     Master token, or the user token of the owner. Non-billable.

    Args:
        authentication_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str]
    """

    kwargs = _get_kwargs(
        authentication_id=authentication_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    authentication_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> (
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | ResourceNotFound
    | Unauthorized
    | str
    | None
):
    """Delete an authentication

     Master token, or the user token of the owner. Non-billable.

    Args:
        authentication_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str
    """

    return sync_detailed(
        authentication_id=authentication_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    authentication_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str
]:
    """Delete an authentication

     Master token, or the user token of the owner. Non-billable.

    Args:
        authentication_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str]
    """

    kwargs = _get_kwargs(
        authentication_id=authentication_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    authentication_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> (
    Forbidden
    | InternalError
    | InvalidInput
    | LimitExceeded
    | ResourceNotFound
    | Unauthorized
    | str
    | None
):
    """Delete an authentication

     Master token, or the user token of the owner. Non-billable.

    Args:
        authentication_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Forbidden | InternalError | InvalidInput | LimitExceeded | ResourceNotFound | Unauthorized | str
    """

    return (
        await asyncio_detailed(
            authentication_id=authentication_id,
            client=client,
        )
    ).parsed
