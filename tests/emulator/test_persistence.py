"""``--db``: a served emulator keeps its users, auths, tokens and instances across restarts."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tray_ext.testing import Emulator, serve_in_thread
from tray_ext.testing.catalogue import SOLUTION_IDS

from .wire import Api

CREATE_INSTANCE = """
mutation ($s: ID!, $a: String!) {
  createSolutionInstance(input: {solutionId: $s, instanceName: "kept",
      authValues: [{externalId: "external_sqs_authentication", authId: $a}]}) {
    solutionInstance { id }
  }
}
"""
INSTANCES = "{ viewer { solutionInstances { totalCount edges { node { id name enabled } } } } }"


def _seed(api: Api) -> tuple[str, str, str, str]:
    user_id, token = api.user_with_token("persistent")
    auth_id = api.create_sqs_auth(token, name="kept auth")
    instance_id = api.data(
        CREATE_INSTANCE, {"s": SOLUTION_IDS["SQS event forwarder"], "a": auth_id}, token
    )["createSolutionInstance"]["solutionInstance"]["id"]
    api.data(
        "mutation ($id: ID!) { updateSolutionInstance(input: {solutionInstanceId: $id,"
        " enabled: true}) { solutionInstance { id } } }",
        {"id": instance_id},
        token,
    )
    return user_id, token, auth_id, instance_id


def _check(api: Api, user_id: str, token: str, auth_id: str, instance_id: str) -> None:
    users = api.data(
        '{ users(criteria: {externalUserId: "persistent"}) { edges { node { id } } } }'
    )
    assert [edge["node"]["id"] for edge in users["users"]["edges"]] == [user_id]
    assert api.auth_ids(token) == [auth_id]  # the user token survived too
    full = api.rest("GET", f"/core/v1/authentications/{auth_id}/full", token).json()
    assert full["name"] == "kept auth"
    assert full["credentials"]["secret_key"] == "secretkey"
    instances = api.data(INSTANCES, token=token)["viewer"]["solutionInstances"]
    assert instances["totalCount"] == 1
    assert instances["edges"][0]["node"] == {"id": instance_id, "name": "kept", "enabled": True}


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "tray.sqlite"
    first = Emulator(rate_limit=None, db_path=db)
    with serve_in_thread(first) as served:
        api = Api(served)
        seeded = _seed(api)
        _check(api, *seeded)
        api.close()
    first.close()

    second = Emulator(rate_limit=None, db_path=db)
    with serve_in_thread(second) as served:
        api = Api(served)
        _check(api, *seeded)
        # New writes keep working after the restart, and ids do not collide.
        assert api.create_user("after-restart") != seeded[0]
        api.close()
    second.close()


def _start_cli(db: Path) -> tuple[subprocess.Popen[str], str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tray_ext.testing",
            "--port",
            "0",
            "--db",
            str(db),
            "--rate-limit",
            "off",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    header = ""
    while "Press Ctrl+C" not in header:
        line = process.stdout.readline()
        if not line:
            break
        header += line
    found = re.search(r"REST API\s+(http://127\.0\.0\.1:\d+)", header)
    if found:
        # Wait for uvicorn to accept connections.
        for _ in range(200):
            try:
                httpx.get(found.group(1) + "/", timeout=1)
                return process, found.group(1), header
            except httpx.TransportError:
                pass
    process.kill()
    raise AssertionError("the emulator CLI did not start")


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=20)
    return output


class _Served:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.master_token = "emulator-master-token"


def test_cli_with_db_restarted_midway_keeps_state(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    process, base_url, header = _start_cli(db)
    try:
        api = Api(_Served(base_url))  # type: ignore[arg-type]
        seeded = _seed(api)
        api.close()
    finally:
        output = _stop(process)
    assert "emulator-master-token" not in header  # the banner never prints the token
    assert f"GraphQL      {base_url}/graphql" in header
    assert "Traceback" not in output

    process, base_url, _ = _start_cli(db)
    try:
        api = Api(_Served(base_url))  # type: ignore[arg-type]
        _check(api, *seeded)
        code = api.code(seeded[0])
        dialog = api.http.get(
            "/external/auth/create/tray-ext-emulator", params={"code": code, "serviceId": "x"}
        )
        assert "tray.authPopup.error" in dialog.text
        api.close()
    finally:
        output = _stop(process)
    assert "Traceback" not in output
    assert "GET /external/auth/create/tray-ext-emulator 200" in output  # the access log is on
    # Nothing secret reaches the log: no user token, credential or authorization code.
    assert seeded[1] not in output
    assert "secretkey" not in output
    assert code not in output
