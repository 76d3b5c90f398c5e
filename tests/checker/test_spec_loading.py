"""Loading a user's spec file: no litter beside it, and its own exits and errors become one spec-error line."""

from __future__ import annotations

import pytest

from tests.checker.test_output import ahvlab, one_line

SPEC = """from ahvlab.checker import Spec, action, invariant


class Tiny(Spec):
    def __init__(self, n: int = 2) -> None:
        if n < 0:
            raise ValueError("n must not be negative")
        self.n = n

    def init(self):
        yield 0

    @action
    def inc(self, s):
        if s < self.n:
            yield {}, s + 1

    @invariant("small")
    def small(self, s):
        return s <= self.n
"""


def test_checking_a_spec_file_leaves_no_pycache_beside_it(tmp_path):
    (tmp_path / "helpers.py").write_text("LIMIT = 2\n")
    spec = tmp_path / "tiny.py"
    spec.write_text("import sys\nsys.path.insert(0, __file__.rsplit('/', 1)[0])\nimport helpers\n" + SPEC)
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = ahvlab("check", f"{spec}:Tiny", "--no-deadlock", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not list(tmp_path.rglob("__pycache__"))


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("import sys\n\nsys.exit(7)\n", "called sys.exit(7)"),
        ("raise SystemExit\n", "called sys.exit(None)"),
        ("class Odd(BaseException):\n    pass\n\n\nraise Odd('odd')\n", "raised Odd: odd"),
        ("x = 1\nraise RuntimeError('no cluster\\nhere')\n", "raised RuntimeError: no cluster here"),
    ],
)
def test_a_spec_that_exits_or_raises_at_import_is_a_spec_error_at_its_line(tmp_path, source, said):
    spec = tmp_path / "bad.py"
    spec.write_text(source)
    line = one_line(ahvlab("check", f"{spec}:Tiny", cwd=tmp_path), 150)
    last = source.rstrip("\n").count("\n") + 1
    assert "spec error at the import of bad.py" in line and said in line
    assert line.endswith(f"({spec}:{last})")


def test_a_constructor_that_refuses_a_constant_is_a_spec_error_at_its_line(tmp_path):
    spec = tmp_path / "tiny.py"
    spec.write_text(SPEC)
    line = one_line(ahvlab("check", f"{spec}:Tiny", "--set", "n=-1", cwd=tmp_path), 150)
    assert "spec error in the constructor of Tiny: it raised ValueError: n must not be negative" in line
    assert line.endswith(f"({spec}:7)")


def test_a_spec_target_that_is_a_fifo_does_not_hang(tmp_path):
    import os

    fifo = tmp_path / "spec.py"
    os.mkfifo(fifo)
    assert "not a regular file" in one_line(ahvlab("check", f"{fifo}:Tiny", cwd=tmp_path), 150)


def test_a_spec_module_that_exits_at_import_is_a_spec_error(tmp_path):
    pkg = tmp_path / "ourpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "spec.py").write_text("import sys\nsys.exit(3)\n")
    line = one_line(ahvlab("check", "ourpkg.spec:Tiny", cwd=tmp_path), 150)
    assert "spec error at the import of ourpkg.spec: it called sys.exit(3)" in line
    assert line.endswith(f"({pkg / 'spec.py'}:2)")
    assert not list(tmp_path.rglob("__pycache__"))
