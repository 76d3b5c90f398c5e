"""A small cluster spec for the shell's tests: hosts fail, a leader is elected, VMs restart (with or without fencing)."""

from __future__ import annotations

from typing import Any, NamedTuple

from ahvlab.checker import Spec, action, invariant


class VM(NamedTuple):
    name: str
    host: int
    copies: int


class State(NamedTuple):
    t: int
    leader: int | None
    up: tuple[bool, ...]
    vms: tuple[VM, ...]


class Toy(Spec):
    def __init__(self, hosts: int = 3, fencing: bool = True, restart_at: int = 120) -> None:
        self.hosts = hosts
        self.fencing = fencing
        self.restart_at = restart_at

    def init(self) -> Any:
        yield State(0, 1, (True,) * self.hosts, (VM("vm1", 1, 1), VM("vm2", 2, 1)))

    @action
    def crash_host(self, s: State) -> Any:
        """a host fails"""
        for h in range(1, self.hosts + 1):
            if s.up[h - 1] and sum(s.up) > 1:
                up = tuple(False if i == h - 1 else u for i, u in enumerate(s.up))
                leader = None if s.leader == h else s.leader
                yield {"host": h}, s._replace(up=up, leader=leader)

    @action
    def elect(self, s: State) -> Any:
        """the healthy hosts elect a new leader"""
        if s.leader is None:
            for h in range(1, self.hosts + 1):
                if s.up[h - 1]:
                    yield {"host": h}, s._replace(leader=h, t=s.t + 20)

    @action
    def restart_vm(self, s: State) -> Any:
        """the leader restarts a VM of a failed host on a healthy one"""
        if s.leader is None:
            return
        for i, vm in enumerate(s.vms):
            if s.up[vm.host - 1]:
                continue
            for h in range(1, self.hosts + 1):
                if s.up[h - 1]:
                    moved = vm._replace(host=h, copies=vm.copies if self.fencing else vm.copies + 1)
                    vms = tuple(moved if j == i else v for j, v in enumerate(s.vms))
                    yield {"vm": vm.name, "host": h}, s._replace(vms=vms, t=max(s.t, self.restart_at))

    def explain_disabled(self, s: State, name: str) -> str | None:
        if name == "restart_vm":
            return "there is no leader" if s.leader is None else "no VM runs on a failed host"
        if name == "elect":
            return f"host {s.leader} is the leader"
        return None

    @invariant("no VM runs twice")
    def no_phantom_vm(self, s: State) -> bool:
        return all(vm.copies <= 1 for vm in s.vms)

    @invariant("a live host is the leader, or an election is due")
    def leader_is_up(self, s: State) -> bool:
        return s.leader is None or s.up[s.leader - 1]

    def time_of(self, state: Any) -> float | None:
        return float(state.t)

    def parameters(self) -> dict[str, Any]:
        return {"hosts": self.hosts, "fencing": self.fencing, "restart_at": self.restart_at}
