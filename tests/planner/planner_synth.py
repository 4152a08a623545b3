"""Synthetic envs and component stand-ins for the planner tests (no browser, no site)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

Path = tuple[str, ...]
ChildrenFn = Callable[[Path], list[str]]


class TreeEnv:
    """An env over an explicit tree: `children(path)` lists the actions at a state, `rewards`
    maps terminal paths to their reward (a state without actions is a 0-reward dead end).
    Counts every call; an illegal action costs a step and sets last_action_error."""

    def __init__(
        self,
        children: dict[Path, list[str]] | ChildrenFn,
        rewards: dict[Path, float],
        goal: str = "reach the best leaf",
    ) -> None:
        self._children = children if callable(children) else (lambda p, d=children: d.get(p, []))
        self.rewards = rewards
        self.goal = goal
        self.path: Path = ()
        self.last_action: str | None = None
        self.last_error: str | None = None
        self.steps = self.restores = self.snapshots = self.resets = self.legal_calls = 0
        self.max_depth_seen = 0
        self.step_log: list[Path] = []  # the path each step started from + the action

    @property
    def unwrapped(self) -> TreeEnv:
        return self

    def actions_at(self, path: Path) -> list[str]:
        return [] if path in self.rewards else list(self._children(path))

    def is_terminal(self, path: Path) -> bool:
        return path in self.rewards or not self._children(path)

    def obs(self) -> dict:
        return {
            "text": "state:" + "/".join(self.path),
            "url": "/" + "/".join(self.path),
            "goal": self.goal,
            "last_action": self.last_action,
            "last_action_error": self.last_error,
        }

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        self.resets += 1
        self.path, self.last_action, self.last_error = (), None, None
        return self.obs(), {}

    def step(self, action: str):
        self.steps += 1
        self.step_log.append(self.path + (action,))
        self.last_action = action
        if self.is_terminal(self.path) or action not in self.actions_at(self.path):
            self.last_error = f"illegal action {action!r}"
        else:
            self.last_error = None
            self.path = self.path + (action,)
            self.max_depth_seen = max(self.max_depth_seen, len(self.path))
        terminated = self.is_terminal(self.path)
        reward = self.rewards.get(self.path, 0.0) if terminated else 0.0
        return self.obs(), reward, terminated, False, {}

    def legal_actions(self) -> list[str]:
        self.legal_calls += 1
        return self.actions_at(self.path)

    def snapshot(self) -> tuple:
        self.snapshots += 1
        return (self.path, self.last_action, self.last_error)

    def restore(self, state: tuple) -> dict:
        self.restores += 1
        self.path, self.last_action, self.last_error = state
        return self.obs()


class NoSnapshotEnv:
    """The same env without snapshot/restore (forces the planner's replay fallback)."""

    def __init__(self, inner: TreeEnv) -> None:
        self.inner = inner

    @property
    def unwrapped(self) -> NoSnapshotEnv:
        return self

    def reset(self, seed: int | None = None, options: dict | None = None):
        return self.inner.reset(seed=seed, options=options)

    def step(self, action: str):
        return self.inner.step(action)

    def legal_actions(self) -> list[str]:
        return self.inner.legal_actions()


def path_of(obs: dict) -> Path:
    url = obs["url"].strip("/")
    return tuple(url.split("/")) if url else ()


def best_value(env: TreeEnv, path: Path) -> float:
    """Exhaustive search: the best reward reachable from `path`."""

    @lru_cache(maxsize=None)
    def v(p: Path) -> float:
        if env.is_terminal(p):
            return env.rewards.get(p, 0.0)
        return max(v(p + (a,)) for a in env.actions_at(p))

    return v(path)


def best_first_action(env: TreeEnv, path: Path = ()) -> str:
    """Exhaustive search: the first action of an optimal line (ties: first listed)."""
    acts = env.actions_at(path)
    vals = [best_value(env, path + (a,)) for a in acts]
    return acts[int(np.argmax(vals))]


# ---------------------------------------------------------------- component stand-ins


class UniformPolicy:
    """Uniform over the legal actions; k of them sampled without replacement if more."""

    name = "uniform"
    privileged = False

    def propose(self, obs: dict, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        legal = obs["legal_actions"]
        if not legal:
            return []
        p = 1.0 / len(legal)
        if len(legal) <= k:
            return [(a, p) for a in legal]
        idx = sorted(rng.choice(len(legal), size=k, replace=False).tolist())
        return [(legal[i], p) for i in idx]


class CheckedPolicy(UniformPolicy):
    """Uniform, but declared privileged: fails unless the live env is at obs."""

    name = "checked-uniform"
    privileged = True

    def __init__(self, env: TreeEnv) -> None:
        self.env = env

    def propose(self, obs: dict, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        assert path_of(obs) == self.env.path, f"policy at {path_of(obs)}, env at {self.env.path}"
        assert obs["legal_actions"] == self.env.actions_at(self.env.path)
        return super().propose(obs, k, rng)


class FlakyPolicy(UniformPolicy):
    """Non-privileged; gives up (proposes nothing) half of the time, drawn from the planner's rng,
    so a state passed through earlier can become a rollout's end later."""

    name = "flaky"

    def propose(self, obs: dict, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        if rng.random() < 0.5:
            return []
        return super().propose(obs, k, rng)


class FixedPolicy:
    """Proposes the legal actions with fixed (given) probabilities."""

    name = "fixed"
    privileged = False

    def __init__(self, probs: dict[str, float]) -> None:
        self.probs = probs

    def propose(self, obs: dict, k: int, rng: np.random.Generator) -> list[tuple[str, float]]:
        return [(a, self.probs.get(a, 0.0)) for a in obs["legal_actions"]][:k]


class TableCritic:
    """Non-privileged critic with fixed scores per action name."""

    name = "table"
    privileged = False

    def __init__(self, scores: dict[str, float], default: float = 0.5) -> None:
        self.scores, self.default = scores, default

    def score(self, obs: dict, candidates: list[str]) -> list[float]:
        return [self.scores.get(a, self.default) for a in candidates]


class RandomCritic:
    """Non-privileged critic with random scores from its own seeded generator."""

    name = "random"
    privileged = False

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def score(self, obs: dict, candidates: list[str]) -> list[float]:
        return self.rng.random(len(candidates)).tolist()


class OracleCritic:
    """Privileged critic: reads the env's LIVE state and scores each action by the best reward
    reachable after it (adversarial=True gives 1 - that). Fails if the env is not at obs."""

    privileged = True

    def __init__(self, env: TreeEnv, adversarial: bool = False) -> None:
        self.env, self.adversarial = env, adversarial
        self.name = "adversarial" if adversarial else "oracle"
        self.calls = 0

    def score(self, obs: dict, candidates: list[str]) -> list[float]:
        self.calls += 1
        live = self.env.path
        assert path_of(obs) == live, f"critic called at {path_of(obs)} but env is at {live}"
        vals = [best_value(self.env, live + (a,)) for a in candidates]
        return [1.0 - v for v in vals] if self.adversarial else vals


class RewardJudge:
    """Privileged judge: the LIVE env's terminal reward (0 if not terminal). Checks that the env
    is at final_obs and that the trajectory leads there."""

    name = "reward"
    privileged = True

    def __init__(self, env: TreeEnv) -> None:
        self.env = env
        self.calls = 0
        self.judged: list[Path] = []

    def judge(self, goal: str, trajectory: list, final_obs: dict) -> float:
        self.calls += 1
        live = self.env.path
        assert path_of(final_obs) == live, f"judge at {path_of(final_obs)}, env at {live}"
        assert tuple(s.action for s in trajectory) == live
        assert goal == self.env.goal
        self.judged.append(live)
        return self.env.rewards.get(live, 0.0) if self.env.is_terminal(live) else 0.0


class ObsJudge:
    """Non-privileged judge: reward looked up from final_obs only."""

    name = "obs-reward"
    privileged = False

    def __init__(self, rewards: dict[Path, float]) -> None:
        self.rewards = rewards
        self.calls = 0

    def judge(self, goal: str, trajectory: list, final_obs: dict) -> float:
        self.calls += 1
        return self.rewards.get(path_of(final_obs), 0.0)


# ---------------------------------------------------------------- trees used by the tests


def bandit_env(values: list[float]) -> TreeEnv:
    arms = [f"arm{i}" for i in range(len(values))]
    return TreeEnv({(): arms}, {(a,): v for a, v in zip(arms, values)})


def deceptive_env() -> TreeEnv:
    """`safe` pays 0.6 on every leaf; `risky` pays 1.0 on one leaf of nine, 0 elsewhere."""
    children: dict[Path, list[str]] = {(): ["safe", "risky"]}
    rewards: dict[Path, float] = {}
    children[("safe",)] = ["s1", "s2", "s3"]
    for s in ["s1", "s2", "s3"]:
        rewards[("safe", s)] = 0.6
    children[("risky",)] = ["r1", "r2", "r3"]
    for r in ["r1", "r2", "r3"]:
        children[("risky", r)] = ["x", "y", "z"]
        for leaf in ["x", "y", "z"]:
            rewards[("risky", r, leaf)] = 1.0 if (r, leaf) == ("r3", "z") else 0.0
    return TreeEnv(children, rewards)


def full_tree_env(branching: int, depth: int, goal_leaf: Path | None = None) -> TreeEnv:
    """A complete tree with actions a0..a{b-1}; one goal leaf pays 1 (default: the last one)."""
    acts = [f"a{i}" for i in range(branching)]
    goal = goal_leaf if goal_leaf is not None else tuple([acts[-1]] * depth)

    def children(p: Path) -> list[str]:
        return acts if len(p) < depth else []

    return TreeEnv(children, {goal: 1.0})


def endless_env(branching: int = 3) -> TreeEnv:
    """Every state has `branching` actions; nothing ever terminates."""
    acts = [f"a{i}" for i in range(branching)]
    return TreeEnv(lambda p: acts, {})


def agentq_rules(**settings) -> "MCTSConfig":
    """MCTSConfig with Agent Q's original rules (UCB1, most visits, sampled rollouts judged where
    they stop, nothing kept), the rules most mechanics tests here are written against."""
    from agentq.planner.config import AGENTQ_ORIGINAL, MCTSConfig

    return MCTSConfig(**{**AGENTQ_ORIGINAL, **settings})
