"""The cluster view: the AHV model's picture of the state, or every variable for any other spec.

The picture (:class:`ahvlab.model.picture.Picture`) is typed plain values; this module
only lays them out: hosts with their CVM/Stargate and what each redirector believes,
the leader, VMs with their sessions or Frodo queues and the Stargate each reaches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events

from ahvlab.checker.values import show, show_time
from ahvlab.model.picture import HostPicture, Picture, VMPicture
from ahvlab.tui.view import Frame
from ahvlab.tui.widgets.panel import FramePanel

# Words a description uses for a thing that is not working; they are shown in red so a failure stands out.
BAD_WORDS = frozenset({"down", "unhealthy", "fenced", "crashed", "dead", "lost", "partitioned", "failed", "blocked"})
GOOD_WORDS = frozenset({"up", "healthy", "running", "ok", "connected"})
STATUS_STYLE = {"running": "green", "failed": "bold red", "restarting": "yellow", "off": "dim"}

# Below this width the cluster is drawn as lines rather than tables.
COMPACT_WIDTH = 90


def styled(value: Any) -> Text:
    """A value as text, red when it says something is broken, green when it says it works."""
    text = show(value, quote=False)
    if value is False or text.lower() in BAD_WORDS:
        return Text(text, "bold red")
    if value is True or text.lower() in GOOD_WORDS:
        return Text(text, "green")
    return Text(text)


def up(flag: Any, yes: str = "up", no: str = "down") -> Text:
    return Text(yes, "green") if flag else Text(no, "bold red")


# -- the AHV cluster --------------------------------------------------------------


def leader_line(p: Picture) -> Text:
    leaders = sorted(p.leaders)
    line = Text()
    line.append(show_time(p.now) + "  ", "cyan")
    if len(leaders) == 1:
        line.append("Acropolis leader: ", "bold")
        line.append(f"host {leaders[0]}", "bold magenta")
    elif not leaders:
        line.append("no Acropolis leader", "bold yellow")
    else:
        line.append(f"{len(leaders)} Acropolis leaders: hosts {', '.join(map(str, leaders))}", "bold red")
    return line


def host_network(h: HostPicture) -> Text:
    if not h.up:
        return Text("host down", "bold red")
    if h.partitioned:
        return Text("partitioned", "bold red")
    return Text("connected", "green")


def beliefs(h: HostPicture, sep: str = " ") -> Text:
    """What this host's iSCSI redirector believes of every Stargate: ``S1✓ S2✗``."""
    text = Text()
    for target, healthy in h.health.items():
        if text:
            text.append(sep)
        text.append(f"S{target}")
        text.append("✓" if healthy else "✗", "green" if healthy else "bold red")
    return text


def memory(h: HostPicture) -> Text:
    text = Text(f"{h.free_memory}/{h.memory} free")
    if h.reserve is not None:
        text.append(f", {h.reserve} reserved", "yellow")
    return text


def vm_sessions(vm: VMPicture) -> Text:
    """Each session (classic path: one per disk) or Frodo queue, and the Stargate it reaches."""
    text = Text()
    for k, x in enumerate(vm.sessions):
        if k:
            text.append(" ")
        text.append(f"{vm.slot}{k}→")
        if x.stargate is None:
            text.append("none", "bold red")
        else:
            text.append(f"S{x.stargate}", "green" if x.stargate == vm.host else "yellow")
        if x.phase != "connected":
            text.append(f"({x.phase})", "yellow")
    return text or Text("no sessions", "dim")


def vm_status(vm: VMPicture) -> Text:
    text = Text(vm.status, STATUS_STYLE.get(vm.status, ""))
    if len(vm.copies) > 1:
        text.append(f" {len(vm.copies)} copies!", "bold red reverse")
    return text


def hosts_table(p: Picture) -> Table:
    t = Table(title="Hosts", title_justify="left", title_style="bold", padding=(0, 1), expand=False)
    for col in ("host", "hypervisor", "CVM/Stargate", "libvirtd", "network", "HA watch", "fenced by", "memory GB"):
        t.add_column(col, no_wrap=True)
    t.add_column("redirector believes", no_wrap=True)
    for h in p.host.values():
        name = Text(f"{'★' if h.leader else ' '}{h.id}", "bold magenta" if h.leader else "bold")
        fenced = h.fenced_by
        t.add_row(
            name,
            up(h.up),
            up(h.cvm_up),
            up(h.libvirtd_up),
            host_network(h),
            styled(h.ha_phase),
            Text(f"I/O blocked by {', '.join(f'S{t}' for t in fenced)}", "bold red") if fenced else Text("—", "dim"),
            memory(h),
            beliefs(h),
        )
    return t


def vms_table(p: Picture) -> Table:
    t = Table(title="VMs", title_justify="left", title_style="bold", padding=(0, 1), expand=False)
    for col in ("VM", "status", "host", "I/O path", "sessions → Stargate", "address"):
        t.add_column(col, no_wrap=col != "sessions → Stargate")
    for vm in p.vm.values():
        t.add_row(
            Text(vm.name, "bold"),
            vm_status(vm),
            Text(str(vm.host) if vm.host is not None else "—"),
            Text(vm.io_path),
            vm_sessions(vm),
            Text("DHCP pending", "yellow") if vm.dhcp_pending else Text(vm.address or "—"),
        )
    return t


def compact_lines(p: Picture) -> Text:
    """The same picture as lines, for a narrow terminal."""
    text = Text()
    for h in p.host.values():
        text.append("\n")
        text.append(f"{'★' if h.leader else ' '}H{h.id} ", "bold magenta" if h.leader else "bold")
        text.append_text(up(h.up))
        text.append(" CVM ")
        text.append_text(up(h.cvm_up))
        if not h.libvirtd_up:
            text.append(" libvirtd down", "bold red")
        if h.partitioned:
            text.append(" partitioned", "bold red")
        if h.ha_phase != "ok":
            text.append(f" ha:{h.ha_phase}", "yellow")
        if h.fenced_by:
            text.append(f" blocked by {','.join(f'S{t}' for t in h.fenced_by)}", "bold red")
        text.append(" ")
        text.append_text(beliefs(h, sep=""))
        text.append(f" {h.free_memory}/{h.memory}GB")
    for vm in p.vm.values():
        text.append("\n")
        text.append(f" {vm.name} ", "bold")
        text.append_text(vm_status(vm))
        if vm.host is not None:
            text.append(f" on H{vm.host}")
        text.append(" ")
        text.append_text(vm_sessions(vm))
    return text


def ahv_renderable(p: Picture, compact: bool) -> RenderableType:
    if compact:
        return Text.assemble(leader_line(p), compact_lines(p))
    return Group(leader_line(p), hosts_table(p), vms_table(p))


# -- any other description, and plain variables -----------------------------------


def variables_table(variables: Mapping[str, str]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in variables.items():
        table.add_row(name, value)
    return table


class ClusterView(FramePanel):
    TITLE = "State"

    def watch_frame(self, frame: Frame | None) -> None:
        super().watch_frame(frame)
        if frame is not None:
            self.border_title = "Cluster" if frame.cluster is not None else "State"

    def on_resize(self, event: events.Resize) -> None:
        # Tables or lines depend on the width, so a resize redraws.
        self.watch_frame(self.frame)

    def render_frame(self, frame: Frame) -> RenderableType:
        if frame.cluster is None:
            return variables_table(frame.variables)
        return ahv_renderable(frame.cluster, compact=self.size.width < COMPACT_WIDTH)
