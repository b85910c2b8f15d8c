"""Global options anywhere on the line: `tray-ext users list --region eu1 --verbose`.

click parses a group's options only before its subcommand, so a global option typed after it
(the natural place when editing the previous command) was "No such option". Before click sees
the line, the root's options found after the subcommand are moved in front of it. The walk knows
each command's own options: a subcommand's option of the same name stays its own, an option's
value is never taken for an option or a command, and everything after `--` is left alone.

Commands are read duck-typed (`params`, `opts`, `commands`), so this works with typer's vendored
click and with click itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ARGV: list[str] = []
"""The arguments of this run (set by `app.run`), for "resume with the same command" hints."""


def _options(command: Any) -> dict[str, bool]:
    """Every option string of `command` -> whether it takes a value."""
    found: dict[str, bool] = {}
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") != "option":
            continue
        takes_value = not (getattr(param, "is_flag", False) or getattr(param, "count", False))
        for opt in (*param.opts, *param.secondary_opts):
            found[opt] = takes_value
    return found


def _subcommand(command: Any, name: str) -> Any | None:
    commands = getattr(command, "commands", None)
    return commands.get(name) if isinstance(commands, dict) else None


def hoist_global_options(root: Any, argv: Sequence[str]) -> list[str]:
    """argv with the root's options (and their values) moved before the first command."""
    roots = _options(root)
    front: list[str] = []
    hoisted: list[str] = []
    rest: list[str] = []
    command: Any = None  # the innermost command named so far; None: still at the root
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg.startswith("-") and arg != "-":
            name, has_inline_value = arg.split("=", 1)[0], "=" in arg
            if command is None:
                target, takes_value = front, roots.get(name, False)
            elif name in (own := _options(command)):
                target, takes_value = rest, own[name]
            elif name in roots:
                target, takes_value = hoisted, roots[name]
            else:  # unknown: click reports it; a flag is the safe guess (no value swallowed)
                target, takes_value = rest, False
            width = 2 if takes_value and not has_inline_value else 1
            target.extend(args[i : i + width])
            i += width
            continue
        sub = _subcommand(root if command is None else command, arg)
        if command is None:
            command = sub if sub is not None else root
            rest.append(arg)
        else:
            if sub is not None:
                command = sub
            rest.append(arg)
        i += 1
    return front + hoisted + rest
