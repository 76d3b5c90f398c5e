"""docs/ci.md's recipe works as written: its files, in a fresh git repository, pass its workflow's commands.

The files are the page's code blocks that a line "`path`:" names; the commands
are the workflow's ``run:`` lines (all but installing ahvlab, which is installed
here already). Each runs in a subprocess with the installed ``ahvlab``; the exit
codes, the JUnit files and the repository afterwards are checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.checker.test_junit import consistent

PAGE = Path(__file__).resolve().parents[1] / "docs" / "ci.md"
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def page_files() -> dict[str, str]:
    """``path -> text`` for every code block the page introduces with a line "`path`:"."""
    pattern = re.compile(r"^`([^`\s]+)`:\n\n```[a-z]*\n(.*?)^```", flags=re.S | re.M)
    return {m.group(1): m.group(2) for m in pattern.finditer(PAGE.read_text())}


def workflow_commands(yaml: str) -> list[str]:
    """The shell lines of every ``run:`` step, in order (``run: |`` blocks line by line)."""
    out: list[str] = []
    lines = yaml.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)(?:- )?run: (.*)$", line)
        if not m:
            continue
        if m.group(2).strip() != "|":
            out.append(m.group(2).split("  #")[0].strip())
            continue
        indent = len(m.group(1))
        for more in lines[i + 1 :]:
            if more.strip() and len(more) - len(more.lstrip()) <= indent:
                break
            if more.strip():
                out.append(more.strip())
    return out


def git(repo: Path, *argv: str) -> str:
    cmd = ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.org", "-c", "commit.gpgsign=false", *argv]
    return subprocess.run(cmd, cwd=repo, check=True, capture_output=True, text=True).stdout


def run_shell(repo: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        ["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def junit_agrees(path: Path, exit_code: int) -> ET.Element:
    root = consistent(ET.parse(path).getroot())
    assert root.tag == "testsuites" and root.get("name") == "ahvlab"
    bad = int(root.get("failures", "0")) + int(root.get("errors", "0"))
    assert (bad == 0) == (exit_code == 0), ET.tostring(root, encoding="unicode")[:2000]
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = page_files()
    assert {"model/cluster.toml", "scenarios/our-rack.toml", ".github/workflows/model.yml"} <= set(files)
    repo = tmp_path / "repo"
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "our model")
    return repo


def test_the_ci_page_workflow_passes_as_written_and_its_junit_says_so(repo: Path):
    commands = [c for c in workflow_commands((repo / ".github/workflows/model.yml").read_text()) if "pip" not in c]
    assert any(c.startswith("ahvlab check --config model/cluster.toml") for c in commands)
    for command in commands:
        proc = run_shell(repo, command)
        assert proc.returncode == 0, f"{command}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
    reports = repo / "reports"
    for name in ("bundled.xml", "ours.xml", "check.xml"):
        junit_agrees(reports / name, 0)
    check = ET.parse(reports / "check.xml").getroot()
    assert [(p.get("name"), p.get("value")) for p in check.iter("property")] == [("bound", "max-depth 12")]
    assert check.get("failures") == "0" and check.find(".//testcase[@name='no_phantom_vm']/skipped") is None
    # Nothing the repository holds changed, and no __pycache__ or other litter beside it: only the reports are new.
    status = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(status) == ["?? reports/bundled.xml", "?? reports/check.xml", "?? reports/ours.xml"]


def test_the_ci_page_pytest_file_passes_in_the_repository(repo: Path):
    proc = run_shell(repo, f"{sys.executable} -m pytest -q -p no:cacheprovider -p no:randomly tests/test_model.py")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr


def test_the_failing_variant_the_page_describes_exits_12_with_a_junit_failure(repo: Path):
    scenario = repo / "scenarios/our-rack.toml"
    scenario.write_text(scenario.read_text().replace("hosts = [64, 64, 32, 32]", "hosts = [64, 32, 32, 32]"))
    proc = run_shell(repo, "mkdir -p reports && ahvlab scenario verify scenarios/*.toml --junit reports/ours.xml")
    assert proc.returncode == 12, proc.stdout + proc.stderr
    root = junit_agrees(repo / "reports/ours.xml", 12)
    failures = [f.get("message") for f in root.iter("failure")]
    assert len(failures) == 1 and "db must land on host 2" in (failures[0] or "")


def test_a_cluster_config_under_scenarios_is_an_error_in_the_junit_not_a_failure(repo: Path):
    # The mistake the page warns about: the glob takes the config for a scenario.
    shutil.copy(repo / "model/cluster.toml", repo / "scenarios/cluster.toml")
    proc = run_shell(repo, "mkdir -p reports && ahvlab scenario verify scenarios/*.toml --junit reports/ours.xml")
    assert proc.returncode == 150, proc.stdout + proc.stderr
    root = junit_agrees(repo / "reports/ours.xml", 150)
    assert len(list(root.iter("error"))) == 1 and not list(root.iter("failure"))
