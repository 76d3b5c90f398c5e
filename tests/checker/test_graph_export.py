"""The state graph as DOT and GraphML: the same bytes on every run, every action's edge, valid GraphML."""

from __future__ import annotations

import networkx as nx
import pytest

from ahvlab.checker.graph import explore_graph, to_dot, to_graphml
from tests.checker.test_output import ahvlab, one_line
from tests.toys import Collect, TwoWays

COLLECT = "tests.toys:Collect"


def graph_under_seed(tmp_path, seed: str, name: str) -> bytes:
    out = tmp_path / seed / name
    out.parent.mkdir()
    proc = ahvlab("check", COLLECT, "--dot", str(out), env={"PYTHONHASHSEED": seed})
    assert proc.returncode == 0, proc.stderr
    return out.read_bytes()


@pytest.mark.parametrize("name", ["g.dot", "g.graphml"])
def test_the_graph_is_the_same_bytes_whatever_the_hash_seed(tmp_path, name):
    # Collect's successors come in string-hash order, so discovery order differs between these runs.
    assert graph_under_seed(tmp_path, "1", name) == graph_under_seed(tmp_path, "2", name)


def test_labels_show_values_as_the_report_does_with_sets_sorted():
    g, _ = explore_graph(Collect())
    labels = {data["label"] for _n, data in g.nodes(data=True)}
    assert "/\\ names = {'alpha', 'bravo', 'charlie', 'delta'}" in labels
    assert "/\\ names = {}" in labels


def test_two_actions_between_the_same_states_are_two_edges_in_a_graph_that_is_not_strict():
    g, _ = explore_graph(TwoWays())
    dot = to_dot(g)
    assert "strict" not in dot and "\ndigraph DiskGraph {" in dot
    assert '0 -> 1 [label="run"];' in dot and '0 -> 1 [label="walk"];' in dot
    assert dot.count("->") == 3


def test_graphml_has_unique_edge_ids_and_lower_case_booleans():
    g, _ = explore_graph(TwoWays())
    text = to_graphml(g)
    assert "True" not in text and "False" not in text
    assert ">true<" in text and ">false<" in text
    back = nx.parse_graphml(text, force_multigraph=True)
    ids = [key for _a, _b, key in back.edges(keys=True)]
    assert sorted(ids) == ["e0", "e1", "e2"]
    assert {n: d["initial"] for n, d in back.nodes(data=True)} == {"n0": True, "n1": False}
    assert sorted(d["action"] for _a, _b, d in back.edges(data=True)) == ["back", "run", "walk"]


def test_graphml_and_xml_files_are_graphml_and_dot_and_gv_files_are_dot(tmp_path):
    for name, start in (("g.graphml", "<?xml"), ("g.xml", "<?xml"), ("g.dot", "//"), ("g.gv", "//")):
        path = tmp_path / name
        assert ahvlab("check", COLLECT, "--dot", str(path)).returncode == 0
        assert path.read_text().startswith(start)
        assert ahvlab("check", COLLECT, "--dot", str(path)).returncode == 0  # ahvlab's own: replaced


def test_a_hand_written_dot_file_that_mentions_ahvlab_is_kept(tmp_path):
    mine = tmp_path / "arch.dot"
    mine.write_text("// our architecture, checked with ahvlab\ndigraph G { ahvlab -> ci }\n")
    assert "refusing to overwrite" in one_line(ahvlab("check", COLLECT, "--dot", str(mine)), 2)
    assert mine.read_text().startswith("// our architecture")
