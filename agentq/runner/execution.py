"""Running one episode spec on a worker, the same way for every executor (process pool, Ray)."""

from __future__ import annotations

import time
import traceback
from typing import Any

from agentq.config import EnvConfig, canonical_json

from .rows import error_text
from .seam import EpisodeSpec, import_worker


class SpecExecutor:
    """Owns one episode worker; turns spec dicts into result payloads (never raises for an episode)."""

    def __init__(self, env_name: str, env_data: dict[str, Any], seed: int) -> None:
        self.worker = import_worker(env_name)(EnvConfig.model_validate(env_data), seed)
        self._described: dict[str, tuple[dict | None, str | None]] = {}

    def describe(self, spec: EpisodeSpec, agent_data: dict[str, Any]) -> tuple[dict | None, str | None]:
        """The agent's description (components, privileged flags), cached per agent config."""
        key = canonical_json(agent_data)
        if key not in self._described:
            try:
                self._described[key] = (dict(self.worker.describe_agent(spec.agent)), None)
            except Exception as exc:
                self._described[key] = (None, "describe_agent failed: " + error_text(exc))
        return self._described[key]

    def execute(self, msg: dict[str, Any]) -> tuple[int, dict | None, dict[str, Any]]:
        """Run the spec `msg`; return (index, description, payload with result/error/traceback/wall_s)."""
        spec = EpisodeSpec.model_validate(msg)
        describe, describe_error = self.describe(spec, msg["agent"])
        t0 = time.perf_counter()
        payload: dict[str, Any] = {"result": None, "error": describe_error, "traceback": None}
        if describe_error is None:
            try:
                payload["result"] = self.worker.run(spec)
            except Exception as exc:
                payload.update(error=error_text(exc), traceback=traceback.format_exc())
        payload["wall_s"] = time.perf_counter() - t0
        return spec.index, describe, payload

    def close(self) -> None:
        """Close the worker (its envs and browsers)."""
        self.worker.close()
