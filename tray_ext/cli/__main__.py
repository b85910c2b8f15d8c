"""`python -m tray_ext.cli` is `tray-ext`."""

from tray_ext.cli import main

if __name__ == "__main__":
    main()
