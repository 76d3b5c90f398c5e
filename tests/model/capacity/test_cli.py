"""`ahvlab capacity`: the worked example printed and as JSON, and one clear line for bad input."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from ahvlab.cli import main

EXAMPLE = ["capacity", "--hosts", "100,100,100", "--vm", "VM01=70@1", "--vm", "VM02=40@3", "--vm", "VM03=40@3"]
STEP_4 = ["capacity", "--hosts", "100,100,100", "--vm", "VM02=40@3", "--vm", "VM03=40@2", "--vm", "VM01=70@1"]


def test_the_worked_example_prints_placement_figures_and_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(EXAMPLE) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Guarantee mode: 3 hosts (100, 100, 100), tolerating 1 host failure, reserve rule max_per_host, admission mthm"
    )
    assert out[3].split()[:5] == ["VM01", "70", "1", "admitted", "2"]
    assert out[5].split()[:5] == ["VM03", "40", "3", "admitted", "2"]
    hosts = {line.split()[0]: line for line in out[7:11]}
    assert hosts["2"].split()[:5] == ["2", "100", "0", "80", "20"]
    assert hosts["2"].endswith("h1: 30, h3: 20")
    assert out[-1] == "All 3 VMs admitted."


def test_json_has_the_pinned_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*EXAMPLE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"admitted", "method", "largest_host_rule", "vms", "hosts"}
    assert (data["admitted"], data["method"], data["largest_host_rule"]) == (True, "mthm", True)
    assert [set(v) for v in data["vms"]] == [{"name", "size", "host", "admitted", "segment_host", "reason"}] * 3
    assert [(v["name"], v["host"], v["segment_host"]) for v in data["vms"]] == [
        ("VM01", 1, 2),
        ("VM02", 3, 2),
        ("VM03", 3, 2),
    ]
    assert data["hosts"] == [
        {"host": 1, "capacity": 100, "used": 70, "reserve": 0, "free_for_vms": 30},
        {"host": 2, "capacity": 100, "used": 0, "reserve": 80, "free_for_vms": 20},
        {"host": 3, "capacity": 100, "used": 80, "reserve": 0, "free_for_vms": 20},
    ]


def test_step_4_refuses_vm01_and_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*STEP_4, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["admitted"] is False
    vm01 = data["vms"][2]
    assert (vm01["name"], vm01["admitted"], vm01["segment_host"]) == ("VM01", False, None)
    assert vm01["reason"].startswith("refused: if host 1 fails, its VMs (VM01=70) cannot be restarted")
    assert [h["used"] for h in data["hosts"]] == [0, 40, 40]
    assert main(STEP_4) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 of 3 VMs admitted; refused: VM01"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--hosts", "100,abc"], "--hosts: bad host list '100,abc' (expected comma-separated integers"),
        (["--hosts", "100"], "--hosts: 1 host given (expected at least 2 hosts)"),
        (["--hosts", "100,100", "--vm", "VM01=70"], "--vm: bad VM 'VM01=70' (expected NAME=SIZE@HOST"),
        (
            ["--hosts", "100,100", "--vm", "VM01=70@3"],
            "--vm: VM01=70@3: host 3 out of range (expected a host from 1 to 2)",
        ),
        (["--hosts", "100,100", "--vm", "VM01=70@0"], "--vm: VM01=70@0: host 0 out of range"),
        (["--hosts", "100,100", "--vm", "A=1@1", "--vm", "A=2@2"], "--vm: VM A given twice"),
        (["--hosts", "100,100", "--failures", "2"], "--failures: 2 failures with 2 hosts"),
        (["--hosts", "1,1,1", "--failures", "2", "--reserve-rule", "sum"], "--reserve-rule: sum with --failures 2"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_the_mutated_reserve_rules_are_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*EXAMPLE[:5], "--vm", "VM02=40@3", "--reserve-rule", "sum", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["admitted"] for v in data["vms"]] == [True, False]


DOC = Path(__file__).resolve().parents[3] / "docs" / "capacity.md"


def test_the_worked_example_in_the_docs_is_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    block = re.findall(r"```\n\$ ahvlab (capacity [^\n]*)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[0]
    command, shown = block
    assert main(shlex.split(command)) == 0
    assert capsys.readouterr().out == shown


def test_two_failures_plan_per_pair_and_name_no_single_segment(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["capacity", "--hosts", "100,100,100,100", "--vm", "a=30@1", "--vm", "b=30@2", "--vm", "c=30@3"]
    assert main([*argv, "--failures", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["admitted"] is True
    assert [v["segment_host"] for v in data["vms"]] == [None, None, None]
    assert main([*argv, "--failures", "2"]) == 0
    out = capsys.readouterr().out
    assert "tolerating 2 host failures" in out
    assert "h1+h2: " in out


def test_the_largest_host_rule_is_on_by_default_and_a_switch_turns_it_off(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["capacity", "--hosts", "200,100,100", "--vm", "A=50@2", "--json"]
    assert main(argv) == 0
    vm = json.loads(capsys.readouterr().out)["vms"][0]
    assert vm["admitted"] is False
    assert vm["reason"] == "refused: host 2 has 50 free, the largest-host rule reserves 100"
    assert main([*argv, "--no-largest-host-rule"]) == 0
    assert json.loads(capsys.readouterr().out)["admitted"] is True
    assert main(argv[:-1]) == 0
    assert "largest-host rule (floor 100)" in capsys.readouterr().out.splitlines()[0]


MISS = ["capacity", "--hosts", "14,1,6,7", "--no-largest-host-rule"]
MISS += [f"--vm={v}" for v in ("a=5@1", "b=3@1", "c=3@1", "d=2@1", "e=1@1")]


def test_the_method_is_mthm_unless_asked_and_a_miss_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*MISS, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "mthm"
    assert data["vms"][-1]["reason"] == (
        "refused: MTHM refuses VM e; a placement exists (e's segment on host 2): the heuristic missed it"
    )
    for method in ("mthm+z3", "exact"):
        assert main([*MISS, "--json", "--method", method]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (data["method"], data["admitted"]) == (method, True)
