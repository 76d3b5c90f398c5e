"""The shell over the real AHV model and scenarios: a phantom VM under no_fencing, completion of ids and names."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from ahvlab.cli import main
from ahvlab.model import MUTATIONS
from ahvlab.scenarios import bundled_names
from ahvlab.shell.completer import ShellCompleter
from ahvlab.workbench import open_workbench
from tests.shell.conftest import Recorded

# The brief's partition timeline: T0 host 1 isolated, T20 the 40 s timeout starts, T60 the block order, T120 restart.
TO_RESTART = """\
do partition_host 1
do tick
do start_timeout 1
do tick
do fence_host 1
do tick
"""


def ahv_shell(arg: str | None = None) -> Recorded:
    return Recorded(open_workbench(arg))


def texts(shell: Recorded, text: str) -> list[str]:
    return [c.text for c in ShellCompleter(shell).get_completions(Document(text), CompleteEvent())]


def run_script(tmp_path: Path, text: str) -> int:
    path = tmp_path / "lesson.txt"
    path.write_text(text)
    return main(["shell", "--script", str(path)])


def test_under_no_fencing_a_scripted_session_reaches_a_phantom_vm_and_exits_12(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_script(tmp_path, "mutate no_fencing on\n" + TO_RESTART + "do restart_vms host=1\n")
    out = capsys.readouterr().out.splitlines()
    assert code == 12
    restart = out.index("ahvlab> do restart_vms host=1")
    assert out[restart + 1] == "step 7/7  T+120  restart_vms(host=1, targets='VM1->3')"
    # VM1 now runs on host 3 while its copy on the isolated host 1 still runs: two copies
    assert "  vm.VM1.copies = (1, 3)    (was (1,))" in out[restart:]
    assert "  !! invariant no_phantom_vm violated: No phantom VM: never two running copies of a VM." in out[restart:]
    assert out[-1] == "# invariant violated at step 7: no_phantom_vm, single_storage_access, no_io_from_fenced_host"


def test_with_fencing_the_same_script_stops_at_t60_waiting_for_the_acks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_script(tmp_path, TO_RESTART + "do restart_vms host=1\n")
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert "  host[1].ha_phase = 'fencing'    (was 'timeout')" in out
    # time cannot pass T60 until every Stargate acknowledged the block: only the acks (and NOP probes) can happen
    assert out[-3:] == [
        "ahvlab> do tick",
        "error: tick is not enabled here: time cannot pass at T+60 until the steps due now happen "
        "(enabled now: nop_probe, heal_partition, ack_block)",
        "# script stopped: line 6 failed",
    ]


def test_switching_no_fencing_on_mid_trace_replays_the_steps_on_the_new_model() -> None:
    sh = ahv_shell()
    for line in TO_RESTART.splitlines()[:5]:
        sh.run(line)
    assert sh.run("mutate no_fencing on").splitlines()[0] == (
        "mutation no_fencing is on; the trace replays on the new model: 6 of 6 steps kept"
    )
    assert ("mutations", "mutations no_fencing") in sh.status()
    sh.run("do tick")
    sh.run("do restart_vms host=1")
    assert sh.failures == []
    assert ("bad", "VIOLATED no_phantom_vm,single_storage_access,no_io_from_fenced_host") in sh.status()


def test_check_under_no_fencing_loads_a_counterexample_that_restarts_at_t120() -> None:
    sh = ahv_shell()
    sh.run("mutate no_fencing on")
    out = sh.run("check --invariant no_phantom_vm").splitlines()
    assert out[1] == "Invariant no_phantom_vm is violated: No phantom VM: never two running copies of a VM."
    s = sh.session
    assert s.cursor == 0 and s.first_violation() == len(s) - 1
    assert s.label(len(s) - 1).startswith("restart_vms(")
    assert s.time(len(s) - 1) == 120


def test_completion_offers_host_ids_vm_names_mutations_and_scenarios() -> None:
    sh = ahv_shell()
    assert texts(sh, "do crash_host ") == ["host=1", "host=2", "host=3"]
    assert texts(sh, "show host.") == ["host[1]", "host[2]", "host[3]"]
    assert texts(sh, "show vm.") == ["vm.VM1", "vm.VM2", "vm.VM3"]
    assert "vm.VM2.status" in texts(sh, "show vm.VM2.")
    assert texts(sh, "mutate ") == list(MUTATIONS)
    assert texts(sh, "mutate no_fencing ") == ["on", "off"]
    loads = texts(sh, "load ")
    assert loads[: len(bundled_names()) + 1] == [*bundled_names(), "default"]
    sh.run("mutate no_fencing on")
    for line in TO_RESTART.splitlines():
        sh.run(line)
    assert texts(sh, "do restart_vms ") == ["host=1", "targets=VM1->3"]


def test_show_speaks_the_scenario_names_hosts_by_number_and_vms_by_name() -> None:
    sh = ahv_shell()
    sh.run("do crash_host 2")
    assert sh.run("show vm.VM2.status") == "vm.VM2.status = 'restarting'\n"
    assert sh.run("show host[2].up") == "host[2].up = False\n"
    assert sh.run("show leader") == "leader = 3\n"
    assert sh.run("show host[4]") == "error: host has no 4; it has: 1, 2, 3\n"


def test_walk_follows_the_host_lost_script_with_its_narration() -> None:
    sh = ahv_shell("host-lost")
    assert sh.status() == [("time", "T+0"), ("step", "step 0/10"), ("leader", "leader 1")]
    first = sh.run("walk").splitlines()
    assert first[0] == "step 1/10  T+0  crash_host(host=2)"
    assert first[-1] == "  >> T0: host 2 goes down. The leader's once-per-second connection to its libvirtd fails."
    for _ in range(9):
        sh.run("walk")
    assert sh.failures == []
    assert sh.status()[:2] == [("time", "T+120"), ("step", "step 10/10")]
    assert sh.run("walk") == (
        "error: the script is over after step 10 (`actions` to go on by hand, `check` to search)\n"
    )


def test_walk_says_where_the_trace_left_the_script_and_takes_it_again_from_there() -> None:
    sh = ahv_shell("host-lost")
    sh.run("do crash_host 3")
    assert sh.run("walk") == (
        "error: step 1 left the scenario's script, which says crash_host(host=2); "
        "`goto 0` then `walk` to follow it again\n"
    )
    sh.run("goto 0")
    out = sh.run("walk").splitlines()
    assert out[0] == "step 1/1  T+0  crash_host(host=2)"
    assert out[-1].startswith("  >> T0: host 2 goes down.")


def test_load_lists_the_bundled_scenarios_and_opens_one_by_name() -> None:
    sh = ahv_shell()
    listed = sh.run("load").splitlines()
    assert [line.split()[0] for line in listed] == bundled_names()
    assert "  host-lost" in [line[: len("  host-lost")] for line in listed]
    out = sh.run("load host-lost").splitlines()
    assert out[:2] == [
        "loaded Host lost: detection, fencing and restart (T0/T20/T60/T120): 11 steps",
        "step 0/10  T+0  init",
    ]
    assert out[2] == "  >> Three hosts. The Acropolis leader runs on host 1. VM1 and VM2 run on host 2."
    assert sh.run("load default").splitlines()[0] == "loaded AHV cluster: default model: 1 step"


def test_loading_an_unknown_scenario_is_one_error_line_with_a_suggestion() -> None:
    sh = ahv_shell()
    out = sh.run("load host-lots")
    assert out.startswith("error: no scenario named 'host-lots'; did you mean 'host-lost'?")
    assert out.count("\n") == 1


def test_mutate_on_the_command_line_starts_with_the_what_if_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_script(tmp_path, "mutate\n")
    assert code == 0
    assert "  off  no_fencing" in capsys.readouterr().out
    path = tmp_path / "lesson.txt"
    assert main(["shell", "--mutate", "no_fencing", "--script", str(path)]) == 0
    assert "  on   no_fencing" in capsys.readouterr().out
    assert main(["shell", "--mutate", "no_fence", "--script", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ahvlab: error: unknown mutation 'no_fence'; did you mean 'no_fencing'? (expected one of: ")
    assert err.count("\n") == 1


# The partition timeline up to the acks: I/O from host 1 is blocked at T60, so its VM1 dies at T60+45 = T105.
TO_ACKS = """\
do partition_host 1
do tick
do start_timeout 1
do tick
do fence_host 1
do ack_block 2
do ack_block 3
do tick
"""


def test_restart_after_90_restarts_before_the_isolated_vm_dies_and_exits_12(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_script(tmp_path, "timing restart_after 90\n" + TO_ACKS + "do restart_vms host=1\n")
    out = capsys.readouterr().out.splitlines()
    assert code == 12
    assert "  vm.VM1.dies_at[0] = 105    (was -1)" in out
    assert "step 8/8  T+90  tick(to=90)" in out
    assert out[-1] == "# invariant violated at step 9: no_phantom_vm"


def test_with_the_brief_s_120_seconds_the_isolated_vm_is_gone_before_the_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_script(tmp_path, TO_ACKS + "do vm_dies\ndo tick\ndo restart_vms host=1\n")
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "step 8/8  T+105  tick(to=105)" in out
    assert "step 11/11  T+120  restart_vms(host=1, targets='VM1->3')" in out
    assert "  vm.VM1.copies = (3,)    (was ())" in out


def test_timing_completes_names_and_the_current_value() -> None:
    sh = ahv_shell()
    assert texts(sh, "timing ") == [
        "heartbeat",
        "detect_after",
        "timeout",
        "restart_after",
        "vm_io_death",
        "election_after",
        "leader_lease",
    ]
    assert texts(sh, "timing restart_after ") == ["120"]
    assert (
        sh.run("timing restart_after 90.5")
        == "error: timings.restart_after: timing restart_after must be a whole number of seconds\n"
    )
