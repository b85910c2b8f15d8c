#!/usr/bin/env python3
"""Generate examples/auths.csv: the demo's import file (deterministic, fake credentials only).

    python examples/make_auths_csv.py            # rewrites examples/auths.csv
    python examples/make_auths_csv.py --check    # fails if the committed file is stale

300 rows for 100 fictional end users across the emulator's six services (Slack, Salesforce,
Mailchimp with two environments, Airtable, Twilio, AWS SQS), created through both APIs (REST and
GraphQL), about a fifth of them wiring a solution instance, a few taking a secret by reference
(`file:secrets/...`), and five deliberately bad rows (one of each kind the plan catches). Every
credential value starts with `FAKE-` and is not a real secret.

The service names, versions, environment titles, solution ids and auth slot externalIds are the
emulator's (tray_ext/testing/catalogue.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "auths.csv"
SEED = 20240601
USERS = 100
GOOD_ROWS = 295

COLUMNS = [
    "external_user_id",
    "user_name",
    "service",
    "service_version",
    "connector",
    "connector_version",
    "environment",
    "auth_name",
    "api",
    "scopes",
    "credentials.access_token",
    "credentials.refresh_token",
    "credentials.expires_in",
    "credentials.instance_url",
    "credentials.dc",
    "credentials.api_key",
    "credentials.account_sid",
    "credentials.auth_token",
    "credentials.region",
    "credentials.account_id",
    "credentials.access_key",
    "credentials.secret_key",
    "user_data.instance_type",
    "solution_id",
    "auth_slot",
    "instance_name",
    "config.external_channel",
    "config.external_batch_size",
    "config.external_lead_source",
]


def solution_ids() -> dict[str, str]:
    """The emulator's solution ids (uuid5 of fixed names, see its catalogue)."""
    from tray_ext.testing.catalogue import fixed_id

    return {
        key: fixed_id("solution", key)
        for key in ("slack-notifications", "salesforce-lead-sync", "sqs-event-forwarder")
    }


def fake(rng: random.Random, prefix: str, n: int = 24) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return f"FAKE-{prefix}-" + "".join(rng.choice(alphabet) for _ in range(n))


def service_row(rng: random.Random, service: str, user: int, sol: dict[str, str]) -> dict[str, Any]:
    """One valid row for `service` and user number `user`."""
    ext = f"user-{user:03d}"
    row: dict[str, Any] = {"external_user_id": ext}
    label = service
    if service == "slack":
        row.update(service="slack", service_version="4")
        row["scopes"] = " ".join(
            rng.sample(["channels:read", "chat:write:bot", "users:read", "channels:history"], 2)
        )
        row["credentials.access_token"] = fake(rng, "xoxp")
        row["credentials.expires_in"] = str(rng.choice([3600, 43200]))
        if rng.random() < 0.35:
            row.update(
                solution_id=sol["slack-notifications"],
                auth_slot="external_slack_authentication",
                instance_name=f"{ext} slack alerts",
                **{"config.external_channel": rng.choice(["#alerts", "#general", "#ops"])},
            )
    elif service == "salesforce":
        row.update(connector="salesforce", connector_version="8.6")
        row["scopes"] = "api refresh_token"
        row["credentials.access_token"] = fake(rng, "00D")
        row["credentials.refresh_token"] = fake(rng, "5Aep")
        row["credentials.instance_url"] = f"https://example-{user:03d}.my.salesforce.invalid"
        row["user_data.instance_type"] = rng.choice(["production", "sandbox"])
        if rng.random() < 0.3:
            row.update(
                solution_id=sol["salesforce-lead-sync"],
                auth_slot="external_salesforce_authentication",
                instance_name=f"{ext} lead sync",
                **{"config.external_lead_source": "Partner"},
            )
    elif service == "mailchimp":
        row.update(service="mailchimp", service_version="3")
        if rng.random() < 0.3:
            row["environment"] = "mailchimp acme oauth"
            label = "mailchimp-acme"
        row["credentials.access_token"] = fake(rng, "mc")
        row["credentials.dc"] = rng.choice(["us21", "us14", "eu2"])
        row["credentials.expires_in"] = "3600"
    elif service == "airtable":
        row.update(connector="airtable", connector_version="3.1")
        row["credentials.api_key"] = fake(rng, "pat")
    elif service == "twilio":
        row.update(service="twilio", service_version="1")
        row["credentials.account_sid"] = "AC" + fake(rng, "sid", 16)
        row["credentials.auth_token"] = fake(rng, "twl")
    elif service == "sqs":
        row.update(service="sqs", service_version="2")
        row["credentials.region"] = rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"])
        row["credentials.account_id"] = f"{rng.randrange(10**11, 10**12)}"
        row["credentials.access_key"] = "AKIA" + fake(rng, "key", 12).upper()
        row["credentials.secret_key"] = fake(rng, "sqs", 30)
        if rng.random() < 0.35:
            row.update(
                solution_id=sol["sqs-event-forwarder"],
                auth_slot="external_sqs_authentication",
                instance_name=f"{ext} event forwarder",
                **{"config.external_batch_size": str(rng.choice([5, 10]))},
            )
    row["auth_name"] = f"{ext} {label}"
    row["api"] = "graphql" if rng.random() < 0.3 else "rest"
    return row


def build_rows() -> list[dict[str, Any]]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible fake data, not secrets
    sol = solution_ids()
    services = ["slack", "salesforce", "mailchimp", "airtable", "twilio", "sqs"]
    rows: list[dict[str, Any]] = []
    # Each user gets a few distinct services; the first row of a user names them.
    per_user = {user: rng.sample(services, rng.randint(2, 4)) for user in range(1, USERS + 1)}
    pairs = [(user, service) for user, chosen in per_user.items() for service in chosen]
    rng.shuffle(pairs)
    pairs = pairs[:GOOD_ROWS]
    named: set[int] = set()
    for user, service in pairs:
        row = service_row(rng, service, user, sol)
        if user not in named or rng.random() < 0.5:
            row["user_name"] = f"Example User {user:03d}"
            named.add(user)
        rows.append(row)
    # Two Airtable keys by reference: the file holds a path, not the key.
    refs = [r for r in rows if r.get("credentials.api_key")][:2]
    for index, row in enumerate(refs, start=1):
        row["credentials.api_key"] = f"file:secrets/airtable-key-{index}.txt"

    bad = [
        # 1. unknown service
        {
            **service_row(rng, "twilio", 7, sol),
            "service": "dropbox",
            "auth_name": "user-007 dropbox",
        },
        # 2. unknown environment title
        {
            **service_row(rng, "slack", 12, sol),
            "environment": "Staging",
            "auth_name": "user-012 slack staging",
            "solution_id": "",
            "auth_slot": "",
            "instance_name": "",
            "config.external_channel": "",
        },
        # 3. schema violation: an AWS region that does not exist
        {
            **service_row(rng, "sqs", 23, sol),
            "auth_name": "user-023 sqs moon",
            "credentials.region": "moon-north-1",
            "solution_id": "",
            "auth_slot": "",
            "instance_name": "",
            "config.external_batch_size": "",
        },
        # 4. missing required credential: Twilio without its auth token
        {
            **service_row(rng, "twilio", 34, sol),
            "auth_name": "user-034 twilio no token",
            "credentials.auth_token": "",
        },
        # 5. duplicate: the same user, auth name and environment as an earlier row
        dict(rows[10]),
    ]
    for index, row in zip((40, 110, 170, 230, 280), bad, strict=True):
        row.setdefault("user_name", f"Example User {row['external_user_id'][-3:]}")
        rows.insert(index, row)
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return buffer.getvalue()


SECRETS = {
    "secrets/airtable-key-1.txt": "FAKE-pat-by-reference-0001-not-a-real-key\n",
    "secrets/airtable-key-2.txt": "FAKE-pat-by-reference-0002-not-a-real-key\n",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    args = parser.parse_args()
    wanted = {OUTPUT: render(build_rows())}
    wanted.update({HERE / name: text for name, text in SECRETS.items()})
    stale = [p for p, text in wanted.items() if not p.is_file() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(HERE.parent)}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {OUTPUT.relative_to(HERE.parent)} ({text_rows(wanted[OUTPUT])} rows)")
    return 0


def text_rows(text: str) -> int:
    return text.count("\n") - 1


if __name__ == "__main__":
    sys.exit(main())
