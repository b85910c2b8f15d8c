"""The clients generated from spec/ by scripts/generate (see README.md here): private to
tray_ext, whose facade is the public API. Never edit: regenerate."""
