"""A client library for accessing Tray APIs (authentication flow)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
