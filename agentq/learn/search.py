"""Agent Q's data collection: MCTS with the current policy and critic on train tasks, within an
env-step budget; every tree mined for step-level preference pairs (eq. 10), search values (the
critic's targets) and judged outcomes (the judge's examples).

Inside the search, leaves are valued by the environment's own reward: the evaluator's verdict on
the train task (privileged, allowed for training data only). Each pair keeps the log-probabilities
the collecting policy gave both actions: the DPO reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentq.agents.base import TimedEnv
from agentq.components.learned.critic import LearnedCritic
from agentq.components.learned.policy import LearnedPolicy, legal_actions
from agentq.planner.config import MCTSConfig
from agentq.planner.mcts import MCTSPlanner
from agentq.planner.preferences import PairMiner, SiblingPair, to_preference_pair
from agentq.planner.tree import Node

from .batches import DecisionExample, OutcomeExample, ValueExample
from .collect import TrainEnv, require_train
from .dpo import PreferenceExample
from .features import Featuriser, pages_of
from .inference import CandidateModel

Obs = dict[str, Any]


class EvaluatorJudge:
    """The environment's reward as the search's judge: 1.0 when the episode ended and the evaluator
    accepts it (privileged: train tasks only). Records every verdict as an outcome example."""

    name = "env"
    privileged = True  # the planner puts the env at the judged state first

    def __init__(self, env: TrainEnv, featuriser: Featuriser, task_id: str) -> None:
        self.env = env
        self.featuriser = featuriser
        self.task_id = task_id
        self.outcomes: list[OutcomeExample] = []

    def judge(self, goal: str, trajectory: Sequence[Any], final_obs: Obs) -> float:
        actions = [str(getattr(s, "action", "")) for s in trajectory]
        value = float(bool(self.env.env.unwrapped.terminated and self.env.oracle.success()))
        ids = self.featuriser.outcome_ids(goal, actions, {**final_obs, "history": actions}, pages_of(trajectory))
        self.outcomes.append(OutcomeExample(ids, value, self.task_id))
        return value


@dataclass
class SearchData:
    """What one collection produced."""

    step_pairs: list[PreferenceExample] = field(default_factory=list)
    pair_records: list[dict[str, Any]] = field(default_factory=list)  # PreferencePair lines (+ task_id, step)
    values: list[ValueExample] = field(default_factory=list)
    outcomes: list[OutcomeExample] = field(default_factory=list)
    episodes: list[dict[str, Any]] = field(default_factory=list)
    env_steps: int = 0

    def summary(self) -> dict[str, Any]:
        """Counts, success, and the pairs' quality: the share whose chosen action makes progress
        (the oracle's measure, never used to build them), whose two actions both do not, and
        pairs per env step."""
        n = len(self.episodes)
        depths = [r["depth"] for r in self.pair_records]
        measured = [r for r in self.pair_records if r.get("chosen_makes_progress") is not None]

        def share(test: Any) -> float | None:
            return round(sum(1 for r in measured if test(r)) / len(measured), 4) if measured else None

        return {
            "episodes": n, "env_steps": self.env_steps, "tasks": len({e["task_id"] for e in self.episodes}),
            "success": round(sum(e["success"] for e in self.episodes) / n, 4) if n else 0.0,
            "pairs": len(self.step_pairs), "pairs_below_root": sum(1 for r in self.pair_records if r["path"]),
            "pairs_per_env_step": round(len(self.step_pairs) / self.env_steps, 5) if self.env_steps else 0.0,
            "chosen_makes_progress": share(lambda r: r["chosen_makes_progress"]),
            "rejected_makes_progress": share(lambda r: r["rejected_makes_progress"]),
            "both_wrong": share(lambda r: not r["chosen_makes_progress"] and not r["rejected_makes_progress"]),
            "reversed": share(lambda r: r["rejected_makes_progress"] and not r["chosen_makes_progress"]),
            "max_pair_depth": max(depths) if depths else 0, "value_states": len(self.values),
            "judged_outcomes": len(self.outcomes),
            "judged_successes": int(sum(o.label for o in self.outcomes)),
        }  # fmt: skip


def _step_example(featuriser: Featuriser, pair: SiblingPair, task_id: str) -> PreferenceExample | None:
    obs = pair.parent.obs or {}
    legal = legal_actions(obs)
    if pair.chosen.action not in legal or pair.rejected.action not in legal:
        return None  # not one of the page's legal actions: the policy cannot score it
    if pair.chosen.prior is None or pair.rejected.prior is None or min(pair.chosen.prior, pair.rejected.prior) <= 0:
        raise ValueError(f"{task_id}: a pair without the collecting policy's probabilities (prior {pair.chosen.prior}, "
                         f"{pair.rejected.prior}); the DPO reference must be logged at collection")  # fmt: skip
    state, cands = featuriser.decision(obs, legal)
    return PreferenceExample(
        (DecisionExample(state, cands, legal.index(pair.chosen.action), task_id),),
        (DecisionExample(state, cands, legal.index(pair.rejected.action), task_id),),
        math.log(pair.chosen.prior), math.log(pair.rejected.prior), task_id,
    )


def _progress(env: TrainEnv, pair: SiblingPair) -> dict[str, bool | None]:
    """Whether each side of a pair makes progress at the pair's state, by the oracle (measured for
    the collection's report only; None where the site has no expert or the state was not kept)."""
    state = pair.parent.state.snapshot if pair.parent.state is not None else None
    if state is None or not env.oracle.has_expert:
        return {"chosen_makes_progress": None, "rejected_makes_progress": None}
    chosen, rejected = env.oracle.makes_progress([pair.chosen.action, pair.rejected.action], state=state)
    return {"chosen_makes_progress": bool(chosen), "rejected_makes_progress": bool(rejected)}


def _value_example(featuriser: Featuriser, parent: Node, task_id: str) -> ValueExample | None:
    explored = [ch for ch in parent.children if ch.visits > 0]
    if not explored or parent.obs is None:
        return None
    state, cands = featuriser.decision(parent.obs, [ch.action for ch in explored])
    return ValueExample(state, cands, [float(ch.q) for ch in explored], task_id)


def collect_with_search(env: TrainEnv, policy: CandidateModel, critic: CandidateModel, planner: MCTSConfig,
                        tasks: Sequence[str], budget: int, seed: Callable[..., int], featuriser: Featuriser,
                        advance: Callable[[int], None] = lambda n: None,
                        episode_env_steps: int | None = None) -> SearchData:  # fmt: skip
    """Run MCTS episodes on `tasks` (cycled) until `budget` env steps (search + acting) are spent.

    An episode ends at its terminal state, the env's step limit, or after `episode_env_steps` env
    steps; the last one stops where the budget ends. `seed(*parts)` derives every seed;
    `advance(n)` reports n more env steps spent.
    """
    require_train(list(tasks))
    data = SearchData()
    counted = env.env
    start = counted.steps
    acting_policy = LearnedPolicy(policy)
    scoring_critic = LearnedCritic(critic)
    n = idle = 0
    while budget - (counted.steps - start) >= 2 and tasks:  # a decision needs a search step and an acting step
        task_id = tasks[n % len(tasks)]
        before = counted.steps
        stop_at = start + budget if episode_env_steps is None else min(start + budget, before + episode_env_steps)
        record = _search_episode(env, counted, task_id, acting_policy, scoring_critic, planner,
                                 seed("episode", n, task_id), stop_at, featuriser, data)  # fmt: skip
        data.episodes.append({"task_id": task_id, **record})
        advance(counted.steps - before)
        idle = idle + 1 if counted.steps == before else 0
        if idle >= len(tasks):
            raise RuntimeError(f"MCTS collection took no env step on any of {len(tasks)} tasks in a row; nothing to search")
        n += 1
    data.env_steps = counted.steps - start
    return data


def _search_episode(env: TrainEnv, counted: TimedEnv, task_id: str, policy: LearnedPolicy, critic: LearnedCritic,
                    config: MCTSConfig, seed: int, stop_at: int, featuriser: Featuriser,
                    data: SearchData) -> dict[str, Any]:  # fmt: skip
    obs, _ = counted.reset(seed=seed, options={"task_id": task_id})
    judge = EvaluatorJudge(env, featuriser, task_id)
    planner = MCTSPlanner(policy, critic, judge, config, seed=seed)

    def on_parent(parent: Node, history: list[str]) -> None:
        example = _value_example(featuriser, parent, task_id)
        if example is not None:
            data.values.append(example)

    miner = PairMiner(config.alpha, config.theta, on_parent)
    history: list[str] = []
    terminated = False

    def keep(mined: list[tuple[SiblingPair, list[str]]]) -> None:
        for pair, before in mined:
            example = _step_example(featuriser, pair, task_id)
            if example is not None:
                data.step_pairs.append(example)
                record = to_preference_pair(pair, before).model_dump()
                data.pair_records.append({"task_id": task_id, "step": len(history), **record, **_progress(env, pair)})

    for _ in range(env.max_steps):
        left = stop_at - counted.steps - 1  # keep one step for acting
        cap = left if config.max_env_steps is None else min(config.max_env_steps, left)
        if cap <= 0:
            break
        seen = {**obs, "legal_actions": list(dict.fromkeys(counted.unwrapped.legal_actions())), "history": list(history)}
        result = planner.plan(counted, seen, max_env_steps=cap)
        keep(miner.decided(planner.root, planner.history, result.action))
        if result.action is None:
            break
        obs, _, terminated, truncated, _ = counted.step(result.action)
        history.append(result.action)
        planner.advance(result.action, obs)
        if terminated or truncated:
            break
    keep(miner.finish(planner.root, planner.history))
    data.outcomes += judge.outcomes
    success = bool(terminated and env.oracle.success())
    return {"success": success, "actions": len(history)}
