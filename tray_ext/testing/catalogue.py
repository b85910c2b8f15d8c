"""The services, environments, connectors and solutions the emulator knows.

Tray's catalogue is fixed per account, so the emulator's is fixed too: seven services modelled on
the seeds (Slack and Salesforce with OAuth scopes, Mailchimp with a custom OAuth app environment
beside "Production", Airtable, Twilio and AWS SQS with token credentials) and on Tray's published
callConnector examples (Google Sheets), their connectors and a few operations each, and one or
more seeded solutions per service. The operations of Tray's published callConnector examples
answer in the shape of Tray's published responses (see replies.py).

Every id is a uuid5 of a readable name, so data files, docs and tests can refer to them and they
never change between runs. The schemas deliberately mix JSON Schema drafts (draft-03
``required: true`` beside draft-04 ``required`` lists, Tray's own ``$schema`` for operation
inputs) because Tray's do.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import replies

#: Namespace of every fixed id in the catalogue.
CATALOGUE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tray-ext.invalid/emulator")

JsonObject = dict[str, Any]


def fixed_id(kind: str, *names: str) -> str:
    """The deterministic id of a catalogue entry, e.g. ``fixed_id("service", "slack")``."""
    return str(uuid.uuid5(CATALOGUE_NAMESPACE, ":".join((kind, *names))))


@dataclass(frozen=True)
class Scope:
    """An OAuth scope an environment offers (``children`` only appears in Salesforce's)."""

    scope: str
    description: str
    children: tuple[str, ...] = ()

    def to_json(self) -> JsonObject:
        data: JsonObject = {"scope": self.scope, "description": self.description}
        if self.children:
            data["children"] = list(self.children)
        return data


@dataclass(frozen=True)
class Environment:
    """A service environment: Tray's default "Production" or a custom OAuth app's."""

    id: str
    service_id: str
    title: str
    authentication_type: str
    user_data_schema: Mapping[str, Any]
    credentials_schema: Mapping[str, Any]
    scopes: tuple[Scope, ...] = ()

    @property
    def is_oauth(self) -> bool:
        """Whether the auth-only dialog shows a consent step instead of asking for secrets."""
        return self.authentication_type.startswith("oauth")

    @property
    def scope_names(self) -> frozenset[str]:
        return frozenset(scope.scope for scope in self.scopes)


@dataclass(frozen=True)
class Operation:
    """A connector operation; ``requires_auth`` operations fail without an authId."""

    name: str
    title: str
    description: str
    input_schema: Mapping[str, Any]
    output_schema: Mapping[str, Any]
    auth_scopes: tuple[str, ...] = ()
    has_dynamic_output: bool = False
    requires_auth: bool = True
    #: The output for an input, shaped like Tray's published response; None echoes the input.
    reply: replies.Reply | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Connector:
    """One version of a connector (a decimal string such as ``"9.1"``) and its service."""

    name: str
    version: str
    title: str
    description: str
    service_id: str
    operations: tuple[Operation, ...]

    def operation(self, name: str) -> Operation | None:
        return next((op for op in self.operations if op.name == name), None)


@dataclass(frozen=True)
class Service:
    """A third-party service as Tray models it (integer version, unlike connectors)."""

    id: str
    name: str
    version: int
    title: str
    icon: str
    environments: tuple[Environment, ...]


@dataclass(frozen=True)
class AuthSlotSeed:
    """A solution's auth slot; the emulator also remembers which service it expects."""

    external_id: str
    title: str
    service_id: str


@dataclass(frozen=True)
class ConfigSlotSeed:
    """A solution's config slot with its default value (any JSON value)."""

    external_id: str
    title: str
    default_value: Any


@dataclass(frozen=True)
class SolutionSeed:
    """A solution the emulator starts with."""

    id: str
    title: str
    description: str
    tags: tuple[str, ...]
    auth_slots: tuple[AuthSlotSeed, ...]
    config_slots: tuple[ConfigSlotSeed, ...]
    workflows: tuple[str, ...]
    custom_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Lookups over services, environments and connectors."""

    services: tuple[Service, ...]
    connectors: tuple[Connector, ...]
    solutions: tuple[SolutionSeed, ...]
    _environments: dict[str, Environment] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        environments = {env.id: env for service in self.services for env in service.environments}
        object.__setattr__(self, "_environments", environments)

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def service_by_name(self, name: str, version: int) -> Service | None:
        return next((s for s in self.services if s.name == name and s.version == version), None)

    def environment(self, environment_id: str) -> Environment | None:
        return self._environments.get(environment_id)

    def environments(self) -> Iterator[Environment]:
        return iter(self._environments.values())

    def service_of(self, environment: Environment) -> Service:
        service = self.service(environment.service_id)
        assert service is not None, "catalogue environments always belong to a service"
        return service

    def production(self, service_id: str) -> Environment | None:
        service = self.service(service_id)
        if service is None:
            return None
        return next((e for e in service.environments if e.title == "Production"), None)

    def connector(self, name: str, version: str) -> Connector | None:
        return next((c for c in self.connectors if c.name == name and c.version == version), None)


# ---------------------------------------------------------------------------------------------
# Schemas

_DRAFT_03 = "http://json-schema.org/draft-03/schema#"
_DRAFT_04 = "http://json-schema.org/draft-04/schema#"
#: Tray's own marker on connector input schemas: not a JSON Schema draft, so validators treat
#: such schemas as unversioned (draft-04, with draft-03 ``required: true`` translated).
_TRAY_INPUT_SCHEMA = "https://api.tray.io/core/v1/connectors/operations/input-schema#"

_AWS_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
]


def _oauth_credentials(*extra: tuple[str, JsonObject]) -> JsonObject:
    properties: JsonObject = {
        "access_token": {"type": "string", "format": "password", "title": "Access token"},
        "refresh_token": {"type": "string", "format": "password", "title": "Refresh token"},
        "expires_in": {"type": "integer", "title": "Expires in (seconds)"},
        "token_type": {"type": "string", "title": "Token type"},
    }
    properties.update(dict(extra))
    return {
        "$schema": _DRAFT_04,
        "type": "object",
        "properties": properties,
        "required": ["access_token"],
        "advanced": [],
    }


def _echo_output(*properties: str) -> JsonObject:
    return {
        "type": "object",
        "properties": {
            "echo": {"type": "object", "description": "The input, as received."},
            "operation": {"type": "string"},
            **{name: {"type": "string"} for name in properties},
        },
    }


def _input(properties: JsonObject, required: list[str] | None = None) -> JsonObject:
    schema: JsonObject = {
        "$schema": _TRAY_INPUT_SCHEMA,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "advanced": [],
    }
    if required:
        schema["required"] = required
    return schema


def _op(
    name: str,
    title: str,
    description: str,
    input_schema: JsonObject,
    scopes: tuple[str, ...] = (),
    reply: replies.Reply | None = None,
) -> Operation:
    return Operation(
        name=name,
        title=title,
        description=description,
        input_schema=input_schema,
        output_schema={"type": "object"}
        if reply
        else _echo_output("connector", "version", "authId"),
        auth_scopes=scopes,
        reply=reply,
    )


# ---------------------------------------------------------------------------------------------
# Services

SLACK_ID = fixed_id("service", "slack")
SALESFORCE_ID = fixed_id("service", "salesforce")
MAILCHIMP_ID = fixed_id("service", "mailchimp")
AIRTABLE_ID = fixed_id("service", "airtable")
TWILIO_ID = fixed_id("service", "twilio")
SQS_ID = fixed_id("service", "sqs")
SHEETS_ID = fixed_id("service", "sheets")

SLACK_PRODUCTION_ID = fixed_id("environment", "slack", "Production")
SALESFORCE_PRODUCTION_ID = fixed_id("environment", "salesforce", "Production")
MAILCHIMP_PRODUCTION_ID = fixed_id("environment", "mailchimp", "Production")
MAILCHIMP_ACME_ID = fixed_id("environment", "mailchimp", "mailchimp acme oauth")
AIRTABLE_PRODUCTION_ID = fixed_id("environment", "airtable", "Production")
TWILIO_PRODUCTION_ID = fixed_id("environment", "twilio", "Production")
SQS_PRODUCTION_ID = fixed_id("environment", "sqs", "Production")
SHEETS_PRODUCTION_ID = fixed_id("environment", "sheets", "Production")

_ICON = "https://s3.amazonaws.com/images.tray.io/artisan/icons/{}.png"

_SLACK_SCOPES = (
    Scope("calls:read", "Allow apps to access information about ongoing and past Calls"),
    Scope("channels:history", "Access user’s public channels"),
    Scope("channels:read", "Access information about user’s public channels"),
    Scope("channels:write", "Modify your public channels"),
    Scope("chat:write:bot", "Send messages as tray.io"),
    Scope("chat:write:user", "Send messages as user"),
    Scope("users:read", "Access your workspace’s profile information"),
)

_SALESFORCE_SCOPES = (
    Scope(
        "full",
        "Allows access to all data accessible by the logged-in user, and encompasses all other "
        "scopes (except refresh token).",
        ("id",),
    ),
    Scope(
        "refresh_token",
        "Allows a refresh token to be returned, allowing for offline access.",
        ("id",),
    ),
    Scope(
        "api",
        "Allows access to the current, logged-in user's account using APIs, such as REST API and "
        "Bulk API. This value also includes chatter_api, which allows access to Chatter REST API "
        "resources.",
        ("chatter_api",),
    ),
    Scope("chatter_api", "Allows access to Chatter REST API resources only."),
    Scope("id", "Allows access to the identity URL service."),
    Scope("openid", "Allows access to the logged-in user's unique identifier for OpenID apps."),
    Scope("web", "Allows use of the access token on the web."),
)

SERVICES: tuple[Service, ...] = (
    Service(
        id=SLACK_ID,
        name="slack",
        version=4,
        title="Slack",
        icon=_ICON.format("slack"),
        environments=(
            Environment(
                id=SLACK_PRODUCTION_ID,
                service_id=SLACK_ID,
                title="Production",
                authentication_type="oauth2",
                # Exactly the seed's userDataSchema (seed 000, List Service Environments).
                user_data_schema={
                    "advanced": [],
                    "additionalProperties": False,
                    "type": "object",
                    "properties": {
                        "signing_secret": {
                            "format": "password",
                            "description": "Used in the slack trigger version 5.0 and later to "
                            "verify slash commands",
                            "type": "string",
                            "title": "Slash command signing secret",
                        }
                    },
                },
                credentials_schema=_oauth_credentials(
                    ("bot_access_token", {"type": "string", "format": "password"}),
                ),
                scopes=_SLACK_SCOPES,
            ),
        ),
    ),
    Service(
        id=SALESFORCE_ID,
        name="salesforce",
        version=2,
        title="Salesforce",
        icon=_ICON.format("salesforce"),
        environments=(
            Environment(
                id=SALESFORCE_PRODUCTION_ID,
                service_id=SALESFORCE_ID,
                title="Production",
                authentication_type="oauth2",
                # Draft-03 on purpose: `required: true` on the property, as older Tray schemas do.
                user_data_schema={
                    "$schema": _DRAFT_03,
                    "type": "object",
                    "properties": {
                        "instance_type": {
                            "type": "string",
                            "title": "Instance type",
                            "enum": ["production", "sandbox"],
                            "default": "production",
                            "required": True,
                        },
                        "custom_domain": {
                            "type": "string",
                            "title": "My Domain (optional)",
                            "required": False,
                        },
                    },
                },
                credentials_schema={
                    "$schema": _DRAFT_03,
                    "type": "object",
                    "properties": {
                        "access_token": {
                            "type": "string",
                            "format": "password",
                            "title": "Access token",
                            "required": True,
                        },
                        "refresh_token": {
                            "type": "string",
                            "format": "password",
                            "title": "Refresh token",
                        },
                        "instance_url": {
                            "type": "string",
                            "title": "Instance URL",
                            "required": True,
                        },
                    },
                },
                scopes=_SALESFORCE_SCOPES,
            ),
        ),
    ),
    Service(
        id=MAILCHIMP_ID,
        name="mailchimp",
        version=3,
        title="Mailchimp",
        icon=_ICON.format("mailchimp"),
        environments=tuple(
            Environment(
                id=env_id,
                service_id=MAILCHIMP_ID,
                title=title,
                authentication_type="oauth2",
                user_data_schema={},
                # The credentials of seed 004's Mailchimp import: access_token, dc, expires_in.
                credentials_schema={
                    "$schema": _DRAFT_04,
                    "type": "object",
                    "properties": {
                        "access_token": {
                            "type": "string",
                            "format": "password",
                            "title": "Access token",
                        },
                        "dc": {
                            "type": "string",
                            "title": "Data center",
                            "pattern": "^[a-z]+[0-9]+$",
                        },
                        "expires_in": {"type": "integer", "title": "Expires in (seconds)"},
                    },
                    "required": ["access_token", "dc"],
                },
                scopes=(),
            )
            for env_id, title in (
                (MAILCHIMP_PRODUCTION_ID, "Production"),
                (MAILCHIMP_ACME_ID, "mailchimp acme oauth"),
            )
        ),
    ),
    Service(
        id=AIRTABLE_ID,
        name="airtable",
        version=2,
        title="Airtable",
        icon=_ICON.format("airtable"),
        environments=(
            Environment(
                id=AIRTABLE_PRODUCTION_ID,
                service_id=AIRTABLE_ID,
                title="Production",
                authentication_type="token",
                user_data_schema={"type": "object", "properties": {}},
                credentials_schema={
                    "$schema": _DRAFT_04,
                    "type": "object",
                    "properties": {
                        "api_key": {
                            "type": "string",
                            "format": "password",
                            "title": "API key or personal access token",
                            "minLength": 1,
                        }
                    },
                    "required": ["api_key"],
                },
            ),
        ),
    ),
    Service(
        id=TWILIO_ID,
        name="twilio",
        version=1,
        title="Twilio",
        icon=_ICON.format("twilio"),
        environments=(
            Environment(
                id=TWILIO_PRODUCTION_ID,
                service_id=TWILIO_ID,
                title="Production",
                authentication_type="token",
                user_data_schema={},
                # Draft-03 style without a `$schema`: `required: true` must still be honoured.
                credentials_schema={
                    "type": "object",
                    "properties": {
                        "account_sid": {
                            "type": "string",
                            "title": "Account SID",
                            "description": "Starts with AC; find it in the Twilio console.",
                            "required": True,
                        },
                        "auth_token": {
                            "type": "string",
                            "format": "password",
                            "title": "Auth token",
                            "required": True,
                        },
                    },
                },
            ),
        ),
    ),
    Service(
        id=SQS_ID,
        name="sqs",
        version=2,
        title="AWS SQS",
        icon=_ICON.format("sqs"),
        environments=(
            Environment(
                id=SQS_PRODUCTION_ID,
                service_id=SQS_ID,
                title="Production",
                authentication_type="token",
                user_data_schema={},
                # The four keys of seed 002's createUserAuthentication example.
                credentials_schema={
                    "$schema": _DRAFT_04,
                    "type": "object",
                    "properties": {
                        "region": {"type": "string", "title": "Region", "enum": _AWS_REGIONS},
                        "account_id": {"type": "string", "title": "Account ID"},
                        "access_key": {"type": "string", "title": "Access key ID"},
                        "secret_key": {
                            "type": "string",
                            "format": "password",
                            "title": "Secret access key",
                        },
                    },
                    "required": ["region", "account_id", "access_key", "secret_key"],
                    "additionalProperties": False,
                },
            ),
        ),
    ),
    Service(
        id=SHEETS_ID,
        name="sheets",
        version=1,
        title="Google Sheets",
        icon=_ICON.format("sheets"),
        environments=(
            Environment(
                id=SHEETS_PRODUCTION_ID,
                service_id=SHEETS_ID,
                title="Production",
                authentication_type="oauth2",
                user_data_schema={},
                credentials_schema=_oauth_credentials(),
                scopes=(
                    Scope(
                        "https://www.googleapis.com/auth/spreadsheets",
                        "See, edit, create and delete your spreadsheets in Google Drive",
                    ),
                ),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Connectors

_SLACK_OPERATIONS = (
    _op(
        "send_message",
        "Send message",
        "Post a message to a channel.",
        _input(
            {
                "channel": {"type": "string", "title": "Channel"},
                "text": {"type": "string", "title": "Message"},
            },
            ["channel", "text"],
        ),
        ("chat:write:bot",),
        replies.slack_send_message,
    ),
    # The DDL of Tray's published "Slack List Users DDL" example (P-SPEC call-connector).
    _op(
        "list_users_and_conversations_ddl",
        "List users and conversations (DDL)",
        "Users and channels for a channel dropdown.",
        _input({}),
        ("users:read", "channels:read"),
        replies.slack_users_and_conversations,
    ),
    _op(
        "list_channels",
        "List channels",
        "List the workspace's public channels.",
        _input({"limit": {"type": "integer", "minimum": 1, "maximum": 1000}}),
        ("channels:read",),
    ),
)

_CONDITION = {
    "type": "object",
    "properties": {
        "field": {"type": "string"},
        "operator": {"type": "string", "enum": ["Equal to", "Not equal to"]},
        "value": {"type": ["string", "number", "boolean"]},
    },
    "required": ["field", "operator"],
    "additionalProperties": False,
}

#: find_records of Tray's published listAllLeads/listWarmLeads examples (connector 8.7).
_SALESFORCE_FIND_RECORDS = _op(
    "find_records",
    "Find records",
    "Find records of an object type, optionally matching conditions.",
    _input(
        {
            "object": {"type": "string", "title": "Object type"},
            "fields": {"type": "array", "items": {"type": "string"}},
            "conditions_type": {
                "type": "string",
                "enum": ["Match all conditions", "Match any conditions"],
            },
            "conditions": {"type": "array", "items": _CONDITION},
            "limit": {"type": "integer", "minimum": 1},
            "batch_size": {"type": "integer", "minimum": 1},
            "page_offset": {"type": "string"},
        },
        ["object"],
    ),
    ("api",),
    replies.salesforce_find_records,
)

CONNECTORS: tuple[Connector, ...] = (
    Connector("slack", "9.0", "Slack", "Team communication", SLACK_ID, _SLACK_OPERATIONS),
    Connector("slack", "9.1", "Slack", "Team communication", SLACK_ID, _SLACK_OPERATIONS),
    Connector(
        "salesforce",
        "8.6",
        "Salesforce",
        "CRM",
        SALESFORCE_ID,
        (
            _op(
                "find_records",
                "Find records",
                "Find records of an object type.",
                _input(
                    {
                        "object": {"type": "string", "title": "Object type"},
                        "limit": {"type": "integer", "minimum": 1},
                    },
                    ["object"],
                ),
                ("api",),
            ),
            _op(
                "create_record",
                "Create record",
                "Create a record.",
                _input(
                    {"object": {"type": "string"}, "fields": {"type": "object"}},
                    ["object", "fields"],
                ),
                ("api",),
            ),
        ),
    ),
    Connector("salesforce", "8.7", "Salesforce", "CRM", SALESFORCE_ID, (_SALESFORCE_FIND_RECORDS,)),
    # CHOICE: Tray's "Google Sheets Get Rows" example names no connector or version; the emulator
    # calls it `sheets` 8.1 (service `sheets` v1). Input schema as Tray's Get Rows operation.
    Connector(
        "sheets",
        "8.1",
        "Google Sheets",
        "Spreadsheets",
        SHEETS_ID,
        (
            _op(
                "get_rows",
                "Get Rows",
                "Get data from a worksheet of a spreadsheet.",
                _input(
                    {
                        "spreadsheet_id": {"type": "string", "title": "Spreadsheet ID"},
                        "worksheet_name": {"type": "string", "title": "Worksheet name"},
                        "number_of_rows": {"type": "integer", "default": 100},
                        "format_response": {"type": "boolean"},
                        "filter": {"type": "object"},
                    },
                    ["spreadsheet_id", "worksheet_name", "number_of_rows"],
                ),
                (),
                replies.sheets_get_rows,
            ),
        ),
    ),
    Connector(
        "mailchimp",
        "5.2",
        "Mailchimp",
        "Email marketing",
        MAILCHIMP_ID,
        (
            _op("list_audiences", "List audiences", "List the account's audiences.", _input({})),
            _op(
                "add_member",
                "Add member",
                "Add a member to an audience.",
                _input(
                    {"list_id": {"type": "string"}, "email_address": {"type": "string"}},
                    ["list_id", "email_address"],
                ),
            ),
        ),
    ),
    Connector(
        "airtable",
        "3.1",
        "Airtable",
        "Spreadsheet-database",
        AIRTABLE_ID,
        (
            _op(
                "list_records",
                "List records",
                "List a table's records.",
                _input(
                    {"base_id": {"type": "string"}, "table": {"type": "string"}},
                    ["base_id", "table"],
                ),
            ),
            _op(
                "create_record",
                "Create record",
                "Create a record in a table.",
                _input(
                    {
                        "base_id": {"type": "string"},
                        "table": {"type": "string"},
                        "fields": {"type": "object"},
                    },
                    ["base_id", "table", "fields"],
                ),
            ),
        ),
    ),
    Connector(
        "twilio",
        "2.1",
        "Twilio",
        "SMS and voice",
        TWILIO_ID,
        (
            _op(
                "send_sms",
                "Send SMS",
                "Send a text message.",
                _input(
                    {
                        "to": {"type": "string"},
                        "from": {"type": "string"},
                        "body": {"type": "string"},
                    },
                    ["to", "from", "body"],
                ),
            ),
            _op(
                "list_messages",
                "List messages",
                "List sent messages.",
                _input({"page_size": {"type": "integer", "minimum": 1}}),
            ),
        ),
    ),
    Connector(
        "sqs",
        "2.3",
        "AWS SQS",
        "Message queues",
        SQS_ID,
        (
            _op(
                "send_message",
                "Send message",
                "Send a message to a queue.",
                _input(
                    {"queue_url": {"type": "string"}, "message_body": {"type": "string"}},
                    ["queue_url", "message_body"],
                ),
            ),
            _op(
                "receive_messages",
                "Receive messages",
                "Receive messages from a queue.",
                _input(
                    {
                        "queue_url": {"type": "string"},
                        "max_messages": {"type": "integer", "minimum": 1, "maximum": 10},
                    },
                    ["queue_url"],
                ),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Solutions


def _solution(
    key: str,
    title: str,
    description: str,
    tags: tuple[str, ...],
    auth_slots: tuple[tuple[str, str, str], ...],
    config_slots: tuple[tuple[str, str, Any], ...],
    workflows: tuple[str, ...],
) -> SolutionSeed:
    return SolutionSeed(
        id=fixed_id("solution", key),
        title=title,
        description=description,
        tags=tags,
        auth_slots=tuple(AuthSlotSeed(ext, slot_title, svc) for ext, slot_title, svc in auth_slots),
        config_slots=tuple(
            ConfigSlotSeed(ext, slot_title, value) for ext, slot_title, value in config_slots
        ),
        workflows=workflows,
        custom_fields=(("category", tags[0]),),
    )


SOLUTIONS: tuple[SolutionSeed, ...] = (
    _solution(
        "slack-notifications",
        "Slack notifications",
        "Post product events to a Slack channel.",
        ("messaging", "slack"),
        (("external_slack_authentication", "Slack account", SLACK_ID),),
        (
            ("external_channel", "Channel", "#general"),
            ("external_mention_here", "Mention @here", False),
        ),
        ("Post event to Slack",),
    ),
    _solution(
        "salesforce-lead-sync",
        "Salesforce lead sync",
        "Create Salesforce leads from sign-ups.",
        ("crm", "salesforce"),
        (("external_salesforce_authentication", "Salesforce account", SALESFORCE_ID),),
        (("external_lead_source", "Lead source", "Web"),),
        ("Create lead", "Nightly reconciliation"),
    ),
    _solution(
        "mailchimp-audience-sync",
        "Mailchimp audience sync",
        "Keep a Mailchimp audience in step with your users.",
        ("marketing", "mailchimp"),
        (("external_mailchimp_authentication", "Mailchimp account", MAILCHIMP_ID),),
        (
            ("external_audience_id", "Audience", None),
            ("external_double_opt_in", "Double opt-in", True),
        ),
        ("Sync audience",),
    ),
    _solution(
        "airtable-backup",
        "Airtable backup",
        "Copy records into an Airtable base every night.",
        ("data", "airtable"),
        (("external_airtable_authentication", "Airtable account", AIRTABLE_ID),),
        (("external_base_id", "Base", ""), ("external_tables", "Tables", ["Contacts"])),
        ("Back up records",),
    ),
    _solution(
        "twilio-sms-alerts",
        "Twilio SMS alerts",
        "Text on-call staff when an alert fires.",
        ("messaging", "twilio"),
        (("external_twilio_authentication", "Twilio account", TWILIO_ID),),
        (("external_recipients", "Recipients", []),),
        ("Send alert SMS",),
    ),
    _solution(
        "sqs-event-forwarder",
        "SQS event forwarder",
        "Forward product events to an SQS queue.",
        ("data", "sqs"),
        # The externalId of seed 003's import example.
        (("external_sqs_authentication", "AWS SQS account", SQS_ID),),
        (("external_queue_url", "Queue URL", ""), ("external_batch_size", "Batch size", 10)),
        ("Forward events",),
    ),
    _solution(
        "salesforce-to-slack",
        "Salesforce to Slack",
        "Announce closed deals in Slack.",
        ("crm", "salesforce", "slack"),
        (
            ("external_salesforce_authentication", "Salesforce account", SALESFORCE_ID),
            ("external_slack_authentication", "Slack account", SLACK_ID),
        ),
        (("external_channel", "Channel", "#sales"),),
        ("Announce closed deal",),
    ),
)

SOLUTION_IDS: dict[str, str] = {seed.title: seed.id for seed in SOLUTIONS}

#: Seeded workflows that run on a schedule: Tray gives them no triggerUrl (null, as in its
#: get-solution-instances example); every other workflow is webhook-triggered and gets one.
SCHEDULED_WORKFLOWS = frozenset({"Nightly reconciliation", "Sync audience", "Back up records"})


def default_catalogue() -> Catalogue:
    """The catalogue every emulator starts with."""
    return Catalogue(services=SERVICES, connectors=CONNECTORS, solutions=SOLUTIONS)
