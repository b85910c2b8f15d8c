"""The in-process httpx transports: same app, no sockets, sync and async."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import httpx

from tray_ext.testing import Emulator
from tray_ext.testing.catalogue import SQS_PRODUCTION_ID

from .wire import SQS_CREDENTIALS

BODY = {"name": "sqs", "serviceEnvironmentId": SQS_PRODUCTION_ID, "credentials": SQS_CREDENTIALS}


def test_sync_transport_serves_rest_and_graphql_from_several_threads() -> None:
    with Emulator(rate_limit=None) as emulator:
        user = emulator.state.add_user("Threads", "threads")
        token = emulator.state.mint_user_token(user.id)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(
            transport=emulator.transport(), base_url="http://tray.emulator"
        ) as client:

            def create(_: int) -> int:
                return client.post(
                    "/core/v1/authentications", json=BODY, headers=headers
                ).status_code

            with ThreadPoolExecutor(max_workers=8) as pool:
                assert set(pool.map(create, range(64))) == {200}
            listing = client.post(
                "/graphql",
                json={"query": "{ viewer { authentications { edges { node { id } } } } }"},
                headers=headers,
            )
            assert len(listing.json()["data"]["viewer"]["authentications"]["edges"]) == 64
        assert emulator.contract_violations == []


def test_async_transport() -> None:
    with Emulator(rate_limit=None) as emulator:
        master = {"Authorization": f"Bearer {emulator.master_token}"}

        async def run() -> list[int]:
            transport = emulator.async_transport()
            async with httpx.AsyncClient(
                transport=transport, base_url="http://tray.emulator"
            ) as client:
                responses = await asyncio.gather(
                    *(
                        client.post("/core/v1/authentications", json=BODY, headers=master)
                        for _ in range(20)
                    )
                )
                return [r.status_code for r in responses]

        assert asyncio.run(run()) == [200] * 20
        assert len(emulator.state.list_auths(None)) == 20


def test_in_process_rate_limit_and_errors_match_the_served_ones() -> None:
    with (
        Emulator() as emulator,
        httpx.Client(transport=emulator.transport(), base_url="http://tray.emulator") as client,
    ):
        master = {"Authorization": f"Bearer {emulator.master_token}"}
        codes = [client.get("/core/v1/connectors", headers=master).status_code for _ in range(80)]
        assert 429 in codes
        unauthorized = client.get("/core/v1/connectors", headers={"Authorization": "Bearer nope"})
        assert unauthorized.status_code == 401
        assert json.loads(unauthorized.content) == {"message": "The request is unauthorized"}
