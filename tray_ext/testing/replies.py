"""Connector outputs shaped like the ones Tray publishes, for the operations its examples call.

Most emulated operations echo their input (enough to test a client's plumbing). The operations of
Tray's published callConnector examples answer like Tray's published responses instead, so those
examples replay against the emulator with Tray's response shape (tests/emulator/
test_published_examples.py): Salesforce `find_records` (conditions, fields, limit), Slack
`send_message` and `list_users_and_conversations_ddl`, Google Sheets `get_rows`. The data is a
small fixed sample; the shape, not the content, is what is emulated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

JsonObject = dict[str, Any]
Reply = Callable[[Mapping[str, Any]], JsonObject]

#: Leads of Tray's listAllLeads/listWarmLeads examples (the Rating is the emulator's, so that
#: the warm-leads condition finds Tray's one warm lead).
LEADS: tuple[JsonObject, ...] = (
    {"Id": "00Q8d000005HrKQEA0", "Name": "Mike Braund", "Rating": "Hot"},
    {"Id": "00Q8d000005HrKNEA0", "Name": "Bertha Boxer", "Rating": "Cold"},
    {"Id": "00Q8d000005HrKOEA0", "Name": "Phyllis Cotton", "Rating": "Cold"},
    {"Id": "00Q8d000005HrKPEA0", "Name": "Jeff Glimpse", "Rating": "Hot"},
    {"Id": "00Q8d000005HrKREA0", "Name": "Patricia Feager", "Rating": "Cold"},
    {"Id": "00Q8d000005HrKVEA0", "Name": "Tom James", "Rating": "Cold"},
    {"Id": "00Q8d000005HrKSEA0", "Name": "Brenda Mcclure", "Rating": "Hot"},
    {"Id": "00Q8d000005HrKTEA0", "Name": "Violet Maccleod", "Rating": "Cold"},
    {"Id": "00Q8d000005HrKUEA0", "Name": "Kathy Snyder", "Rating": "Cold"},
    {"Id": "00Q8d000005HrKWEA0", "Name": "Shelly Brownell", "Rating": "Hot"},
    {"Id": "00Q8d000005HrKeEAK", "Name": "Jack Rogers", "Rating": "Warm"},
)
DEFAULT_LIMIT = 10

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "Equal to": lambda have, want: have == want,
    "Not equal to": lambda have, want: have != want,
}


def _matches(record: Mapping[str, Any], conditions: list[Any], match_all: bool) -> bool:
    results = []
    for condition in conditions:
        operator = _OPERATORS.get(str(condition.get("operator")), _OPERATORS["Equal to"])
        results.append(operator(record.get(condition.get("field")), condition.get("value")))
    if not results:
        return True
    return all(results) if match_all else any(results)


def salesforce_find_records(values: Mapping[str, Any]) -> JsonObject:
    """`{total, next_page_offset, records}` with only the asked `fields` of each record."""
    conditions = list(values.get("conditions") or [])
    match_all = values.get("conditions_type", "Match all conditions") != "Match any conditions"
    found = [lead for lead in LEADS if _matches(lead, conditions, match_all)]
    found = found[: int(values.get("limit") or values.get("batch_size") or DEFAULT_LIMIT)]
    fields = list(values.get("fields") or ["Id"])
    records = [{name: lead.get(name) for name in fields} for lead in found]
    return {"total": len(records), "next_page_offset": None, "records": records}


def slack_send_message(values: Mapping[str, Any]) -> JsonObject:
    """Slack's chat.postMessage answer, as in Tray's Slack Send Message example."""
    ts = "1654555157.195399"
    return {
        "ok": True,
        "channel": values.get("channel"),
        "ts": ts,
        "message": {
            "username": "tray-ext emulator",
            "text": values.get("text"),
            "type": "message",
            "ts": ts,
            "app_id": "A0EMULATOR",
            "subtype": "bot_message",
            "bot_id": "B0EMULATOR",
        },
    }


SLACK_USERS_AND_CONVERSATIONS: tuple[tuple[str, str], ...] = (
    ("U0EMULATOR1", "Ada Lovelace"),
    ("U0EMULATOR2", "Grace Hopper"),
    ("C0EMULATOR1", "#general"),
)


def slack_users_and_conversations(_values: Mapping[str, Any]) -> JsonObject:
    """A dropdown list (DDL): `{result: [{value, text}]}`."""
    return {"result": [{"value": v, "text": t} for v, t in SLACK_USERS_AND_CONVERSATIONS]}


WORKSHEET: tuple[tuple[str, ...], ...] = (("value1.1", "value1.2"), ("value2.1", "value2.2"))


def sheets_get_rows(values: Mapping[str, Any]) -> JsonObject:
    """`{results: [{row_number, result: [cells]}]}`, at most `number_of_rows` rows."""
    count = int(values.get("number_of_rows") or 100)
    return {
        "results": [
            {"row_number": number, "result": list(cells)}
            for number, cells in enumerate(WORKSHEET[:count], start=1)
        ]
    }
