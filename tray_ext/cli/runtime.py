"""Moved to `tray_ext.cli.backend` (so that `runtime` names only `tray_ext.runtime`).

Kept because the 0.2.0 API baseline lists this module's name; nothing in tray-ext imports it.
"""

from tray_ext.cli.backend import *  # noqa: F403
