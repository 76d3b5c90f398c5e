"""AHVSpec: the sub-models a config asks for, composed into one checker spec."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ahvlab.checker.spec import Action, Component, Invariant, Property, Spec, explains
from ahvlab.model.blame import blame
from ahvlab.model.cluster import Cluster
from ahvlab.model.config import Config, config_to_dict, default_config
from ahvlab.model.ha import HA
from ahvlab.model.ipam import IPAM
from ahvlab.model.names import expression_names
from ahvlab.model.picture import Picture, picture
from ahvlab.model.properties import ahv_properties
from ahvlab.model.state import AHVState
from ahvlab.model.storage import Storage


class AHVSpec(Spec):
    """The Nutanix AHV cluster of BRIEF.md, built from a :class:`Config`.

    Its parts are :class:`Component` objects: the storage path always, the control
    plane (HA) and IPAM when the config's ``submodels`` name them. Their actions,
    invariants and reasons for a disabled action are the spec's, in that order.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else default_config()
        self.cluster = Cluster(self.config)
        self.storage = Storage(self.cluster)
        self.ha = HA(self.cluster) if self.cluster.ha else None
        self.ipam = IPAM(self.cluster) if self.cluster.ipam else None
        parts: list[Component] = [self.storage]
        if self.ha is not None:
            parts.append(self.ha)
        if self.ipam is not None:
            parts.append(self.ipam)
        self._parts = (*parts, self)
        self._actions = super().actions()
        self._invariants = super().invariants()
        names = {a.name for a in self._actions}
        self._properties = [*super().properties(), *ahv_properties(self.cluster, names)]
        cl = self.cluster
        self._session_symmetry = "sessions" in self.config.symmetry
        self._picture = functools.lru_cache(maxsize=4096)(lambda state: picture(cl, state))

    @property
    def name(self) -> str:
        return "AHVCluster"

    def components(self) -> Sequence[Component]:
        return self._parts

    def init(self) -> Iterable[AHVState]:
        yield self.cluster.initial()

    def actions(self) -> Sequence[Action]:
        return self._actions

    def invariants(self) -> Sequence[Invariant]:
        return self._invariants

    def properties(self) -> Sequence[Property]:
        return self._properties

    def view(self, s: AHVState) -> tuple[Any, ...]:
        """Everything but ``now``: timers are already held as seconds left.

        With a heartbeat longer than 1 s the instant within the heartbeat decides when a lost
        connection is noticed, so it is part of the view. With ``symmetry = ["sessions"]`` each
        copy's sessions are sorted: no action or invariant tells a VM's disks (or queues) apart
        but by their session, so states that differ only in which disk holds which session have
        the same futures up to that renaming, and the same invariant values.
        """
        hb = self.cluster.heartbeat
        if self._session_symmetry:
            s = _sessions_sorted(s)
        return s[1:] if hb == 1 else (s.now % hb, *s[1:])

    def time_of(self, state: Any) -> float | None:
        return state.now

    def explain_disabled(self, state: Any, action: str) -> str | None:
        """Why ``action`` has no step here, in one sentence (the shell, the TUI and scenarios show it)."""
        if action not in {a.name for a in self._actions}:
            return self._left_out(action)
        return super().explain_disabled(state, action)

    def _left_out(self, action: str) -> str:
        cfg = self.config
        kinds = {
            "crash_cvm": "cvm",
            "crash_host": "host",
            "recover_host": "host or block",
            "split_network": "split",
            "heal_split": "split",
            "block_outage": "block",
            "stop_acks": "no_ack",
            "resume_acks": "no_ack",
            "partition_host": "partition",
            "heal_partition": "partition",
            "kill_libvirtd": "libvirtd",
            "restart_libvirtd": "libvirtd",
        }
        kind = kinds.get(action)
        if action == "wait" and self.ha is not None:
            return "this config chooses no durations to wait (waits = [10], say, or a scenario's wait = 10 step)"
        if kind is not None and not set(kind.split(" or ")) & cfg.failures and (kind == "cvm" or self.ha is not None):
            if kind == "cvm":
                return "CVM failures are not switched on in this config"
            return f"'{kind}' failures are not switched on in this config (failures: {', '.join(sorted(cfg.failures))})"
        return f"this cluster's config leaves it out (submodels: {', '.join(sorted(cfg.submodels))})"

    @explains("tick")
    def _why_no_tick(self, s: AHVState) -> str:
        if self.ha is not None and self.ha.urgent(s):
            now = [a.name for a in self._actions if a.name != "tick" and any(True for _ in a.fn(s))]
            return f"time cannot pass at T+{s.now} until the steps due now happen (enabled now: {', '.join(now)})"
        return "no timer is running: nothing is scheduled to happen"

    def parameters(self) -> dict[str, Any]:
        """The whole config, as the TOML table ``config_from_dict`` reads back (traces reopen on it)."""
        return {"config": config_to_dict(self.config)}

    # -- display ------------------------------------------------------------------

    def picture(self, state: AHVState) -> Picture:
        """The state as people read it (hosts from 1, VMs by name, timers as model times); cached per state."""
        return self._picture(state)

    def expression_names(self, state: Any) -> Mapping[str, Any]:
        """Hosts by number, VMs by name, and guarantee mode's admission questions (:mod:`ahvlab.model.names`)."""
        return expression_names(self.cluster, self._picture(state), state)

    def blame(self, invariant: str, state: Any) -> str | None:
        """Which hosts, VMs and values make ``invariant`` false (:mod:`ahvlab.model.blame`)."""
        return blame(self.cluster, self._picture(state), state, invariant)

    def format_state(self, state: Any) -> dict[str, Any]:
        """The picture's variables: what traces, reports, the TUI, the shell and checkpoints name."""
        return self._picture(state).variables()


def _sessions_sorted(s: AHVState) -> AHVState:
    """The state with each copy's sessions in one order (a VM's disks, or its queues, are interchangeable)."""
    out = None
    for vm, cs in enumerate(s.copies):
        for c in cs:
            ss = c.sessions
            if len(ss) > 1 and any(a > b for a, b in itertools.pairwise(ss)):
                break
        else:
            continue  # every copy's sessions are in order already (the common case): nothing to build
        if out is None:
            out = list(s.copies)
        out[vm] = tuple(c._replace(sessions=tuple(sorted(c.sessions))) for c in cs)
    return s if out is None else s._replace(copies=tuple(out))
