"""The cluster view: the AHV model's description of the state, or every variable for any other spec.

The description is plain values (see ``ahvlab.model.describe``); this module only
lays them out: hosts with their CVM/Stargate and what each redirector believes,
the leader, VMs with their sessions or Frodo queues and the Stargate each reaches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events

from ahvlab.tui.view import Frame, show, show_time
from ahvlab.tui.widgets.panel import FramePanel

# Words a description uses for a thing that is not working; they are shown in red so a failure stands out.
BAD_WORDS = frozenset({"down", "unhealthy", "fenced", "crashed", "dead", "lost", "partitioned", "failed", "blocked"})
GOOD_WORDS = frozenset({"up", "healthy", "running", "ok", "connected"})
STATUS_STYLE = {"running": "green", "failed": "bold red", "restarting": "yellow", "off": "dim"}

# Below this width the cluster is drawn as lines rather than tables.
COMPACT_WIDTH = 90


def styled(value: Any) -> Text:
    """A value as text, red when it says something is broken, green when it says it works."""
    text = show(value)
    if value is False or text.lower() in BAD_WORDS:
        return Text(text, "bold red")
    if value is True or text.lower() in GOOD_WORDS:
        return Text(text, "green")
    return Text(text)


def up(flag: Any, yes: str = "up", no: str = "down") -> Text:
    return Text(yes, "green") if flag else Text(no, "bold red")


# -- the AHV cluster --------------------------------------------------------------


def is_ahv(desc: Mapping[str, Any]) -> bool:
    """Whether a description has the AHV model's shape (hosts and VMs as records)."""
    hosts, vms = desc.get("hosts"), desc.get("vms")
    return isinstance(hosts, Sequence) and isinstance(vms, Sequence) and all(isinstance(h, Mapping) for h in hosts)


def leader_line(desc: Mapping[str, Any]) -> Text:
    leaders = list(desc.get("leaders") or ([desc["leader"]] if desc.get("leader") is not None else []))
    line = Text()
    if desc.get("now") is not None:
        line.append(show_time(desc["now"]) + "  ", "cyan")
    if len(leaders) == 1:
        line.append("Acropolis leader: ", "bold")
        line.append(f"host {leaders[0]}", "bold magenta")
    elif not leaders:
        line.append("no Acropolis leader", "bold yellow")
    else:
        line.append(f"{len(leaders)} Acropolis leaders: hosts {', '.join(map(str, leaders))}", "bold red")
    return line


def host_network(h: Mapping[str, Any]) -> Text:
    if not h.get("up", True):
        return Text("host down", "bold red")
    if h.get("partitioned"):
        return Text("partitioned", "bold red")
    return Text("connected", "green")


def beliefs(h: Mapping[str, Any], sep: str = " ") -> Text:
    """What this host's iSCSI redirector believes of every Stargate: ``S1✓ S2✗``."""
    text = Text()
    for target, healthy in (h.get("health") or {}).items():
        if text:
            text.append(sep)
        text.append(f"S{target}")
        text.append("✓" if healthy else "✗", "green" if healthy else "bold red")
    return text


def memory(h: Mapping[str, Any]) -> Text:
    if "memory" not in h:
        return Text("")
    text = Text(f"{show(h.get('free_memory', '?'))}/{show(h['memory'])} free")
    if h.get("reserve") is not None:
        text.append(f", {show(h['reserve'])} reserved", "yellow")
    return text


def vm_sessions(vm: Mapping[str, Any]) -> Text:
    """Each session (classic path: one per disk) or Frodo queue, and the Stargate it reaches."""
    slot = "queue" if vm.get("io_path") == "frodo" or vm.get("slot") == "queue" else "disk"
    text = Text()
    for n, item in enumerate(vm.get("sessions") or ()):
        k, target, phase = [*item, None, None, None][:3]
        if n:
            text.append(" ")
        text.append(f"{slot}{k}→")
        if target is None:
            text.append("none", "bold red")
        else:
            local = target == vm.get("host")
            text.append(f"S{target}", "green" if local else "yellow")
        if phase not in (None, "connected"):
            text.append(f"({phase})", "yellow")
    return text or Text("no sessions", "dim")


def vm_status(vm: Mapping[str, Any]) -> Text:
    copies = list(vm.get("copies") or ())
    status = show(vm.get("status", ""))
    text = Text(status, STATUS_STYLE.get(status, ""))
    if len(copies) > 1:
        text.append(f" {len(copies)} copies!", "bold red reverse")
    return text


def hosts_table(desc: Mapping[str, Any]) -> Table:
    leaders = set(desc.get("leaders") or ())
    t = Table(title="Hosts", title_justify="left", title_style="bold", padding=(0, 1), expand=False)
    for col in ("host", "hypervisor", "CVM/Stargate", "libvirtd", "network", "HA watch", "fenced by", "memory GB"):
        t.add_column(col, no_wrap=True)
    t.add_column("redirector believes", no_wrap=True)
    for h in desc["hosts"]:
        name = Text(
            f"{'★' if h.get('id') in leaders else ' '}{h.get('id')}",
            "bold magenta" if h.get("id") in leaders else "bold",
        )
        fenced = h.get("fenced_by") or []
        t.add_row(
            name,
            up(h.get("up", True)),
            up(h.get("cvm_up", True)),
            up(h.get("libvirtd_up", True)),
            host_network(h),
            styled(h.get("ha_phase", "")),
            Text(f"I/O blocked by {', '.join(f'S{t}' for t in fenced)}", "bold red") if fenced else Text("—", "dim"),
            memory(h),
            beliefs(h),
        )
    return t


def vms_table(desc: Mapping[str, Any]) -> Table:
    t = Table(title="VMs", title_justify="left", title_style="bold", padding=(0, 1), expand=False)
    for col in ("VM", "status", "host", "I/O path", "sessions → Stargate", "address"):
        t.add_column(col, no_wrap=col != "sessions → Stargate")
    for vm in desc["vms"]:
        address = vm.get("address")
        t.add_row(
            Text(show(vm.get("name")), "bold"),
            vm_status(vm),
            Text(show(vm.get("host")) if vm.get("host") is not None else "—"),
            Text(show(vm.get("io_path", ""))),
            vm_sessions(vm),
            Text("DHCP pending", "yellow") if vm.get("dhcp_pending") else Text(show(address) if address else "—"),
        )
    return t


def compact_lines(desc: Mapping[str, Any]) -> Text:
    """The same picture as lines, for a narrow terminal."""
    leaders = set(desc.get("leaders") or ())
    text = Text()
    for h in desc["hosts"]:
        text.append("\n")
        text.append(
            f"{'★' if h.get('id') in leaders else ' '}H{h.get('id')} ",
            "bold magenta" if h.get("id") in leaders else "bold",
        )
        text.append_text(up(h.get("up", True)))
        text.append(" CVM ")
        text.append_text(up(h.get("cvm_up", True)))
        if not h.get("libvirtd_up", True):
            text.append(" libvirtd down", "bold red")
        if h.get("partitioned"):
            text.append(" partitioned", "bold red")
        if h.get("ha_phase") not in (None, "ok"):
            text.append(f" ha:{h['ha_phase']}", "yellow")
        if h.get("fenced_by"):
            text.append(f" blocked by {','.join(f'S{t}' for t in h['fenced_by'])}", "bold red")
        text.append(" ")
        text.append_text(beliefs(h, sep=""))
        if "memory" in h:
            text.append(f" {show(h.get('free_memory', '?'))}/{show(h['memory'])}GB")
    for vm in desc["vms"]:
        text.append("\n")
        text.append(f" {show(vm.get('name'))} ", "bold")
        text.append_text(vm_status(vm))
        if vm.get("host") is not None:
            text.append(f" on H{vm['host']}")
        text.append(" ")
        text.append_text(vm_sessions(vm))
    return text


def ahv_renderable(desc: Mapping[str, Any], compact: bool) -> RenderableType:
    if compact:
        return Text.assemble(leader_line(desc), compact_lines(desc))
    return Group(leader_line(desc), hosts_table(desc), vms_table(desc))


# -- any other description, and plain variables -----------------------------------


def records_table(title: str, rows: Sequence[Mapping[str, Any]]) -> Table:
    """A list of records as a table, one column per key (in first-seen order)."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    table = Table(title=title, title_justify="left", title_style="bold", expand=False, padding=(0, 1))
    for k in keys:
        table.add_column(k, overflow="fold")
    for r in rows:
        table.add_row(*(styled(r.get(k, "")) for k in keys))
    return table


def describe_renderable(desc: Mapping[str, Any]) -> RenderableType:
    """A plain description (records, mappings, scalars) as tables and lines, in its own key order."""
    parts: list[RenderableType] = []
    line = Text()
    for key, value in desc.items():
        if (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and value
            and all(isinstance(v, Mapping) for v in value)
        ):
            parts.append(records_table(key, value))
        else:
            if line:
                line.append("\n")
            line.append(f"{key}: ", "bold")
            line.append_text(styled(value))
    if line:
        parts.insert(0, line)
    return Group(*parts)


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
        if is_ahv(frame.cluster):
            return ahv_renderable(frame.cluster, compact=self.size.width < COMPACT_WIDTH)
        return describe_renderable(frame.cluster)
