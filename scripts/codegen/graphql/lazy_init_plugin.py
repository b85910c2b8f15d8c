"""ariadne-codegen plugin: keep the lazy package `__init__` (`lazy_imports = true`) strictly typed.

With `lazy_imports`, ariadne-codegen writes an `__init__.py` that imports its names under
`TYPE_CHECKING` and defines an untyped module `__getattr__` that imports them on first use.
A type checker reads a module-level `__getattr__` as "every other name exists and is Any", so
`from tray_ext._generated.graphql import Misspelt` would pass mypy. This moves `__getattr__` and
`__dir__` under `if not TYPE_CHECKING:` (and annotates them): at run time nothing changes, and
type checkers see only the names the package really exports.
"""

import ast

from ariadne_codegen.plugins.base import Plugin

HOOKS = {"__getattr__": "Any", "__dir__": "list[str]"}


class LazyInitTypingPlugin(Plugin):
    def generate_init_module(self, module: ast.Module) -> ast.Module:
        hooks = [
            node for node in module.body if isinstance(node, ast.FunctionDef) and node.name in HOOKS
        ]
        if not hooks:  # lazy_imports is off: an eager init has nothing to hide
            return module
        for hook in hooks:
            hook.returns = ast.Name(id=HOOKS[hook.name])
            for arg in hook.args.args:
                arg.annotation = ast.Name(id="str")
        hidden = ast.If(
            test=ast.UnaryOp(op=ast.Not(), operand=ast.Name(id="TYPE_CHECKING")),
            body=hooks,
            orelse=[],
        )
        at = module.body.index(hooks[0])
        module.body = [node for node in module.body if node not in hooks]
        module.body.insert(at, hidden)
        _import_from_typing(module, "Any")
        ast.fix_missing_locations(module)
        return module


def _import_from_typing(module: ast.Module, name: str) -> None:
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module == "typing" and node.level == 0:
            if not any(alias.name == name for alias in node.names):
                node.names.append(ast.alias(name=name))
            return
    module.body.insert(0, ast.ImportFrom(module="typing", names=[ast.alias(name=name)], level=0))


SYNC_EXPORTS = {"TrayGraphQLClient": "client", "TrayBaseClient": "base_client"}
"""The sync client and its base class, which scripts/generate derives from the async ones with
unasync after ariadne-codegen has run (ariadne-codegen writes one kind of client per run)."""


class SyncClientExportsPlugin(Plugin):
    """Export the derived sync client from the package `__init__` too, lazily like the rest, so
    one package serves both clients (one set of models, input types and exceptions)."""

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        for node in module.body:
            if isinstance(node, ast.If) and _is_name(node.test, "TYPE_CHECKING"):
                node.body.extend(
                    ast.ImportFrom(module=source, names=[ast.alias(name=name)], level=1)
                    for name, source in SYNC_EXPORTS.items()
                )
            elif not isinstance(node, ast.Assign):
                continue
            elif _assigns(node, "_LAZY_IMPORTS") and isinstance(node.value, ast.Dict):
                for name, source in SYNC_EXPORTS.items():
                    node.value.keys.append(ast.Constant(value=name))
                    node.value.values.append(ast.Constant(value=f".{source}"))
            elif _assigns(node, "__all__") and isinstance(node.value, ast.List):
                names = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
                node.value.elts = [
                    ast.Constant(value=name) for name in sorted({*names, *SYNC_EXPORTS})
                ]
        ast.fix_missing_locations(module)
        return module


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _assigns(node: ast.Assign, name: str) -> bool:
    return any(_is_name(target, name) for target in node.targets)
