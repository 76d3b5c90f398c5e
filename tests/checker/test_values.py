"""One way to show a value and its changes: paths in the checkpoint language's syntax, down to what changed."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from ahvlab.checker.values import Change, PathError, completions, deep_changes, join, parse_path, resolve, show


class Watch(NamedTuple):
    phase: str
    due: int


def test_a_changed_tuple_is_shown_element_by_element_from_index_0():
    old = (Watch("ok", -1), Watch("ok", -1), Watch("ok", -1))
    new = (Watch("ok", -1), Watch("lost", 20), Watch("ok", -1))
    assert deep_changes("ha", old, new) == [Change("ha[1].phase", "ok", "lost"), Change("ha[1].due", -1, 20)]


def test_a_mapping_keyed_by_host_number_is_shown_by_key():
    old = {1: Watch("ok", -1), 2: Watch("ok", -1)}
    new = {1: Watch("ok", -1), 2: Watch("lost", 20)}
    assert [c.path for c in deep_changes("host", old, new)] == ["host[2].phase", "host[2].due"]


def test_a_name_key_reads_as_a_field_and_any_other_key_is_quoted():
    assert join("vm", "VM1") == "vm.VM1"
    assert join("vm", "my vm") == "vm['my vm']"
    assert join("", "now") == "now"


def test_values_of_different_shapes_are_one_change():
    assert deep_changes("copies", (1,), (1, 3)) == [Change("copies", (1,), (1, 3))]
    assert deep_changes("leaders", frozenset({3}), frozenset()) == [Change("leaders", frozenset({3}), frozenset())]
    assert deep_changes("x", 1, 2) == [Change("x", 1, 2)]


def test_a_set_change_says_what_came_and_what_left():
    (c,) = deep_changes("blocked[1]", frozenset({2}), frozenset({3}))
    assert c.line() == "blocked[1] = {3}    (+3 -2)"


def test_sets_show_sorted_whatever_the_hash_order():
    assert show(frozenset({"b", "a", "c"})) == "{'a', 'b', 'c'}"
    assert show(frozenset({"b", "a"}), quote=False) == "{a, b}"


def test_a_path_reads_dots_brackets_and_quoted_keys():
    assert parse_path("host[2].cvm_up") == ["host", 2, "cvm_up"]
    assert parse_path("host.2.cvm_up") == ["host", 2, "cvm_up"]
    assert parse_path("vm['my vm'].host") == ["vm", "my vm", "host"]


def test_resolve_follows_a_path_and_says_what_is_there_when_it_cannot():
    root = {"host": {1: Watch("ok", -1), 2: Watch("lost", 20)}}
    assert resolve(root, "host[2].phase") == "lost"
    with pytest.raises(PathError, match="has no 'speed'; it has: phase, due"):
        resolve(root, "host[2].speed")


def test_completions_go_one_step_deeper():
    root = {"host": {1: Watch("ok", -1)}}
    assert completions(root, "ho") == ["host"]
    assert completions(root, "host[1].") == ["host[1].phase", "host[1].due"]
