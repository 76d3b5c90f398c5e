"""hypothesis fuzzing of the loader: random and mutated TOML give a scenario or one SpecLoadError, nothing else."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.expr import ExprError
from ahvlab.checker.expr import parse as parse_expr
from ahvlab.scenarios import parse_scenario

HERE = Path(__file__).parent
TOYS = (HERE.parent / "toys.py").as_posix()
VALID = (HERE / "data" / "lamps.toml").read_text().replace("../../toys.py", TOYS)
FILE = str(HERE / "data" / "fuzzed.toml")

FRAGMENTS = [
    "[scenario]",
    "[[step]]",
    "[[check]]",
    "[[checkpoint]]",
    "[cluster]",
    "[constants]",
    'do = "inc"',
    'do = "toggle"',
    "wait = true",
    "with = { lamp = 2 }",
    "with = { lamp = [] }",
    'expect = "holds"',
    'expect = "fails"',
    'expect = "x == 1"',
    'expect = "all(lamp[i] for i in lamp_ids)"',
    "at = 0",
    'at = "T+20"',
    'at = "end"',
    "at = -1",
    "time = 20",
    'invariant = "below_top"',
    "invariants = []",
    "depth = 2",
    "length = 1",
    'from = "end"',
    "top = 0",
    "top = -5",
    "lamps = 0",
    'title = "t"',
    'goal = "g"',
    'name = "x"',
    'mutations = ["no_fencing"]',
    "= = =",
    '"""',
    "[[",
    "{",
    "\x00",
]


def one_line(exc: SpecLoadError) -> None:
    message = str(exc)
    assert message and "\n" not in message.strip() and "Traceback" not in message


def outcome(text: str) -> None:
    try:
        parse_scenario(text, FILE)
    except SpecLoadError as exc:
        one_line(exc)


def try_session(text: str) -> None:
    """A file that loads must also play its script, or fail with one SpecLoadError of one line."""
    try:
        scenario = parse_scenario(text, FILE)
        scenario.session()
    except SpecLoadError as exc:
        one_line(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_gives_a_scenario_or_one_clear_error(text):
    outcome(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_random_assemblies_of_format_fragments_give_one_clear_error(lines):
    try_session('[scenario]\ntitle = "t"\ngoal = "g"\nspec = "' + TOYS + ':Lamps"\n' + "\n".join(lines))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_files_give_a_scenario_or_one_clear_error(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["delete", "insert", "swap_lines", "replace_value", "fragment"]))
        lines = text.splitlines()
        if kind == "delete" and text:
            i = data.draw(st.integers(0, len(text) - 1))
            text = text[:i] + text[i + data.draw(st.integers(1, 8)) :]
        elif kind == "insert":
            i = data.draw(st.integers(0, len(text)))
            text = text[:i] + data.draw(st.text(max_size=6)) + text[i:]
        elif kind == "swap_lines" and len(lines) > 1:
            i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "replace_value" and lines:
            i = data.draw(st.integers(0, len(lines) - 1))
            if "=" in lines[i]:
                key = lines[i].split("=", 1)[0]
                value = data.draw(
                    st.one_of(
                        st.integers(-3, 100).map(str),
                        st.sampled_from(["true", '"end"', '"T+60"', "[1, 2]", "{ a = 1 }", '"x == "', "1.5"]),
                        st.text(max_size=10).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
                    )
                )
                lines[i] = f"{key}= {value}"
                text = "\n".join(lines)
        elif kind == "fragment" and lines:
            i = data.draw(st.integers(0, len(lines)))
            lines.insert(i, data.draw(st.sampled_from(FRAGMENTS)))
            text = "\n".join(lines)
    try_session(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("x[]{}():.,'\"0123456789 +-*/%<>=!andortfl_Tinsumcoe")), max_size=60))
def test_random_expressions_parse_or_raise_expr_error(text):
    try:
        expr = parse_expr(text)
    except ExprError:
        return
    with contextlib.suppress(ExprError):
        expr.evaluate({"x": (1, 2, 3), "T": 0, "lamp": {1: True}, "h": {"a": {1: 2}}})


AHV = (
    Path(__file__).resolve().parents[2] / "ahvlab" / "scenarios" / "data" / "what-if-restart-before-ack.toml"
).read_text()
AHV_VALUES = ["0", "9", "-1", '"off"', "[]", "[0]", '["host"]', '["nope"]', "{ x = 1 }", '"guarantee"', "true", '"VM9"']


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_ahv_scenarios_give_a_scenario_or_one_clear_error(data):
    lines = AHV.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        if "=" in lines[i]:
            lines[i] = lines[i].split("=", 1)[0] + "= " + data.draw(st.sampled_from(AHV_VALUES))
        else:
            lines[i] = data.draw(st.sampled_from(["", "[[cluster.vms]]", "[cluster.timings]", "detect_after = 0"]))
    try_session("\n".join(lines))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_verify_command_on_a_mutated_file_exits_with_a_pinned_code_and_no_traceback(tmp_path, capsys, data):
    from ahvlab.cli import main

    lines = VALID.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = data.draw(st.sampled_from([*FRAGMENTS, "", lines[i][: len(lines[i]) // 2]]))
    path = tmp_path / "fuzzed.toml"
    path.write_text("\n".join(lines))
    code = main(["scenario", "verify", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 12, 150)
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) <= 1
