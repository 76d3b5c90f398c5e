"""Every subcommand driven with random flags, values and files.

Files: bad bytes, Rich markup, huge numbers, a device, a FIFO, a symlink, a read-only
folder, a user's own file, broken spec classes. Whatever is drawn, ahvlab answers with
no traceback, an exit code from README's table, ONE line on stderr for a usage error,
and changes no file but the outputs it was told to write. In process (``main``), so
that a few hundred runs fit in CI's budget.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahvlab.cli import main
from tests.test_exit_codes import documented_codes

ROOT = Path(__file__).resolve().parent.parent
CODES = documented_codes()
LAMPS = ROOT / "tests" / "scenarios" / "data" / "lamps.toml"


def _sandbox() -> Path:
    box = Path(tempfile.mkdtemp(prefix="ahvlab-fuzz-"))
    (box / "bad-bytes.toml").write_bytes(b"hosts = [\xff\xfe]\n")
    (box / "bad-bytes.itf.json").write_bytes(b'{"vars": ["\xc3\x28"]}')
    (box / "markup.toml").write_text('[scenario]\ntitle = "[/vm] [login] :smile:"\ngoal = "file.toml:100:"\n')
    (box / "huge.toml").write_text(f"hosts = [{'9' * 5000}]\n")
    (box / "deep.itf.json").write_text("[" * 100_000)
    (box / "mine.txt").write_text("the user's own notes, never to be overwritten\n")
    (box / "spec.py").write_text("from tests.toys import *  # noqa\n")
    (box / "exits.py").write_text("import sys\nsys.exit(7)\n")
    (box / "script.txt").write_text("show\nstep\nback\ncheck\n[/x] :smile:\n")
    (box / "lamps.toml").write_text(LAMPS.read_text().replace("../../toys.py", str(ROOT / "tests" / "toys.py")))
    os.mkfifo(box / "fifo")
    os.symlink(box / "mine.txt", box / "link.itf.json")
    ro = box / "readonly"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return box


def _remove(box: Path) -> None:
    (box / "readonly").chmod(stat.S_IRWXU)
    shutil.rmtree(box, ignore_errors=True)


BOX = _sandbox()
atexit.register(_remove, BOX)
FILES = [
    "bad-bytes.toml", "bad-bytes.itf.json", "markup.toml", "huge.toml", "deep.itf.json", "mine.txt", "fifo",
    "link.itf.json", "readonly", "readonly/out.itf.json", "/dev/null", "missing.toml", "lamps.toml", "", "-",
]  # fmt: skip
OUTPUTS = ["out.itf.json", "out.xml", "out.dot", "out.graphml", "mine.txt", "fifo", "link.itf.json", "/dev/null",
           "readonly/out.xml", "-", "", "graph.png"]  # fmt: skip
TARGETS = [f"tests.toys:{c}" for c in (
    "InitRaises", "ViewListLater", "ReturnsInt", "Recurses", "ExitsInAction", "FormatFails", "TimeFails", "Marked",
    "Hungry", "Settles", "Two", "Picky", "Nope",
)] + ["tests.toys:Pour", "tests.toys:Grid", "spec.py:Marked", "exits.py:X", "fifo:X", "x", ""]  # fmt: skip
NUMBERS = ["0", "-1", "1", "3", "nan", "inf", "-inf", "1e309", "9" * 5000, "²", "0x10", "", "1.5", " 2"]
WORDS = ["[/vm]", "[login]", ":smile:", "file.toml:100:", "n=-1", "n=2", "n=" + "[1," * 30_000, "x", "", "\x00"]

number = st.sampled_from(NUMBERS)
word = st.sampled_from(WORDS)
a_file = st.sampled_from(FILES)
output = st.sampled_from(OUTPUTS)
target = st.sampled_from(TARGETS)

CHECK_FLAGS = {
    "--max-depth": number, "--max-states": number, "--max-seconds": number, "--progress": number,
    "--invariant": st.sampled_from(["at_most_3", "below_2", "nope", "[/x]"]), "--itf": output, "--junit": output,
    "--dot": output, "--set": word, "--mutate": word, "--config": a_file, "--engine": st.sampled_from(["bfs", "dfs", "x"]),
    "--no-deadlock": None, "--json": None, "--force": None, "--no-liveness": None, "--no-coverage": None,
}  # fmt: skip
SIMULATE_FLAGS = {
    **{k: v for k, v in CHECK_FLAGS.items() if k not in ("--max-depth", "--dot", "--engine", "--no-liveness")},
    "--runs": number, "--steps": number, "--seed": number,
}  # fmt: skip


def _flags(table: dict[str, st.SearchStrategy[str] | None]) -> st.SearchStrategy[list[str]]:
    @st.composite
    def draw(data: st.DrawFn) -> list[str]:
        out: list[str] = []
        for name in data(st.lists(st.sampled_from(sorted(table)), max_size=5)):
            values = table[name]
            out += [name] if values is None else [name, data(values)]
        return out

    return draw()


@st.composite
def command(draw: st.DrawFn) -> tuple[list[str], set[str]]:
    """An argv and the outputs it names (the only files it may change)."""
    kind = draw(st.sampled_from(["check", "simulate", "scenario", "shell", "tui", "trace", "capacity"]))
    if kind in ("check", "simulate"):
        flags = draw(_flags(CHECK_FLAGS if kind == "check" else SIMULATE_FLAGS))
        argv = [kind, *([draw(target)] if draw(st.booleans()) else []), *flags]
        # A bound last (argparse keeps the last value): the default AHV model is large.
        argv += ["--max-states", "300"] + (["--runs", "3", "--steps", "8"] if kind == "simulate" else [])
    elif kind == "scenario":
        sub = draw(st.sampled_from(["list", "show", "walk", "verify"]))
        argv = ["scenario", sub]
        if sub in ("show", "walk"):
            argv.append(draw(a_file))
        if sub == "walk" and draw(st.booleans()):
            argv += ["--pause", draw(number)]
        if sub == "verify":
            argv += [draw(a_file), *(["--junit", draw(output)] if draw(st.booleans()) else [])]
        if sub in ("list", "verify") and draw(st.booleans()):
            argv.append("--json")
    elif kind in ("shell", "tui"):
        argv = [kind, *([draw(st.sampled_from([*FILES, *TARGETS]))] if draw(st.booleans()) else [])]
        if kind == "shell":
            argv += ["--script", draw(st.sampled_from(["script.txt", "fifo", "bad-bytes.toml", "missing", ""]))]
        else:
            argv += ["--check-seconds", draw(number)] if draw(st.booleans()) else []
        argv += ["--set", draw(word)] if draw(st.booleans()) else []
    elif kind == "trace":
        argv = ["trace", draw(a_file)]
    else:
        argv = ["capacity", "--hosts", draw(st.sampled_from(["100,100", "²,²", "9" * 5000 + ",1", "", "1", "50,x"]))]
        argv += ["--vm", draw(st.sampled_from(["A=10@1", "A=" + "9" * 5000 + "@1", "A=1@9", "[/vm]=1@1", "="]))]
        argv += ["--timeout-ms", draw(st.sampled_from(["500", "-5", "nan"]))]
        argv += ["--json"] if draw(st.booleans()) else []
    named = {argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("--itf", "--junit", "--dot")}
    return argv, named


def _fingerprint(box: Path) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    for p in sorted(box.rglob("*")):
        st_ = os.lstat(p)
        if stat.S_ISREG(st_.st_mode):
            out[str(p.relative_to(box))] = (st_.st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
        else:
            out[str(p.relative_to(box))] = (st_.st_mode, os.readlink(p) if stat.S_ISLNK(st_.st_mode) else "")
    return out


@contextlib.contextmanager
def _in(box: Path) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(box)
    try:
        yield
    finally:
        os.chdir(here)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _in(BOX):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(command())
def test_any_command_line_ends_with_a_documented_code_and_changes_only_its_outputs(drawn):
    argv, named = drawn
    before = _fingerprint(BOX)
    code, out, err = _run(argv)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    assert code in CODES, (argv, code, err)
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("ahvlab: "), (argv, err)
    if code == 150 and argv[:2] != ["scenario", "verify"]:  # verify reports each file that fails, in its report
        assert err.strip().splitlines()[-1].startswith("ahvlab: "), (argv, err)
    after = _fingerprint(BOX)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    allowed = {str(Path(n)) for n in named if n not in ("-", "")}
    assert changed <= allowed, (argv, changed)
    # Named or not, the user's file, the FIFO and the link are never written (root may write in readonly/).
    assert not changed & {"mine.txt", "fifo", "link.itf.json"}, (argv, changed)
    for p in [*BOX.glob("out.*"), *BOX.glob("readonly/out.*")]:  # the next example starts from the same sandbox
        p.unlink()
