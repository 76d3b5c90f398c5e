"""The commands over a generic spec: stepping, showing, checking, saving; every bad line is one error line."""

from __future__ import annotations

import json

import pytest

from ahvlab.checker import Session
from ahvlab.shell.registry import COMMANDS
from ahvlab.workbench import Workbench
from tests.shell.conftest import TOY_TARGET, Recorded
from tests.toys import Toy


def test_help_lists_every_registered_command_with_its_usage(shell: Recorded) -> None:
    out = shell.run("help")
    for cmd in COMMANDS:
        assert f"  {cmd.short_usage}" in out
        assert cmd.help in out
    names = [c.name for c in COMMANDS]
    assert names == [
        "actions", "do", "back", "forward", "goto", "walk", "show", "diff", "trace", "inv",
        "eval", "watch", "unwatch", "check", "mutate", "timing", "load", "save", "help", "quit",
    ]  # fmt: skip


def test_help_on_one_command_shows_its_options_and_aliases(shell: Recorded) -> None:
    out = shell.run("help check")
    assert out.splitlines()[0] == "check [--invariant X] [--depth N] [--max-states N] [--no-deadlock]"
    assert "  --depth N: explore at most N steps from here" in out
    assert "also: fwd, f" in shell.run("help forward")


def test_actions_are_numbered_with_their_parameters_and_doc(shell: Recorded) -> None:
    assert shell.run("actions").splitlines() == [
        "  [0] crash_host(host=1)  a host fails",
        "  [1] crash_host(host=2)  a host fails",
        "  [2] crash_host(host=3)  a host fails",
    ]


def test_actions_all_says_why_the_others_are_not_enabled(shell: Recorded) -> None:
    out = shell.run("actions --all").splitlines()
    assert out[-2:] == [
        "  (-) elect: not enabled: host 1 is the leader",
        "  (-) restart_vm: not enabled: no VM runs on a failed host",
    ]


@pytest.mark.parametrize(
    "line",
    ["do 1", "do crash_host 2", "do crash_host host=2", "do crash_host(host=2)", "do crash_host host='2'"],
)
def test_do_takes_a_number_a_name_with_values_or_the_label_itself(shell: Recorded, line: str) -> None:
    out = shell.run(line)
    assert shell.failures == []
    assert out.splitlines() == [
        "step 1/1  T+0  crash_host(host=2)",
        "  up[1] = False    (was True)",
    ]
    assert shell.session.state.up == (True, False, True)


def test_do_shows_the_deepest_fields_that_changed_and_any_violated_invariant(make_shell) -> None:
    sh = make_shell(fencing=False)
    sh.run("do crash_host 1")
    sh.run("do elect 3")
    out = sh.run("do restart_vm vm=vm1 host=2")
    assert out.splitlines() == [
        "step 3/3  T+120  restart_vm(vm='vm1', host=2)",
        "  t = 120    (was 20)",
        "  vms[0].host = 2    (was 1)",
        "  vms[0].copies = 2    (was 1)",
        "  !! invariant no_phantom_vm violated: no VM runs twice",
    ]


def test_back_forward_and_goto_move_the_cursor_without_losing_steps(shell: Recorded) -> None:
    for line in ("do crash_host 1", "do elect 2", "do restart_vm vm1 3"):
        shell.run(line)
    assert shell.run("back 2").splitlines() == ["step 1/3  T+0  crash_host(host=1)"]
    assert shell.run("forward").splitlines()[0] == "step 2/3  T+20  elect(host=2)"
    assert shell.run("goto last").splitlines()[0] == "step 3/3  T+120  restart_vm(vm='vm1', host=3)"
    assert shell.run("goto 0").splitlines() == ["step 0/3  T+0  init"]
    assert len(shell.session) == 4


def test_trace_marks_the_cursor_and_the_steps_that_violate_an_invariant(make_shell) -> None:
    sh = make_shell(fencing=False)
    for line in ("do crash_host 1", "do elect 2", "do restart_vm vm1 3", "back"):
        sh.run(line)
    assert sh.run("trace").splitlines() == [
        "   0  T+0    init",
        "   1  T+0    crash_host(host=1)",
        ">  2  T+20   elect(host=2)",
        "   3  T+120  restart_vm(vm='vm1', host=3)   !! no_phantom_vm",
    ]
    full = sh.run("trace full").splitlines()
    assert full[0] == "State 1: <Initial predicate>  T+0"
    assert "State 4: restart_vm(vm='vm1', host=3)  T+120" in full


def test_show_prints_the_state_or_one_field_by_path(shell: Recorded) -> None:
    assert shell.run("show").splitlines() == [
        "t = 0",
        "leader = 1",
        "up = (True, True, True)",
        "vms = (VM(name='vm1', host=1, copies=1), VM(name='vm2', host=2, copies=1))",
    ]
    assert shell.run("show vms[1].host") == "vms[1].host = 2\n"
    assert shell.run("show vms[0]") == "vms[0] = VM(name='vm1', host=1, copies=1)\n"


def test_diff_shows_what_a_step_changed_and_the_whole_initial_state(shell: Recorded) -> None:
    shell.run("do crash_host 3")
    assert shell.run("diff").splitlines() == ["step 1/1  T+0  crash_host(host=3)", "  up[2] = False    (was True)"]
    assert shell.run("diff 0").splitlines()[1:3] == ["  t = 0", "  leader = 1"]


def test_inv_lists_every_invariant_and_its_status(make_shell) -> None:
    sh = make_shell(fencing=False)
    assert sh.run("inv").splitlines() == [
        "  ok    no_phantom_vm  no VM runs twice",
        "  ok    leader_is_up   a live host is the leader, or an election is due",
    ]


def test_check_finds_the_shortest_counterexample_from_here_and_loads_it(make_shell) -> None:
    sh = make_shell(fencing=False)
    sh.run("do crash_host 1")
    out = sh.run("check --invariant no_phantom_vm")
    assert out.splitlines() == [
        "checking from step 1 (bfs; Ctrl-C stops it)",
        "Invariant no_phantom_vm is violated: no VM runs twice.",
        "10 states generated, 9 distinct states found, 4 states left on queue.",
        "The depth of the complete state graph search is 3.",
        "Counterexample loaded as steps 2..3: `forward` or `walk` to follow it, `trace` to list it.",
    ]
    assert sh.session.cursor == 1 and len(sh.session) == 4
    assert sh.session.first_violation() == 3


def test_check_without_a_violation_says_so_with_the_figures(shell: Recorded) -> None:
    out = shell.run("check --no-deadlock").splitlines()
    assert out[1:] == [
        "67 states generated, 45 distinct states found, 0 states left on queue.",
        "The depth of the complete state graph search is 7.",
        "Model checking completed. No error has been found.",
    ]
    bounded = shell.run("check --depth 1 --no-deadlock").splitlines()
    assert bounded[-1] == "Search bounded (--max-depth): no error found within the bound."


def test_save_writes_an_itf_trace_that_load_opens_again(shell: Recorded, tmp_path) -> None:
    shell.run("do crash_host 1")
    shell.run("do elect 2")
    path = tmp_path / "walk.itf.json"
    assert shell.run(f"save {path}") == f"saved 3 states to {path} (ITF)\n"
    itf = json.loads(path.read_text())
    assert [s["mbt::actionTaken"] for s in itf["states"]] == ["init", "crash_host", "elect"]
    out = shell.run(f"load {path}")
    assert shell.failures == []
    assert out.splitlines()[0] == "loaded trace walk.itf.json: 3 steps"
    assert shell.session.label(2) == "elect(host=2)"


def test_walk_follows_the_narration_forward_from_the_cursor(shell: Recorded) -> None:
    for line in ("do crash_host 1", "do elect 2", "do restart_vm vm1 3", "goto 0"):
        shell.run(line)
    shell.session.narration = {2: "The healthy hosts elect host 2.", 3: "vm1 comes back on host 3."}
    out = shell.run("walk").splitlines()
    assert out == [
        "  (step 1/3  T+0  crash_host(host=1))",
        "step 2/3  T+20  elect(host=2)",
        "  t = 20    (was 0)",
        "  leader = 2    (was None)",
        "  >> The healthy hosts elect host 2.",
    ]
    assert shell.run("walk").splitlines()[-1] == "  >> vm1 comes back on host 3."
    assert shell.run("walk") == "error: the walk is over: no step after this one (`actions` to go on by hand)\n"


def test_mutate_and_timing_on_a_spec_without_them_explain_where_they_belong(shell: Recorded) -> None:
    assert shell.run("mutate no_fencing on").startswith("error: this spec has no mutations")
    assert shell.run("timing ha_restart 60") == "error: this model has no timings to change\n"


def test_quit_ends_the_shell(shell: Recorded) -> None:
    shell.run("quit")
    assert shell.done


BAD_LINES = [
    ("crash", "error: unknown command 'crash'; did you mean `do crash_host`?"),
    ("shw vms", "error: unknown command 'shw'; did you mean 'show'?"),
    ("crash_host 1", "error: unknown command 'crash_host'; crash_host is an action: `do crash_host`"),
    ("xyzzy", "error: unknown command 'xyzzy'; type `help` for the commands"),
    ("do", "error: do: missing N or NAME (usage: do N | do NAME [KEY=VALUE ...])"),
    ("do 7", "error: no choice 7: 3 actions are enabled (0..2)"),
    ("do elect", "error: elect is not enabled here: host 1 is the leader"),
    ("do crash_hots 1", "error: no action 'crash_hots'; did you mean crash_host?"),
    ("do crash_host 9", "error: crash_host(host=9) is not enabled here; enabled: "
     "crash_host(host=1); crash_host(host=2); crash_host(host=3)"),
    ("do crash_host hst=1", "error: crash_host has no parameter 'hst'; its parameters are: host"),
    ("do crash_host 1 2", "error: crash_host: too many values; its parameters are: host"),
    ("back", "error: already at the initial state"),
    ("back two", "error: N must be a whole number, not 'two'"),
    ("back 0", "error: N must be at least 1, not 0"),
    ("forward", "error: already at the last step"),
    ("goto 5", "error: no step 5: the trace has steps 0..0"),
    ("goto", "error: goto: missing STEP (usage: goto STEP)"),
    ("show vms[5]", "error: vms has items 0..1, not 5"),
    ("show host", "error: no name 'host'; names: t, leader, up, vms, T"),
    ("show t.x", "error: t is 0: it has no part 'x'"),
    ("diff 3", "error: no step 3: the trace has steps 0..0"),
    ("trace all", "error: trace: full must be one of full, not 'all'"),
    ("check --invariant no_phantom", "error: check: no invariant 'no_phantom'; did you mean no_phantom_vm?"),
    ("check --depth", "error: check: --depth needs a value N"),
    ("check --depth -1", "error: --depth must be at least 1, not -1"),
    ("check --fast", "error: check: unknown option --fast (options: --invariant, --depth, --max-states, --no-deadlock)"),
    ("check now", "error: check: too many arguments "
     "(usage: check [--invariant X] [--depth N] [--max-states N] [--no-deadlock])"),
    ("inv extra", "error: inv: too many arguments (usage: inv)"),
    ("save", "error: save: missing FILE (usage: save FILE [--force])"),
    ("save /nonexistent/dir/x.itf.json", "error: /nonexistent/dir/x.itf.json: its folder does not exist"),
    ("load /nonexistent.itf.json", "error: /nonexistent.itf.json: cannot read trace: No such file or directory"),
    ("show 'vms", "error: show: No closing quotation (usage: show [PATH])"),
    ("help frobnicate", "error: no command 'frobnicate'"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "error"), BAD_LINES)
def test_a_bad_line_gives_one_error_line_and_the_shell_goes_on(shell: Recorded, line: str, error: str) -> None:
    assert shell.run(line) == error + "\n"
    assert not shell.done
    assert shell.run("do crash_host 1").startswith("step 1/1")


class TimedBench(Workbench):
    """A workbench whose spec has one timing, the way the AHV model's workbench offers its own."""

    def timings(self) -> dict[str, float]:
        return {"restart_at": float(self.spec.restart_at)}  # type: ignore[attr-defined]

    def set_timing(self, name: str, seconds: float) -> int:
        spec = self.spec
        return self.session.rebase(Toy(spec.hosts, spec.fencing, int(seconds)))  # type: ignore[attr-defined]


def test_timing_lists_changes_and_replays_the_trace_on_the_new_timing() -> None:
    sh = Recorded(TimedBench(Session(Toy()), "timed toy", TOY_TARGET))
    assert sh.run("timing") == "  restart_at  120 s\n"
    for line in ("do crash_host 1", "do elect 2", "do restart_vm vm1 3"):
        sh.run(line)
    assert sh.run("timing restart_at 90") == (
        "timing restart_at = 90 s; the trace replays on the new model: 4 of 4 steps kept\n"
    )
    assert sh.session.time(3) == 90
    assert sh.run("timing restart") == "error: no timing 'restart'; did you mean restart_at?\n"
    assert sh.run("timing restart_at soon") == "error: timing restart_at: SECONDS must be a number, not 'soon'\n"
    assert sh.run("timing restart_at") == (
        "error: timing restart_at is 90 s; to change it: timing restart_at SECONDS\n"
    )
