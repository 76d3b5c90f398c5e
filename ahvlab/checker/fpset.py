"""The seen set: 64-bit fingerprints in a numpy open-addressing table, and a log of parents per level.

A state is stored as its fingerprint only (8 bytes in a table kept between 3/8 and
3/4 full), plus one entry in the level it was found at: its fingerprint and the
position of its parent in the level before (4 bytes). A counterexample walks the
positions back to an initial state and is re-played against the spec by
fingerprint, as TLC rebuilds its traces from (fingerprint, parent) pairs.

The fingerprint is Python's ``hash`` of the fingerprinted value (the state, or its
view): computed in C, and cached nowhere. It is stable across the processes of one
run because the worker processes are forked from the one that started the run (they
share its hash secret and its addresses: before Python 3.12 ``hash(None)`` is the
address of ``None``). Processes that are not forked (Ray actors) are started with a
fixed ``PYTHONHASHSEED``, fingerprint with :func:`stable_fingerprint` (``None``
replaced) and compute every fingerprint of the run themselves. Two
values that compare equal have the same fingerprint; two that differ share one with
the probability that :func:`collision_probability` estimates, except Python's
documented quirk ``hash(-1) == hash(-2)`` (a state that differs from another only by
-1 against -2 in one place shares its fingerprint: write such sentinels as ``None``).

The table is probed in batches (numpy does the probing): a level is expanded in
chunks, and each chunk's successors are looked up and inserted at once.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
Bools = npt.NDArray[np.bool_]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
"""Fibonacci hashing: the top bits of ``fp * golden`` spread even sequential fingerprints (ints hash to themselves)."""
_EMPTY = 0
ZERO_FP = 0x2545F4914F6CDD1D
"""What a hash of 0 is stored as (0 marks an empty slot): an arbitrary odd constant, not a small int."""


def fingerprint(value: Any) -> int:
    """The 64-bit fingerprint of a fingerprinted value (a hash of 0 becomes ZERO_FP)."""
    return hash(value) or ZERO_FP


_NONE = "\x00None"
"""What ``None`` counts as in a stable fingerprint (before Python 3.12, ``hash(None)`` is its address)."""


def _canon(v: Any) -> Any:
    if v is None:
        return _NONE
    t = type(v)
    if t is int or t is str or t is bool or t is float:
        return v
    if isinstance(v, tuple):
        return tuple(map(_canon, v))
    if isinstance(v, frozenset):
        return frozenset(map(_canon, v))
    return v


def stable_fingerprint(value: Any) -> int:
    """A fingerprint that processes started apart agree on (given one ``PYTHONHASHSEED``): ``hash``
    with ``None`` replaced by a string, since before Python 3.12 ``hash(None)`` is an address."""
    if sys.version_info >= (3, 12):
        return hash(value) or ZERO_FP
    return hash(_canon(value)) or ZERO_FP


def collision_probability(distinct: int, generated: int) -> float:
    """TLC's optimistic estimate: each of the ``generated - distinct`` successors found already seen
    was compared with up to ``distinct`` fingerprints, each equal by chance with probability 2^-64."""
    return distinct * max(generated - distinct, 0) / 2.0**64


def as_fps(values: Sequence[int]) -> I64:
    """A list of Python fingerprints as an int64 array."""
    return np.fromiter(values, dtype=np.int64, count=len(values))


class FPSet:
    """A growing set of 64-bit fingerprints: batched lookup and insertion, about 8-21 bytes a fingerprint."""

    def __init__(self, capacity: int = 1 << 14) -> None:
        bits = max(4, (capacity - 1).bit_length())
        self._alloc(bits)
        self.count = 0

    def _alloc(self, bits: int) -> None:
        self.bits = bits
        self.keys: I64 = np.zeros(1 << bits, dtype=np.int64)
        self.mask = np.int64((1 << bits) - 1)
        self.shift = np.uint64(64 - bits)
        self.limit = (3 << bits) >> 2

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes)

    def _home(self, fps: I64) -> I64:
        return ((fps.view(np.uint64) * _GOLDEN) >> self.shift).astype(np.int64)

    def _probe(self, fps: I64, insert: bool) -> Bools:
        """For distinct ``fps``: which were absent (and, with ``insert``, are now present)."""
        keys = self.keys
        mask = self.mask
        slots = self._home(fps)
        todo = np.arange(len(fps))
        absent = np.zeros(len(fps), dtype=np.bool_)
        while len(todo):
            want = fps[todo]
            at = slots[todo]
            cur = keys[at]
            empty = cur == _EMPTY
            if insert and empty.any():
                # Claim the empty slots; when two fingerprints land on one slot, the last write wins
                # and the loser reads someone else's key back and probes on.
                claim = at[empty]
                keys[claim] = want[empty]
                won = np.zeros(len(todo), dtype=np.bool_)
                won[empty] = keys[claim] == want[empty]
                absent[todo[won]] = True
                done = won | (cur == want)
            else:
                absent[todo[empty]] = True
                done = empty | (cur == want)
            todo = todo[~done]
            slots[todo] = (slots[todo] + 1) & mask
        return absent

    def contains(self, fps: I64) -> Bools:
        """Which of ``fps`` are in the set."""
        if not len(fps):
            return np.zeros(0, dtype=np.bool_)
        uniq, inverse = np.unique(fps, return_inverse=True)
        return ~self._probe(uniq, insert=False)[inverse]

    def add(self, fps: I64) -> Bools:
        """Insert ``fps``; True where a fingerprint is new: absent before, and its first occurrence in ``fps``."""
        new = np.zeros(len(fps), dtype=np.bool_)
        if not len(fps):
            return new
        uniq, first = np.unique(fps, return_index=True)
        while self.count + len(uniq) > self.limit:
            self._grow()
        absent = self._probe(uniq, insert=True)
        new[first[absent]] = True
        self.count += int(absent.sum())
        return new

    def _grow(self) -> None:
        old = self.keys
        self._alloc(self.bits + 1)
        # Re-inserted a slice at a time, so that growing costs little more than the new table.
        step = 1 << 14
        for lo in range(0, len(old), step):
            chunk = old[lo : lo + step]
            chunk = chunk[chunk != _EMPTY]
            if len(chunk):
                self._probe(chunk, insert=True)
        del old


class Levels:
    """Per BFS level, the fingerprints found there and each one's parent reference, in discovery order.

    A parent reference is ``position * parts + part``: the position of the parent in the
    level before, in the partition (worker) that owns it; one partition: the position.
    """

    def __init__(self) -> None:
        self.fps: list[I64] = []
        self.parents: list[U32] = []
        self._fp_chunks: list[I64] = []
        self._parent_chunks: list[U32] = []
        self.pending = 0

    @property
    def nbytes(self) -> int:
        done = sum(a.nbytes for a in self.fps) + sum(a.nbytes for a in self.parents)
        return int(done + 12 * self.pending)

    def append(self, fps: I64, parents: U32) -> None:
        """Fingerprints found at the level being built (the one after the last closed level)."""
        if len(fps):
            self._fp_chunks.append(fps)
            self._parent_chunks.append(parents)
            self.pending += len(fps)

    def close(self) -> None:
        """The level being built is complete."""
        self.fps.append(np.concatenate(self._fp_chunks) if self._fp_chunks else np.zeros(0, np.int64))
        self.parents.append(np.concatenate(self._parent_chunks) if self._parent_chunks else np.zeros(0, np.uint32))
        self._fp_chunks, self._parent_chunks, self.pending = [], [], 0

    def entry(self, level: int, position: int) -> tuple[int, int]:
        """(fingerprint, parent reference) of a closed level's entry (levels count from 0 here)."""
        return int(self.fps[level][position]), int(self.parents[level][position])

    def pending_entry(self, position: int) -> tuple[int, int]:
        """The same for the level being built."""
        for fps, parents in zip(self._fp_chunks, self._parent_chunks, strict=True):
            if position < len(fps):
                return int(fps[position]), int(parents[position])
            position -= len(fps)
        raise IndexError(position)
