"""`python -m tray_ext` is `tray-ext` (needs the `cli` extra, like the console script)."""

from tray_ext.cli import main

if __name__ == "__main__":
    main()
