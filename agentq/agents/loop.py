"""The one episode loop every agent kind runs in; it knows no site."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentq.planner.protocols import Step

from .base import Agent, EpisodeContext, Obs
from .quality import QualityMeter


@dataclass
class EpisodeRecord:
    """What the loop saw: actions, per-step trace, search totals and the components' usage."""

    actions: list[str] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    search_env_steps: int = 0
    simulations: int = 0
    search_env_s: float = 0.0
    planner_s: float = 0.0
    failed_decisions: int = 0
    final_obs: Obs | None = None


def _screenshot(ctx: EpisodeContext, path: Path) -> str | None:
    """Save the acting browser's page as PNG; None when the acting env cannot render one."""
    if getattr(ctx.acting.unwrapped, "render_mode", None) != "rgb_array":
        return None
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(ctx.acting.render()).save(buffer, format="PNG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path.name


def run_episode(
    agent: Agent,
    ctx: EpisodeContext,
    obs: Obs,
    *,
    max_steps: int,
    meter: QualityMeter | None = None,
    judge: Any = None,
    screenshots: Path | None = None,
) -> EpisodeRecord:
    """Let `agent` act from `obs` (the acting env just reset) until the episode ends.

    A decision without an action (e.g. a model reply with no parsable action) is recorded as
    failed and costs one of the `max_steps` decisions; the loop goes on. With a `meter`, every
    decision's proposals are scored, and the agent's `judge` (if any) is asked about the final
    state. `screenshots` (a folder) saves the acting page before every step when it can render.
    """
    record = EpisodeRecord()
    done = False
    while not done and len(record.actions) + record.failed_decisions < max_steps:
        seen = ctx.component_obs(obs)
        decision = agent.act(ctx, seen)
        record.search_env_steps += decision.search_env_steps
        record.simulations += decision.simulations
        record.search_env_s += decision.search_env_s
        record.planner_s += decision.planner_s
        if meter is not None:
            meter.decision(ctx, seen, decision)
        if decision.action is None:
            record.failed_decisions += 1
            continue
        shot = None
        if screenshots is not None:
            shot = _screenshot(ctx, screenshots / f"step-{len(record.actions):03d}.png")
        action = decision.action
        obs, _, terminated, truncated, _ = ctx.acting.step(action)
        record.steps.append(Step(seen, action))
        record.actions.append(action)
        ctx.history.append(action)
        record.trace.append({
            "action": action, "url": seen["url"], "page": seen["text"], "error": obs.get("last_action_error", ""),
            "screenshot": shot, "proposals": decision.proposals, "critic_scores": decision.critic_scores,
            "candidate_stats": decision.candidate_stats, "trajectories": decision.trajectories,
        })  # fmt: skip
        agent.observe(ctx, action, obs)
        done = terminated or truncated
    record.final_obs = obs
    if meter is not None and judge is not None:
        meter.final(ctx, judge, record.steps, ctx.component_obs(obs))
    return record
