"""How traces are printed: only what changed, down to the element or field that changed."""

from __future__ import annotations

from typing import NamedTuple

from ahvlab.checker.report import deep_changes


class Watch(NamedTuple):
    phase: str
    due: int


def test_a_changed_tuple_is_shown_element_by_element_from_the_spec_s_first_number():
    old = (Watch("ok", -1), Watch("ok", -1), Watch("ok", -1))
    new = (Watch("ok", -1), Watch("lost", 20), Watch("ok", -1))
    assert deep_changes("ha", old, new, base=1) == [("ha[2].phase", "ok", "lost"), ("ha[2].due", -1, 20)]
    assert deep_changes("ha", old, new) == [("ha[1].phase", "ok", "lost"), ("ha[1].due", -1, 20)]


def test_values_of_different_shapes_are_one_change():
    assert deep_changes("copies", (1,), (1, 3)) == [("copies", (1,), (1, 3))]
    assert deep_changes("leaders", frozenset({3}), frozenset()) == [("leaders", frozenset({3}), frozenset())]
    assert deep_changes("x", 1, 2) == [("x", 1, 2)]
