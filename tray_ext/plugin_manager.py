"""Building a client's PluginManager: built-ins, entry points, explicit plugins, then validation.

Why a subclass: pluggy only sees functions carrying the `@hookimpl` marker, so a misspelt
*unmarked* `tray_ext_call_finishd` would be silently ignored. Here every attribute named
`tray_ext_*` counts as a hook implementation, and `check_pending()` turns any that matches no
specification into a PluginError when the client is built — with a "did you mean" suggestion.

Order: built-ins first, then entry-point plugins (pluggy's `load_setuptools_entrypoints`), then
`plugins=`: pluggy calls the most recently registered first, so a team's plugin answers a
first-result hook (a retry decision, the token cache) before the built-in does.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
from collections.abc import Callable, Iterable, Mapping
from types import FunctionType, MethodType, ModuleType
from typing import Any

import attrs
import pluggy

from tray_ext import hookspecs
from tray_ext.config import ClientConfig
from tray_ext.errors import PluginError

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "DirectHook",
    "TrayPluginManager",
    "build_plugin_manager",
]

ENTRY_POINT_GROUP = "tray_ext"
DISABLE_ENTRY_POINTS_ENV = "TRAY_EXT_DISABLE_PLUGIN_AUTOLOAD"


_BUILTIN_CLASSES: Mapping[str, str] = {
    "redaction": "tray_ext.plugins.redaction:RedactionPlugin",
    "token_refresh": "tray_ext.plugins.token_refresh:TokenRefreshPlugin",
    "audit": "tray_ext.plugins.audit:AuditPlugin",
    "retries": "tray_ext.plugins.retries:RetryPlugin",
    "rate_limit": "tray_ext.plugins.rate_limit:RateLimitPlugin",
    "tracing": "tray_ext.plugins.tracing:TracingPlugin",
    "redis_rate_limit": "tray_ext.plugins.redis_rate_limit:RedisRateLimitPlugin",
    "redis_token_cache": "tray_ext.plugins.redis_token_cache:RedisTokenCachePlugin",
}


def _builtin_class(name: str) -> Any:
    """Imported when a client is built, not when tray_ext is: most clients never load Redis."""
    module, _, attribute = _BUILTIN_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def _factory(name: str) -> Callable[[], object]:
    def make() -> object:
        made: object = _builtin_class(name)()
        return made

    make.__name__ = make.__qualname__ = f"make_{name}"
    return make


BUILTIN_PLUGINS: Mapping[str, Callable[[], object]] = {
    name: _factory(name) for name in _BUILTIN_CLASSES
}
"""Built-in plugins by name; each is registered as `tray_ext.<name>`. Replace or remove one with
`Tray(builtins={"audit": None, "retries": RetryPlugin(max_rate_limit_retries=20)})`; a removed
one is blocked with pluggy's `set_blocked`, so it cannot come back under its name. Whether one
is on by default is the plugin's own decision (its `wanted(config)`, when it has one): tracing
only when asked for, the two Redis ones (`pip install 'tray-ext[redis]'`) only when
`TRAY_REDIS_URL` is set; registered after `rate_limit` and `token_refresh`, those answer first."""

_HOOK_PREFIX = "tray_ext_"
_DEFAULT_OPTS: pluggy.HookimplOpts = {
    "wrapper": False,
    "hookwrapper": False,
    "optionalhook": False,
    "tryfirst": False,
    "trylast": False,
    "specname": None,
}


class TrayPluginManager(pluggy.PluginManager):
    """A PluginManager for project `tray_ext` that also treats unmarked `tray_ext_*` functions as
    hook implementations, so none is silently ignored."""

    def __init__(self) -> None:
        self._loading_entry_points = False
        self._instances: dict[type, object] = {}
        self.generation = 0
        """Bumped whenever the set of implementations (or the way they are called) may change:
        the DirectHook snapshots compare it on every call."""
        self.monitored = False
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)

    def register(self, plugin: object, name: str | None = None) -> str | None:
        if self._loading_entry_points and inspect.isclass(plugin):
            # An entry point may name a class: the plugin is an instance of it.
            instance = plugin()
            self._instances[plugin] = instance
            plugin = instance
        self.generation += 1
        try:
            return super().register(plugin, name=name)
        finally:
            self.generation += 1

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any | None:
        self.generation += 1
        try:
            return super().unregister(plugin=plugin, name=name)
        finally:
            self.generation += 1

    def add_hookspecs(self, module_or_class: ModuleType | type) -> None:
        self.generation += 1
        super().add_hookspecs(module_or_class)

    def add_hookcall_monitoring(
        self, before: Callable[..., None], after: Callable[..., None]
    ) -> Callable[[], None]:
        # Tracing wraps pluggy's own dispatch: the direct path would bypass it, so stop using it.
        self.monitored = True
        self.generation += 1
        undo = super().add_hookcall_monitoring(before, after)

        def undo_and_resume() -> None:
            undo()
            self.monitored = False
            self.generation += 1

        return undo_and_resume

    def load_entry_point_plugins(self) -> int:
        """The third-party plugins of the `tray_ext` entry-point group, loaded by pluggy's own
        `load_setuptools_entrypoints` (so a blocked or already registered name is skipped and
        `list_plugin_distinfo()` names each plugin's package). Added to it: an entry point naming
        a class registers an instance (made with no arguments), and any failure becomes a
        PluginError that names the entry point."""
        self._loading_entry_points = True
        try:
            return self.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except pluggy.PluginValidationError as error:
            raise _plugin_error(error, self) from None
        except PluginError:
            raise
        except Exception as error:
            failure = PluginError(
                f"the {ENTRY_POINT_GROUP!r} entry point {self._failed_entry_point()} failed to "
                f"load: {type(error).__name__}: {error}"
            )
        finally:
            self._loading_entry_points = False
        raise failure  # outside the handler, so the plugin's exception is not chained

    def _failed_entry_point(self) -> str:
        """The entry point pluggy was loading: its walk registers each in turn, so the failed one
        is the first of the group (in the same walk) that is neither registered nor blocked."""
        import importlib.metadata

        for dist in importlib.metadata.distributions():
            for entry_point in dist.entry_points:
                if entry_point.group == ENTRY_POINT_GROUP and not (
                    self.has_plugin(entry_point.name) or self.is_blocked(entry_point.name)
                ):
                    return f"{entry_point.name!r} ({entry_point.value})"
        return "(unknown)"

    def list_plugin_distinfo(self) -> list[tuple[object, Any]]:
        """pluggy's list, with the registered instance in place of an entry point's class."""
        return [
            (self._instances.get(plugin, plugin) if inspect.isclass(plugin) else plugin, dist)
            for plugin, dist in super().list_plugin_distinfo()
        ]

    def list_name_plugin(self) -> list[tuple[str, object]]:
        """The registered plugins. (pluggy also lists each blocked name, paired with None.)"""
        return [(name, plugin) for name, plugin in super().list_name_plugin() if plugin is not None]

    def direct(self, name: str) -> DirectHook:
        return DirectHook(self, name)

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None or not name.startswith(_HOOK_PREFIX):
            return opts
        try:
            attribute = inspect.getattr_static(plugin, name)
        except AttributeError:
            return None
        if isinstance(attribute, FunctionType | MethodType | staticmethod | classmethod):
            return dict(_DEFAULT_OPTS)  # type: ignore[return-value]
        return None

    def spec_names(self) -> list[str]:
        return sorted(
            name
            for name in dir(self.hook)
            if name.startswith(_HOOK_PREFIX) and getattr(self.hook, name).has_spec()
        )


class DirectHook:
    """One per-call hook, called without pluggy's generic dispatch on the hot path.

    Why: a call fires five hooks, and pluggy's `HookCaller.__call__` (argument checks, a copy of
    the implementation list, `_multicall`'s wrapper machinery) costs more than the built-in
    implementations themselves. When no implementation is a wrapper and nobody monitors the
    manager, calling the implementations in pluggy's order (last registered first, `tryfirst`
    and `trylast` respected, since `get_hookimpls()` keeps them sorted) with pluggy's
    result rules (`firstresult`: the first non-None; otherwise the list of non-None results) is
    the same thing. The snapshot is rebuilt whenever the manager's generation moved (a plugin
    registered, unregistered or blocked, monitoring added), otherwise the HookCaller is used.
    """

    __slots__ = ("_caller", "_firstresult", "_generation", "_impls", "_manager", "name")

    def __init__(self, manager: TrayPluginManager, name: str) -> None:
        self._manager = manager
        self._caller: pluggy.HookCaller = getattr(manager.hook, name)
        self.name = name
        spec = self._caller.spec
        self._firstresult = bool(spec is not None and spec.opts.get("firstresult", False))
        self._generation = -1
        self._impls: tuple[tuple[Callable[..., Any], tuple[str, ...]], ...] | None = None

    def _refresh(self) -> None:
        generation = self._manager.generation
        impls = self._caller.get_hookimpls()
        if self._manager.monitored or any(impl.wrapper or impl.hookwrapper for impl in impls):
            self._impls = None
        else:
            self._impls = tuple((impl.function, impl.argnames) for impl in reversed(impls))
        self._generation = generation

    def __call__(self, **kwargs: Any) -> Any:
        if self._generation != self._manager.generation:
            self._refresh()
        impls = self._impls
        if impls is None:
            return self._caller(**kwargs)
        if self._firstresult:
            for function, argnames in impls:
                result = function(*[kwargs[argname] for argname in argnames])
                if result is not None:
                    return result
            return None
        results = []
        for function, argnames in impls:
            result = function(*[kwargs[argname] for argname in argnames])
            if result is not None:
                results.append(result)
        return results


def _plugin_error(error: pluggy.PluginValidationError, manager: TrayPluginManager) -> PluginError:
    name = manager.get_name(error.plugin) or repr(error.plugin)
    message = f"plugin {name!r} does not fit the tray_ext hooks: {error}"
    for word in str(error).replace("'", " ").split():
        if word.startswith(_HOOK_PREFIX):
            close = difflib.get_close_matches(word, manager.spec_names(), n=1)
            if close and close[0] != word:
                message += f" (did you mean {close[0]!r}?)"
            break
    return PluginError(message)


def _register(manager: TrayPluginManager, plugin: object, name: str | None = None) -> None:
    try:
        manager.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise _plugin_error(error, manager) from None
    except ValueError as error:
        raise PluginError(f"cannot register plugin {name or plugin!r}: {error}") from None


def _on_by_default(name: str, config: ClientConfig) -> bool:
    """The built-in's own `wanted(config)` decides; a plugin without one is always on."""
    wanted = getattr(_builtin_class(name), "wanted", None)
    return True if wanted is None else bool(wanted(config))


def build_plugin_manager(
    config: ClientConfig,
    *,
    plugins: Iterable[object] = (),
    builtins: Mapping[str, object | None] | None = None,
    load_entry_points: bool = True,
) -> tuple[TrayPluginManager, ClientConfig]:
    """A validated, configured PluginManager, and the config carrying its hook relay."""
    manager = TrayPluginManager()
    overrides = dict(builtins or {})
    unknown = set(overrides) - set(BUILTIN_PLUGINS)
    if unknown:
        raise PluginError(
            f"unknown built-in plugin(s) {sorted(unknown)}: the built-ins are "
            f"{sorted(BUILTIN_PLUGINS)}"
        )
    for name, factory in BUILTIN_PLUGINS.items():
        if name in overrides:
            plugin = overrides[name]
            if plugin is None:
                # Blocked, not just skipped: a later register() under this name is refused too.
                manager.set_blocked(f"tray_ext.{name}")
                continue
        elif not _on_by_default(name, config):
            continue
        else:
            plugin = factory()
        _register(manager, plugin, name=f"tray_ext.{name}")

    if load_entry_points and not os.environ.get(DISABLE_ENTRY_POINTS_ENV):
        manager.load_entry_point_plugins()
    for plugin in plugins:
        _register(manager, plugin)

    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise _plugin_error(error, manager) from None

    config = attrs.evolve(config, hook=manager.hook)
    try:
        manager.hook.tray_ext_configure.call_historic(kwargs={"config": config})
    except PluginError:
        raise
    except Exception as error:
        failure = PluginError(
            f"a plugin failed in tray_ext_configure: {type(error).__name__}: {error}"
        )
    else:
        return manager, config
    raise failure
