"""How a scenario walk shows the AHV model: the whole cluster in a few lines for the first step."""

from __future__ import annotations

from ahvlab.model.picture import Picture


def summary(p: Picture) -> list[str]:
    """The whole cluster in a few lines, for the first step of a walk: one line per host, one per VM."""
    lines = []
    for h, r in p.host.items():
        parts = ["up" if r.up else "DOWN", "CVM up" if r.cvm_up else "CVM DOWN"]
        parts += [] if r.libvirtd_up else ["libvirtd DOWN"]
        parts += ["PARTITIONED"] if r.partitioned else []
        parts += ["leader"] if h in p.leaders else []
        parts += [] if r.ha_phase == "ok" else [f"HA {r.ha_phase}"]
        room = f"memory {r.memory}, free {r.free_memory}"
        if r.reserve is not None:
            room += f", reserve {r.reserve}"
        lines.append(f"host {h}: {', '.join(parts)}; {room}")
    for name, v in p.vm.items():
        where = f" on host {v.host}" if v.host is not None else ""
        sessions = " ".join(f"{x.stargate or '-'}:{x.phase}" for x in v.sessions)
        extra = f"; address {v.address}" if v.address else ""
        lines.append(f"{name}: {v.status}{where}; {v.io_path} sessions -> {sessions or 'none'}{extra}")
    return lines
