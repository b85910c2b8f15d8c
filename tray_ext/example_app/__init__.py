"""The auth-only dialog example: a tiny web app built on `tray_ext.AsyncTray`.

It is what a team's product does around Tray's auth-only dialog (seed 001): the page has
"Connect Twilio" and "Connect Slack" buttons; a click asks this app's backend route for a dialog
URL (a fresh single-use code for the signed-in end user), opens it with the shipped JavaScript
helper (`tray_ext/static/tray-auth-dialog.js`), and shows the auth id the dialog reports.

It is a client of Tray, not part of the emulator: it talks to whatever Tray `AsyncTray` is
pointed at. `with_example_app(...)` mounts it at `/example/` next to an emulator's ASGI app, which
is how `tray-ext emulator --example` and the browser test serve it.
"""

from __future__ import annotations

from .app import ExampleSettings, create_example_app, with_example_app

__all__ = ["ExampleSettings", "create_example_app", "with_example_app"]
