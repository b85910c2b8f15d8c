"""The plan: read the whole file, resolve what it names once, validate every row, write nothing.

Two streaming passes over the input:

1. collect what the rows refer to (services or connectors, users, solutions) - no Tray calls;
2. resolve each of those once (connectors list, each service's environments, the users - one
   paged sweep of the user list, or one look-up per user when there are very few - and the
   solutions list), then check every row against them: environment found, credentials/userData
   and scopes valid for that environment (the runtime's `validate`, not a re-implementation),
   user exists or can be created, solution slot names right, no duplicates.

Then, before anything is written, `look_up_existing` asks Tray what it already holds: each
existing user's auths (one `viewer.authentications` call with that user's token) and the
instances of the solutions the rows name (one paged listing per solution, master token). The
executor adopts a row whose auth is there (`already-present`) instead of creating it, so Tray -
not the journal - decides what exists. Users that did not exist when the plan looked have no
auths and are not listed.

Every problem of every row is collected, so one run shows all that is wrong. Memory holds the
resolved catalogue, one 64-bit digest per row identity (duplicate detection, `seen.FirstSeen`:
~30 bytes a row) and the problems - never the rows themselves.

Duplicates: two rows with the same external user id, auth name and resolved service
environment are the same auth; the later ones are reported ("duplicate of line N"). Two rows
creating a solution instance with the same name for the same user and solution are too.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tray_ext.importer.gateway import (
    Connector,
    Environment,
    ErrorKind,
    Gateway,
    Instance,
    RemoteError,
    Solution,
)
from tray_ext.importer.problems import InputError, RowProblem
from tray_ext.importer.retry import RetryPolicy, read_with_retry
from tray_ext.importer.rows import Api, RowSpec, interpret, materialize
from tray_ext.importer.secrets import Scrubber
from tray_ext.importer.seen import FirstSeen
from tray_ext.importer.shard import Shard
from tray_ext.importer.source import Format, Record, detect_format, read_records

# Up to this many distinct users, one look-up each; above, a paged sweep of `users.list` (given up
# for per-user look-ups once it has cost half as many pages as there are users to find).
USER_SWEEP_THRESHOLD = 2

T = TypeVar("T")

ServiceKey = tuple[str, str, str]  # ("service"|"connector", name, version) as the row names it


@dataclass(frozen=True)
class ResolvedRow:
    """A valid row with what it resolved to. Built on demand; never held for the whole file."""

    spec: RowSpec
    environment: Environment
    key: str
    solution: Solution | None


@dataclass
class ServiceUse:
    """How the file uses one service environment (for the plan summary)."""

    environment: Environment
    rows: int = 0
    rest: int = 0
    graphql: int = 0
    instances: int = 0


@dataclass
class Plan:
    """Everything needed to execute: the catalogue, the verdict on each line, the problems."""

    path: Path
    format: Format
    default_api: Api
    file_signature: tuple[int, int]
    total_rows: int = 0
    valid_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    invalid_lines: set[int] = field(default_factory=set)
    services: dict[ServiceKey, tuple[str, int] | None] = field(default_factory=dict)
    environments: dict[tuple[str, int], Sequence[Environment]] = field(default_factory=dict)
    users: dict[str, str | None] = field(default_factory=dict)
    user_names: dict[str, str] = field(default_factory=dict)
    solutions: dict[str, Solution] = field(default_factory=dict)
    usage: dict[str, ServiceUse] = field(default_factory=dict)
    instance_rows: int = 0
    encoding: str = "utf-8-sig"
    existing_auths: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    """(user id, environment id or "", auth name) -> ids of the auths Tray holds."""
    existing_instances: dict[tuple[str, str, str], list[Instance]] = field(default_factory=dict)
    """(owner user id, solution id, instance name) -> the instances Tray holds."""
    listed_users: set[str] = field(default_factory=set)
    """User ids whose auths were listed (a user missing here had none when the plan looked)."""
    looked_up: bool = False
    already_present: int = 0
    """Valid rows whose auth Tray already holds (after `look_up_existing`)."""
    shard: Shard | None = None
    """Only this shard's rows (by external user id) are read; the others do not exist here."""

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def invalid_rows(self) -> int:
        return len(self.invalid_lines)

    @property
    def users_to_create(self) -> int:
        return sum(1 for ext, uid in self.users.items() if uid is None and ext in self.user_names)

    @property
    def users_existing(self) -> int:
        return sum(1 for uid in self.users.values() if uid is not None)

    def records(self) -> Iterator[RowSpec | list[RowProblem]]:
        """Re-read the file (streaming) and interpret each record again."""
        signature = _signature(self.path)
        if signature != self.file_signature:
            raise InputError(f"{self.path.name} changed while it was being imported; run again")
        for item in read_records(self.path, self.format, encoding=self.encoding):
            if not self.owns(item):
                continue
            if isinstance(item, RowProblem):
                yield [item]
            else:
                yield interpret(item, default_api=self.default_api)

    def owns(self, item: Record | RowProblem) -> bool:
        """Whether a row read from the file is this plan's (always, unless it is a shard's)."""
        if self.shard is None:
            return True
        if isinstance(item, RowProblem):
            return item.line == 0 or self.shard.owns("")
        return self.shard.owns(_user_id_cell(item.values))

    def resolve(self, spec: RowSpec) -> ResolvedRow | None:
        """The resolution of a row that the plan found valid (None for an invalid line)."""
        if spec.line in self.invalid_lines:
            return None
        environment = self._environment_for(spec)
        if environment is None:
            return None
        solution = self.solutions.get(spec.solution_id) if spec.solution_id else None
        return ResolvedRow(spec, environment, row_key(spec, environment), solution)

    def existing_auth(self, user_id: str, environment_id: str, name: str) -> list[str]:
        """Ids of the auths Tray held for this identity when the plan looked."""
        return self.existing_auths.get((user_id, environment_id, name), []) + (
            self.existing_auths.get((user_id, "", name), [])
        )

    def existing_instance(self, user_id: str, solution_id: str, name: str) -> list[Instance]:
        return self.existing_instances.get((user_id, solution_id, name), [])

    def _environment_for(self, spec: RowSpec) -> Environment | None:
        service = self.services.get(spec.service_ref)
        if service is None:
            return None
        return find_environment(self.environments.get(service, ()), spec.environment)


def _user_id_cell(values: Mapping[str, Any]) -> str:
    """The external user id as `interpret` will read it (stripped), "" when it is not text."""
    raw = values.get("external_user_id")
    return raw.strip() if isinstance(raw, str) else ""


def row_key(spec: RowSpec, environment: Environment) -> str:
    """The stable identity of a row: user, service environment, auth name - never secrets."""
    parts = (
        spec.external_user_id,
        environment.service_name,
        str(environment.service_version),
        environment.id,
        spec.auth_name,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def find_environment(environments: Sequence[Environment], wanted: str) -> Environment | None:
    """An environment by id, else by exact title, else by a title differing only in case."""
    for env in environments:
        if env.id == wanted:
            return env
    for env in environments:
        if env.title == wanted:
            return env
    folded = [env for env in environments if env.title.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None


def _signature(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return (stat.st_size, stat.st_mtime_ns)


ProgressCallback = Callable[[str], None]


async def build_plan(
    gateway: Gateway,
    path: Path,
    *,
    fmt: str | None = None,
    default_api: Api = "rest",
    environ: Mapping[str, str] | None = None,
    lookup_concurrency: int = 8,
    on_step: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    encoding: str = "utf-8-sig",
    shard: Shard | None = None,
) -> Plan:
    """Read, resolve and validate `path` (only `shard`'s rows, when given); nothing is written.

    Raises `InputError` when the file cannot be read at all, `RemoteError` when Tray cannot be
    reached for the catalogue (then there is nothing to plan against).
    """
    env = os.environ if environ is None else environ
    plan = _new_plan(path, fmt, default_api, encoding)
    plan.shard = shard
    step = on_step or (lambda _msg: None)
    policy = retry or RetryPolicy()

    # Pass 1: what do the rows refer to?
    step("reading the file")
    service_refs: set[ServiceKey] = set()
    solution_ids: set[str] = set()
    rows = instance_rows = 0
    for item in plan.records():
        if isinstance(item, RowSpec):
            rows += 1
            instance_rows += bool(item.solution_id and item.instance_name)
            service_refs.add(item.service_ref)
            plan.users.setdefault(item.external_user_id, None)
            if item.user_name and item.external_user_id not in plan.user_names:
                plan.user_names[item.external_user_id] = item.user_name
            if item.solution_id:
                solution_ids.add(item.solution_id)

    # Resolve each once.
    step("resolving services and environments")
    connectors: Sequence[Connector] = (
        await _read(policy, gateway.connectors) if service_refs else ()
    )
    await _resolve_services(gateway, plan, service_refs, connectors, policy)
    if solution_ids:
        step("resolving solutions")
        solutions = await _read(policy, gateway.solutions)
        plan.solutions = {s.id: s for s in solutions if s.id in solution_ids}
    step(f"looking up {len(plan.users)} users")
    await _resolve_users(gateway, plan, lookup_concurrency, policy)

    # Pass 2: check every row.
    step("validating every row")
    seen = FirstSeen(rows)
    seen_instances = FirstSeen(instance_rows)
    for item in plan.records():
        if isinstance(item, list):
            plan.total_rows += 1
            if item:
                plan.invalid_lines.add(item[0].line)
                plan.problems.extend(item)
            continue
        plan.total_rows += 1
        problems = _check_row(gateway, plan, item, seen, seen_instances, env)
        if problems:
            plan.invalid_lines.add(item.line)
            plan.problems.extend(problems)
        else:
            plan.valid_rows += 1
    plan.problems.sort()
    return plan


async def _read(policy: RetryPolicy, call: Callable[[], Awaitable[T]]) -> T:
    """A plan read: retried, except when Tray cannot be reached at all (fail fast)."""
    return await read_with_retry(policy, call, retry_unreachable=False)


def _new_plan(path: Path, fmt: str | None, default_api: Api, encoding: str) -> Plan:
    path = path.resolve()
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    return Plan(path, detect_format(path, fmt), default_api, _signature(path), encoding=encoding)


async def _resolve_services(
    gateway: Gateway,
    plan: Plan,
    refs: set[ServiceKey],
    connectors: Sequence[Connector],
    policy: RetryPolicy,
) -> None:
    by_connector = {(c.name, c.version): (c.service_name, c.service_version) for c in connectors}
    wanted: set[tuple[str, int]] = set()
    for ref in refs:
        kind, name, version = ref
        service = by_connector.get((name, version)) if kind == "connector" else (name, int(version))
        plan.services[ref] = service
        if service is not None:
            wanted.add(service)
    for service in sorted(wanted):
        try:
            plan.environments[service] = await _environments(gateway, service, policy)
        except RemoteError as exc:
            if exc.kind is not ErrorKind.REJECTED:
                raise
            plan.environments[service] = ()
    # A service name unknown to Tray is reported per row (no environments).
    for ref, service in list(plan.services.items()):
        if service is not None and not plan.environments.get(service):
            plan.services[ref] = None


async def _environments(
    gateway: Gateway, service: tuple[str, int], policy: RetryPolicy
) -> Sequence[Environment]:
    return await _read(policy, lambda: gateway.environments(*service))


async def _resolve_users(
    gateway: Gateway, plan: Plan, concurrency: int, policy: RetryPolicy
) -> None:
    wanted = list(plan.users)
    if not wanted:
        return
    remaining = wanted
    if len(wanted) > USER_SWEEP_THRESHOLD:
        wanted_set = set(wanted)
        budget = max(1, len(wanted) // 2)
        found, complete = await _read(
            policy, lambda: gateway.users_sweep(wanted_set, max_pages=budget)
        )
        for external_id, user_id in found.items():
            plan.users[external_id] = user_id
        if complete:
            return
        remaining = [ext for ext in wanted if ext not in found]
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def lookup(external_id: str) -> None:
        async with semaphore:
            plan.users[external_id] = await _read(policy, lambda: gateway.find_user(external_id))

    await asyncio.gather(*(lookup(ext) for ext in remaining))


async def look_up_existing(
    gateway: Gateway,
    plan: Plan,
    *,
    concurrency: int = 8,
    retry: RetryPolicy | None = None,
    on_step: ProgressCallback | None = None,
    done: Callable[[str], bool] | None = None,
) -> None:
    """Ask Tray what it already holds for the plan's valid rows (see the module docstring).

    `done(row key)` says a row is finished in the journal: a user whose rows are all finished
    is not listed (the journal holds their ids; that is what makes a re-run cheap)."""
    policy = retry or RetryPolicy()
    step = on_step or (lambda _msg: None)
    users: set[str] = set()
    solutions: set[str] = set()
    for item in plan.records():
        if not isinstance(item, RowSpec) or item.line in plan.invalid_lines:
            continue
        user_id = plan.users.get(item.external_user_id)
        if user_id is None:
            continue  # created by this import: it holds nothing yet
        resolved = plan.resolve(item)
        if done is not None and resolved is not None and done(resolved.key):
            continue
        users.add(user_id)
        if item.solution_id:
            solutions.add(item.solution_id)
    if users:
        step(f"listing the auths of {len(users)} existing users")
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def list_auths(user_id: str) -> None:
        async with semaphore:
            auths = await _read(policy, lambda: gateway.list_auths(user_id))
        for auth in auths:
            key = (user_id, auth.environment_id or "", auth.name)
            plan.existing_auths.setdefault(key, []).append(auth.id)
        plan.listed_users.add(user_id)

    await asyncio.gather(*(list_auths(u) for u in sorted(users)))

    async def list_instances(solution_id: str) -> Sequence[Instance]:
        return await _read(policy, lambda: gateway.solution_instances(solution_id))

    for solution_id in sorted(solutions):
        step("listing the solution's instances")
        for instance in await list_instances(solution_id):
            if instance.owner in users:
                key = (instance.owner, instance.solution_id or solution_id, instance.name)
                plan.existing_instances.setdefault(key, []).append(instance)
    plan.looked_up = True
    if plan.existing_auths:
        for item in plan.records():
            if not isinstance(item, RowSpec):
                continue
            resolved = plan.resolve(item)
            user_id = plan.users.get(item.external_user_id)
            if resolved is not None and user_id is not None:
                env_id = resolved.environment.id
                plan.already_present += bool(plan.existing_auth(user_id, env_id, item.auth_name))


def _check_row(
    gateway: Gateway,
    plan: Plan,
    spec: RowSpec,
    seen: FirstSeen,
    seen_instances: FirstSeen,
    environ: Mapping[str, str],
) -> list[RowProblem]:
    line = spec.line
    problems: list[RowProblem] = []
    service = plan.services.get(spec.service_ref)
    if service is None:
        field_name = "service" if spec.service is not None else "connector"
        what = (
            "no such service and service version in Tray"
            if spec.service is not None
            else "no such connector and connector version in Tray (see `tray-ext connectors`)"
        )
        return [RowProblem(line, field_name, what)]
    environment = find_environment(plan.environments.get(service, ()), spec.environment)
    if environment is None:
        return [
            RowProblem(
                line,
                "environment",
                "the service has no environment with this title or id "
                "(see `tray-ext environments SERVICE VERSION`)",
            )
        ]

    if plan.users.get(spec.external_user_id) is None and spec.external_user_id not in (
        plan.user_names
    ):
        problems.append(
            RowProblem(line, "user_name", "required: no Tray user has this external_user_id yet")
        )

    if spec.api == "graphql" and not environment.service_id:
        problems.append(
            RowProblem(line, "api", "graphql needs the service id, which Tray did not give")
        )

    credentials, cred_problems = materialize(
        spec.credentials,
        environment.credentials_schema,
        prefix="credentials",
        line=line,
        base_dir=plan.base_dir,
        environ=environ,
    )
    user_data, data_problems = materialize(
        spec.user_data,
        environment.user_data_schema,
        prefix="user_data",
        line=line,
        base_dir=plan.base_dir,
        environ=environ,
    )
    problems.extend(cred_problems)
    problems.extend(data_problems)
    if not cred_problems and not data_problems:
        scrub = Scrubber([credentials, user_data])
        for fp in gateway.validate(
            environment, credentials=credentials, user_data=user_data, scopes=spec.scopes
        ):
            problems.append(RowProblem(line, scrub(fp.path), scrub(fp.rule)))
    del credentials, user_data

    if spec.solution_id:
        problems.extend(_check_solution(plan, spec))

    first = seen.first_line(int(row_key(spec, environment)[:16], 16), line)
    if first is not None:
        problems.append(
            RowProblem(
                line,
                "auth_name",
                f"duplicate of line {first} (same user, auth name and service environment)",
            )
        )
    if spec.solution_id and spec.instance_name:
        inst = hashlib.sha256(
            "\x1f".join((spec.external_user_id, spec.solution_id, spec.instance_name)).encode()
        ).digest()
        first_inst = seen_instances.first_line(int.from_bytes(inst[:8], "big"), line)
        if first_inst is not None:
            problems.append(
                RowProblem(
                    line,
                    "instance_name",
                    f"duplicate of line {first_inst} (same user, solution and instance name)",
                )
            )

    if not problems:
        use = plan.usage.get(environment.id)
        if use is None:
            use = plan.usage[environment.id] = ServiceUse(environment)
        use.rows += 1
        if spec.api == "graphql":
            use.graphql += 1
        else:
            use.rest += 1
        if spec.solution_id:
            use.instances += 1
            plan.instance_rows += 1
    return problems


def _check_solution(plan: Plan, spec: RowSpec) -> list[RowProblem]:
    line = spec.line
    solution = plan.solutions.get(spec.solution_id or "")
    if solution is None:
        return [RowProblem(line, "solution_id", "no solution with this id in Tray")]
    problems: list[RowProblem] = []
    slot = spec.auth_slot or ""
    if slot not in solution.auth_slots:
        hint = (
            " (externalIds are case-sensitive; one differs only in case)"
            if any(s.casefold() == slot.casefold() for s in solution.auth_slots)
            else ""
        )
        problems.append(
            RowProblem(
                line, "auth_slot", f"the solution has no auth slot with this externalId{hint}"
            )
        )
    for key in spec.config:
        if key not in solution.config_slots:
            problems.append(
                RowProblem(
                    line, f"config.{key}", "the solution has no config slot with this externalId"
                )
            )
    return problems


def summarize_counts(plan: Plan) -> dict[str, Any]:
    """Plain numbers for machine output (`--json`)."""
    apis: Counter[str] = Counter()
    for use in plan.usage.values():
        apis["rest"] += use.rest
        apis["graphql"] += use.graphql
    return {
        "rows": plan.total_rows,
        "valid": plan.valid_rows,
        "invalid": plan.invalid_rows,
        "problems": len(plan.problems),
        "users_existing": plan.users_existing,
        "users_to_create": plan.users_to_create,
        "environments": len(plan.usage),
        "rest": apis["rest"],
        "graphql": apis["graphql"],
        "instances": plan.instance_rows,
        "already_present": plan.already_present,
    }
