"""Mutations ("what-ifs"): named switches that break one mechanism of the model on purpose."""

from __future__ import annotations

MUTATIONS: dict[str, str] = {
    "no_failback": "the remote Stargate never quiesces: sessions stay remote forever (SessionsFailBack; "
    "the failback example is never found)",
    "redirect_ignores_health": "the redirector redirects to any Stargate, even one it believes down (redirect_to_healthy)",
    "frodo_ignores_vcpus": "Frodo opens num_queues connections even for a 1-vCPU VM (frodo_queue_count)",
    "no_fencing": "the leader restarts a lost host's VMs without blocking its I/O first (no_phantom_vm)",
    "restart_before_ack": "the leader restarts right after the block order, before every ack (restart_after_fence_ack)",
    "timeout_too_short": "HA restarts at T90 instead of T120, before the isolated VM's T60+45 death (no_phantom_vm)",
    "election_without_quorum": "a CVM elects itself without a majority: two leaders in a partition (at_most_one_leader)",
    "leases_in_memory": "IPAM leases live only in the leader's memory: duplicate address after a leader change "
    "(unique_addresses)",
    "segments_not_shared_correctly": "guarantee mode: a host's reserve is its largest single segment, as if VMs of one "
    "host could share it (guarantee_protects)",
    "no_restart": "HA fences a lost host but never restarts its VMs (VMsRunAgain: a lasso)",
    "dhcp_local_only": "a DHCP request is answered only by a leader on the VM's own host, never over the VXLAN "
    "tunnel (DHCPAnswered)",
    "election_needs_all": "an election needs every CVM instead of a majority: after one CVM is lost no leader "
    "is ever elected (LeaderElected; VMsRunAgain is reported first)",
}
"""Mutation name -> one line: what it breaks and which invariant or example exposes it."""
