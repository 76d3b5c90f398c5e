"""``--ray ADDRESS``: the partitioned BFS of :mod:`ahvlab.checker.parallel` on Ray actors.

``local`` starts a Ray instance on this machine for the run; ``auto`` joins the cluster
this machine belongs to (``ray start``); ``ray://host:port`` joins one through Ray
Client. Each worker is an actor; the batches of a round are the object refs its
methods return, handed by the driver to their owners' next call, so a batch moves
from the object store of one node to another without passing through the driver.

Fingerprints are Python's ``hash``: the actors are started with ``PYTHONHASHSEED=0``
and fingerprint with ``None`` replaced (:func:`ahvlab.checker.fpset.stable_fingerprint`)
so that they agree with one another, and the driver computes none (it asks an actor
for a fingerprint and for the replay of a counterexample).
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Sequence
from typing import Any

from ahvlab.checker.engine import Options
from ahvlab.checker.errors import UsageError
from ahvlab.checker.parallel import Partition, Pool, partitioned_bfs
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Spec

HASH_SEED = "0"


class _Actor(Partition):
    """A partition as a Ray actor: a phase returns its report and one ref per addressee."""

    def begin_refs(self) -> tuple[Any, ...]:
        rep, items = self.begin()
        return (rep, *items)

    def advance_refs(self, *received: Any) -> tuple[Any, ...]:
        rep, items = self.advance(list(received))
        return (rep, *items)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError("--ray needs Ray: pip install 'ahvlab[cluster]'") from None
    return ray


def connect(address: str) -> tuple[Any, bool]:
    """Join (or start, for ``local``) a Ray cluster; returns the ray module and whether we started it."""
    ray = _ray()
    if ray.is_initialized():
        return ray, False
    env = {"env_vars": {"PYTHONHASHSEED": HASH_SEED}}
    if address.startswith("ray://"):
        _reachable(address)
    try:
        if address == "local":
            ray.init(include_dashboard=False, runtime_env=env, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(address=address, runtime_env=env, log_to_driver=False, logging_level="ERROR")
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--ray {address}: cannot reach a Ray cluster ({first})") from None
    return ray, True


def _reachable(address: str) -> None:
    """Fail in a few seconds, not Ray Client's thirty, when nothing listens at ``ray://host:port``."""
    host, _, port = address.removeprefix("ray://").partition(":")
    try:
        with socket.create_connection((host, int(port or 10001)), timeout=3):
            pass
    except (OSError, ValueError) as exc:
        raise UsageError(f"--ray {address}: cannot reach a Ray cluster ({exc})") from None


class RayPool(Pool):
    """One Ray actor per worker."""

    def __init__(self, spec: Spec, opts: Options, parts: int, ray: Any) -> None:
        self.ray = ray
        self.parts = parts
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        remote = ray.remote(num_cpus=min(1.0, cpus / parts))(_Actor)
        self.actors = [remote.remote(spec, opts, i, parts, True) for i in range(parts)]

    def call(self, method: str, args: Sequence[Sequence[Any]] | None = None) -> list[Any]:
        if method in ("begin", "advance"):
            # (report, one ref per addressee): only the reports come to the driver; a ref handed on
            # as an argument is resolved in the actor that receives it, from the object store.
            many = self.parts + 1
            refs = [
                a.begin_refs.options(num_returns=many).remote()
                if method == "begin"
                else a.advance_refs.options(num_returns=many).remote(*(args[i][0] if args else ()))
                for i, a in enumerate(self.actors)
            ]
            reports = self.ray.get([r[0] for r in refs])
            return [(rep, list(r[1:])) for rep, r in zip(reports, refs, strict=True)]
        calls = [getattr(a, method).remote(*(args[i] if args else ())) for i, a in enumerate(self.actors)]
        return list(self.ray.get(calls))

    def call_one(self, worker: int, method: str, *args: Any) -> Any:
        return self.ray.get(getattr(self.actors[worker], method).remote(*args))

    def close(self) -> None:
        for a in self.actors:
            self.ray.kill(a)


def _cached(fn: Any, maxsize: int | None) -> Any:
    return functools.lru_cache(maxsize=maxsize)(fn)


def _ship_caches(ray: Any) -> None:
    """Let a spec that memoizes with ``functools.lru_cache`` travel to the actors: the cached function
    goes by value (cloudpickle), the cache starts empty there."""
    ray.util.register_serializer(
        functools._lru_cache_wrapper,
        serializer=lambda f: (f.__wrapped__, f.cache_parameters()["maxsize"]),
        deserializer=lambda args: _cached(*args),
    )


def check_on_ray(spec: Spec, opts: Options) -> Result:
    """The partitioned BFS on Ray actors at ``opts.ray``; ``opts.workers`` actors (0 or 1: one per CPU)."""
    address = opts.ray or "local"
    ray, started = connect(address)
    _ship_caches(ray)
    try:
        n = opts.workers if opts.workers > 1 else max(1, int(ray.cluster_resources().get("CPU", 1)))
        return partitioned_bfs(spec, opts, lambda o: RayPool(spec, o, n, ray), engine="bfs")
    finally:
        if started:
            ray.shutdown()
