"""tray-ext: manage end users' third-party authentications in Tray.io Embedded."""
