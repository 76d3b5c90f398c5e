"""Shells over the toy cluster spec, writing into a buffer."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from ahvlab.checker import Session
from ahvlab.shell import Shell
from ahvlab.workbench import Workbench
from tests.toys import Toy

TOY_TARGET = "tests/toys.py:Toy"


class Recorded(Shell):
    """A shell whose output is kept in a buffer; ``run(line)`` returns what that line printed."""

    def __init__(self, bench: Workbench, *, script: bool = True) -> None:
        super().__init__(bench, io.StringIO(), script=script)

    def run(self, line: str) -> str:
        assert isinstance(self.out, io.StringIO)
        start = self.out.tell()
        self.execute(line)
        return self.out.getvalue()[start:]

    @property
    def text(self) -> str:
        assert isinstance(self.out, io.StringIO)
        return self.out.getvalue()


def toy_bench(*, fencing: bool = True) -> Workbench:
    spec = Toy(fencing=fencing)
    return Workbench(Session(spec), "toy cluster", TOY_TARGET)


@pytest.fixture
def make_shell() -> Callable[..., Recorded]:
    def make(*, fencing: bool = True, script: bool = True) -> Recorded:
        return Recorded(toy_bench(fencing=fencing), script=script)

    return make


@pytest.fixture
def shell(make_shell: Callable[..., Recorded]) -> Recorded:
    return make_shell()
