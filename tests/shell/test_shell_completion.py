"""Tab completion: a Document in, the list of Completions out."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document

from ahvlab.shell.completer import ShellCompleter
from tests.shell.conftest import Recorded


def complete(shell: Recorded, text: str) -> list[Completion]:
    return list(ShellCompleter(shell).get_completions(Document(text), CompleteEvent(completion_requested=True)))


def texts(shell: Recorded, text: str) -> list[str]:
    return [c.text for c in complete(shell, text)]


def test_an_empty_line_completes_every_command_name_and_alias(shell: Recorded) -> None:
    found = [t.rstrip() for t in texts(shell, "")]
    assert found[:3] == ["actions", "ls", "do"]
    assert {"quit", "exit", "q", "help", "?"} <= set(found)
    assert len(found) == 31


def test_a_command_prefix_completes_to_the_commands_it_starts(shell: Recorded) -> None:
    [c] = complete(shell, "ch")
    assert (c.text, c.start_position) == ("check ", -2)
    assert c.display_meta_text.startswith("run the model checker from the")
    assert texts(shell, "ch") == ["check "]
    assert texts(shell, "s") == ["show ", "save "]
    assert texts(shell, "zz") == []


def test_do_completes_enabled_action_names_and_choice_numbers(shell: Recorded) -> None:
    assert texts(shell, "do ") == ["crash_host", "0", "1", "2"]
    assert texts(shell, "do cr") == ["crash_host"]
    shell.run("do crash_host 1")
    assert texts(shell, "do ") == ["crash_host", "elect", "0", "1", "2", "3"]


def test_do_completes_the_parameters_of_the_enabled_choices(shell: Recorded) -> None:
    assert texts(shell, "do crash_host ") == ["host=1", "host=2", "host=3"]
    assert texts(shell, "do crash_host host=") == ["host=1", "host=2", "host=3"]
    assert texts(shell, "do crash_host host=2") == ["host=2"]


def test_vm_and_host_completions_narrow_as_parameters_are_given(shell: Recorded) -> None:
    for line in ("do crash_host 1", "do crash_host 2", "do elect 3"):
        shell.run(line)
    assert texts(shell, "do restart_vm ") == ["vm=vm1", "host=3", "vm=vm2"]
    assert texts(shell, "do restart_vm vm=vm2 ") == ["host=3"]
    assert texts(shell, "do restart_vm vm=vm3 ") == []
    assert texts(shell, "do restart_vm vm1 ") == ["host=3"]


def test_show_completes_variables_then_fields_one_level_at_a_time(shell: Recorded) -> None:
    assert texts(shell, "show ") == ["t", "leader", "up", "vms", "T"]
    assert texts(shell, "show vms.") == ["vms[0]", "vms[1]"]
    assert texts(shell, "show vms[0].") == ["vms[0].name", "vms[0].host", "vms[0].copies"]
    assert texts(shell, "show vms[0].h") == ["vms[0].host"]
    notes = {c.text: c.display_meta_text for c in complete(shell, "show vms[1].")}
    assert notes["vms[1].name"] == "'vm2'"
    assert texts(shell, "show nothing.") == []


def test_check_completes_its_options_and_invariant_names(shell: Recorded) -> None:
    assert texts(shell, "check -") == ["--invariant", "--depth", "--max-states", "--no-deadlock"]
    assert texts(shell, "check --invariant ") == ["no_phantom_vm", "leader_is_up"]
    assert texts(shell, "check --invariant no_phantom_vm --") == [
        "--invariant",
        "--depth",
        "--max-states",
        "--no-deadlock",
    ]
    assert texts(shell, "check --depth 3 -") == ["--invariant", "--max-states", "--no-deadlock"]


def test_goto_completes_step_numbers_and_help_completes_commands(shell: Recorded) -> None:
    shell.run("do crash_host 2")
    assert texts(shell, "goto ") == ["first", "last", "0", "1"]
    notes = {c.text: c.display_meta_text for c in complete(shell, "goto ")}
    assert notes["1"] == "crash_host(host=2)"
    assert texts(shell, "help wa") == ["walk", "watch"]


def test_load_and_save_complete_files(shell: Recorded, tmp_path, monkeypatch) -> None:
    (tmp_path / "a.itf.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    assert [t for t in texts(shell, "load ") if t not in ("default",)][-2:] == ["a.itf.json", "sub/"]
    assert texts(shell, "save ") == ["a.itf.json", "notes.txt", "sub/"]
    assert texts(shell, "load sub/") == []


def test_words_after_the_last_argument_and_unknown_commands_complete_nothing(shell: Recorded) -> None:
    assert texts(shell, "back 1 ") == []
    assert texts(shell, "frobnicate ") == []
    assert texts(shell, "inv ") == []


def test_a_failing_spec_gives_no_completion_rather_than_an_error(shell: Recorded) -> None:
    def broken() -> list:
        raise RuntimeError("the spec is broken")

    shell.session.enabled = broken  # type: ignore[method-assign]
    assert texts(shell, "do ") == []


def typed(shell: Recorded, keys: str) -> str:
    """What the prompt returns after ``keys`` (Tab is ``\\t``), typed into the shell's own prompt session."""
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        pipe.send_text(keys + "\r")
        return shell.prompt_session(input=pipe, output=DummyOutput(), history=InMemoryHistory()).prompt()


def test_a_completed_command_gets_a_space_and_a_second_tab_keeps_the_completion(shell: Recorded) -> None:
    assert typed(shell, "chec\t") == "check "
    assert typed(shell, "chec\t\t").startswith("check ")


def test_a_second_tab_moves_through_the_menu(shell: Recorded) -> None:
    assert typed(shell, "s\t") == "show "
    assert typed(shell, "s\t\t") == "save "
    assert typed(shell, "s\t\t\t") == "show "
