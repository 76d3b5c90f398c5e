"""The AHV model's state under the names a teacher writes: hosts by number, VMs by name.

The model's own variables are tuples indexed from 0; in a scenario, hosts are
numbered from 1 and VMs named, as in the brief: ``sessions["VM2"][0].stargate == 1``,
``host[2].ha_phase == "fenced"``, ``all(2 in blocked[t] for t in up_hosts)``.
The same names are what ``scenario walk`` shows when something changes.
"""

from __future__ import annotations

import importlib
from collections import namedtuple
from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

from ahvlab.checker.spec import Spec
from ahvlab.scenarios.expr import ExprError, Function

DISPLAY = ("leaders", "host", "vm", "leases", "reserve", "segment")
"""The names ``walk`` diffs: enough to see every change once."""


class Session(NamedTuple):
    """One iSCSI session or Frodo connection: the Stargate's host (none when dropped) and its phase."""

    stargate: int | None
    phase: str


@cache
def _record_type(kind: str, fields: tuple[str, ...]) -> Any:
    return namedtuple(kind, fields)


def _record(kind: str, d: Mapping[str, Any], skip: tuple[str, ...] = ()) -> Any:
    keys = tuple(k for k in d if k not in skip and k.isidentifier())
    return _record_type(kind, keys)(*(_plain(d[k]) for k in keys))


def _plain(v: Any) -> Any:
    """Lists become tuples so that records are hashable and compare like the state's own values."""
    if isinstance(v, list):
        return tuple(_plain(x) for x in v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def is_ahv(spec: Spec) -> bool:
    return type(spec).__module__.startswith("ahvlab.model") and hasattr(spec, "cluster")


def _guarantee(spec: Spec) -> bool:
    return getattr(getattr(spec, "config", None), "ha_mode", None) == "guarantee"


def names(spec: Spec, state: Any) -> dict[str, Any]:
    """Friendly names over an AHV state (see docs/scenarios.md, "Names in the AHV model")."""
    model = importlib.import_module("ahvlab.model")
    d = model.describe(spec, state)
    raw = spec.format_state(state)
    hosts = tuple(d["host_ids"])
    host = {h["id"]: _record("Host", h, ("id",)) for h in d["hosts"]}
    vms = {}
    sessions = {}
    views = raw.get("sessions", ())
    for i, v in enumerate(d["vms"]):
        sess = tuple(Session(t, p) for _slot, t, p in v.get("sessions", ()))
        sessions[v["name"]] = sess
        # When each running copy fails for lack of I/O (T+seconds; -1 while its I/O works).
        dies_at = tuple(getattr(c, "dies_at", -1) for c in views[i]) if i < len(views) else ()
        vms[v["name"]] = _record("VM", {**v, "sessions": sess, "dies_at": dies_at}, ("name", "slot"))
    blocked = {t: frozenset(b) for t, b in zip(hosts, raw.get("blocks", ()), strict=False)}
    leaders = frozenset(d.get("leaders", ()))
    extra = _capacity_names(spec, state, tuple(d["vm_names"])) if _guarantee(spec) else {}
    return extra | {
        "hosts": hosts,
        "vms": tuple(d["vm_names"]),
        "host": host,
        "vm": vms,
        "sessions": sessions,
        "copies": {name: v.copies for name, v in vms.items()},
        "status": {name: v.status for name, v in vms.items()},
        "placement": {name: v.host for name, v in vms.items()},
        "address": {name: v.address for name, v in vms.items()},
        "blocked": blocked,
        "ha": {h: r.ha_phase for h, r in host.items()},
        "up_hosts": tuple(h for h, r in host.items() if r.up),
        "leader": d.get("leader"),
        "leaders": leaders,
        "leases": raw.get("leases", frozenset()),
        "failed_back": raw.get("failed_back", False),
        "split": frozenset(d.get("split", ())),
        "deadline": {h: r.deadline for h, r in host.items()},
        "missing_acks": {h: frozenset(r.missing_acks) for h, r in host.items()},
    }


def _capacity_names(spec: Any, state: Any, vm_names: tuple[str, ...]) -> dict[str, Any]:
    """Guarantee mode: the segment plan of the running VMs, and admission as a question (hosts from 1)."""
    capacity = importlib.import_module("ahvlab.model.capacity")
    sizes = tuple(vm.memory for vm in spec.config.vms)
    caps = tuple(spec.config.host_memory)
    placement = tuple(state.placement)

    def running(skip: int = -1) -> tuple[Any, ...]:
        return tuple(capacity.Vm(vm_names[i], sizes[i], h) for i, h in enumerate(placement) if h >= 0 and i != skip)

    plan = capacity.plan(caps, running())
    hosts = range(1, len(caps) + 1)
    figs = {f.host + 1: f for f in capacity.figures(plan)} if plan.ok else {}
    segment = {}
    for k, v in enumerate(plan.vms):
        seg = plan.segment_of(k) if plan.ok else None
        segment[v.name] = None if seg is None else seg + 1

    def admission(vm: str, host: int) -> Any:
        if vm not in vm_names:
            raise ExprError(f"no VM {vm!r}; the VMs are: {', '.join(vm_names)}")
        if isinstance(host, bool) or not isinstance(host, int) or host not in hosts:
            raise ExprError(f"no host {host!r}; the hosts are 1..{len(caps)}")
        i = vm_names.index(vm)
        return capacity.admit(caps, running(skip=i), capacity.Vm(vm, sizes[i], host - 1))

    return {
        "protected": plan.ok,
        "reserve": {h: figs[h].reserve if figs else None for h in hosts},
        "free_for_vms": {h: figs[h].free_for_vms if figs else None for h in hosts},
        "parcels": {h: sum(sizes[i] for i, p in enumerate(placement) if p == h - 1) for h in hosts},
        "segment": segment,
        "admits": Function(lambda vm, host: admission(vm, host).admitted, "admits(vm, host)"),
        "why_refused": Function(lambda vm, host: admission(vm, host).reason, "why_refused(vm, host)"),
    }


def display(spec: Spec, state: Any) -> dict[str, Any]:
    env = names(spec, state)
    return {k: env[k] for k in DISPLAY if k in env}


def summary(spec: Spec, state: Any) -> list[str]:
    """The whole cluster in a few lines, for the first step of a walk: one line per host, one per VM."""
    env = names(spec, state)
    lines = []
    for h, r in env["host"].items():
        parts = ["up" if r.up else "DOWN", "CVM up" if r.cvm_up else "CVM DOWN"]
        parts += [] if r.libvirtd_up else ["libvirtd DOWN"]
        parts += ["PARTITIONED"] if r.partitioned else []
        parts += ["leader"] if h in env["leaders"] else []
        parts += [] if r.ha_phase == "ok" else [f"HA {r.ha_phase}"]
        room = f"memory {r.memory}, free {r.free_memory}"
        if getattr(r, "reserve", None) is not None:
            room += f", reserve {r.reserve}"
        lines.append(f"host {h}: {', '.join(parts)}; {room}")
    for name, v in env["vm"].items():
        where = f" on host {v.host}" if v.host is not None else ""
        sessions = " ".join(f"{x.stargate or '-'}:{x.phase}" for x in v.sessions)
        extra = f"; address {v.address}" if v.address else ""
        lines.append(f"{name}: {v.status}{where}; {v.io_path} sessions -> {sessions or 'none'}{extra}")
    return lines
