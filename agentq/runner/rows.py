"""Building an ``episodes.jsonl`` row from a spec and a worker's result (or error)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .seam import EpisodeResult, EpisodeSpec


RUNNER_KEYS = (
    "index", "task_id", "agent", "sweep_point", "episode_seed", "run_seed", "config_hash", "components", "privileged",
)  # fmt: skip
EPISODE_KEYS = (
    "difficulty", "success", "partial", "steps", "env_steps", "simulations", "timings", "final_url", "actions", "error",
)  # fmt: skip


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def build_row(
    spec: EpisodeSpec,
    *,
    run_seed: int,
    cfg_hash: str,
    difficulty: str | None,
    describe: dict[str, Any] | None,
    result: dict[str, Any] | None,
    error: str | None = None,
    tb: str | None = None,
    wall_s: float = 0.0,
) -> dict[str, Any]:
    """Assemble a row: runner fields, then the episode fields; a bad or missing result becomes an error row."""
    describe = describe or {}
    privileged = {k: bool(v) for k, v in (describe.get("privileged") or {}).items()}
    if describe:
        privileged["any"] = bool(describe.get("any_privileged", any(privileged.values())))
    row: dict[str, Any] = {
        "index": spec.index,
        "task_id": spec.task_id,
        "agent": spec.agent.name,
        "sweep_point": spec.sweep_point,
        "episode_seed": spec.episode_seed,
        "run_seed": run_seed,
        "config_hash": cfg_hash,
        "components": {k: v for k, v in describe.items() if k not in ("privileged", "any_privileged")},
        "privileged": privileged,
    }
    parsed: EpisodeResult | None = None
    if error is None:
        try:
            parsed = EpisodeResult.model_validate(result)
        except ValidationError as exc:
            error = "worker returned a bad result: " + "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'result'}: {e['msg']}" for e in exc.errors()
            )
    if parsed is None:
        row.update(
            difficulty=difficulty, success=False, partial=0.0, steps=0, env_steps=0, simulations=0,
            timings={"wall_s": wall_s, "env_s": 0.0, "planner_s": 0.0}, final_url=None, actions=[], error=error,
        )  # fmt: skip
        if tb:
            row["traceback"] = tb
        return row
    data = parsed.model_dump()
    if data["difficulty"] is None:
        data["difficulty"] = difficulty
    if data["error"]:
        data["success"] = False
    for key in EPISODE_KEYS:
        row[key] = data.pop(key)
    for key in sorted(data):
        if key not in row:
            row[key] = data[key]
    return row
