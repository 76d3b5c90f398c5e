"""What a step changed, in words: facts derived from the pictures before and after it.

The step detail leads with these ("VM1's I/O starts failing", "Stargate 3
acknowledged the block of host 2: 2 of 2") before the raw field diff. Everything
here is a pure function of two :class:`~ahvlab.model.picture.Picture` values, so it
is tested without the app.
"""

from __future__ import annotations

from ahvlab.checker.values import show_time
from ahvlab.model.picture import HostPicture, Picture, SessionPicture, VMPicture

PHASE_FACT = {
    "lost": "the leader lost host {h}'s libvirtd: HA starts watching it",
    "timeout": "HA starts its timeout on host {h}: it ends at {due}",
    "fencing": "the leader tells every Stargate to block host {h}'s I/O and waits for every ack",
    "fenced": "every Stargate blocks host {h}'s I/O: host {h} is fenced; its VMs restart at {due}",
    "waiting": "no block order for host {h} (no fencing): its VMs restart at {due} whatever it still runs",
    "restarted": "HA restarted host {h}'s VMs elsewhere",
    "ok": "HA sees host {h} again",
}

STATUS_FACT = {
    "running": "is running",
    "restarting": "waits for HA to restart it",
    "failed": "has failed",
    "off": "is off",
}


def _hosts(hosts: tuple[int, ...]) -> str:
    if len(hosts) == 1:
        return f"host {hosts[0]}"
    return "hosts " + ", ".join(map(str, hosts[:-1])) + f" and {hosts[-1]}"


def _flip(name: str, was: bool, now: bool, down: str, back: str) -> list[str]:
    if was == now:
        return []
    return [f"{name} {back if now else down}"]


def host_facts(a: HostPicture, b: HostPicture) -> list[str]:
    """What changed on one host: hypervisor, CVM, libvirtd, network, HA phase, the redirector's beliefs."""
    h = b.id
    out = _flip(f"host {h}", a.up, b.up, "goes down", "comes back up")
    if a.up == b.up:  # a host that goes down takes its CVM and libvirtd with it: no need to say so
        out += _flip(f"CVM {h} (Stargate {h})", a.cvm_up, b.cvm_up, "goes down", "is back up")
        out += _flip(f"host {h}'s libvirtd", a.libvirtd_up, b.libvirtd_up, "stops", "is back")
    out += _flip(
        f"host {h}", not a.partitioned, not b.partitioned, "is cut off from the network", "rejoins the network"
    )
    if a.ha_phase != b.ha_phase:
        template = PHASE_FACT.get(b.ha_phase, "HA phase of host {h}: {phase}")
        out.append(template.format(h=h, due=show_time(b.ha_due), phase=b.ha_phase))
    for t, healthy in b.health.items():
        if b.up and a.health.get(t, healthy) != healthy:
            word = "healthy again" if healthy else "unhealthy (no NOP answer)"
            out.append(f"host {h}'s redirector marks Stargate {t} {word}")
    return out


def ack_facts(before: Picture, after: Picture) -> list[str]:
    """A Stargate that blocked a host: ``Stargate 3 acknowledged the block of host 2: 2 of 2``."""
    out = []
    for t, b in after.host.items():
        a = before.host.get(t)
        for lost in sorted(b.blocks - (a.blocks if a else frozenset())):
            target = after.host.get(lost)
            if target is None:
                continue
            got = len(target.fenced_by)
            of = got + len(target.acks_pending)
            out.append(f"Stargate {t} acknowledged the block of host {lost}: {got} of {of}")
        for freed in sorted((a.blocks if a else frozenset()) - b.blocks):
            out.append(f"Stargate {t} accepts host {freed}'s I/O again")
    return out


def _copies(v: VMPicture) -> dict[int, tuple[tuple[SessionPicture, ...], int]]:
    """Each copy's host -> (its sessions, when it dies)."""
    out = {c.host: (c.sessions, c.dies_at) for c in v.others}
    main = next((h for h in v.copies if h not in out), None)
    if main is not None:
        out[main] = (v.sessions, v.dies_at[v.copies.index(main)])
    return out


def _session_facts(
    name: str, slot: str, host: int, was: tuple[SessionPicture, ...], now: tuple[SessionPicture, ...]
) -> list[str]:
    out = []
    for k, x in enumerate(now):
        y = was[k] if k < len(was) else None
        if y == x:
            continue
        label = f"{name}'s {slot}{k}"
        if x.stargate is None or x.phase == "dropped":
            out.append(f"{label} session drops: it must log in again through the redirector")
        elif x.phase == "quiescing":
            out.append(f"Stargate {x.stargate} quiesces {label} (failback: the local Stargate is back)")
        elif y is None or y.stargate != x.stargate or y.phase != x.phase:
            where = "local" if x.stargate == host else "remote"
            verb = "logs in to" if x.phase == "connected" else "is redirected to"
            out.append(f"{label} {verb} Stargate {x.stargate} ({where})")
    return out


def vm_facts(before: Picture, a: VMPicture | None, b: VMPicture) -> list[str]:
    """Where a VM's copies run, its I/O, its sessions, its status and its address."""
    name = b.name
    old = _copies(a) if a else {}
    new = _copies(b)
    out = []
    for h in sorted(new.keys() - old.keys()):
        out.append(f"{name} starts on host {h}")
    for h in sorted(old.keys() - new.keys()):
        # A copy whose I/O was failing died of it; any other was stopped or went down with its host.
        dying = old[h][1] >= 0
        out.append(
            f"{name} dies on host {h}: its I/O failed too long" if dying else f"{name}'s copy on host {h} is gone"
        )
    if len(new) > 1 and (len(old) <= 1 or new.keys() != old.keys()):
        out.append(f"{name} now runs on {_hosts(tuple(sorted(new)))}: a phantom VM!")
    for h in sorted(new.keys() & old.keys()):
        (was_s, was_d), (now_s, now_d) = old[h], new[h]
        where = f" on host {h}" if len(new) > 1 else ""
        if was_d < 0 <= now_d:
            out.append(f"{name}'s I/O starts failing{where}: it dies at {show_time(now_d)} unless it comes back")
        elif now_d < 0 <= was_d:
            out.append(f"{name}'s I/O works again{where}")
        out += _session_facts(name, b.slot, h, was_s, now_s)
    if a is not None and a.status != b.status and not (b.status == "running" and new.keys() - old.keys()):
        out.append(f"{name} {STATUS_FACT.get(b.status, 'is ' + b.status)}")
    if b.dhcp_pending and not (a and a.dhcp_pending):
        out.append(f"{name} asks for an address (DHCP)")
    if b.address != (a.address if a else None) and b.address is not None:
        leader = before.leader
        route = ""
        if leader is not None and b.host is not None:
            route = " (the leader is local)" if leader == b.host else f" (over VXLAN to the leader on host {leader})"
        out.append(f"{name} gets address {b.address}{route}")
    return out


def leader_facts(a: Picture, b: Picture) -> list[str]:
    if a.leaders == b.leaders:
        return []
    if not b.leaders:
        return ["there is no Acropolis leader"]
    if len(b.leaders) > 1:
        return [f"{len(b.leaders)} Acropolis leaders at once: {_hosts(tuple(sorted(b.leaders)))}!"]
    return [f"host {b.leader} is the Acropolis leader now"]


def facts(before: Picture, after: Picture) -> list[str]:
    """Every derived fact of the step from ``before`` to ``after``: time, acks, hosts, the leader, then VMs."""
    out: list[str] = []
    if after.now != before.now:
        out.append(f"time passes: {show_time(before.now)} → {show_time(after.now)}")
    out += ack_facts(before, after)
    for h, b in after.host.items():
        a = before.host.get(h)
        if a is not None:
            out += host_facts(a, b)
    out += leader_facts(before, after)
    for name, v in after.vm.items():
        out += vm_facts(before, before.vm.get(name), v)
    if after.failed_back and not before.failed_back:
        out.append("failback complete: every session is back on its local Stargate")
    return out
