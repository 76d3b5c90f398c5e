"""``ahvlab capacity``: start VMs in order under guarantee-mode admission and show each host's figures."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from ahvlab.checker.errors import UsageError
from ahvlab.model.capacity import (
    DEFAULT_TIMEOUT_MS,
    METHODS,
    RESERVE_RULES,
    Admission,
    HostFigures,
    Plan,
    Policy,
    Vm,
    figures,
    largest_host_floor,
    start_in_order,
)

_VM = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)=(?P<size>[0-9]+)@(?P<host>[0-9]+)$")
_DIGITS = 15
"""No capacity or size has more digits (z3 and the knapsack take any int; a 5000-digit one is a typo)."""


def _number(text: str, key: str, what: str) -> int:
    # ASCII digits only: str.isdigit() also accepts '²', which int() refuses.
    if len(text) > _DIGITS:
        raise UsageError(f"{what} {text[:20]}... has {len(text)} digits", key=key, expected=f"at most {_DIGITS}")
    return int(text)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``capacity`` subcommand."""
    p = sub.add_parser(
        "capacity",
        help="guarantee-mode admission: parcels, segments and reserves per host",
        description="Start VMs in the order given; each is admitted only if some placement of failover segments "
        "lets every VM of any failed host restart. Hosts are numbered from 1. Exit codes: 0 the computation "
        "finished (whatever the verdicts; see `admitted` in --json), 2 usage error.",
    )
    p.add_argument(
        "--hosts", required=True, metavar="C1,C2,...", help="host capacities, e.g. 100,100,100 (percent or GiB)"
    )
    p.add_argument(
        "--vm",
        action="append",
        default=[],
        metavar="NAME=SIZE@HOST",
        help="a VM to start on HOST (numbered from 1), repeatable; started in the order given",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    p.add_argument(
        "--failures",
        type=int,
        choices=(1, 2),
        default=1,
        help="num_host_failures_to_tolerate (1 by default; 2 plans for every pair of failed hosts)",
    )
    p.add_argument(
        "--largest-host-rule",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with uneven hosts, keep on every host a share of the largest host's capacity (on by default)",
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default="mthm",
        help="who decides: MTHM as AHV does (default; z3 then only says whether MTHM missed a placement), "
        "MTHM then z3 when MTHM misses, or z3 alone (exact)",
    )
    p.add_argument(
        "--reserve-rule",
        choices=RESERVE_RULES,
        default="max_per_host",
        help="how a host's reserve counts its segments (the other two are the mutation's mistakes)",
    )
    p.add_argument(
        "--timeout-ms", type=int, default=DEFAULT_TIMEOUT_MS, metavar="MS", help="z3 timeout per query (10000)"
    )
    p.set_defaults(run=run)


def parse_hosts(text: str) -> tuple[int, ...]:
    """``"100,100,100"`` -> ``(100, 100, 100)``; a bad list raises :class:`UsageError`."""
    parts = [x.strip() for x in text.split(",")]
    if not parts or any(not (x.isascii() and x.isdigit()) for x in parts):
        raise UsageError(
            f"bad host list {text[:60]!r}", key="--hosts", expected="comma-separated integers, e.g. 100,100,100"
        )
    caps = tuple(_number(x, "--hosts", "a capacity") for x in parts)
    if len(caps) < 2:
        raise UsageError(f"{len(caps)} host given", key="--hosts", expected="at least 2 hosts")
    return caps


def parse_vm(text: str, hosts: int) -> Vm:
    """``"VM01=70@1"`` -> ``Vm("VM01", 70, 0)`` (host 0-based inside); bad syntax raises :class:`UsageError`."""
    got = _VM.match(text.strip())
    if got is None:
        raise UsageError(f"bad VM {text[:60]!r}", key="--vm", expected="NAME=SIZE@HOST, e.g. VM01=70@1")
    host = _number(got["host"], "--vm", "a host number")
    if not 1 <= host <= hosts:
        raise UsageError(f"{text}: host {host} out of range", key="--vm", expected=f"a host from 1 to {hosts}")
    return Vm(got["name"], _number(got["size"], "--vm", "a size"), host - 1)


def _label(failed: tuple[int, ...]) -> str:
    return "+".join(f"h{h + 1}" for h in failed)


def report(verdicts: list[Admission], final: Plan, hosts: list[HostFigures], policy: Policy) -> dict[str, Any]:
    """The ``--json`` object (its field names are pinned by tests/model/capacity/test_cli.py)."""
    index = {vm.name: k for k, vm in enumerate(final.vms)}
    vms = []
    for a in verdicts:
        seg = final.segment_of(index[a.vm.name]) if a.admitted else None
        vms.append(
            {
                "name": a.vm.name,
                "size": a.vm.size,
                "host": a.vm.host + 1,
                "admitted": a.admitted,
                "segment_host": None if seg is None else seg + 1,
                "reason": a.reason,
            }
        )
    return {
        "admitted": all(a.admitted for a in verdicts),
        "method": policy.method,
        "largest_host_rule": policy.largest_host_rule,
        "vms": vms,
        "hosts": [
            {
                "host": f.host + 1,
                "capacity": f.capacity,
                "used": f.used,
                "reserve": f.reserve,
                "free_for_vms": f.free_for_vms,
            }
            for f in hosts
        ],
    }


def render(data: dict[str, Any], hosts: list[HostFigures], header: str) -> str:
    """The report as text: the VMs in start order, then one line per host."""
    lines = [header, ""]
    width = max([4, *(len(v["name"]) for v in data["vms"])])
    lines.append(f"{'VM':<{width}}  {'size':>5}  {'host':>4}  {'verdict':<8}  {'segment':>7}  reason")
    for v in data["vms"]:
        seg = "-" if v["segment_host"] is None else str(v["segment_host"])
        verdict = "admitted" if v["admitted"] else "refused"
        lines.append(f"{v['name']:<{width}}  {v['size']:>5}  {v['host']:>4}  {verdict:<8}  {seg:>7}  {v['reason']}")
    lines.append("")
    lines.append("host  capacity   used  reserve  free_for_vms  free for segments, by protected host")
    for f in hosts:
        room = ", ".join(f"{_label(failed)}: {x}" for failed, x in f.free_for_segments)
        lines.append(f"{f.host + 1:>4}  {f.capacity:>8}  {f.used:>5}  {f.reserve:>7}  {f.free_for_vms:>12}  {room}")
    lines.append("")
    refused = [v["name"] for v in data["vms"] if not v["admitted"]]
    if refused:
        lines.append(
            f"{len(data['vms']) - len(refused)} of {len(data['vms'])} VMs admitted; refused: {', '.join(refused)}"
        )
    elif data["vms"]:
        lines.append(f"All {len(data['vms'])} VMs admitted.")
    else:
        lines.append("No VM given (--vm NAME=SIZE@HOST).")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``ahvlab capacity``: 0 once every VM has a verdict, 2 (via :class:`UsageError`) for bad input."""
    caps = parse_hosts(args.hosts)
    vms = [parse_vm(text, len(caps)) for text in args.vm]
    seen: set[str] = set()
    for vm in vms:
        if vm.name in seen:
            raise UsageError(f"VM {vm.name} given twice", key="--vm", expected="one --vm per VM name")
        seen.add(vm.name)
    if args.timeout_ms <= 0:
        raise UsageError(f"{args.timeout_ms}", key="--timeout-ms", expected="a positive number of milliseconds")
    if args.failures >= len(caps):
        raise UsageError(
            f"{args.failures} failures with {len(caps)} hosts", key="--failures", expected="fewer failures than hosts"
        )
    if args.failures > 1 and args.reserve_rule != "max_per_host":
        raise UsageError(
            f"{args.reserve_rule} with --failures {args.failures}",
            key="--reserve-rule",
            expected="max_per_host when tolerating more than one failure",
        )
    policy = Policy(args.method, args.largest_host_rule, args.reserve_rule, args.failures, args.timeout_ms)
    verdicts, final = start_in_order(caps, vms, policy)
    hosts = figures(final, reserve_rule=args.reserve_rule)
    data = report(verdicts, final, hosts, policy)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    floor = largest_host_floor(caps, args.failures) if args.largest_host_rule else 0
    rule = f", largest-host rule (floor {floor})" if floor else ""
    header = (
        f"Guarantee mode: {len(caps)} hosts ({', '.join(map(str, caps))}), tolerating {args.failures} host "
        f"failure{'s' if args.failures > 1 else ''}, reserve rule {args.reserve_rule}, admission {args.method}{rule}"
    )
    print(render(data, hosts, header))
    return 0
