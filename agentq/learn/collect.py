"""Data from the env on train tasks: the expert's demonstrations and the policy's own rollouts,
featurised as they are recorded, each labelled by the evaluator.

The only module of the learning code that touches the site: through its adapter, looked up by
name (`agentq.agents.sites.load_site`), and through `envs.oracle.Oracle` for the expert's next
action and the evaluator's verdict. Both are privileged and used for training data only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agentq.agents.base import TimedEnv
from agentq.agents.sites import load_site
from envs.oracle import Oracle

from .batches import DecisionExample, OutcomeExample
from .features import Featuriser
from .inference import CandidateModel

if TYPE_CHECKING:
    from .bootstrap import BootstrapLog

Obs = dict[str, Any]
TRAIN_PREFIX = "train-"


class TrainSplitError(ValueError):
    """A task outside the train split was offered to training."""


def require_train(task_ids: list[str]) -> None:
    """Refuse any task that is not in the train split (dev, test and generated tasks are for evaluation)."""
    bad = [t for t in task_ids if not t.startswith(TRAIN_PREFIX)]
    if bad:
        raise TrainSplitError(
            f"training uses train tasks only; refusing {len(bad)} other task(s), e.g. {bad[0]!r} "
            "(dev, test and generated tasks are kept for evaluation)"
        )


@dataclass
class Trajectory:
    """One episode, featurised: its decisions, outcome examples (the end and some prefixes), verdict."""

    task_id: str
    actions: list[str] = field(default_factory=list)
    decisions: list[DecisionExample] = field(default_factory=list)
    outcomes: list[OutcomeExample] = field(default_factory=list)
    logprobs: list[float | None] = field(default_factory=list)  # per decision, as the collecting policy gave it
    success: bool = False
    missed: int = 0  # steps whose action was not among the legal actions (no decision example)


class TrainEnv:
    """A site's env for training (its in-process http backend where it has one, else its first
    backend, e.g. the browser), with an oracle on it; `bootstrap_dir` keeps a run's search
    bootstrap (see `agentq.learn.bootstrap`)."""

    def __init__(self, site: str, max_steps: int, catalogue_seed: int = 0, bootstrap_dir: Path | None = None) -> None:
        self.site = load_site(site)
        self.bootstrap_dir = bootstrap_dir  # where demonstrations bootstrapped from search are logged (None: nowhere)
        self.bootstrap_logs: dict[str, BootstrapLog] = {}  # by purpose, read or made on first use (agentq.learn.bootstrap)
        backends = tuple(getattr(self.site, "backends", ("http",)))
        backend = "http" if "http" in backends else backends[0]
        self._make = lambda: self.site.make_env(backend, max_steps=max_steps, catalogue_seed=catalogue_seed)
        self.env = TimedEnv(self._make())
        self.oracle = Oracle(self.env.unwrapped)
        self.max_steps = max_steps
        self._search: Any = None
        self._search_oracle: Oracle | None = None

    @property
    def acting(self) -> TimedEnv:
        """The env episodes act in (the one `run` plays)."""
        return self.env

    @property
    def search_env(self) -> Any:
        """A second env of the same site for a planner's simulations (made on first use)."""
        if self._search is None:
            self._search = self._make()
        return self._search

    @property
    def search_oracle(self) -> Oracle:
        """The oracle of the search env."""
        if self._search_oracle is None:
            self._search_oracle = Oracle(self.search_env)
        return self._search_oracle

    @property
    def steps(self) -> int:
        """Env steps taken so far (every data-collection step counts, probes included)."""
        return self.env.steps

    def task_ids(self, split: str) -> list[str]:
        """The ids of a frozen suite."""
        return [t["id"] for t in self.site.list_tasks(split)]

    def close(self) -> None:
        self.oracle.close()
        self.env.close()
        if self._search_oracle is not None:
            self._search_oracle.close()
        if self._search is not None:
            self._search.close()

    def _verdict(self, terminated: bool) -> bool:
        return bool(terminated and self.oracle.success())

    def run(self, task_id: str, seed: int, choose: Callable[[Obs, list[str]], str | None],
            featuriser: Featuriser, prefix_every: int = 0, max_steps: int | None = None) -> Trajectory:  # fmt: skip
        """Play one episode with `choose(obs, legal) -> action`; record it featurised.

        `prefix_every` > 0 also records the outcome of every n-th intermediate state (label: the
        evaluator's verdict there), so the judge sees unfinished trajectories too. `max_steps` cuts
        the episode shorter than the env's limit (an env-step budget running out). A `choose` with a
        ``last_logprob`` attribute has it logged on each decision (the reference for DPO).
        """
        require_train([task_id])
        obs, _ = self.env.reset(seed=seed % 2**31, options={"task_id": task_id})
        traj = Trajectory(task_id)
        terminated = False
        pages: list[str] = []  # the text trees the actions were taken at (the judge reads them)
        for step in range(self.max_steps if max_steps is None else min(max_steps, self.max_steps)):
            legal = list(dict.fromkeys(self.env.unwrapped.legal_actions()))
            seen = {**obs, "legal_actions": legal, "history": list(traj.actions)}
            if prefix_every and step % prefix_every == 0:
                if step:
                    traj.outcomes.append(OutcomeExample(featuriser.outcome_ids(seen["goal"], traj.actions, seen, pages), 0.0, task_id))
                traj.outcomes += self._probe_stops(seen, legal, traj.actions, pages, featuriser, task_id)
            action = choose(seen, legal)
            if action is None:
                break
            if action in legal:
                state, cands = featuriser.decision(seen, legal)
                traj.decisions.append(DecisionExample(state, cands, legal.index(action), task_id))
                traj.logprobs.append(getattr(choose, "last_logprob", None))
            else:
                traj.missed += 1
            pages.append(str(seen.get("text", "")))
            obs, _, terminated, truncated, _ = self.env.step(action)
            traj.actions.append(action)
            if terminated or truncated:
                break
        traj.success = self._verdict(terminated)
        final = {**obs, "history": list(traj.actions)}
        traj.outcomes.append(OutcomeExample(featuriser.outcome_ids(obs["goal"], traj.actions, final, pages), float(traj.success), task_id))
        return traj

    def _probe_stops(self, seen: Obs, legal: list[str], actions: list[str], pages: list[str], featuriser: Featuriser,
                     task_id: str) -> list[OutcomeExample]:  # fmt: skip
        """Outcomes of ending the episode here with each legal ``stop(...)``, labelled by the
        evaluator; the env is put back afterwards. Without them the judge rarely sees a wrong stop
        and a search learns to stop early."""
        env = self.env.unwrapped
        out = []
        for action in (a for a in legal if a.startswith("stop(")):
            state = env.snapshot()
            obs, _, terminated, _, _ = env.step(action)
            label = float(self._verdict(terminated))
            ended = [*actions, action]
            on_the_way = [*pages, str(seen.get("text", ""))]
            out.append(OutcomeExample(featuriser.outcome_ids(seen["goal"], ended, {**obs, "history": ended}, on_the_way), label, task_id))
            env.restore(state)
        return out

    @property
    def has_expert(self) -> bool:
        """Whether the site has an expert to demonstrate (else demonstrations come from search)."""
        return self.oracle.has_expert

    def expert_choice(self, obs: Obs, legal: list[str]) -> str:
        """The expert's next action (privileged), spelled as in `legal` when it is one of them."""
        return self.oracle.expert_action(legal)


class UniformChoice:
    """A `choose` function uniform over the legal actions (random rollouts for search demonstrations)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def __call__(self, obs: Obs, legal: list[str]) -> str | None:
        return legal[int(self.rng.integers(len(legal)))] if legal else None


class Sampler:
    """A `choose` function that samples from the model's distribution over the legal actions at
    `temperature`; `last_logprob` is the model's own (temperature 1) log-probability of the pick."""

    def __init__(self, model: CandidateModel, rng: np.random.Generator, temperature: float = 1.0) -> None:
        self.model = model
        self.rng = rng
        self.temperature = temperature
        self.last_logprob: float | None = None

    def __call__(self, obs: Obs, legal: list[str]) -> str | None:
        if not legal:
            return None
        logp = self.model.log_probs(obs, legal, 1.0)
        sample = logp / self.temperature
        p = np.exp(sample - sample.max())
        i = int(self.rng.choice(len(legal), p=p / p.sum()))
        self.last_logprob = float(logp[i])
        return legal[i]

