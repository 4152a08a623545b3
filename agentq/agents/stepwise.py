"""Agents that decide at the acting state without lookahead: random, pure, critic_greedy, expert."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Decision, EpisodeContext, Obs


class _Stepwise:
    """Shared plumbing: privileged components read the search env, so it is synced first."""

    def __init__(self, rng: np.random.Generator, reads_search_env: bool) -> None:
        self.rng = rng
        self.reads_search_env = reads_search_env

    def _prepare(self, ctx: EpisodeContext) -> None:
        if self.reads_search_env:
            ctx.sync()

    def observe(self, ctx: EpisodeContext, action: str, obs: Obs) -> None:
        """Nothing to update between steps."""

    def extra(self) -> dict[str, Any]:
        return {}


class RandomAgent(_Stepwise):
    """Uniform over the page's legal actions: the floor every other kind must beat."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__(rng, reads_search_env=False)

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        legal = list(dict.fromkeys(obs["legal_actions"]))
        if not legal:
            return Decision(None)
        return Decision(legal[int(self.rng.integers(len(legal)))])


class ExpertAgent(_Stepwise):
    """The expert's action at every step (privileged: it reads the hidden task): the ceiling."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__(rng, reads_search_env=True)

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        self._prepare(ctx)
        return Decision(ctx.search_oracle.expert_action(obs["legal_actions"]))


class PureAgent(_Stepwise):
    """The policy alone: one sample from it at every step."""

    def __init__(self, policy: Any, rng: np.random.Generator) -> None:
        super().__init__(rng, reads_search_env=bool(getattr(policy, "privileged", True)))
        self.policy = policy

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        self._prepare(ctx)
        proposals = self.policy.propose(obs, 1, self.rng)
        return Decision(proposals[0][0] if proposals else None, proposals=list(proposals))


class CriticGreedyAgent(_Stepwise):
    """The critic picks among the policy's K samples at every step (no lookahead).

    Ties go to the higher policy probability, then the action text: the order in which MCTS
    tries unvisited children, so this is MCTS with zero simulations.
    """

    def __init__(self, policy: Any, critic: Any, num_candidates: int, rng: np.random.Generator) -> None:
        reads = bool(getattr(policy, "privileged", True)) or bool(getattr(critic, "privileged", True))
        super().__init__(rng, reads_search_env=reads)
        self.policy, self.critic, self.k = policy, critic, num_candidates

    def act(self, ctx: EpisodeContext, obs: Obs) -> Decision:
        self._prepare(ctx)
        proposals = list(dict(self.policy.propose(obs, self.k, self.rng)).items())
        if not proposals:
            return Decision(None, proposals=[])
        actions = [a for a, _ in proposals]
        scores = [float(s) for s in self.critic.score(obs, actions)]
        if len(scores) != len(actions):
            raise ValueError(f"critic returned {len(scores)} scores for {len(actions)} candidates")
        best = min(range(len(actions)), key=lambda i: (-scores[i], -proposals[i][1], actions[i]))
        return Decision(actions[best], proposals=proposals, critic_scores=scores)
