"""Worker processes: the spawn entry point that runs specs, and the parent's handle on one process."""

from __future__ import annotations

import os
import pickle
import signal
import time
import traceback
from collections import deque
from typing import Any

from agentq.config import EnvConfig, canonical_json

from .rows import _error_text
from .seam import EpisodeSpec, import_worker


def _worker_process(env_name: str, env_data: dict[str, Any], seed: int, conn: Any, parent_pid: int) -> None:
    """Entry point of a worker process: build one worker, run specs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us

    def _on_term(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _on_term)
    worker = None
    try:
        try:
            worker = import_worker(env_name)(EnvConfig.model_validate(env_data), seed)
        except Exception:
            conn.send(("init_error", traceback.format_exc()))
            return
        conn.send(("ready",))
        described: dict[str, tuple[dict | None, str | None]] = {}
        while True:
            if not conn.poll(0.5):
                if os.getppid() != parent_pid:
                    return  # the runner died: do not linger
                continue
            msg = conn.recv()
            if msg is None:
                return
            spec = EpisodeSpec.model_validate(msg)
            key = canonical_json(msg["agent"])
            if key not in described:
                try:
                    described[key] = (dict(worker.describe_agent(spec.agent)), None)
                except Exception as exc:
                    described[key] = (None, "describe_agent failed: " + _error_text(exc))
            describe, describe_error = described[key]
            conn.send(("started", spec.index, describe))
            t0 = time.perf_counter()
            payload: dict[str, Any] = {"result": None, "error": describe_error, "traceback": None}
            if describe_error is None:
                try:
                    payload["result"] = worker.run(spec)
                except Exception as exc:
                    payload.update(error=_error_text(exc), traceback=traceback.format_exc())
            payload["wall_s"] = time.perf_counter() - t0
            try:
                blob = pickle.dumps(("result", spec.index, payload))
            except Exception as exc:  # an unpicklable result still gives a row
                bad = {**payload, "result": None, "error": "result cannot be sent: " + _error_text(exc)}
                blob = pickle.dumps(("result", spec.index, bad))
            conn.send_bytes(blob)
    except (EOFError, BrokenPipeError, ConnectionError):
        return
    finally:
        if worker is not None:
            try:
                worker.close()
            except Exception:
                traceback.print_exc()


class _Slot:
    """One worker process and the episode indices sent to it, oldest (running) first."""

    def __init__(self, ctx: Any, env_name: str, env_data: dict[str, Any], seed: int, number: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_process,
            args=(env_name, env_data, seed, child, os.getpid()),
            name=f"agentq-worker-{number}",
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.inflight: deque[int] = deque()
        self.ready = False
        self.describe: dict[int, dict | None] = {}
