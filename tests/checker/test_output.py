"""Output files: nothing the user wrote is ever overwritten, every bad path is one line before the search.

Most tests run the real command line in a subprocess with a timeout, so a FIFO
that would block or a traceback that would escape shows as a failure here.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ahvlab.checker import bfs
from ahvlab.checker.errors import UsageError
from ahvlab.checker.itf import write_itf
from ahvlab.checker.output import check_output_path, is_ahvlab_output, read_user_text, safe_write_text
from tests.toys import Pour

ROOT = Path(__file__).resolve().parents[2]
POUR = "tests.toys:Pour"
GRID = "tests.toys:Grid"


def ahvlab(
    *argv: str, cwd: Path = ROOT, umask: int | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line in a subprocess (with a timeout: a FIFO that blocked would fail the test)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}

    def before() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "ahvlab.cli", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=before if umask is not None else None,
    )


def one_line(proc: subprocess.CompletedProcess[str], code: int) -> str:
    assert proc.returncode == code, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def not_searched(proc: subprocess.CompletedProcess[str]) -> None:
    """The command stopped at its command line: no search ran, nothing was reported."""
    assert "Model checking" not in proc.stdout and "distinct states" not in proc.stdout


USER_FILES = {
    "myspec.py": "from ahvlab.checker import Spec\n\nclass Mine(Spec):\n    pass\n",
    "pyproject.toml": '[project]\nname = "uses-ahvlab"\ndependencies = ["ahvlab"]\n',
    "README.md": "# notes\nWe check our cluster with ahvlab.\n",
    "notes.json": '{"tool": "ahvlab", "mine": true}\n',
    "report.xml": '<?xml version="1.0"?>\n<testsuites name="pytest"><!-- ahvlab --></testsuites>\n',
    "graph.dot": "// drawn by hand, not by ahvlab\ndigraph G { a -> b }\n",
    "empty.itf.json": "",
}


@pytest.mark.parametrize("flag", ["--itf", "--junit", "--dot"])
@pytest.mark.parametrize("name", sorted(USER_FILES))
def test_a_users_file_is_refused_before_the_search_and_left_byte_identical(tmp_path, flag, name):
    path = tmp_path / name
    path.write_text(USER_FILES[name])
    proc = ahvlab("check", POUR, flag, str(path))
    line = one_line(proc, 2)
    not_searched(proc)
    assert str(path) in line
    if flag == "--dot" and path.suffix not in (".dot", ".xml"):
        assert "cannot tell the graph format" in line
    else:
        assert "refusing to overwrite" in line and "--force" in line
    assert path.read_text() == USER_FILES[name]


def test_force_replaces_a_users_regular_file(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text(USER_FILES["notes.json"])
    assert ahvlab("check", POUR, "--itf", str(path), "--force").returncode == 12
    assert json.loads(path.read_text())["#meta"]["generator"] == "ahvlab"


@pytest.mark.parametrize(
    ("flag", "name"),
    [("--itf", "cex.itf.json"), ("--junit", "report.xml"), ("--dot", "g.dot"), ("--dot", "g.graphml")],
)
def test_ahvlab_replaces_its_own_outputs_without_force(tmp_path, flag, name):
    path = tmp_path / name
    assert ahvlab("check", POUR, flag, str(path)).returncode == 12
    first = path.read_bytes()
    assert is_ahvlab_output(path, {"--itf": "itf", "--junit": "junit", "--dot": "dot"}[flag])
    assert ahvlab("check", POUR, flag, str(path)).returncode == 12
    assert path.read_bytes().startswith(first[:20])


def test_a_symbolic_link_is_refused_even_with_force_and_its_target_kept(tmp_path):
    target = tmp_path / "mine.txt"
    target.write_text("my notes\n")
    link = tmp_path / "cex.itf.json"
    link.symlink_to(target)
    for extra in ([], ["--force"]):
        line = one_line(ahvlab("check", POUR, "--itf", str(link), *extra), 2)
        assert "symbolic link" in line and str(link) in line
    assert link.is_symlink() and target.read_text() == "my notes\n"


def test_a_link_to_ahvlabs_own_output_is_refused_too(tmp_path):
    ours = tmp_path / "cex.itf.json"
    assert ahvlab("check", POUR, "--itf", str(ours)).returncode == 12
    link = tmp_path / "latest.itf.json"
    link.symlink_to(ours)
    assert "symbolic link" in one_line(ahvlab("check", POUR, "--itf", str(link)), 2)
    assert link.is_symlink()


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    line = one_line(ahvlab("check", POUR, "--junit", str(fifo), "--force"), 2)
    assert "a FIFO" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_node_is_refused_and_stays_a_device(tmp_path):
    dev = tmp_path / "null"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device node needs privileges")
    line = one_line(ahvlab("check", POUR, "--itf", str(dev), "--force"), 2)
    assert "a device" in line
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_a_directory_is_refused(tmp_path):
    line = one_line(ahvlab("check", POUR, "--itf", str(tmp_path)), 2)
    assert "a directory" in line


def test_a_missing_folder_is_one_usage_line_before_the_search(tmp_path):
    proc = ahvlab("check", POUR, "--junit", str(tmp_path / "nowhere" / "r.xml"))
    assert "folder does not exist" in one_line(proc, 2)
    not_searched(proc)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_folder_is_one_usage_line_before_the_search(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = ahvlab("check", POUR, "--itf", str(folder / "cex.itf.json"))
        assert "not writable" in one_line(proc, 2)
        not_searched(proc)
    finally:
        folder.chmod(0o755)


def test_a_folder_ahvlab_may_not_write_in_is_a_usage_error_not_a_permission_error(tmp_path, monkeypatch):
    # The same as the test above, for a run as root: the folder refuses, whatever the reason.
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(UsageError, match="is not writable"):
        check_output_path(tmp_path / "cex.itf.json", "itf")


def test_a_write_that_fails_late_is_a_usage_error_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    real_open = os.open

    def refuse(path, flags, *args):
        if flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(UsageError, match="cannot write in its folder"):
        safe_write_text(tmp_path / "r.xml", "<x/>", kind="junit")
    assert list(tmp_path.iterdir()) == []


def test_dot_with_an_unknown_extension_exits_2_before_the_search(tmp_path):
    proc = ahvlab("check", GRID, "--dot", str(tmp_path / "graph.png"))
    assert "cannot tell the graph format from 'graph.png'" in one_line(proc, 2)
    not_searched(proc)
    assert not (tmp_path / "graph.png").exists()


@pytest.mark.parametrize("flag", ["--itf", "--junit", "--dot"])
def test_an_empty_output_name_is_refused(flag):
    assert "empty output file name" in one_line(ahvlab("check", POUR, flag, ""), 2)


def test_two_outputs_to_one_file_are_refused(tmp_path):
    path = str(tmp_path / "out.xml")
    line = one_line(ahvlab("check", POUR, "--junit", path, "--dot", path), 2)
    assert "--junit and --dot both write to" in line


def test_dash_writes_the_output_to_stdout():
    proc = ahvlab("check", GRID, "--set", "n=1", "--junit", "-")
    assert proc.returncode == 0
    assert '<testsuites name="ahvlab"' in proc.stdout


def test_dash_is_refused_with_json_which_has_stdout_already():
    line = one_line(ahvlab("check", GRID, "--json", "--itf", "-"), 2)
    assert "--json and --itf both write to standard output" in line


def test_new_outputs_honour_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path):
    new = tmp_path / "cex.itf.json"
    assert ahvlab("check", POUR, "--itf", str(new), umask=0o027).returncode == 12
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    new.chmod(0o604)
    assert ahvlab("check", POUR, "--itf", str(new), umask=0o077).returncode == 12
    assert stat.S_IMODE(new.stat().st_mode) == 0o604


def test_scenario_verify_checks_its_junit_path_before_any_scenario_runs(tmp_path):
    mine = tmp_path / "pyproject.toml"
    mine.write_text(USER_FILES["pyproject.toml"])
    proc = ahvlab("scenario", "verify", "--junit", str(mine))
    assert "refusing to overwrite" in one_line(proc, 2)
    assert "scenarios verified" not in proc.stdout
    assert mine.read_text() == USER_FILES["pyproject.toml"]


def test_simulate_checks_its_outputs_before_it_runs(tmp_path):
    mine = tmp_path / "README.md"
    mine.write_text(USER_FILES["README.md"])
    proc = ahvlab("simulate", POUR, "--itf", str(mine))
    assert "refusing to overwrite" in one_line(proc, 2)
    assert "Simulating" not in proc.stdout
    assert mine.read_text() == USER_FILES["README.md"]


def test_recognising_an_output_never_counts_an_empty_file_or_a_mention_of_ahvlab(tmp_path):
    spec = Pour()
    ours = tmp_path / "cex.itf.json"
    write_itf(ours, spec, bfs(spec).violation.trace)
    assert is_ahvlab_output(ours, "itf")
    assert not is_ahvlab_output(ours, "junit")  # ahvlab's, but not the kind this flag writes
    empty = tmp_path / "empty.xml"
    empty.write_text("")
    assert not is_ahvlab_output(empty, "junit")
    mention = tmp_path / "m.json"
    mention.write_text('{"#meta": {"note": "ahvlab"}, "states": []}')
    assert not is_ahvlab_output(mention, "itf")


# -- inputs -------------------------------------------------------------------------


def test_a_config_with_bytes_that_are_not_utf8_is_one_line_with_its_line(tmp_path):
    config = tmp_path / "cluster.toml"
    config.write_bytes(b"hosts = [32, 32]\n# caf\xe9\n")
    line = one_line(ahvlab("check", "--config", str(config), "--max-depth", "2"), 150)
    assert f"{config}:2: " in line and "not UTF-8" in line


def test_a_config_that_is_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "cluster.toml"
    os.mkfifo(fifo)
    assert "a FIFO" in one_line(ahvlab("check", "--config", str(fifo), "--max-depth", "2"), 150)


def test_reading_a_users_input_follows_a_link_to_a_regular_file(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text("hosts = 3\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert read_user_text(link, what="config") == "hosts = 3\n"
