"""The cluster as a picture: one box per host side by side, each VM drawn inside every host where a copy runs.

Drawn from the typed :class:`~ahvlab.model.picture.Picture` only, the way the brief's
figures look: the hypervisor, the CVM/Stargate and libvirtd of each host, HA's phase
in words, the leader (★), a partition as a cut (┊) between the boxes, the blocks a
Stargate holds, every VM copy with its sessions (classic path) or Frodo queues as
links to the Stargate they use (↺ local, ◀ ▶ remote), addresses and pending DHCP,
and in guarantee mode a memory bar (used / reserved / free). A phantom VM appears in
two boxes, in red. Boxes wrap onto more rows when the hosts do not fit side by side.

For a spec that is not the AHV model the panel lists its variables instead.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events

from ahvlab.checker.values import show_time
from ahvlab.model.picture import HostPicture, Picture, SessionPicture, VMPicture
from ahvlab.tui.view import Frame
from ahvlab.tui.widgets.panel import FramePanel

MIN_INNER = 14
"""The narrowest box content: three hosts fit side by side in the 80-column layout."""
MAX_INNER = 30
GAP = 1

# Wrapping needs a console; this one never writes anywhere.
_CONSOLE = Console(width=200, color_system=None, force_terminal=False, file=io.StringIO())


@dataclass(frozen=True)
class Copy:
    """One running copy of a VM as a box draws it."""

    vm: VMPicture
    sessions: tuple[SessionPicture, ...]
    dies_at: int


def copies_on(p: Picture, host: int) -> list[Copy]:
    """The VM copies that run on ``host`` (a phantom VM has one on each of two hosts)."""
    out = []
    for v in p.vm.values():
        others = {c.host: c for c in v.others}
        for h, dies in zip(v.copies, v.dies_at, strict=True):
            if h == host:
                other = others.get(h)
                out.append(Copy(v, other.sessions if other else v.sessions, dies))
    return out


def ha_words(h: HostPicture) -> Text:
    """HA's watch over a host in words: ``timeout until T+60``, ``fencing: 1 of 2 acks``."""
    due = show_time(h.ha_due) if h.ha_due >= 0 else ""
    phase = h.ha_phase
    if phase == "ok":
        return Text("HA ok", "dim")
    if phase == "lost":
        return Text("HA: lost", "bold red")
    if phase == "timeout":
        return Text(f"HA: timeout until {due}", "bold yellow")
    if phase == "fencing":
        got = len(h.fenced_by)
        return Text(f"HA: fencing: {got} of {got + len(h.acks_pending)} acks", "bold yellow")
    if phase == "fenced":
        return Text(f"HA: fenced, restart at {due}", "bold red")
    if phase == "waiting":
        return Text(f"HA: NOT fenced, restart at {due}", "bold red")
    if phase == "restarted":
        return Text("HA: VMs restarted; fenced" if h.fenced_by else "HA: VMs restarted; NOT fenced", "bold red")
    return Text(f"HA: {phase}", "yellow")


def link(slot: str, first: int, last: int, x: SessionPicture, host: int, words: bool = True) -> Text:
    """A session (or a run of queues) and the Stargate it uses: ``queue0-3 ↺ S2 local``, ``disk0 ◀ S1 remote``.

    Without ``words`` (a narrow box) the arrow and the colour alone say local (↺, green) or remote (◀ ▶, yellow).
    """
    name = f"{slot}{first}" if first == last else f"{slot}{first}-{last}"
    text = Text(f" {name} ")
    t = x.stargate
    if t is None or x.phase == "dropped":
        text.append("✗ dropped", "bold red")
        return text
    local = t == host
    arrow = "↺" if local else ("◀" if t < host else "▶")
    where = (" local" if local else " remote") if words else ""
    text.append(f"{arrow} S{t}{where}", "green" if local else "bold yellow")
    if x.phase != "connected":
        text.append(f" {x.phase}", "yellow")
    return text


def links(c: Copy, host: int, words: bool = True) -> list[Text]:
    """One line per run of consecutive sessions that use the same Stargate in the same phase."""
    out: list[Text] = []
    runs: list[tuple[int, int, SessionPicture]] = []
    for k, x in enumerate(c.sessions):
        if runs and runs[-1][2] == x and runs[-1][1] == k - 1:
            runs[-1] = (runs[-1][0], k, x)
        else:
            runs.append((k, k, x))
    for first, last, x in runs:
        out.append(link(c.vm.slot, first, last, x, host, words))
    if not c.sessions:
        out.append(Text(" no session", "dim"))
    return out


def vm_lines(p: Picture, c: Copy, host: int, inner: int) -> list[Text]:
    v = c.vm
    phantom = len(v.copies) > 1
    head = Text(v.name, "bold red reverse" if phantom else "bold")
    if phantom:
        head.append(f" ×{len(v.copies)} PHANTOM", "bold red")
    else:
        head.append(f" {v.status}", "green" if v.status == "running" else "yellow")
    lines = [head, *links(c, host, words=inner >= 18)]
    if c.dies_at >= 0:
        lines.append(Text(f" no I/O: dies {show_time(c.dies_at)}", "bold red"))
    if v.segment is not None:
        lines.append(Text(f" segment on H{v.segment}", "yellow"))
    if v.dhcp_pending:
        leader = p.leader
        where = "" if leader is None else " (leader local)" if leader == host else f" (VXLAN to H{leader})"
        lines.append(Text(f" DHCP pending{where}", "yellow"))
    elif v.address:
        lines.append(Text(f" {v.address}", "cyan"))
    return lines


def memory_lines(h: HostPicture, inner: int) -> list[Text]:
    """A bar of used (█) / reserved (▒, guarantee mode) / free (·) memory; left out of a narrow best-effort box."""
    used = h.memory - h.free_memory
    if h.reserve is None and inner < 20:
        return []
    reserve = h.reserve or 0
    free = max(h.memory - used - reserve, 0)
    cells = inner
    u = round(cells * used / h.memory) if h.memory else 0
    r = min(round(cells * reserve / h.memory) if h.memory else 0, cells - u)
    bar = Text()
    bar.append("█" * u, "green")
    bar.append("▒" * r, "yellow")
    bar.append("·" * (cells - u - r), "dim")
    figures = f"{used} used {reserve} rsv {free} free" if h.reserve is not None else f"{used} used {free} free"
    return [bar, Text(figures, "dim")]


def box_title(h: HostPicture) -> Text:
    title = Text()
    if h.leader:
        title.append("★", "bold magenta")
    title.append(f"host {h.id}", "bold magenta" if h.leader else "bold")
    if h.leader:
        title.append(" leader", "magenta")
    if h.partitioned:
        title.append(" ✂cut off", "bold red")
    return title


def box_content(p: Picture, h: HostPicture, inner: int) -> list[Text]:
    """The lines inside one host's box, before wrapping."""
    lines: list[Text] = []
    if not h.up:
        lines.append(Text("hypervisor DOWN", "bold red"))
    else:
        row = Text("AHV up ", "green")
        row.append("CVM up" if h.cvm_up else "CVM DOWN", "green" if h.cvm_up else "bold red")
        lines.append(row)
        if not h.libvirtd_up:
            lines.append(Text("libvirtd DOWN", "bold red"))
    lines.append(ha_words(h))
    if h.blocks:
        lines.append(Text(f"S{h.id} blocks H{',H'.join(map(str, sorted(h.blocks)))}", "bold red"))
    doubts = [t for t, ok in h.health.items() if not ok]
    if h.up and doubts:
        lines.append(Text("NOP ✗ " + " ".join(f"S{t}" for t in doubts), "yellow"))
    for c in copies_on(p, h.id):
        lines += vm_lines(p, c, h.id, inner)
    lines += memory_lines(h, inner)
    return lines


def wrap(line: Text, inner: int) -> list[Text]:
    return list(line.wrap(_CONSOLE, inner, overflow="fold"))


def host_box(p: Picture, h: HostPicture, inner: int, height: int = 0) -> list[Text]:
    """One host as a box of ``inner + 2`` columns, at least ``height`` lines tall."""
    style = "bold red" if h.partitioned or not h.up else "magenta" if h.leader else "bright_black"
    title = box_title(h)
    title.truncate(inner, overflow="ellipsis")
    # Text(x, style) would style the whole line; append keeps the border's style on the border only.
    top = Text()
    top.append("╭", style)
    top.append_text(title)
    top.append("─" * (inner - title.cell_len) + "╮", style)
    body = [w for line in box_content(p, h, inner) for w in wrap(line, inner)]
    while len(body) < height - 2:
        body.append(Text(""))
    out = [top]
    for line in body:
        row = Text()
        row.append("│", style)
        line.pad_right(inner - line.cell_len)
        row.append_text(line)
        row.append("│", style)
        out.append(row)
    out.append(Text("╰" + "─" * inner + "╯", style))
    return out


def layout(n: int, width: int) -> tuple[int, int]:
    """How many boxes per row and their inner width, for ``n`` hosts in ``width`` columns."""
    per_row = max(1, min(n, (width + GAP) // (MIN_INNER + 2 + GAP)))
    inner = (width - (per_row - 1) * GAP) // per_row - 2
    return per_row, max(MIN_INNER, min(MAX_INNER, inner))


def picture_lines(p: Picture, width: int) -> tuple[list[Text], dict[int, str]]:
    """The picture as lines of at most ``width`` columns, and each host box's text (for tests and the docs)."""
    hosts = list(p.host.values())
    per_row, inner = layout(len(hosts), width)
    lines: list[Text] = []
    boxes: dict[int, str] = {}
    # A model without HA has no leader at all; say so only when HA or an election is under way.
    if not p.leaders and any(h.ha_phase != "ok" or h.election_due >= 0 for h in hosts):
        lines.append(Text("no Acropolis leader", "bold yellow"))
    elif len(p.leaders) > 1:
        lines.append(Text(f"{len(p.leaders)} Acropolis leaders: " + ", ".join(map(str, sorted(p.leaders))), "bold red"))
    for start in range(0, len(hosts), per_row):
        row = hosts[start : start + per_row]
        height = max(len(host_box(p, h, inner)) for h in row)
        drawn = [host_box(p, h, inner, height) for h in row]
        for h, box in zip(row, drawn, strict=True):
            boxes[h.id] = "\n".join(line.plain.rstrip() for line in box)
        for k in range(height):
            line = Text()
            for j, box in enumerate(drawn):
                if j:
                    # A partition is a cut between the isolated host and its neighbours.
                    cut = row[j - 1].partitioned or row[j].partitioned
                    line.append(("✂" if k == 0 else "┊") if cut else " ", "bold red")
                line.append_text(box[k])
            lines.append(line)
    stopped = [v for v in p.vm.values() if not v.copies]
    if stopped:
        line = Text("not running: ", "bold")
        for k, v in enumerate(stopped):
            if k:
                line.append(", ")
            where = f" (was on host {v.host})" if v.host is not None and v.status == "restarting" else ""
            line.append(f"{v.name} {v.status}{where}", "yellow" if v.status == "restarting" else "red")
        lines.append(line)
    return lines, boxes


def variables_table(variables: Mapping[str, str]) -> Table:
    """Any other spec: every variable and its value."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in variables.items():
        table.add_row(name, value)
    return table


class ClusterPicture(FramePanel):
    """The cluster picture of the step under the cursor (the variables for another spec)."""

    TITLE = "State"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.boxes: dict[int, str] = {}
        """Each host box's text as last drawn (what the tests read)."""

    def watch_frame(self, frame: Frame | None) -> None:
        super().watch_frame(frame)
        if frame is not None:
            self.border_title = "Cluster" if frame.cluster is not None else "State"
            self.set_class(frame.cluster is not None, "-picture")

    def on_resize(self, event: events.Resize) -> None:
        # The boxes' size and wrapping depend on the width, so a resize redraws.
        self.watch_frame(self.frame)

    def render_frame(self, frame: Frame) -> RenderableType:
        if frame.cluster is None:
            return variables_table(frame.variables)
        width = self.scrollable_content_region.width or 80
        lines, self.boxes = picture_lines(frame.cluster, width)
        text = Text("\n").join(lines)
        text.no_wrap = True
        text.overflow = "crop"
        return text
