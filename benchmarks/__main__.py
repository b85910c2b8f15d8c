"""``python -m benchmarks``: run every section, print the table, write benchmarks/RESULTS.md.

Why one process orchestrating child processes: the servers (emulator, stub) and the measured
programs (imports, start-up commands) each run in their own process so that what is measured is
only what is meant; this process owns them all, binds nothing but 127.0.0.1, and stops every
server it started before it exits, whatever happened.

Options: ``--sections 1,3`` runs some sections only; ``--quick`` runs tiny sizes (to check the
harness, not to quote); ``--full`` imports 10,000 rows per run in section 3 (the issue's size;
takes far longer than the 10-minute budget at the emulator's speed); ``--no-pin`` leaves CPU
placement to the scheduler; ``--output PATH`` writes elsewhere (``-`` writes nothing).
The exit status is 0 whenever the run completed, targets met or not: benchmarks report.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks import (
    machine,
    report,
    s1_overhead,
    s2_hooks,
    s3_import,
    s4_memory,
    s5_startup,
    s6_shards,
    seeding,
    servers,
)
from benchmarks.report import Section
from benchmarks.sequence import Target

HERE = Path(__file__).resolve().parent
TITLES = {
    1: "Per-call overhead against raw httpx",
    2: "Hook dispatch",
    3: "Import throughput",
    4: "Memory of an import",
    5: "Start-up",
    6: "Four shards, one org budget (Redis)",
}
USERS = 100


@dataclass(frozen=True)
class Plan:
    s1: s1_overhead.Settings
    s2: s2_hooks.Settings
    s3: s3_import.Settings
    s4: s4_memory.Settings
    s5: s5_startup.Settings
    s6: s6_shards.Settings


def plan_for(quick: bool, full: bool) -> Plan:
    if quick:
        return Plan(
            s1_overhead.Settings(rounds=4, sequences_per_round=5, warmup_sequences=5),
            s2_hooks.Settings(rounds=4, sequences_per_round=10, warmup_sequences=10),
            s3_import.Settings(rows={1: 50, 8: 100, 32: 100, 64: 100}, rounds=1, limited_rows=100),
            s4_memory.Settings(sizes=(500, 2_000), cap_seconds=30),
            s5_startup.Settings(runs=3),
            s6_shards.Settings(rows=200, users=20),
        )
    s3 = (
        s3_import.Settings(rows=dict.fromkeys((1, 8, 32, 64), 10_000), rounds=1)
        if full
        else s3_import.Settings()
    )
    return Plan(
        s1_overhead.Settings(),
        s2_hooks.Settings(),
        s3,
        s4_memory.Settings(cap_seconds=600 if full else 240),
        s5_startup.Settings(),
        s6_shards.Settings(),
    )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sections", default="1,2,3,4,5,6", help="e.g. 1,2 (default: all)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="tiny sizes: check the harness only")
    size.add_argument("--full", action="store_true", help="the issue's 10,000 rows per run")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and client CPUs")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"), help="'-' writes nothing")
    return parser.parse_args(argv)


class Runner:
    """Runs sections in order, each timed, each allowed to fail without stopping the others."""

    def __init__(self) -> None:
        self.sections: list[Section] = []

    @contextlib.contextmanager
    def section(self, number: int) -> Iterator[Section]:
        section = Section(number, TITLES[number])
        print(f"[{time.strftime('%H:%M:%S')}] section {number}: {section.title} ...", flush=True)
        started = time.perf_counter()
        try:
            yield section
        except Exception as error:  # report it; the other sections still run
            section.error = f"{type(error).__name__}: {error}"
            traceback.print_exc()
        finally:
            section.seconds = time.perf_counter() - started
            self.sections.append(section)
            print(f"    done in {section.seconds:.0f} s", flush=True)


def _method(pinning: servers.Pinning, plan: Plan) -> list[str]:
    return [
        "Servers: the emulator as shipped, `python -m tray_ext.testing --host 127.0.0.1 --port 0 "
        "--rate-limit off --log-level warning` (uvicorn, h11), in its own process: a server in a "
        "thread of the benchmark would share the client's GIL and blur client overhead into "
        "server time. It still shares the machine's 2 cores with the client, hence the pinning "
        "below. Section 3's limited run uses a second emulator with `--rate-limit 30 --burst 50`;"
        " section 4 uses benchmarks/stub.py (see there).",
        f"CPU placement: {pinning.describe()}.",
        f"Data: {USERS} end users and one org auth created with plain httpx before any section; "
        "every imported row is a Twilio auth (token credentials) for one of those users.",
        "Statistics: medians over rounds; within a round every variant runs once, the order "
        "rotating, and ratios are medians of per-round ratios (drift cancels on a shared machine).",
        "Wall-clock figures include the machine's noise; section 2 uses process CPU time.",
    ]


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    wanted = {int(part) for part in args.sections.split(",") if part.strip()}
    plan = plan_for(args.quick, args.full)
    described = machine.describe()
    pinning = servers.plan_pinning(not args.no_pin)
    servers.pin_self(pinning)
    runner = Runner()
    started = time.perf_counter()
    needs_emulator = bool(wanted & {1, 2, 3, 4})
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tray-bench-")))
        users = seeding.user_ids("bench", USERS)
        emulator = None
        seeded = None
        if needs_emulator:
            print("starting the emulator ...", flush=True)
            emulator = stack.enter_context(servers.emulator(pinning))
            seeded = seeding.seed(emulator.base_url, servers.MASTER_TOKEN, users=users)
        target = (
            Target(emulator.base_url, servers.MASTER_TOKEN, seeded.org_auth_id)
            if emulator and seeded
            else None
        )
        steps: dict[int, Callable[[Section], None]] = {}
        if target is not None and emulator is not None:
            base = emulator.base_url
            steps[1] = lambda s: s1_overhead.run(s, target, plan.s1)
            steps[2] = lambda s: s2_hooks.run(s, target, plan.s2)

            def section3(s: Section) -> None:
                s3_import.throughput(s, base, users, folder / "s3", plan.s3)
                with servers.emulator(pinning, rate_limit="30", burst=s3_import.BURST) as limited:
                    limited_users = seeding.user_ids("limited", 1)
                    seeding.seed(limited.base_url, servers.MASTER_TOKEN, users=limited_users)
                    s3_import.rate_limited(
                        s, limited.base_url, limited_users, folder / "s3-limited", plan.s3
                    )

            steps[3] = section3
            steps[4] = lambda s: s4_memory.run(s, base, users, folder / "s4", pinning, plan.s4)
        steps[5] = lambda s: s5_startup.run(s, plan.s5)
        steps[6] = lambda s: s6_shards.report(s, plan.s6, pin=not args.no_pin)
        for number in sorted(wanted):
            with runner.section(number) as section:
                steps[number](section)
    total = time.perf_counter() - started
    servers.unpin_self()
    print()
    print(report.table(runner.sections))
    print(f"\nTotal: {total:.0f} s")
    if args.output != "-":
        analysis_file = HERE / "ANALYSIS.md"
        analysis = analysis_file.read_text(encoding="utf-8") if analysis_file.exists() else None
        command = "python -m benchmarks" + (
            " " + shlex.join(argv if argv is not None else sys.argv[1:])
            if (argv if argv is not None else sys.argv[1:])
            else ""
        )
        text = report.render(
            runner.sections,
            machine=described,
            command=command,
            method=_method(pinning, plan),
            total_seconds=total,
            analysis=analysis,
        )
        report.write(Path(args.output), text)
        print(f"wrote {os.path.relpath(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
