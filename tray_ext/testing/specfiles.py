"""Where the contract files live.

The emulator validates against the very files the clients are generated from, never a copy of
their content, so the two cannot drift apart. In a wheel the files are force-included at
``tray_ext/testing/_spec/``; in a source checkout they are the repository's ``spec/`` folder.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve()


def spec_dir() -> Path:
    """The folder holding ``openapi.yaml`` and ``schema.graphql``.

    The packaged copy wins when it exists: an installed wheel has no repository around it.
    """
    packaged = _HERE.parent / "_spec"
    if (packaged / "openapi.yaml").is_file():
        return packaged
    checkout = _HERE.parents[2] / "spec"
    if (checkout / "openapi.yaml").is_file():
        return checkout
    raise FileNotFoundError(
        "tray_ext.testing cannot find the API contracts: looked for "
        f"{packaged}/openapi.yaml (installed wheel) and {checkout}/openapi.yaml (source checkout)"
    )


def openapi_path() -> Path:
    """The REST contract the emulator serves and validates every request and response against."""
    return spec_dir() / "openapi.yaml"


def graphql_schema_path() -> Path:
    """The GraphQL SDL ariadne serves at ``/graphql``."""
    return spec_dir() / "schema.graphql"
