"""Regenerate tray_ext/_generated/ from spec/ with the pinned generators, or check that it is up
to date.

    scripts/generate            rewrite tray_ext/_generated/
    scripts/generate --check    regenerate into a temporary folder; fail, naming the files, when
                                tray_ext/_generated/ differs (CI runs this)

Two packages come out, inside the tray_ext namespace so that a consuming team's environment
gains one top-level package: tray_ext._generated.rest (openapi-python-client: attrs models, sync
and async functions per operation) and tray_ext._generated.graphql (ariadne-codegen's async
client, `AsyncTrayGraphQLClient`, plus the sync `TrayGraphQLClient` derived from it here with
unasync, since ariadne-codegen makes one kind per run: one set of models, input types and
exceptions for both), plus tray_ext._generated.tables (scripts/codegen/tables.py: the runtime's
per-operation tables, read from the `x-tray-ext-` extensions and operation documents in spec/).
The generated code imports itself relatively, so only the output paths say where it lives.
Everything they are made from lives in the repository: spec/, scripts/codegen/ (generator
configuration, REST template overrides, the GraphQL base clients, Json scalar and repr plugin).
The output is formatted by the pinned ruff, so two runs give identical bytes.

Then the sync twins of the runtime (scripts/codegen/sync_twins.py): each sync module generated
from its hand-written async source with unasync; `--check` fails when one is stale.

Then the breaking-change gate (scripts/api_gate) compares the tree with the baseline in api/:
`--check` fails on a breaking change without a major version bump or a stale CHANGELOG.md
section; a plain run rewrites that section; `--record-baseline` records a new baseline.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import sync_twins  # scripts/codegen/, next to this file
import tables

ROOT = Path(__file__).resolve().parents[2]
CODEGEN = ROOT / "scripts" / "codegen"
GENERATED = ROOT / "tray_ext" / "_generated"
PINNED = ("openapi-python-client", "ariadne-codegen", "ruff", "unasync")
README = """\
# tray_ext/_generated/ — do not edit

Typed clients generated from `spec/` by `scripts/generate` (pinned generator versions in
`pyproject.toml`). Change `spec/` or `scripts/codegen/`, then run `scripts/generate`;
CI runs `scripts/generate --check` and fails when this folder differs from what `spec/` produces.

- `rest/`: openapi-python-client, from `spec/openapi.yaml`
- `graphql/`: ariadne-codegen async client (`async_client.py`), from `spec/schema.graphql` +
  `spec/operations/`, and the sync client (`client.py`, `base_client.py`) derived from it by unasync
- `tables.py`: the runtime's per-operation facts (idempotency, auth-owned operations, where a
  create's new id sits, secret fields), read from `spec/` by `scripts/codegen/tables.py`
"""
INIT = '''"""The clients generated from spec/ by scripts/generate (see README.md here): private to
tray_ext, whose facade is the public API. Never edit: regenerate."""
'''


def check_pins() -> None:
    """Refuse to run with other generator versions than pyproject.toml pins: the output would
    differ and --check would blame the spec."""
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][
        "dev"
    ]
    pins = dict(m.groups() for d in dev if (m := re.fullmatch(r"([\w-]+)==([\w.]+)", d)))
    for name in PINNED:
        installed = importlib.metadata.version(name)
        if pins.get(name) != installed:
            sys.exit(
                f"scripts/generate: {name} {installed} is installed but pyproject.toml pins "
                f"{pins.get(name)}; run `pip install -e '.[dev]'`"
            )


def run(*args: str | Path) -> None:
    result = subprocess.run(
        [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(
            f"scripts/generate: {' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}"
        )


def generate_rest(out: Path) -> None:
    run(
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", ROOT / "spec" / "openapi.yaml",
        "--config", CODEGEN / "openapi-python-client.yaml",
        "--custom-template-path", CODEGEN / "rest_templates",
        "--meta", "none",
        "--output-path", out / "rest",
    )  # fmt: skip


SYNC_GRAPHQL = {
    # derived sync module <- ariadne-codegen's async module, with the names that change.
    "client.py": ("async_client.py", {"AsyncTrayGraphQLClient": "TrayGraphQLClient"}),
    "base_client.py": ("async_base_client.py", {}),
}
SYNC_GRAPHQL_RENAMES = {
    "TrayAsyncBaseClient": "TrayBaseClient",
    "async_base_client": "base_client",
    "AsyncClient": "Client",
    "aclose": "close",
}


def generate_graphql(out: Path, package: str) -> None:
    """Run ariadne-codegen (the async client) in a child process, then derive the sync client."""
    settings = tomllib.loads((CODEGEN / "graphql.toml").read_text())
    target = settings["tool"]["ariadne-codegen"]
    target.update(
        target_package_name=package,
        target_package_path=str(out),
        async_client=True,
        base_client_name="TrayAsyncBaseClient",
        base_client_file_path="scripts/codegen/graphql/async_base_client.py",
    )
    config = out / f"{package}.toml"
    config.write_text(_to_toml(settings))
    env = {**os.environ, "PYTHONPATH": str(CODEGEN / "graphql")}
    result = subprocess.run(
        [sys.executable, "-m", "ariadne_codegen", "--config", str(config), "client"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    config.unlink()
    if result.returncode != 0:
        sys.exit(f"scripts/generate: ariadne-codegen ({package}) failed:\n{result.stderr}")
    for name, (source, renames) in SYNC_GRAPHQL.items():
        text = (out / package / source).read_text()
        synced = sync_twins.unasync_text(text, SYNC_GRAPHQL_RENAMES | renames)
        (out / package / name).write_text(synced)


def _to_toml(data: dict[str, object], prefix: str = "") -> str:
    """Just enough TOML writing for the settings above (tomllib only reads)."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((f"{prefix}{_key(key)}", value))
        elif isinstance(value, bool):
            lines.append(f"{_key(key)} = {str(value).lower()}")
        elif isinstance(value, list):
            lines.append(f"{_key(key)} = [{', '.join(_quote(v) for v in value)}]")
        else:
            lines.append(f"{_key(key)} = {_quote(value)}")
    text = "\n".join(lines) + "\n"
    for name, table in tables:
        body = _to_toml(table, prefix=f"{name}.")
        text += (
            f"\n[{name}]\n{body}" if any(not isinstance(v, dict) for v in table.values()) else body
        )
    return text


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_]+", key) else _quote(key)


def _quote(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate_all(out: Path) -> None:
    generate_rest(out)
    generate_graphql(out, "graphql")
    for package in ("rest", "graphql"):
        (out / package / "py.typed").write_text("")
    (out / "README.md").write_text(README)
    (out / "__init__.py").write_text(INIT)
    tables.write(ROOT, out)
    ruff_config = CODEGEN / "ruff-generated.toml"
    run(
        sys.executable, "-m", "ruff", "check", "--fix-only", "--quiet", "--config", ruff_config, out
    )
    run(sys.executable, "-m", "ruff", "format", "--quiet", "--config", ruff_config, out)


def files(tree: Path) -> set[str]:
    return {
        str(p.relative_to(tree))
        for p in tree.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def differences(expected: Path, actual: Path) -> list[str]:
    want, have = files(expected), files(actual)
    changed = [
        f"changed: {name}"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return (
        [f"missing: {name}" for name in sorted(want - have)]
        + [f"extra:   {name}" for name in sorted(have - want)]
        + changed
    )


def gate_main(args: list[str]) -> None:
    """The breaking-change gate (scripts/api_gate/gate.py) over the tree; exits on failure."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "api_gate" / "gate.py"), *args], check=False
    )
    if result.returncode != 0:
        sys.exit(result.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="fail when tray_ext/_generated/ is stale"
    )
    parser.add_argument(
        "--record-baseline", action="store_true", help="record the tree as the API baseline (api/)"
    )
    args = parser.parse_args()
    if args.record_baseline:
        gate_main(["--record"])
        return
    check_pins()
    with tempfile.TemporaryDirectory(prefix="tray-ext-generate-") as tmp:
        out = Path(tmp) / "_generated"
        out.mkdir()
        generate_all(out)
        diff = differences(out, GENERATED)
        if args.check:
            if diff:
                print(
                    "tray_ext/_generated/ differs from what spec/ produces; run scripts/generate:"
                )
                print("\n".join(f"  {line}" for line in diff))
                sys.exit(1)
            print("tray_ext/_generated/ is up to date with spec/")
            stale = sync_twins.stale()
            if stale:
                print("sync modules differ from their async sources; run scripts/generate:")
                print("\n".join(f"  changed: {name}" for name in stale))
                sys.exit(1)
            print("the sync runtime modules are up to date with their async sources")
            gate_main(["--check"])
            return
        if GENERATED.exists():
            shutil.rmtree(GENERATED)
        shutil.copytree(out, GENERATED)
        print(f"tray_ext/_generated/ rewritten ({len(diff)} file(s) changed)")
        changed = sync_twins.write()
        print(f"sync runtime modules rewritten ({len(changed)} changed)")
        gate_main([])


if __name__ == "__main__":
    main()
