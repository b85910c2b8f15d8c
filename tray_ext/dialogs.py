"""Assembling the URLs of Tray's hosted dialogs (auth-only dialog, auth edit, config wizard).

Pure string building, kept apart from the calls that mint the single-use code: every path segment
and query value is percent-encoded, each scope is its own `scopes[]=` parameter (as Tray's docs
write it), and the host is the region's dialog host or a white-label domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

__all__ = ["auth_create_url", "auth_edit_url", "config_wizard_url", "dialog_base", "slot_auth_url"]


def dialog_base(default: str, domain: str | None) -> str:
    """`https://<white-label domain>` when one is given, else the region's dialog host."""
    if not domain:
        return default.rstrip("/")
    domain = domain.strip().rstrip("/")
    return domain if "://" in domain else f"https://{domain}"


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _query(pairs: Sequence[tuple[str, str]]) -> str:
    return "&".join(f"{name}={quote(str(value), safe='')}" for name, value in pairs)


def auth_create_url(
    base: str,
    *,
    embedded_id: str,
    code: str,
    service_id: str,
    service_environment_id: str,
    scopes: Sequence[str] = (),
) -> str:
    """`/external/auth/create/{embeddedId}?code=..&serviceId=..&serviceEnvironmentId=..&scopes[]=..`"""
    pairs = [
        ("code", code),
        ("serviceId", service_id),
        ("serviceEnvironmentId", service_environment_id),
        *(("scopes[]", scope) for scope in scopes),
    ]
    return f"{base}/external/auth/create/{_segment(embedded_id)}?{_query(pairs)}"


def slot_auth_url(
    base: str, *, embedded_id: str, code: str, solution_instance_id: str, external_auth_id: str
) -> str:
    """`/external/auth/create/{embeddedId}/{solutionInstanceId}/{externalAuthId}?code=..`"""
    return (
        f"{base}/external/auth/create/{_segment(embedded_id)}/{_segment(solution_instance_id)}/"
        f"{_segment(external_auth_id)}?{_query([('code', code)])}"
    )


def auth_edit_url(base: str, *, embedded_id: str, code: str, auth_id: str) -> str:
    """`/external/auth/edit/{embeddedId}/{authId}?code=..`"""
    return (
        f"{base}/external/auth/edit/{_segment(embedded_id)}/{_segment(auth_id)}?"
        f"{_query([('code', code)])}"
    )


def config_wizard_url(
    base: str,
    *,
    embedded_id: str,
    code: str,
    solution_instance_id: str,
    custom_validation: bool = False,
) -> str:
    """`/external/solutions/{embeddedId}/configure/{solutionInstanceId}?code=..[&customValidation=true]`"""
    pairs = [("code", code)]
    if custom_validation:
        pairs.append(("customValidation", "true"))
    return (
        f"{base}/external/solutions/{_segment(embedded_id)}/configure/"
        f"{_segment(solution_instance_id)}?{_query(pairs)}"
    )
