"""eval, watch and unwatch: the checkpoint language at the cursor and after every step."""

from __future__ import annotations

from ahvlab.workbench import open_workbench
from tests.shell.conftest import Recorded, toy_bench


def test_eval_prints_an_expression_of_the_generic_spec_fields_at_the_cursor() -> None:
    sh = Recorded(toy_bench())
    assert sh.run("eval leader == 1 and len(up) == 3") == "leader == 1 and len(up) == 3 = True\n"


def test_a_bad_expression_is_one_error_line_with_its_column() -> None:
    sh = Recorded(toy_bench())
    assert sh.run("eval up[") == "error: eval: cannot parse 'up[': the expression ends too early (at column 4)\n"
    assert sh.run("watch up[") == "error: watch: cannot parse 'up[': the expression ends too early (at column 4)\n"
    assert sh.run("watch") == "nothing is watched: `watch EXPR` to add one\n"


def test_watch_shows_its_values_after_every_step_until_unwatched() -> None:
    sh = Recorded(open_workbench(None))
    assert sh.run("watch vm.VM1.copies") == "  watch 1: vm.VM1.copies = (1,)\n"
    sh.run("watch host[1].ha_phase")
    out = sh.run("do partition_host host=1")
    assert out.splitlines()[-2:] == ["  watch 1: vm.VM1.copies = (1,)", "  watch 2: host[1].ha_phase = 'lost'"]
    assert sh.run("unwatch 1") == "no longer watching vm.VM1.copies\n"
    assert sh.run("back").splitlines()[-1] == "  watch 1: host[1].ha_phase = 'ok'"
    assert sh.run("unwatch all") == "nothing is watched now\n"
    assert sh.run("watch") == "nothing is watched: `watch EXPR` to add one\n"
