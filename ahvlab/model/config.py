"""The cluster configuration: hosts, VMs, networks, bounds, timings and mutations.

A :class:`Config` is frozen and validated when it is built; nonsense (zero hosts,
a VM larger than every host, a disk count below 1...) raises
:class:`~ahvlab.checker.errors.SpecLoadError` naming the key and what was expected.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ahvlab.checker.errors import SpecLoadError, toml_error_place
from ahvlab.checker.output import read_user_text
from ahvlab.model.mutations import MUTATIONS, Mutation, UnknownMutation, mutations

SUBMODELS = ("storage", "ha", "ipam")
"""storage: redirector, sessions, Frodo queues; ha: time, failures, leader, fencing, restart; ipam: DHCP leases."""
FAILURES = ("cvm", "host", "partition", "libvirtd", "split", "block", "no_ack")
"""Every failure kind: a CVM crash, a host crash, one host cut off, a libvirtd loss, the hosts divided into two
sides, a block of hosts lost together, a Stargate that never answers a block order."""
DEFAULT_FAILURES = frozenset(FAILURES[:4])
"""The kinds a config has unless it says otherwise (the later kinds are asked for by name)."""
IO_FAILS_AT = ("block", "partition")
SYMMETRIES = ("sessions",)
"""What a config may declare interchangeable (``symmetry = [...]``): a VM's disks, or its queues."""
"""The two readings of the brief's 45 s rule: a cut-off host's I/O fails from the first block, or at once."""
IO_PATHS = ("classic", "frodo")
HA_MODES = ("best_effort", "guarantee")
ADMISSION_METHODS = ("mthm", "mthm+z3", "exact")
"""Guarantee-mode admission: MTHM as AHV does, MTHM then z3 when it misses, or z3 alone."""


@dataclass(frozen=True)
class Timings:
    """HA timings in seconds (BRIEF.md, "VM HA"). ``restart_after`` counts from T0, the loss of the host."""

    heartbeat: int = 1
    detect_after: int = 20
    timeout: int = 40
    restart_after: int = 120
    vm_io_death: int = 45
    election_after: int = 20
    leader_lease: int = 0
    """Seconds a leader that lost its quorum keeps acting before it steps down (0: at once)."""

    @property
    def fence_at(self) -> int:
        """Seconds after T0 when the leader orders every Stargate to block the lost host (T60)."""
        return self.detect_after + self.timeout

    @property
    def restart_wait(self) -> int:
        """Seconds between the block order and the restart (T60 -> T120)."""
        return self.restart_after - self.fence_at


@dataclass(frozen=True)
class VMConfig:
    """One guest VM. ``host`` is 1-based (None: powered off at the start)."""

    name: str
    vcpus: int = 1
    memory: int = 4
    disks: int = 1
    io_path: str = "frodo"
    num_queues: int = 2
    host: int | None = 1
    network: str | None = None
    does_io: bool = True


@dataclass(frozen=True)
class NetworkConfig:
    """A VM network. A managed network has a DHCP scope ``first-last`` that AHV's IPAM assigns from."""

    name: str
    managed: bool = True
    scope: str = "10.10.0.10-10.10.0.19"

    def addresses(self) -> tuple[str, ...]:
        """Every address of the scope, in order (empty for an unmanaged network)."""
        if not self.managed:
            return ()
        first, last = (ipaddress.IPv4Address(p.strip()) for p in self.scope.split("-"))
        return tuple(str(ipaddress.IPv4Address(a)) for a in range(int(first), int(last) + 1))


def _default_vms() -> tuple[VMConfig, ...]:
    return (
        VMConfig("VM1", vcpus=2, memory=8, disks=2, io_path="classic", host=1, network="vlan10"),
        VMConfig("VM2", vcpus=4, memory=8, disks=1, io_path="frodo", num_queues=2, host=2, network="vlan10"),
        VMConfig("VM3", vcpus=1, memory=4, disks=1, io_path="frodo", num_queues=2, host=3, network="vlan10"),
    )


def _default_networks() -> tuple[NetworkConfig, ...]:
    return (NetworkConfig("vlan10", managed=True, scope="10.10.0.10-10.10.0.13"),)


@dataclass(frozen=True)
class Config:
    """Everything one AHV spec is built from. Hosts are numbered from 1 in everything the user sees."""

    host_memory: tuple[int, ...] = (32, 32, 32)
    vms: tuple[VMConfig, ...] = field(default_factory=_default_vms)
    networks: tuple[NetworkConfig, ...] = field(default_factory=_default_networks)
    submodels: frozenset[str] = frozenset(SUBMODELS)
    failures: frozenset[str] = DEFAULT_FAILURES
    max_cvm_failures: int = 1
    """CVM crashes allowed in one run."""
    max_host_failures: int = 1
    """Host-level failures (crash, partition, libvirtd loss) allowed in one run."""
    max_failures: int = 1
    """Failures of any kind allowed in one run (the default keeps the exhaustive check small)."""
    ha_mode: str = "best_effort"
    admission: str = "mthm"
    """Guarantee mode: who decides a start (one of ``ADMISSION_METHODS``)."""
    largest_host_rule: bool = True
    """Guarantee mode with uneven hosts: reserve as if every host had the largest host's memory."""
    timings: Timings = field(default_factory=Timings)
    leader: int = 3
    """The host whose CVM holds the Acropolis leadership at the start."""
    mutations: frozenset[Mutation] = frozenset()
    """The what-ifs switched on (names are turned into :class:`Mutation` members when the config is built)."""
    io_fails_at: str = "block"
    """A cut-off host's VMs see their first failed I/O at the first block ack ("block") or at once ("partition")."""
    blocks: tuple[tuple[int, ...], ...] = ()
    """Failure kind ``block``: groups of hosts (numbered from 1) that fail together."""
    waits: tuple[int, ...] = ()
    """Durations (s) the ``wait`` action may let pass between deadlines: failures at chosen instants."""
    symmetry: frozenset[str] = frozenset()
    """``sessions``: the checker takes states that differ only in which of a VM's disks (or queues) holds which
    session as one state (their futures are the same up to that renaming)."""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mutations", mutations(self.mutations))
        except UnknownMutation as exc:
            raise _fail("mutations", str(exc), "one of " + ", ".join(MUTATIONS)) from None
        _validate(self)

    @property
    def hosts(self) -> int:
        return len(self.host_memory)

    def with_mutations(self, *names: str) -> Config:
        """The same config with these mutations switched on as well (an unknown name is a SpecLoadError)."""
        return dataclasses.replace(self, mutations=self.mutations | frozenset(names))  # type: ignore[arg-type]

    def without_mutations(self, *names: str) -> Config:
        """The same config with these mutations switched off."""
        return dataclasses.replace(self, mutations=self.mutations - frozenset(names))


def default_config() -> Config:
    """3 hosts, 3 VMs (a classic VM with 2 disks, a 4-vCPU Frodo VM, a 1-vCPU Frodo VM), both parts of the model.

    One failure per run (any kind); the leader starts on Host 3.
    """
    return Config()


# -- validation -----------------------------------------------------------------


def _fail(key: str, message: str, expected: str | None = None) -> SpecLoadError:
    return SpecLoadError(message, key=key, expected=expected)


def _validate(c: Config) -> None:
    if not isinstance(c.host_memory, tuple) or not isinstance(c.vms, tuple) or not isinstance(c.networks, tuple):
        raise _fail("hosts", "host_memory, vms and networks must be tuples (a frozen config)", "tuples")
    if not c.host_memory:
        raise _fail("hosts", "a cluster needs at least one host", "a non-empty list of host memory sizes in GiB")
    for i, mem in enumerate(c.host_memory, start=1):
        if not isinstance(mem, int) or isinstance(mem, bool) or mem < 1:
            raise _fail(f"hosts[{i}]", f"host memory {mem!r} is not a positive number of GiB", "an integer >= 1")
    if len(c.host_memory) > 8:
        raise _fail("hosts", f"{len(c.host_memory)} hosts is more than the model explores", "at most 8 hosts")
    bad = sorted(set(c.submodels) - set(SUBMODELS))
    if bad or "storage" not in c.submodels:
        raise _fail("submodels", f"bad sub-model list {sorted(c.submodels)!r}", "'storage' plus any of 'ha', 'ipam'")
    if "ipam" in c.submodels and "ha" not in c.submodels:
        raise _fail("submodels", "'ipam' needs 'ha' (the Acropolis leader assigns addresses)", "'ha' with 'ipam'")
    bad = sorted(set(c.failures) - set(FAILURES))
    if bad:
        raise _fail("failures", f"unknown failure kind {bad[0]!r}", "any of " + ", ".join(FAILURES))
    for key in ("max_cvm_failures", "max_host_failures", "max_failures"):
        v = getattr(c, key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > 3:
            raise _fail(key, f"{v!r} is not a usable failure bound", "an integer from 0 to 3")
    if c.ha_mode not in HA_MODES:
        raise _fail("ha_mode", f"unknown HA mode {c.ha_mode!r}", " or ".join(HA_MODES))
    if c.admission not in ADMISSION_METHODS:
        raise _fail("admission", f"unknown admission method {c.admission!r}", " or ".join(ADMISSION_METHODS))
    if not isinstance(c.leader, int) or not 1 <= c.leader <= len(c.host_memory):
        raise _fail("leader", f"no host {c.leader!r}", f"a host number from 1 to {len(c.host_memory)}")
    _validate_timings(c.timings)
    _validate_failure_shapes(c)
    nets: dict[str, NetworkConfig] = {}
    for i, net in enumerate(c.networks, start=1):
        if not net.name or net.name in nets:
            raise _fail(f"networks[{i}].name", f"network name {net.name!r} is empty or repeated", "a unique name")
        if net.managed:
            try:
                addrs = net.addresses()
            except ValueError:
                raise _fail(
                    f"networks[{i}].scope", f"bad scope {net.scope!r}", "'first-last', e.g. '10.10.0.10-10.10.0.19'"
                ) from None
            if not addrs or len(addrs) > 64:
                raise _fail(f"networks[{i}].scope", f"scope {net.scope!r} holds {len(addrs)} addresses", "1 to 64")
        nets[net.name] = net
    if not c.vms:
        raise _fail("vms", "a cluster model needs at least one VM", "at least one [[vms]] entry")
    names: set[str] = set()
    for i, vm in enumerate(c.vms, start=1):
        _validate_vm(c, vm, i, names, nets)
    for net in nets.values():
        members = [vm for vm in c.vms if vm.network == net.name and vm.host is not None]
        if net.managed and len(members) > len(net.addresses()):
            raise _fail(
                f"networks.{net.name}.scope",
                f"{len(members)} running VMs do not fit in {len(net.addresses())} addresses",
                "a scope with an address per VM",
            )


def _validate_failure_shapes(c: Config) -> None:
    if c.io_fails_at not in IO_FAILS_AT:
        raise _fail("io_fails_at", f"unknown reading {c.io_fails_at!r}", " or ".join(repr(x) for x in IO_FAILS_AT))
    seen: set[int] = set()
    for i, block in enumerate(c.blocks, start=1):
        if not isinstance(block, tuple) or not block:
            raise _fail(f"blocks[{i}]", f"block {block!r} holds no hosts", "a list of host numbers, e.g. [1, 2]")
        for h in block:
            if not isinstance(h, int) or isinstance(h, bool) or not 1 <= h <= len(c.host_memory):
                raise _fail(f"blocks[{i}]", f"no host {h!r}", f"host numbers from 1 to {len(c.host_memory)}")
            if h in seen:
                raise _fail(f"blocks[{i}]", f"host {h} is in two blocks", "blocks that share no host")
            seen.add(h)
    if "block" in c.failures and not c.blocks:
        raise _fail("blocks", "failure kind 'block' needs the blocks of hosts", "blocks = [[1, 2], ...]")
    if "split" in c.failures and len(c.host_memory) < 2:
        raise _fail("failures", "failure kind 'split' needs two hosts or more", "a cluster of at least 2 hosts")
    for w in c.waits:
        if not isinstance(w, int) or isinstance(w, bool) or w < 1:
            raise _fail("waits", f"{w!r} is not a positive number of seconds", "a list of integers >= 1")
    unknown = sorted(c.symmetry - set(SYMMETRIES))
    if unknown:
        raise _fail("symmetry", f"{unknown[0]!r} is not something the model can interchange", repr(list(SYMMETRIES)))


def _validate_timings(t: Timings) -> None:
    for f in dataclasses.fields(t):
        v = getattr(t, f.name)
        low = 0 if f.name == "leader_lease" else 1
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise _fail(f"timings.{f.name}", f"{v!r} is not a usable number of seconds", f"an integer >= {low}")
    if t.restart_after <= t.fence_at:
        raise _fail(
            "timings.restart_after",
            f"restart at T{t.restart_after} is not after the block order at T{t.fence_at}",
            f"more than detect_after + timeout = {t.fence_at}",
        )


def _validate_vm(c: Config, vm: VMConfig, i: int, names: set[str], nets: Mapping[str, NetworkConfig]) -> None:
    key = f"vms[{i}]"
    if not vm.name or vm.name in names:
        raise _fail(f"{key}.name", f"VM name {vm.name!r} is empty or repeated", "a unique name such as 'VM1'")
    names.add(vm.name)
    for attr, low in (("vcpus", 1), ("memory", 1), ("disks", 1), ("num_queues", 1)):
        v = getattr(vm, attr)
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise _fail(f"{key}.{attr}", f"{vm.name}: {attr} = {v!r}", f"an integer >= {low}")
    if vm.disks > 4 or vm.num_queues > 16:
        raise _fail(
            f"{key}.disks", f"{vm.name}: too many disks or queues for the model", "disks <= 4, num_queues <= 16"
        )
    if vm.io_path not in IO_PATHS:
        raise _fail(f"{key}.io_path", f"{vm.name}: unknown I/O path {vm.io_path!r}", "'classic' or 'frodo'")
    if vm.memory > max(c.host_memory):
        raise _fail(
            f"{key}.memory",
            f"{vm.name} needs {vm.memory} GiB, more than any host has ({max(c.host_memory)} GiB)",
            "a VM that fits on some host",
        )
    if vm.host is not None and (not isinstance(vm.host, int) or not 1 <= vm.host <= len(c.host_memory)):
        raise _fail(f"{key}.host", f"{vm.name}: no host {vm.host!r}", f"a host number from 1 to {len(c.host_memory)}")
    if vm.network is not None and vm.network not in nets:
        raise _fail(f"{key}.network", f"{vm.name}: unknown network {vm.network!r}", "a name from [[networks]]")
    if vm.host is not None:
        used = sum(v.memory for v in c.vms if v.host == vm.host)
        if used > c.host_memory[vm.host - 1]:
            raise _fail(
                f"{key}.host",
                f"the VMs placed on host {vm.host} need {used} GiB, the host has {c.host_memory[vm.host - 1]}",
                "VMs that fit in their host's memory",
            )


# -- loading --------------------------------------------------------------------

_VM_KEYS = {f.name for f in dataclasses.fields(VMConfig)}
_NET_KEYS = {f.name for f in dataclasses.fields(NetworkConfig)}
_TIMING_KEYS = {f.name for f in dataclasses.fields(Timings)}
_TOP_KEYS = {
    "hosts",
    "vms",
    "networks",
    "submodels",
    "failures",
    "max_cvm_failures",
    "max_host_failures",
    "max_failures",
    "ha_mode",
    "admission",
    "largest_host_rule",
    "timings",
    "leader",
    "mutations",
    "io_fails_at",
    "blocks",
    "waits",
    "symmetry",
}


def _line_of(text: str | None, key: str) -> int | None:
    """Best effort: the line where ``key`` (e.g. ``vms[2].disks``) is written (tomllib keeps no positions)."""
    if not text:
        return None
    lines = text.splitlines()
    start = 0
    m = re.match(r"(\w+)\[(\d+)\]", key)
    if m:
        # The n-th [[vms]] (or [[cluster.vms]]) table: search from its header on.
        header = re.compile(rf"^\s*\[\[\s*(cluster\.)?{m.group(1)}\s*\]\]")
        seen = 0
        for n, line in enumerate(lines):
            if header.search(line):
                seen += 1
                if seen == int(m.group(2)):
                    start = n
                    break
    leaf = key.rsplit(".", 1)[-1].split("[", 1)[0]
    pat = re.compile(rf"^\s*\[*\s*{re.escape(leaf)}\s*[=\]]")
    for n in range(start, len(lines)):
        if pat.search(lines[n]):
            return n + 1
    return start + 1 if m else None


def _type_error(key: str, value: Any, expected: str) -> SpecLoadError:
    return SpecLoadError(f"got {value!r}", key=key, expected=expected)


def _int(key: str, v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise _type_error(key, v, "an integer")
    return v


def _str(key: str, v: Any) -> str:
    if not isinstance(v, str):
        raise _type_error(key, v, "a string")
    return v


def _strs(key: str, v: Any) -> frozenset[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _type_error(key, v, "a list of strings")
    return frozenset(v)


def _table(key: str, v: Any, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        raise _type_error(key, v, "a table")
    extra = sorted(set(v) - allowed)
    if extra:
        raise SpecLoadError(
            f"unknown key {extra[0]!r}", key=f"{key}.{extra[0]}", expected="one of " + ", ".join(sorted(allowed))
        )
    return v


def _vm_from(key: str, d: Any) -> VMConfig:
    t = _table(key, d, _VM_KEYS)
    if "name" not in t:
        raise SpecLoadError("a VM needs a name", key=f"{key}.name", expected="a string such as 'VM1'")
    kw: dict[str, Any] = {"name": _str(f"{key}.name", t["name"])}
    for k in ("vcpus", "memory", "disks", "num_queues"):
        if k in t:
            kw[k] = _int(f"{key}.{k}", t[k])
    if "io_path" in t:
        kw["io_path"] = _str(f"{key}.io_path", t["io_path"])
    if "host" in t:
        kw["host"] = None if t["host"] in (0, "off") else _int(f"{key}.host", t["host"])
    if "network" in t:
        kw["network"] = _str(f"{key}.network", t["network"])
    if "does_io" in t:
        if not isinstance(t["does_io"], bool):
            raise _type_error(f"{key}.does_io", t["does_io"], "true or false")
        kw["does_io"] = t["does_io"]
    return VMConfig(**kw)


def _net_from(key: str, d: Any) -> NetworkConfig:
    t = _table(key, d, _NET_KEYS)
    if "name" not in t:
        raise SpecLoadError("a network needs a name", key=f"{key}.name", expected="a string such as 'vlan10'")
    kw: dict[str, Any] = {"name": _str(f"{key}.name", t["name"])}
    if "managed" in t:
        if not isinstance(t["managed"], bool):
            raise _type_error(f"{key}.managed", t["managed"], "true or false")
        kw["managed"] = t["managed"]
    if "scope" in t:
        kw["scope"] = _str(f"{key}.scope", t["scope"])
    return NetworkConfig(**kw)


def _blocks(v: Any) -> tuple[tuple[int, ...], ...]:
    if not isinstance(v, list) or not all(isinstance(b, list) for b in v):
        raise _type_error("blocks", v, "a list of lists of host numbers, e.g. [[1, 2], [3, 4]]")
    return tuple(tuple(_int(f"blocks[{i}]", h) for h in b) for i, b in enumerate(v, start=1))


def config_from_dict(d: Mapping[str, Any], source: str | None = None, text: str | None = None) -> Config:
    """Build a Config from a TOML table (a whole file, or a scenario's ``[cluster]`` table).

    Missing keys keep the default config's values. Errors name ``source``, the key,
    the line where it can be found in ``text`` and what was expected.
    """
    try:
        t = _table("cluster", d, _TOP_KEYS)
        kw: dict[str, Any] = {}
        if "hosts" in t:
            hosts = t["hosts"]
            if isinstance(hosts, int) and not isinstance(hosts, bool):
                hosts = [32] * hosts
            if not isinstance(hosts, list):
                raise _type_error("hosts", hosts, "a list of host memory sizes in GiB, or a host count")
            kw["host_memory"] = tuple(_int(f"hosts[{i}]", m) for i, m in enumerate(hosts, start=1))
        if "vms" in t:
            if not isinstance(t["vms"], list):
                raise _type_error("vms", t["vms"], "an array of tables [[vms]]")
            kw["vms"] = tuple(_vm_from(f"vms[{i}]", v) for i, v in enumerate(t["vms"], start=1))
        if "networks" in t:
            if not isinstance(t["networks"], list):
                raise _type_error("networks", t["networks"], "an array of tables [[networks]]")
            kw["networks"] = tuple(_net_from(f"networks[{i}]", v) for i, v in enumerate(t["networks"], start=1))
        for k in ("submodels", "failures", "mutations"):
            if k in t:
                kw[k] = _strs(k, t[k])
        for k in ("max_cvm_failures", "max_host_failures", "max_failures", "leader"):
            if k in t:
                kw[k] = _int(k, t[k])
        if "ha_mode" in t:
            kw["ha_mode"] = _str("ha_mode", t["ha_mode"])
        if "admission" in t:
            kw["admission"] = _str("admission", t["admission"])
        if "largest_host_rule" in t:
            if not isinstance(t["largest_host_rule"], bool):
                raise _type_error("largest_host_rule", t["largest_host_rule"], "true or false")
            kw["largest_host_rule"] = t["largest_host_rule"]
        if "io_fails_at" in t:
            kw["io_fails_at"] = _str("io_fails_at", t["io_fails_at"])
        if "blocks" in t:
            kw["blocks"] = _blocks(t["blocks"])
        if "waits" in t:
            ws = t["waits"]
            if not isinstance(ws, list):
                raise _type_error("waits", ws, "a list of seconds, e.g. [10]")
            kw["waits"] = tuple(sorted({_int("waits", w) for w in ws}))
        if "symmetry" in t:
            kw["symmetry"] = _strs("symmetry", t["symmetry"])
        if "timings" in t:
            tt = _table("timings", t["timings"], _TIMING_KEYS)
            kw["timings"] = Timings(**{k: _int(f"timings.{k}", v) for k, v in tt.items()})
        return Config(**kw)
    except SpecLoadError as err:
        if err.file is None and source is not None:
            line = _line_of(text, err.key or "")
            raise SpecLoadError(err.message, file=source, line=line, key=err.key, expected=err.expected) from None
        raise


def load_config(path: str | Path) -> Config:
    """Read a TOML cluster config (top-level keys, or a ``[cluster]`` table)."""
    p = Path(path)
    # Only a regular file is read (a FIFO would block), and bytes that are not UTF-8 get their line.
    text = read_user_text(path, what="the config")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg, line, column = toml_error_place(exc, text)
        where = f" (column {column})" if column is not None else ""
        raise SpecLoadError(f"not valid TOML: {msg}{where}", file=str(p), line=line, expected="TOML") from None
    table: Mapping[str, Any] = data
    if "cluster" in data and isinstance(data["cluster"], Mapping) and len(data) == 1:
        table = data["cluster"]
    return config_from_dict(table, source=str(p), text=text)


# -- the way back: a Config as the table it was read from --------------------------


def config_to_dict(c: Config) -> dict[str, Any]:
    """The TOML-shaped table that :func:`config_from_dict` reads back to an equal Config.

    Written into ITF traces (``#meta.parameters.config``) so that a saved trace
    reopens on the very cluster it was recorded on.
    """
    vms: list[dict[str, Any]] = []
    for vm in c.vms:
        d = {f.name: getattr(vm, f.name) for f in dataclasses.fields(VMConfig)}
        d["host"] = "off" if vm.host is None else vm.host
        if vm.network is None:
            del d["network"]
        vms.append(d)
    return {
        "hosts": list(c.host_memory),
        "vms": vms,
        "networks": [{f.name: getattr(n, f.name) for f in dataclasses.fields(NetworkConfig)} for n in c.networks],
        "submodels": sorted(c.submodels),
        "failures": sorted(c.failures),
        "max_cvm_failures": c.max_cvm_failures,
        "max_host_failures": c.max_host_failures,
        "max_failures": c.max_failures,
        "ha_mode": c.ha_mode,
        "admission": c.admission,
        "largest_host_rule": c.largest_host_rule,
        "timings": {f.name: getattr(c.timings, f.name) for f in dataclasses.fields(Timings)},
        "leader": c.leader,
        "mutations": sorted(m.value for m in c.mutations),
        "io_fails_at": c.io_fails_at,
        "blocks": [list(b) for b in c.blocks],
        "waits": list(c.waits),
        "symmetry": sorted(c.symmetry),
    }


def _plain(v: Any) -> Any:
    """ITF decodes sequences as tuples and maps as dicts; the TOML reader wants lists."""
    if isinstance(v, tuple | list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def config_from_parameters(params: Mapping[str, Any]) -> Config | None:
    """The Config an ITF trace's decoded ``#meta.parameters`` records, or None if it records none."""
    table = params.get("config")
    if table is None:
        return None
    return config_from_dict(_plain(table), source="#meta.parameters.config")


def timings_of(c: Config) -> dict[str, int]:
    """The HA timings a user may change, in seconds: ``{name: seconds}``."""
    return {f.name: getattr(c.timings, f.name) for f in dataclasses.fields(Timings)}


def with_timing(c: Config, name: str, seconds: float) -> Config:
    """The same config with one timing changed (validated like any config)."""
    if name not in _TIMING_KEYS:
        raise SpecLoadError(
            f"unknown timing {name!r}", key="timings", expected=f"one of: {', '.join(sorted(_TIMING_KEYS))}"
        )
    if seconds != int(seconds):
        raise SpecLoadError(f"timing {name} must be a whole number of seconds", key=f"timings.{name}")
    return dataclasses.replace(c, timings=dataclasses.replace(c.timings, **{name: int(seconds)}))
