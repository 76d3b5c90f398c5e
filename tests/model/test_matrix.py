"""The mutation matrix: every mutation x every property, and what nothing catches or nothing breaks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ahvlab.cli import main
from ahvlab.commands.mutations import junit, matrix_lines
from ahvlab.model.matrix import CACHE, Matrix, Row, cached, compute


def test_the_committed_matrix_is_what_the_checker_finds_now():
    """CI's run of the matrix: one --continue search per mutation; `ahvlab mutations --write-cache` refreshes it."""
    assert compute().to_json() == json.loads(CACHE.read_text())


def test_every_mutation_is_caught_and_five_properties_no_mutation_breaks():
    m = cached()
    assert m is not None
    assert m.uncaught() == []
    assert m.unbroken() == [
        "well_formed",
        "one_session_per_disk",
        "no_session_on_dead_stargate",
        "lost_host_vms_restarted",
        "address_in_scope",
    ]
    caught = {r.mutation: r.caught_by for r in m.mutations}
    assert caught["no_fencing"] == {"no_phantom_vm": 8, "single_storage_access": 8, "no_io_from_fenced_host": 8}
    assert caught["election_needs_all"] == {"VMsRunAgain": 2, "LeaderElected": 2}
    assert caught["segments_not_shared_correctly"] == {"guarantee_protects": 2, "VMsRunAgain": 12}


def test_list_mutations_takes_its_caught_by_column_from_the_matrix(capsys):
    assert main(["check", "--list-mutations"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the table wraps its cells
    assert "frodo_queue_count (1)" in out
    assert "DHCPAnswered (4)" in out


def test_the_mutations_command_json_junit_and_exit_code_agree(tmp_path, capsys):
    report = tmp_path / "m.xml"
    code = main(["mutations", "election_without_quorum", "--json", "--junit", str(report)])
    obj = json.loads(capsys.readouterr().out)
    assert code == 0 and obj["exit_code"] == 0 and obj["uncaught_mutations"] == []
    assert obj["mutations"] == [
        obj["mutations"][0]
        | {"mutation": "election_without_quorum", "caught_by": [{"property": "at_most_one_leader", "length": 4}]}
    ]
    root = ET.parse(report).getroot()
    assert root.get("failures") == "0"
    assert next(c.get("name") for c in root.iter("testcase")) == "election_without_quorum"


def test_a_mutation_nothing_catches_fails_its_junit_case_and_shows_in_the_text():
    props = ("p", "q")
    m = Matrix(
        (
            Row(None, "toy", props, {}, 10, True),
            Row("caught", "toy", props, {"p": 3}, 12, True),
            Row("survivor", "toy", props, {}, 9, False),
        )
    )
    assert (m.uncaught(), m.unbroken()) == (["survivor"], ["q"])
    cases = {c.name: c for c in junit(m)[0].cases}
    assert cases["survivor"].status == "failure" and cases["caught"].status == "passed"
    assert cases["property q"].status == "skipped"
    lines = matrix_lines(m)
    assert "caught               3  ." in lines
    assert "survivor            .* .*" in lines
    assert "Mutations no property catches: survivor." in lines
    assert "Properties no mutation breaks: q." in lines
