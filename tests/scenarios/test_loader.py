"""Loading scenarios: the format's parts, and one clear error (file, line, key, expected) for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from ahvlab.checker.errors import SpecLoadError
from ahvlab.scenarios import ScriptError, find_scenario, parse_scenario

DATA = Path(__file__).parent / "data"
LAMPS = DATA / "lamps.toml"
HEAD = f"""[scenario]
title = "t"
goal = "g"
spec = "{(Path(__file__).parents[1] / "toys.py").as_posix()}:Lamps"
"""


def load(body: str, file: str = "class.toml"):
    return parse_scenario(HEAD + body, file)


def error(body: str) -> SpecLoadError:
    with pytest.raises(SpecLoadError) as info:
        load(body)
    return info.value


def test_a_scenario_file_gives_its_parts():
    s = find_scenario(str(LAMPS))
    assert (s.name, s.title, s.subsystems) == ("lamps", "Counting and lamps", ("counter", "lamps"))
    assert [(st.number, st.action, dict(st.params)) for st in s.steps] == [
        (1, "inc", {}),
        (2, "toggle", {"lamp": 2}),
        (3, "tick", {}),
        (4, "tick", {}),
    ]
    assert [st.line for st in s.steps] == [14, 18, 23, 28]
    assert [cp.at for cp in s.checkpoints] == [2, "T+40", "end"]
    assert [(c.expect, c.invariants, c.start) for c in s.checks] == [
        ("fails", ("below_top",), 0),
        ("holds", ("below_top",), 0),
        ("fails", ("not_all_on",), "end"),
    ]
    assert s.config is None and s.spec.name == "Lamps"


def test_the_session_holds_the_script_with_narration_and_starts_at_step_0():
    session = find_scenario(str(LAMPS)).session()
    assert session.cursor == 0 and len(session) == 5
    assert [session.label(i) for i in range(5)] == ["init", "inc", "toggle(lamp=2)", "tick", "tick"]
    assert session.narration == {
        0: "Everything is off and the clock reads T+0.",
        1: "One.",
        2: "Lamp 2 goes on.",
        3: "Twenty seconds later.",
        4: "And twenty more.",
    }
    assert session.time(4) == 40


def test_an_unknown_bundled_name_lists_the_names_with_a_suggestion(monkeypatch):
    import ahvlab.scenarios as scenarios

    monkeypatch.setattr(scenarios, "bundled_names", lambda: ["host-lost", "local-cvm-down"])
    with pytest.raises(SpecLoadError) as info:
        scenarios.find_scenario("host-lots")
    assert "no scenario named 'host-lots'; did you mean 'host-lost'?" in str(info.value)
    assert "one of: host-lost, local-cvm-down" in str(info.value)


def test_a_missing_file_is_one_error():
    with pytest.raises(SpecLoadError) as info:
        find_scenario("nowhere/none.toml")
    assert str(info.value) == "nowhere/none.toml: no such file (expected a scenario .toml file or a bundled name)"


def test_a_toml_syntax_error_names_file_and_line():
    with pytest.raises(SpecLoadError) as info:
        parse_scenario('[scenario]\ntitle = "t"\ngoal = g\n', "bad.toml")
    assert str(info.value).startswith("bad.toml:3: TOML syntax error: Invalid value (column 8)")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[[step]]\ndo = "inc"\nsay = 3\n', "class.toml:7: step[1].say: is a number (3) (expected a string in quotes)"),
        (
            '[[step]]\ndo = "inc"\n\n[[step]]\ndoo = "inc"\n',
            "class.toml:9: step[2].doo: unknown key; did you mean 'do'?",
        ),
        ('[[step]]\ndo = "incc"\n', "class.toml:6: step[1].do: the model has no action 'incc'; did you mean 'inc'?"),
        ('[[step]]\nwait = "yes"\n', "class.toml:6: step[1].wait: is a string ('yes') (expected true"),
        ("[[step]]\nwith = { lamp = 1 }\n", "class.toml:5: step[1]: the key 'do' is missing (expected a string)"),
        ('[[checkpoint]]\nat = 3\nexpect = "x == 1"\n', "class.toml:6: checkpoint[1].at: there is no step 3"),
        (
            '[[checkpoint]]\nat = 0\nexpect = "x = 1"\n',
            "class.toml:7: checkpoint[1].expect: bad expression: unexpected character '=' (write == for equality) "
            "(at column 3)",
        ),
        (
            '[[checkpoint]]\nat = 0\nexpect = "xx == 1"\n',
            "class.toml:7: checkpoint[1].expect: unknown name 'xx'; did you mean 'x'? (expected one of: T, enabled, lamp, ",
        ),
        (
            '[[check]]\ninvariant = "below"\nexpect = "holds"\n',
            "class.toml:6: check[1].invariant: unknown invariant 'below'; did you mean 'below_top'?",
        ),
        ('[[check]]\nexpect = "passes"\n', "class.toml:6: check[1].expect: 'passes' is not a verdict"),
        (
            '[[check]]\nexpect = "holds"\ndepth = 0\n',
            "class.toml:7: check[1].depth: is 0 (expected a whole number >= 1)",
        ),
        (
            '[[check]]\nexpect = "holds"\nlength = 2\n',
            "class.toml:7: check[1].length: is the length of a counterexample",
        ),
        ('[step]\ndo = "inc"\n', "class.toml:5: step: is a single table (expected [[step]]"),
        ("[clutser]\n", "class.toml:5: clutser: unknown table; did you mean 'cluster'?"),
        ("[cluster]\nhosts = 3\n", "class.toml:5: cluster: applies to the AHV model only"),
        (
            '[[check]]\nexpect = "fails"\nmutations = ["no_fencing"]\n',
            "class.toml:7: check[1].mutations: applies to the AHV model",
        ),
    ],
)
def test_every_mistake_is_one_line_with_file_line_key_and_what_was_expected(body, expected):
    assert str(error(body)).startswith(expected)


def test_missing_title_and_scenario_table():
    with pytest.raises(SpecLoadError) as info:
        parse_scenario('[scenario]\ngoal = "g"\n', "x.toml")
    assert str(info.value) == "x.toml:1: scenario: the key 'title' is missing (expected a string)"
    with pytest.raises(SpecLoadError) as info:
        parse_scenario("", "x.toml")
    assert "the [scenario] table is missing" in str(info.value)


def test_a_step_that_is_not_enabled_says_which_step_and_why():
    s = load('[[step]]\ndo = "inc"\n[[step]]\ndo = "inc"\n[[step]]\ndo = "inc"\n[[step]]\ndo = "inc"\n')
    with pytest.raises(ScriptError) as info:
        s.session()
    assert str(info.value) == (
        "class.toml:11: step[4]: step 4 (inc) cannot be taken: inc is not enabled here: the counter is at its top (3); "
        "at T+0 the steps that can happen are: toggle(lamp=1); toggle(lamp=2); tick"
    )


def test_a_step_whose_parameters_match_nothing_lists_the_enabled_alternatives():
    s = load('[[step]]\ndo = "toggle"\nwith = { lamp = 7 }\n')
    with pytest.raises(ScriptError) as info:
        s.session()
    assert "toggle(lamp=7) is not enabled here; enabled: toggle(lamp=1); toggle(lamp=2)" in str(info.value)


def test_an_ambiguous_step_asks_for_its_parameters():
    with pytest.raises(ScriptError) as info:
        load('[[step]]\ndo = "toggle"\n').session()
    assert "toggle is ambiguous here, give its parameters: toggle(lamp=1); toggle(lamp=2)" in str(info.value)


def test_a_step_at_the_wrong_time_says_the_real_time():
    with pytest.raises(ScriptError) as info:
        load("[[step]]\nwait = true\ntime = 60\n").session()
    assert str(info.value) == "class.toml:5: step[1].time: step 1 (tick) is at T+20, not T+60"


def test_a_user_spec_that_does_not_load_is_one_error(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\ntitle = "t"\ngoal = "g"\nspec = "missing.py:Nope"\n')
    with pytest.raises(SpecLoadError) as info:
        find_scenario(str(path))
    assert "missing.py: no such file" in str(info.value)


def test_a_file_that_is_not_utf8_is_one_error(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b'[scenario]\ntitle = "\xff"\n')
    with pytest.raises(SpecLoadError) as info:
        find_scenario(str(path))
    assert str(info.value).endswith("s.toml:2: is not UTF-8 text (expected a UTF-8 TOML file)")


def test_a_cluster_mistake_points_at_its_line_in_the_scenario():
    text = (Path(__file__).resolve().parents[2] / "ahvlab/scenarios/data/host-lost.toml").read_text()
    bad = text.replace('name = "VM2"\nmemory = 8', 'name = "VM2"\nmemroy = 8')
    line = bad.splitlines().index("memroy = 8") + 1
    with pytest.raises(SpecLoadError) as info:
        parse_scenario(bad, "lab.toml")
    assert str(info.value).startswith(f"lab.toml:{line}: vms[2].memroy: unknown key 'memroy'")
