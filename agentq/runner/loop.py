"""Dispatch loops: the row recorder every executor shares, and the process pool that replaces dead processes."""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection as mpc
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from agentq.config import ExperimentConfig, config_hash
from agentq.results import JsonlAppender, RunFolder

from .processes import WorkerSlot
from .rows import error_text, build_row
from .seam import EpisodeSpec, RunnerError, worker_ref


PREFETCH = 2  # specs queued per worker process (one running, one waiting)


ProgressHook = Callable[[int, int, dict[str, Any] | None], None]  # (completed, total, row or None)


class RowRecorder:
    """What every executor shares: the run's bookkeeping and writing one row per finished episode."""

    def __init__(self, cfg: ExperimentConfig, folder: RunFolder, specs: list[EpisodeSpec],
                 difficulty: dict[str, str | None], workers: int, on_row: ProgressHook) -> None:  # fmt: skip
        self.cfg, self.folder, self.specs = cfg, folder, specs
        self.difficulty, self.workers, self.on_row = difficulty, workers, on_row
        self.hash = config_hash(cfg)
        self.done: set[int] = set()
        self.ran = 0
        self.episode_wall = 0.0
        self.started_at = time.perf_counter()
        self.startup_s: float | None = None
        self.writer: JsonlAppender | None = None
        self.row_times: list[float] = []

    def _record(self, index: int, describe: dict | None, payload: dict[str, Any]) -> None:
        """Append the row of episode ``index`` (once: a repeat is ignored) and report progress."""
        if index in self.done:
            return
        spec = self.specs[index]
        common = dict(run_seed=self.cfg.seed, cfg_hash=self.hash, difficulty=self.difficulty.get(spec.task_id),
                      describe=describe)  # fmt: skip
        row = build_row(spec, **common, result=payload.get("result"), error=payload.get("error"),
                        tb=payload.get("traceback"), wall_s=float(payload.get("wall_s", 0.0)))  # fmt: skip
        assert self.writer is not None
        try:
            self.writer.append(row)
        except (TypeError, ValueError) as exc:
            row = build_row(spec, **common, result=None, error="result is not JSON-serialisable: " + error_text(exc),
                            wall_s=float(payload.get("wall_s", 0.0)))  # fmt: skip
            self.writer.append(row)
        self.done.add(index)
        self.ran += 1
        wall = row["timings"].get("wall_s") if isinstance(row.get("timings"), dict) else None
        self.episode_wall += float(wall) if isinstance(wall, (int, float)) else 0.0
        self.row_times.append(time.perf_counter() - self.started_at)
        self.on_row(len(self.done), len(self.specs), row)

    def run(self, todo: list[int]) -> None:
        """Run the episodes ``todo`` (indices into specs), recording each row as it finishes."""
        raise NotImplementedError

    def stop(self, graceful: bool) -> None:
        """Stop the workers: let them close their envs (graceful), else end them now."""
        raise NotImplementedError


class ProcessPoolRunner(RowRecorder):
    """Runs episodes in spawned worker processes, PREFETCH specs queued per process."""

    def __init__(self, cfg: ExperimentConfig, folder: RunFolder, specs: list[EpisodeSpec],
                 difficulty: dict[str, str | None], workers: int, on_row: ProgressHook) -> None:  # fmt: skip
        super().__init__(cfg, folder, specs, difficulty, workers, on_row)
        self.ctx = mp.get_context("spawn")
        self.slots: list[WorkerSlot] = []
        self.pending: deque[int] = deque()
        self.restarts = 0

    def _spawn(self) -> WorkerSlot:
        n = len(self.slots) + self.restarts
        env = self.cfg.env
        return WorkerSlot(self.ctx, env.name, env.model_dump(mode="json"), self.cfg.seed, n)

    def _handle(self, slot: WorkerSlot, msg: tuple) -> None:
        kind = msg[0]
        if kind == "ready":
            slot.ready = True
            if self.startup_s is None and all(s.ready for s in self.slots):
                self.startup_s = time.perf_counter() - self.started_at
        elif kind == "init_error":
            raise RunnerError(f"a worker process failed to start ({worker_ref(self.cfg.env.name)}):\n{msg[1]}")
        elif kind == "started":
            slot.describe[msg[1]] = msg[2]
        elif kind == "result":
            index = msg[1]
            if index in slot.inflight:
                slot.inflight.remove(index)
            self._record(index, slot.describe.pop(index, None), msg[2])

    def _drain(self, slot: WorkerSlot) -> None:
        while True:
            try:
                if not slot.conn.poll():
                    return
                msg = slot.conn.recv()
            except (EOFError, OSError):
                return
            self._handle(slot, msg)

    def _bury(self, slot: WorkerSlot) -> None:
        slot.proc.join(5)
        code = slot.proc.exitcode
        slot.conn.close()
        self.slots.remove(slot)
        if not slot.ready:
            ref = worker_ref(self.cfg.env.name)
            raise RunnerError(f"a worker process ({ref}) exited during start-up (exit code {code})")
        if slot.inflight:
            head = slot.inflight.popleft()
            error = f"worker process died (exit code {code}) while running this episode"
            self._record(head, slot.describe.pop(head, None), {"error": error})
            self.pending.extendleft(reversed(slot.inflight))
        self.restarts += 1
        if self.restarts > len(self.specs) + 2 * self.workers:
            raise RunnerError("worker processes keep dying; giving up")
        if self.pending:
            self.slots.append(self._spawn())

    def _dispatch(self) -> None:
        for slot in list(self.slots):
            while len(slot.inflight) < PREFETCH and self.pending:
                index = self.pending.popleft()
                try:
                    slot.conn.send(self.specs[index].model_dump(mode="json"))
                except OSError:
                    self.pending.appendleft(index)
                    break
                slot.inflight.append(index)

    def run(self, todo: list[int]) -> None:
        self.pending.extend(todo)
        self.slots = [self._spawn() for _ in range(min(self.workers, len(todo)))]
        while self.pending or any(s.inflight for s in self.slots):
            self._dispatch()
            waitables = [s.conn for s in self.slots] + [s.proc.sentinel for s in self.slots]
            ready = mpc.wait(waitables, timeout=1.0)
            for slot in list(self.slots):
                if slot.conn in ready or slot.proc.sentinel in ready:
                    self._drain(slot)
                    if not slot.proc.is_alive():
                        self._bury(slot)

    def stop(self, graceful: bool) -> None:
        """Stop all worker processes: ask politely (graceful), else terminate; kill stragglers."""
        for slot in self.slots:
            if graceful:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
            else:
                slot.proc.terminate()
        for slot in self.slots:
            slot.proc.join(30 if graceful else 5)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join(5)
            slot.conn.close()
        self.slots = []
