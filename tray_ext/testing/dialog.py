"""The auth-only dialog: the popup in which an end user creates or edits an auth.

URLs (Tray's, on the emulator's host):

* ``/external/auth/create/{embeddedId}?code=&serviceId=&serviceEnvironmentId=&scopes[]=``
* ``/external/auth/create/{embeddedId}/{solutionInstanceId}/{externalAuthId}?code=``
* ``/external/auth/edit/{embeddedId}/{authId}?code=``

Opening a URL redeems its authorization code (single use, 5 minutes, tied to the user it was
generated for), so a reload fails like Tray's. The page is a plain HTML form generated from the
environment's schemas, with stable ids for browser tests: inputs are named after the schema
properties (``id="field-<name>"``), the auth name is ``tray-auth-name``, the buttons are
``#submit`` and ``#cancel``. An OAuth environment asks for its userData fields (if any), then
shows a consent step listing the requested scopes, and "the provider" issues emulated
credentials.

The final page posts Tray's events to ``window.opener`` with Tray's exact casing:
``tray.authpopup.finish`` ``{authId, authType}``, ``tray.authpopup.close`` and
``tray.authPopup.error`` ``{error}``. Like Tray, it posts with targetOrigin ``"*"`` (the dialog
cannot know the opener's origin); the opener must check ``event.origin`` against the dialog host.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .catalogue import Environment
from .records import Auth
from .schemas import SchemaViolation, translate_draft03_required
from .services import Services, logger
from .state import InvalidCode, Principal, Refusal

#: How long a dialog, once opened, may take to be submitted.
SESSION_TTL = 30 * 60.0

Mode = Literal["create", "edit", "slot"]


@dataclass
class DialogSession:
    """An opened dialog. Its random id travels in a hidden field instead of the used code."""

    id: str
    user_id: str
    environment_id: str
    scopes: tuple[str, ...]
    mode: Mode
    expires_at: float
    auth_id: str | None = None
    instance_id: str | None = None
    slot_external_id: str | None = None
    show_title: bool = True
    pending_name: str | None = None
    pending_user_data: dict[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class FieldSpec:
    """One form input, derived from a schema property."""

    group: Literal["credentials", "userData"]
    key: str
    input_name: str
    title: str
    description: str
    kind: str
    required: bool
    options: tuple[Any, ...] = ()
    default: Any = None

    @property
    def element_id(self) -> str:
        return "field-" + self.input_name.replace(".", "-")


class DialogError(Exception):
    """Ends the dialog with ``tray.authPopup.error``."""


def _fields(
    schema: Any, group: Literal["credentials", "userData"], taken: set[str]
) -> list[FieldSpec]:
    if not isinstance(schema, dict):
        return []
    translated = translate_draft03_required(schema)
    properties = translated.get("properties") or {}
    required = set(translated.get("required") or [])
    specs = []
    for key, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        kind = "text"
        declared = prop.get("type")
        if isinstance(prop.get("enum"), list):
            kind = "select"
        elif prop.get("format") == "password":
            kind = "password"
        elif declared == "integer":
            kind = "integer"
        elif declared == "number":
            kind = "number"
        elif declared == "boolean":
            kind = "checkbox"
        elif declared in ("object", "array"):
            kind = "json"
        input_name = key if key not in taken else f"{group}.{key}"
        taken.add(input_name)
        specs.append(
            FieldSpec(
                group=group,
                key=key,
                input_name=input_name,
                title=str(prop.get("title") or key),
                description=str(prop.get("description") or ""),
                kind=kind,
                required=key in required,
                options=tuple(prop.get("enum") or ()),
                default=prop.get("default"),
            )
        )
    return specs


def _form_fields(environment: Environment) -> list[FieldSpec]:
    taken = {"tray-auth-name", "tray-session", "tray-step", "tray-action"}
    specs: list[FieldSpec] = []
    if not environment.is_oauth:
        specs += _fields(environment.credentials_schema, "credentials", taken)
    specs += _fields(environment.user_data_schema, "userData", taken)
    return specs


def _emulated_credentials(environment: Environment) -> dict[str, Any]:
    """What "the provider" returns after consent: a value for every credentials property."""
    schema = translate_draft03_required(dict(environment.credentials_schema))
    credentials: dict[str, Any] = {}
    for key, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        declared = prop.get("type")
        if isinstance(prop.get("enum"), list) and prop["enum"]:
            credentials[key] = prop["enum"][0]
        elif declared == "integer":
            credentials[key] = 3600 if "expire" in key else 1
        elif declared == "boolean":
            credentials[key] = True
        elif key == "token_type":
            credentials[key] = "Bearer"
        elif key == "dc":
            credentials[key] = "us1"
        elif key.endswith("_url"):
            credentials[key] = f"https://emulated-{environment.service_id[:8]}.example.invalid"
        elif declared in (None, "string"):
            credentials[key] = f"emu_{key}_{secrets.token_hex(12)}"
    return credentials


# ------------------------------------------------------------------------------------ pages

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin-top:1rem;font-weight:600}"
    "input,select,textarea{width:100%;padding:.4rem;box-sizing:border-box}"
    "input[type=checkbox]{width:auto}"
    ".hint{color:#555;font-size:.9rem;margin:.2rem 0 0}"
    ".actions{margin-top:1.5rem;display:flex;gap:1rem}"
    "#errors{color:#a00}"
)


def _script_json(value: Any) -> str:
    """JSON safe to embed in a ``<script>``: no ``</script>``, no HTML-significant characters."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(title: str, body: str, script: str = "") -> HTMLResponse:
    document = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n{body}\n</main>\n"
        + (f"<script>\n{script}\n</script>\n" if script else "")
        + "</body>\n</html>\n"
    )
    # The URL held a code and the page may hold a session id: keep both out of caches/referrers.
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(document, headers=headers)


def _post_to_opener(message: dict[str, Any], close: bool) -> str:
    closing = "\n    window.close();" if close else ""
    return (
        "(function () {\n"
        f"  var message = {_script_json(message)};\n"
        "  if (window.opener) {\n"
        '    window.opener.postMessage(message, "*");'
        f"{closing}\n"
        "  }\n"
        "})();"
    )


def error_page(message: str) -> HTMLResponse:
    body = (
        "<h1>Something went wrong</h1>\n"
        f'<p id="error" role="alert">{html.escape(message)}</p>\n'
        "<p>Close this window and try again from the application.</p>"
    )
    event = {"type": "tray.authPopup.error", "error": message}
    return _page("Authentication error", body, _post_to_opener(event, close=False))


def finish_page(
    auth: Auth, environment: Environment, service_title: str, edited: bool
) -> HTMLResponse:
    auth_type = "oauth" if environment.is_oauth else environment.authentication_type
    verb = "updated" if edited else "created"
    body = (
        f"<h1>{html.escape(service_title)} connected</h1>\n"
        f'<p id="status" role="status" data-auth-id="{html.escape(auth.id)}" '
        f'data-auth-type="{html.escape(auth_type)}">Authentication {verb}. '
        "You can close this window.</p>"
    )
    event = {"type": "tray.authpopup.finish", "authId": auth.id, "authType": auth_type}
    return _page("Authentication " + verb, body, _post_to_opener(event, close=True))


def close_page() -> HTMLResponse:
    body = '<h1>Cancelled</h1>\n<p id="status" role="status">No authentication was saved.</p>'
    return _page("Cancelled", body, _post_to_opener({"type": "tray.authpopup.close"}, close=True))


def _kept_secret(spec: FieldSpec) -> bool:
    """Whether an edit form shows this field empty and keeps its value when left empty."""
    return spec.group == "credentials" or spec.kind == "password"


def _input_html(spec: FieldSpec, value: Any, invalid: bool) -> str:
    attrs = f'id="{spec.element_id}" name="{html.escape(spec.input_name)}"'
    if spec.required:
        attrs += ' required aria-required="true"'
    if invalid:
        attrs += ' aria-invalid="true"'
    if spec.description:
        attrs += f' aria-describedby="{spec.element_id}-hint"'
    shown = "" if value is None else value
    if spec.kind == "select":
        options = "" if spec.required else '<option value=""></option>'
        for option in spec.options:
            selected = " selected" if option == shown else ""
            text = html.escape(str(option))
            options += f'<option value="{text}"{selected}>{text}</option>'
        control = f"<select {attrs}>{options}</select>"
    elif spec.kind == "checkbox":
        checked = " checked" if shown is True else ""
        control = f'<input type="checkbox" {attrs} value="true"{checked}>'
    elif spec.kind == "json":
        text = "" if shown == "" else json.dumps(shown)
        control = f'<textarea {attrs} rows="3">{html.escape(text)}</textarea>'
    else:
        input_type = {"password": "password", "integer": "number", "number": "number"}.get(
            spec.kind, "text"
        )
        step = (
            ' step="1"'
            if spec.kind == "integer"
            else (' step="any"' if spec.kind == "number" else "")
        )
        # Password fields are never filled in: the page must not carry secrets back.
        filled = "" if spec.kind == "password" else html.escape(str(shown))
        autocomplete = ' autocomplete="off"' if spec.kind == "password" else ""
        control = f'<input type="{input_type}" {attrs}{step}{autocomplete} value="{filled}">'
    hint = (
        f'<p class="hint" id="{spec.element_id}-hint">{html.escape(spec.description)}</p>'
        if spec.description
        else ""
    )
    marker = ' <span aria-hidden="true">*</span>' if spec.required else ""
    label = f'<label for="{spec.element_id}">{html.escape(spec.title)}{marker}</label>'
    return f"{label}\n{control}\n{hint}"


class AuthDialog:
    """Routes and flow of the auth-only dialog."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._sessions: dict[str, DialogSession] = {}
        self._lock = threading.Lock()

    def routes(self) -> list[Route]:
        return [
            Route("/external/auth/create/{embedded_id}", self.create, methods=["GET", "POST"]),
            Route(
                "/external/auth/create/{embedded_id}/{instance_id}/{external_auth_id}",
                self.create_for_slot,
                methods=["GET", "POST"],
            ),
            Route(
                "/external/auth/edit/{embedded_id}/{auth_id}", self.edit, methods=["GET", "POST"]
            ),
        ]

    # -------------------------------------------------------------------------- sessions

    def _new_session(self, **values: Any) -> DialogSession:
        session = DialogSession(
            id=secrets.token_urlsafe(24),
            expires_at=self.services.clock.now() + SESSION_TTL,
            **values,
        )
        with self._lock:
            self._sessions[session.id] = session
        return session

    def _session(self, form: Mapping[str, str]) -> DialogSession:
        session_id = form.get("tray-session")
        with self._lock:
            session = self._sessions.get(session_id) if isinstance(session_id, str) else None
        if session is None:
            raise DialogError("This dialog has already been used or does not exist.")
        if self.services.clock.now() >= session.expires_at:
            self._end(session)
            raise DialogError("This dialog has expired. Open it again from the application.")
        return session

    def _end(self, session: DialogSession) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)

    # -------------------------------------------------------------------------- entry points

    def _check_embedded_id(self, request: Request) -> None:
        if request.path_params["embedded_id"] != self.services.embedded_id:
            raise DialogError("Unknown embedded id (partner name) in the dialog URL.")

    async def create(self, request: Request) -> Response:
        return await self._guarded(request, self._open_create)

    async def create_for_slot(self, request: Request) -> Response:
        return await self._guarded(request, self._open_slot)

    async def edit(self, request: Request) -> Response:
        return await self._guarded(request, self._open_edit)

    async def _guarded(self, request: Request, opener: Any) -> Response:
        try:
            self._check_embedded_id(request)
            if request.method == "POST":
                return await self._submit(request)
            return await opener(request)  # type: ignore[no-any-return]
        except DialogError as error:
            logger.info("auth dialog error: %s", error)
            return error_page(str(error))
        except (InvalidCode, Refusal) as error:
            logger.info("auth dialog error: %s", error.message)
            return error_page(error.message)

    def _redeem(self, request: Request) -> str:
        return self.services.state.redeem_authorization_code(request.query_params.get("code"))

    @staticmethod
    def _requested_scopes(request: Request) -> tuple[str, ...]:
        scopes = request.query_params.getlist("scopes[]") + request.query_params.getlist("scopes")
        return tuple(dict.fromkeys(s for s in scopes if s))

    def _check_scopes(self, environment: Environment, scopes: tuple[str, ...]) -> None:
        unknown = [s for s in scopes if s not in environment.scope_names]
        if unknown:
            raise DialogError(
                "Requested scopes are not offered by this service environment: "
                + ", ".join(unknown)
            )

    async def _open_create(self, request: Request) -> Response:
        user_id = self._redeem(request)
        catalogue = self.services.state.catalogue
        service_id = request.query_params.get("serviceId")
        environment_id = request.query_params.get("serviceEnvironmentId")
        if environment_id:
            environment = catalogue.environment(environment_id)
            if environment is None:
                raise DialogError("Unknown serviceEnvironmentId.")
            if service_id and environment.service_id != service_id:
                raise DialogError("The serviceEnvironmentId does not belong to the serviceId.")
        elif service_id:
            found = catalogue.production(service_id)
            if found is None:
                raise DialogError("Unknown serviceId.")
            environment = found
        else:
            raise DialogError("The dialog URL needs a serviceId and a serviceEnvironmentId.")
        scopes = self._requested_scopes(request)
        self._check_scopes(environment, scopes)
        session = self._new_session(
            user_id=user_id,
            environment_id=environment.id,
            scopes=scopes,
            mode="create",
            show_title=request.query_params.get("skipTitleField") != "true",
        )
        return self._form_page(request, session, {}, [])

    async def _open_slot(self, request: Request) -> Response:
        user_id = self._redeem(request)
        state = self.services.state
        instance = state.get_instance(request.path_params["instance_id"])
        if instance is None or instance.owner != user_id:
            raise DialogError("The solution instance does not exist or belongs to another user.")
        solution = state.require_solution(instance.solution_id)
        external_id = request.path_params["external_auth_id"]
        slot = next((s for s in solution.auth_slots if s.external_id == external_id), None)
        if slot is None or slot.service_id is None:
            raise DialogError(f"The solution has no auth slot '{external_id}'.")
        environment = state.catalogue.production(slot.service_id)
        if environment is None:
            raise DialogError("The auth slot's service has no Production environment.")
        scopes = self._requested_scopes(request)
        self._check_scopes(environment, scopes)
        session = self._new_session(
            user_id=user_id,
            environment_id=environment.id,
            scopes=scopes,
            mode="slot",
            instance_id=instance.id,
            slot_external_id=external_id,
        )
        return self._form_page(request, session, {}, [])

    async def _open_edit(self, request: Request) -> Response:
        user_id = self._redeem(request)
        auth = self.services.state.get_auth(request.path_params["auth_id"])
        if auth is None or auth.owner != user_id:
            raise DialogError("The authentication does not exist or belongs to another user.")
        environment = self.services.state.environment(auth.service_environment_id)
        scopes = tuple(dict.fromkeys(auth.scopes + self._requested_scopes(request)))
        self._check_scopes(environment, scopes)
        session = self._new_session(
            user_id=user_id,
            environment_id=environment.id,
            scopes=scopes,
            mode="edit",
            auth_id=auth.id,
        )
        values: dict[str, Any] = {"tray-auth-name": auth.name}
        for spec in _form_fields(environment):
            # Every credential is a secret, whatever its format; so is a password userData field.
            # The page never carries one back: an empty field keeps the stored value.
            if not _kept_secret(spec) and spec.key in auth.user_data:
                values[spec.input_name] = auth.user_data[spec.key]
        return self._form_page(request, session, values, [])

    # -------------------------------------------------------------------------- pages

    def _service_title(self, environment: Environment) -> str:
        return self.services.state.catalogue.service_of(environment).title

    def _form_page(
        self,
        request: Request,
        session: DialogSession,
        values: dict[str, Any],
        problems: list[tuple[str | None, str]],
    ) -> HTMLResponse:
        environment = self.services.state.environment(session.environment_id)
        service_title = self._service_title(environment)
        specs = _form_fields(environment)
        invalid = {name for name, _ in problems if name}
        parts = [f"<h1>Connect {html.escape(service_title)}</h1>"]
        if session.mode == "edit":
            parts.append("<p>Update the details of this authentication.</p>")
        if problems:
            items = "".join(f"<li>{html.escape(message)}</li>" for _, message in problems)
            parts.append(f'<div id="errors" role="alert"><p>Please fix:</p><ul>{items}</ul></div>')
        fields = []
        name_value = values.get("tray-auth-name") or f"{service_title} authentication"
        if session.show_title:
            fields.append(
                '<label for="tray-auth-name">Authentication name</label>\n'
                f'<input type="text" id="tray-auth-name" name="tray-auth-name" required '
                f'aria-required="true" value="{html.escape(str(name_value))}">'
            )
        else:
            fields.append(
                f'<input type="hidden" id="tray-auth-name" name="tray-auth-name" '
                f'value="{html.escape(str(name_value))}">'
            )
        for spec in specs:
            value = values.get(spec.input_name, spec.default)
            fields.append(_input_html(spec, value, spec.input_name in invalid))
        if session.mode == "edit" and any(_kept_secret(s) for s in specs):
            fields.append(
                '<p class="hint">Leave a credential or secret field empty to keep its current '
                "value.</p>"
            )
        next_label = (
            "Continue" if environment.is_oauth else ("Save" if session.mode == "edit" else "Create")
        )
        parts.append(
            f'<form id="tray-auth-form" method="post" action="{html.escape(request.url.path)}" '
            "novalidate>\n"
            f'<input type="hidden" name="tray-session" value="{html.escape(session.id)}">\n'
            '<input type="hidden" name="tray-step" value="form">\n'
            + "\n".join(fields)
            + '\n<div class="actions">\n'
            '<button type="submit" id="submit" name="tray-action" value="submit">'
            f"{next_label}</button>\n"
            '<button type="submit" id="cancel" name="tray-action" value="cancel" formnovalidate>'
            "Cancel</button>\n</div>\n</form>"
        )
        return _page(f"Connect {service_title}", "\n".join(parts))

    def _consent_page(self, request: Request, session: DialogSession) -> HTMLResponse:
        environment = self.services.state.environment(session.environment_id)
        service_title = self._service_title(environment)
        descriptions = {scope.scope: scope.description for scope in environment.scopes}
        if session.scopes:
            items = "".join(
                f'<li data-scope="{html.escape(s)}"><code>{html.escape(s)}</code> '
                f"{html.escape(descriptions.get(s, ''))}</li>"
                for s in session.scopes
            )
            scope_list = f'<ul id="scopes">{items}</ul>'
        else:
            scope_list = '<ul id="scopes"></ul><p>No additional permissions are requested.</p>'
        body = (
            f"<h1>Allow access to {html.escape(service_title)}?</h1>\n"
            f"<p>The application asks for access to your {html.escape(service_title)} account "
            f"({html.escape(environment.title)}) with these permissions:</p>\n{scope_list}\n"
            '<form id="tray-consent-form" method="post" '
            f'action="{html.escape(request.url.path)}">\n'
            f'<input type="hidden" name="tray-session" value="{html.escape(session.id)}">\n'
            '<input type="hidden" name="tray-step" value="consent">\n'
            '<div class="actions">\n'
            '<button type="submit" id="submit" name="tray-action" value="submit">Allow</button>\n'
            '<button type="submit" id="cancel" name="tray-action" value="cancel">Cancel</button>\n'
            "</div>\n</form>"
        )
        return _page(f"Allow access to {service_title}", body)

    # -------------------------------------------------------------------------- submit

    async def _submit(self, request: Request) -> Response:
        form = await _form(request)
        session = self._session(form)
        if form.get("tray-action") == "cancel":
            self._end(session)
            return close_page()
        environment = self.services.state.environment(session.environment_id)
        step = form.get("tray-step")
        if step == "consent" and environment.is_oauth and session.pending_user_data is not None:
            return self._finish(
                session, environment, session.pending_name or "", session.pending_user_data, None
            )
        name, credentials, user_data, problems = self._read_form(session, environment, form)
        if problems:
            return self._form_page(request, session, dict(form), problems)
        if environment.is_oauth:
            session.pending_name = name
            session.pending_user_data = user_data
            return self._consent_page(request, session)
        return self._finish(session, environment, name, user_data, credentials)

    def _read_form(
        self, session: DialogSession, environment: Environment, form: Mapping[str, str]
    ) -> tuple[str, dict[str, Any], dict[str, Any], list[tuple[str | None, str]]]:
        problems: list[tuple[str | None, str]] = []
        name_value = form.get("tray-auth-name")
        name = name_value.strip() if isinstance(name_value, str) else ""
        if not name:
            problems.append(("tray-auth-name", "Authentication name is required."))
        existing = self.services.state.get_auth(session.auth_id) if session.auth_id else None
        credentials: dict[str, Any] = {}
        user_data: dict[str, Any] = {}
        specs = _form_fields(environment)
        for spec in specs:
            target = credentials if spec.group == "credentials" else user_data
            raw = form.get(spec.input_name)
            text = raw if isinstance(raw, str) else ""
            if spec.kind == "checkbox":
                target[spec.key] = text in ("true", "on")
                continue
            if text == "":
                if _kept_secret(spec) and existing is not None:
                    source = (
                        existing.credentials if spec.group == "credentials" else existing.user_data
                    )
                    if spec.key in source:
                        target[spec.key] = source[spec.key]
                continue
            try:
                if spec.kind == "integer":
                    target[spec.key] = int(text)
                elif spec.kind == "number":
                    target[spec.key] = float(text)
                elif spec.kind == "json":
                    target[spec.key] = json.loads(text)
                else:
                    target[spec.key] = text
            except ValueError:
                expected = {"integer": "a whole number", "number": "a number"}.get(
                    spec.kind, "JSON"
                )
                problems.append((spec.input_name, f"{spec.title} must be {expected}."))
        if environment.is_oauth:
            schema_problems = self.services.state.checker.check(
                environment.user_data_schema, user_data, "#/userData"
            )
        else:
            schema_problems = self.services.state.checker.check(
                environment.credentials_schema, credentials, "#/credentials"
            ) + self.services.state.checker.check(
                environment.user_data_schema, user_data, "#/userData"
            )
        problems.extend(_field_problems(schema_problems, specs))
        return name, credentials, user_data, problems

    def _finish(
        self,
        session: DialogSession,
        environment: Environment,
        name: str,
        user_data: dict[str, Any],
        credentials: dict[str, Any] | None,
    ) -> Response:
        state = self.services.state
        if credentials is None:
            credentials = _emulated_credentials(environment)
        principal = Principal(user_id=session.user_id, token_key="dialog")  # noqa: S106
        try:
            if session.mode == "edit" and session.auth_id is not None:
                auth = state.replace_auth(
                    principal,
                    session.auth_id,
                    name=name,
                    credentials=credentials,
                    user_data=user_data,
                    scopes=session.scopes,
                    on_prem_agent_group_id=None,
                )
            else:
                auth = state.add_auth(
                    owner=session.user_id,
                    service_environment_id=environment.id,
                    name=name,
                    credentials=credentials,
                    user_data=user_data,
                    scopes=session.scopes,
                )
                if session.mode == "slot" and session.instance_id and session.slot_external_id:
                    state.update_instance(
                        principal,
                        session.instance_id,
                        auth_values=[(session.slot_external_id, auth.id)],
                    )
        finally:
            self._end(session)
        return finish_page(
            auth, environment, self._service_title(environment), session.mode == "edit"
        )


async def _form(request: Request) -> dict[str, str]:
    """The submitted form (``application/x-www-form-urlencoded``, the HTML default).

    Parsed here rather than with ``request.form()``, which needs python-multipart; the dialog's
    forms never upload files.
    """
    body = (await request.body()).decode("utf-8", errors="replace")
    form: dict[str, str] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        form.setdefault(key, value)
    return form


def _field_problems(
    problems: list[SchemaViolation], specs: list[FieldSpec]
) -> list[tuple[str | None, str]]:
    """Schema problems as (input name, message) pairs a person can act on."""
    by_pointer = {f"#/{spec.group}/{spec.key}": spec for spec in specs}
    result: list[tuple[str | None, str]] = []
    for problem in problems:
        if problem.rule == "required" and problem.missing:
            for key in problem.missing:
                spec = by_pointer.get(f"{problem.pointer}/{key}")
                label = spec.title if spec else key
                result.append((spec.input_name if spec else None, f"{label} is required."))
            continue
        spec = by_pointer.get(problem.pointer)
        if spec is not None:
            result.append((spec.input_name, f"{spec.title}: {problem.message}."))
        else:
            result.append((None, str(problem)))
    return result
