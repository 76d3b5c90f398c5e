"""The checkpoint expression language: what it computes, and one clear error (with a column) for bad input."""

from __future__ import annotations

import enum
from typing import NamedTuple

import pytest

from ahvlab.checker.expr import ExprError, parse


class Session(NamedTuple):
    disk: int
    stargate: int


class Power(enum.Enum):
    RUNNING = 1
    OFF = 2


ENV = {
    "T": 60,
    "sessions": {"VM2": (Session(1, 1), Session(2, 3))},
    "blocked": {1: frozenset({2}), 2: frozenset(), 3: frozenset({2})},
    "hosts": (1, 2, 3),
    "power": Power.RUNNING,
    "leader": 1,
}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('sessions["VM2"][0].stargate == 1', True),
        ("sessions['VM2'][1].stargate", 3),
        ("T == 60", True),
        ("all(2 in blocked[h] for h in hosts if h != 2)", True),
        ("all(2 in blocked[h] for h in hosts)", False),
        ("count(2 in blocked[h] for h in hosts)", 2),
        ("sum(s.disk for s in sessions.VM2)", 3),
        ("len(sessions) == 1 and not leader != 1", True),
        ("0 < T <= 60 < 61", True),
        ("T // 7 + T % 7 * 2 - -1", 17),
        ("T / 8", 7.5),
        ('power == "running" and power != "off"', True),
        ("{1, 2} - {1} == {2} and [1, 2] == [1, 2]", True),
        ("max(hosts) == 3 and min(hosts) == 1 and sorted([3, 1]) == [1, 3]", True),
        ("2 not in blocked[2] and 4 not in hosts", True),
        ("set(h for h in range(1, 4)) == {1, 2, 3}", True),
        ("false or true and none == none", True),
    ],
)
def test_expressions_compute_over_state_fields(text, value):
    assert parse(text).evaluate(ENV) == value


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("T = 60", "unexpected character '=' (write == for equality)", 3),
        ("T == ", "the expression ends too early", 6),
        ("(T == 60", "expected ')', found the end of the expression", 9),
        ("sum(x for x)", "expected 'in' after the loop variable, found ')'", 12),
        ("'open", "a string is not closed", 1),
        ("", "the expression is empty", 1),
        ("T == 60 60", "unexpected '60'", 9),
        ("(" * 60 + "1" + ")" * 60, "nested more than 40 levels", 41),
    ],
)
def test_a_bad_expression_gets_one_error_with_its_column(text, message, column):
    with pytest.raises(ExprError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.column == column


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Tt == 1", "unknown name 'Tt'; did you mean 'T'?"),
        ('sessions["VM9"]', "no key 'VM9'; the keys are: 'VM2'"),
        ('sessions["VM2"][5]', "index 5 is out of range: there are 2 items (0..1)"),
        ('sessions["VM2"][0].host', "Session has no field 'host'; fields: disk, stargate"),
        ("T + hosts", "'+' needs numbers, got a tuple"),
        ("T / 0", "division by zero"),
        ("all(h for h in hosts)", "all() needs true or false, got a number"),
        ("T", "a checkpoint must be true or false, but this gives a number (60)"),
        ("T < hosts", "cannot compare a number with a tuple"),
        ("range(10 ** 9)", "unexpected '*'"),
        ("foo(1)", "unknown function 'foo'"),
        ("lenn(hosts)", "unknown function 'lenn'; did you mean 'len'?"),
    ],
)
def test_evaluation_errors_say_what_was_wrong(text, message):
    with pytest.raises(ExprError) as info:
        parse(text).holds(ENV)
    assert message in str(info.value)


def test_names_are_the_free_names_not_the_loop_variables():
    assert parse("all(blocked[h] == x for h in hosts if h > T)").names() == {"blocked", "x", "hosts", "T"}


def test_nothing_reaches_python_eval():
    # Python syntax that would be dangerous under eval() is simply not part of the language.
    for text in ("__import__('os')", "().__class__", "lambda: 1", "[x for x in hosts]"):
        with pytest.raises(ExprError):
            parse(text).evaluate(ENV)


def test_nested_generators_stop_at_the_step_budget_with_one_error():
    text = "sum(sum(sum(1 for c in range(1000)) for b in range(1000)) for a in range(1000))"
    with pytest.raises(ExprError, match="more than 1,000,000 steps"):
        parse(text).evaluate({})


def test_repeated_products_stop_before_the_number_is_huge():
    with pytest.raises(ExprError, match="too large"):
        parse("*".join(["x"] * 100)).evaluate({"x": 10**40})
