"""Every error the emulator sends on Tray's hosts has Tray's JSON shape, whatever the path holds.

Issue #13: a path parameter holding `%0A` got a non-JSON answer. Starlette anchors routes with
`$`, which also matches before a final line break (so `/core/v1/connectors%0A` was served as the
connector list), openapi-core then could not place the path (a contract violation turned into a
500), and `/core/v1/authentications//` was redirected with an empty body. Here odd values go into
every path parameter and after every path, with every method, over a real socket.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx

from tray_ext.testing import ServedEmulator

TEMPLATES = [
    "/core/v1/connectors",
    "/core/v1/connectors/{p}/versions/{p}/operations",
    "/core/v1/connectors/{p}/versions/{p}/call",
    "/core/v1/authentications",
    "/core/v1/authentications/{p}",
    "/core/v1/authentications/{p}/full",
    "/core/v1/services/{p}/versions/{p}/environments",
    "/graphql",
]
# Percent-encoded as a client sends them: line breaks, NUL, a slash, a dot segment, a space.
ODD = ["%0A", "x%0A", "%0Ax", "497f6eca-6276-4993-bfeb-53cbbbba6f08%0A", "%0D", "%00", "%2F", ".."]
SUFFIXES = ["", "%0A", "/"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def _paths() -> Iterator[str]:
    for template, suffix in itertools.product(TEMPLATES, SUFFIXES):
        values = ODD if "{p}" in template else [""]
        for value in values:
            path = template.replace("{p}", value) + suffix
            if path != template:
                yield path


def test_every_error_is_trays_json_shape(served: ServedEmulator) -> None:
    headers = {"Authorization": f"Bearer {served.master_token}"}
    seen = 0
    with httpx.Client(base_url=served.base_url, headers=headers) as client:
        for path, method in itertools.product(_paths(), METHODS):
            body = {} if method in ("POST", "PUT", "PATCH") else None
            response = client.request(method, path, json=body)
            seen += 1
            where = f"{method} {path} -> {response.status_code}"
            assert response.status_code >= 400 or path.startswith("/graphql"), where
            if path.startswith("/graphql") and response.status_code == 200:
                assert "errors" in response.json(), where
                continue
            assert response.headers["content-type"].startswith("application/json"), where
            parsed = json.loads(response.content)
            assert isinstance(parsed, dict), where
            assert isinstance(parsed.get("message"), str), where
            assert response.status_code != 500, where
    assert seen > 500


def test_a_line_break_after_a_path_is_not_that_path(served: ServedEmulator) -> None:
    headers = {"Authorization": f"Bearer {served.master_token}"}
    with httpx.Client(base_url=served.base_url, headers=headers) as client:
        assert client.get("/core/v1/connectors").status_code == 200
        response = client.get("/core/v1/connectors%0A")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
