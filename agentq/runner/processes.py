"""Worker processes: the spawn entry point that runs specs, and the parent's handle on one process."""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from collections import deque
from typing import Any

from .rows import error_text
from .execution import SpecExecutor
from .seam import EpisodeSpec


def _worker_process(env_name: str, env_data: dict[str, Any], seed: int, conn: Any, parent_pid: int) -> None:
    """Entry point of a worker process: build one worker, run specs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us

    def _on_term(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _on_term)
    executor = None
    try:
        try:
            executor = SpecExecutor(env_name, env_data, seed)
        except Exception:
            conn.send(("init_error", traceback.format_exc()))
            return
        conn.send(("ready",))
        while True:
            if not conn.poll(0.5):
                if os.getppid() != parent_pid:
                    return  # the runner died: do not linger
                continue
            msg = conn.recv()
            if msg is None:
                return
            conn.send(("started", msg["index"], executor.describe(EpisodeSpec.model_validate(msg), msg["agent"])[0]))
            index, _, payload = executor.execute(msg)
            try:
                blob = pickle.dumps(("result", index, payload))
            except Exception as exc:  # an unpicklable result still gives a row
                bad = {**payload, "result": None, "error": "result cannot be sent: " + error_text(exc)}
                blob = pickle.dumps(("result", index, bad))
            conn.send_bytes(blob)
    except (EOFError, BrokenPipeError, ConnectionError):
        return
    finally:
        if executor is not None:
            try:
                executor.close()
            except Exception:
                traceback.print_exc()

class WorkerSlot:
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
