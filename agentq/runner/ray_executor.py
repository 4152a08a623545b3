"""The Ray executor: one long-lived Ray actor per worker, each owning one episode worker (and its browser).

``ray.init`` without an address starts a private local Ray bound to 127.0.0.1 (no dashboard, no
usage stats) and shuts it down at the end; an address joins that cluster and leaves it running.
Rows are written by the driver exactly as the process pool writes them (:class:`RowRecorder`).
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

from agentq.config import ExperimentConfig
from agentq.results import RunFolder

from .execution import SpecExecutor
from .loop import ProgressHook, RowRecorder
from .rows import error_text
from .seam import EpisodeSpec, RunnerError, worker_ref

LOCAL_OBJECT_STORE_BYTES = 96 * 1024 * 1024  # rows are small dicts; Ray's minimum is 75 MiB
CLOSE_TIMEOUT_S = 30.0  # graceful stop: time for every actor to close its envs and browsers
KILL_GRACE_S = 5.0  # interrupted stop: time for idle actors to close before they are killed
# One call per actor at a time: when an actor dies, the call that killed it is the one it was running.
# (With a second call queued, a reply sent just before the death can be lost, blaming the wrong episode.)
ACTOR_CALLS = 1
DEATH_WAIT_S = 5.0  # a dead actor: time for the outcome of a call sent before the failed one
AUTH_HINT = ("; a cluster with token authentication (the default of `ray start`) is joined with RAY_AUTH_MODE=token "
             "and its token in RAY_AUTH_TOKEN or ~/.ray/auth_token")
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": Ray takes 127.0.0.1 as the node's address


def import_ray() -> Any:
    """Import Ray with usage stats off, or explain how to install it."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        import ray
    except ImportError as exc:
        raise RunnerError(
            f"executor 'ray' needs Ray, which is not installed ({exc}); install it with pip install -e '.[ray]'"
        ) from exc
    return ray


def _loopback_only() -> Callable[[], None]:
    """Make the next local Ray single-node on 127.0.0.1; returns the undo.

    ``ray.init(_node_ip_address="127.0.0.1")`` alone is turned into the routable address by Ray, whose
    servers then listen on every interface; with cluster support off Ray uses the loopback address
    for the node and binds every server to it (the flag is read at import, so it is patched too).
    """
    old_env = os.environ.get(LOOPBACK_ENV)
    os.environ[LOOPBACK_ENV] = "0"
    constants = sys.modules.get("ray._private.ray_constants")
    old_flag = getattr(constants, "ENABLE_RAY_CLUSTER", None)
    if constants is not None and old_flag is not None:
        constants.ENABLE_RAY_CLUSTER = False

    def undo() -> None:
        if old_env is None:
            os.environ.pop(LOOPBACK_ENV, None)
        else:
            os.environ[LOOPBACK_ENV] = old_env
        mod = sys.modules.get("ray._private.ray_constants")
        if mod is not None and hasattr(mod, "ENABLE_RAY_CLUSTER"):
            default = not getattr(mod, "IS_WINDOWS_OR_OSX", False)
            mod.ENABLE_RAY_CLUSTER = old_flag if old_flag is not None else default

    return undo


def start_ray(address: str | None, num_cpus: int) -> Callable[[], None]:
    """Join the cluster at ``address``, or start a local Ray on 127.0.0.1 with ``num_cpus``.

    Returns what ends it: ``ray.shutdown`` (and the loopback setting undone) when this call started or
    joined Ray; a no-op when Ray was already initialised (a test's, a notebook's), which is left running.
    """
    loaded = sys.modules.get("ray")
    if loaded is not None and loaded.is_initialized():
        return lambda: None
    undo = (lambda: None) if address else _loopback_only()
    ray = import_ray()
    try:
        if address:
            ray.init(address=address, logging_level=logging.WARNING)
        else:
            ray.init(
                address="local",  # never join a cluster found in RAY_ADDRESS or /tmp/ray
                num_cpus=num_cpus,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                logging_level=logging.WARNING,
            )
    except Exception as exc:
        undo()
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        hint = AUTH_HINT if address and not os.environ.get("RAY_AUTH_MODE") else ""
        raise RunnerError(f"cannot start or join {where}: {error_text(exc)}{hint}") from exc

    def shutdown() -> None:
        try:
            ray.shutdown()
        finally:
            undo()

    return shutdown


class EpisodeActor:
    """The body of one Ray actor: a :class:`SpecExecutor` for the actor's whole life."""

    def __init__(self, env_name: str, env_data: dict[str, Any], seed: int) -> None:
        try:  # Ctrl-C in a terminal reaches the whole process group: the driver stops the actors, not the key
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread of this process
            pass
        self.executor: SpecExecutor | None = None
        self.init_error: str | None = None
        try:
            self.executor = SpecExecutor(env_name, env_data, seed)
        except Exception:
            self.init_error = traceback.format_exc()

    def ready(self) -> str | None:
        """None once the worker is built, else the traceback of its constructor."""
        return self.init_error

    def run(self, msg: dict[str, Any]) -> tuple[int, dict | None, dict[str, Any]]:
        """Run one spec, like a worker process does (an unsendable result still gives a row)."""
        assert self.executor is not None, "run() on an actor whose worker failed to start"
        index, describe, payload = self.executor.execute(msg)
        try:
            pickle.dumps(payload)
        except Exception as exc:
            payload = {**payload, "result": None, "error": "result cannot be sent: " + error_text(exc)}
        return index, describe, payload

    def close(self) -> None:
        """Close the worker's envs and browsers."""
        if self.executor is not None:
            executor, self.executor = self.executor, None
            executor.close()


class _ActorSlot:
    """One actor and the episode indices sent to it, oldest (running) first."""

    def __init__(self, handle: Any, number: int) -> None:
        self.handle = handle
        self.number = number
        self.ready = False
        self.inflight: deque[int] = deque()  # in submission order
        self.refs: dict[int, Any] = {}  # episode index -> run() ref


class RayRunner(RowRecorder):
    """Runs episodes on Ray actors (one per worker, ``num_cpus=1`` each), one call per actor at a time."""

    def __init__(self, cfg: ExperimentConfig, folder: RunFolder, specs: list[EpisodeSpec],
                 difficulty: dict[str, str | None], workers: int, on_row: ProgressHook,
                 address: str | None = None) -> None:  # fmt: skip
        super().__init__(cfg, folder, specs, difficulty, workers, on_row)
        self.address = address
        self.ray: Any = None
        self.end_ray: Callable[[], None] | None = None
        self.actor_cls: Any = None
        self.slots: list[_ActorSlot] = []
        self.pending: deque[int] = deque()
        self.readies: dict[Any, _ActorSlot] = {}  # ready() ref -> actor
        self.calls: dict[Any, tuple[_ActorSlot, int]] = {}  # run() ref -> (actor, episode index)
        self.restarts = 0

    def _spawn(self) -> _ActorSlot:
        env = self.cfg.env
        handle = self.actor_cls.remote(env.name, env.model_dump(mode="json"), self.cfg.seed)
        slot = _ActorSlot(handle, len(self.slots) + self.restarts)
        self.readies[handle.ready.remote()] = slot
        return slot

    def _start(self, n_actors: int) -> None:
        self.end_ray = start_ray(self.address, max(1, n_actors))
        self.ray = import_ray()
        self.actor_cls = self.ray.remote(num_cpus=1, max_restarts=0)(EpisodeActor)
        self.slots = [self._spawn() for _ in range(n_actors)]

    def _on_ready(self, ref: Any, slot: _ActorSlot) -> None:
        try:
            init_error = self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:
            raise RunnerError(f"a Ray worker actor ({worker_ref(self.cfg.env.name)}) died during start-up: "
                              f"{error_text(exc)}") from exc  # fmt: skip
        if init_error is not None:
            raise RunnerError(f"a worker actor failed to start ({worker_ref(self.cfg.env.name)}):\n{init_error}")
        slot.ready = True
        if self.startup_s is None and all(s.ready for s in self.slots):
            self.startup_s = self._elapsed()

    def _elapsed(self) -> float:
        return time.perf_counter() - self.started_at

    def _take(self, slot: _ActorSlot, index: int) -> tuple[dict | None, dict[str, Any]] | None:
        """Forget the finished call for ``index``: its (description, payload), or None if the actor died."""
        ref = slot.refs.pop(index)
        self.calls.pop(ref, None)
        slot.inflight.remove(index)
        try:
            _, describe, payload = self.ray.get(ref)
        except self.ray.exceptions.RayActorError:
            return None
        except self.ray.exceptions.RayError as exc:  # a lost object, a failed task: still one row
            return None, {"error": "Ray task failed: " + error_text(exc).splitlines()[0]}
        return describe, payload

    def _on_result(self, slot: _ActorSlot, index: int) -> None:
        earlier = list(slot.inflight)[: list(slot.inflight).index(index)]
        outcome = self._take(slot, index)
        if outcome is not None:
            self._record(index, *outcome)
        elif slot in self.slots:
            self._bury(slot, earlier, index)

    def _bury(self, slot: _ActorSlot, earlier: list[int], died: int) -> None:
        """The actor died: keep what it finished before (``ray.wait`` can report the death first), blame
        the oldest call it did not finish, requeue the others and start a new actor."""
        self.slots.remove(slot)
        try:
            self.ray.kill(slot.handle)
        except Exception:
            pass
        blamed = died
        for index in earlier:
            finished = self.ray.wait([slot.refs[index]], timeout=DEATH_WAIT_S)[0]
            outcome = self._take(slot, index) if finished else None
            if outcome is None:
                blamed = index
                break
            self._record(index, *outcome)
        requeue = sorted(({died} | set(slot.inflight)) - {blamed})
        for index in list(slot.inflight):
            self.calls.pop(slot.refs.pop(index), None)
        slot.inflight.clear()
        self._record(blamed, None, {"error": "worker actor died while running this episode"})
        self.pending.extendleft(reversed(requeue))
        self.restarts += 1
        if self.restarts > len(self.specs) + 2 * self.workers:
            raise RunnerError("worker actors keep dying; giving up")
        if self.pending:
            self.slots.append(self._spawn())

    def _dispatch(self) -> None:
        for slot in self.slots:
            while slot.ready and len(slot.inflight) < ACTOR_CALLS and self.pending:
                index = self.pending.popleft()
                ref = slot.handle.run.remote(self.specs[index].model_dump(mode="json"))
                self.calls[ref] = (slot, index)
                slot.refs[index] = ref
                slot.inflight.append(index)

    def run(self, todo: list[int]) -> None:
        """Start (or join) Ray and the actors, then run ``todo`` until every row is written."""
        self.pending.extend(todo)
        if not todo:
            return
        self._start(min(self.workers, len(todo)))
        while self.pending or self.calls:
            self._dispatch()
            refs = list(self.readies) + list(self.calls)
            if not refs:
                raise RunnerError("no Ray worker actor is left to run the remaining episodes")
            done, _ = self.ray.wait(refs, num_returns=1, timeout=1.0)
            for ref in done:
                if ref in self.readies:
                    self._on_ready(ref, self.readies.pop(ref))
                elif ref in self.calls:
                    self._on_result(*self.calls[ref])

    def stop(self, graceful: bool) -> None:
        """Close every actor's worker (waiting for running episodes only when graceful), kill the actors,
        and shut down the local Ray this runner started."""
        if self.ray is None:
            return
        ray, slots = self.ray, self.slots
        self.slots, self.calls, self.readies = [], {}, {}
        try:
            closing = [s.handle.close.remote() for s in slots if graceful or not s.inflight]
            if closing:
                ray.wait(closing, num_returns=len(closing), timeout=CLOSE_TIMEOUT_S if graceful else KILL_GRACE_S)
            for slot in slots:
                try:
                    ray.kill(slot.handle)
                except Exception:
                    pass
        finally:
            end, self.end_ray = self.end_ray, None
            if end is not None:
                end()
