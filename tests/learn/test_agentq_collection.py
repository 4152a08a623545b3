"""Agent Q's data collection on the real restaurant site (http env, train tasks): the env-step
budget, the mined step pairs and their logged DPO references, the evaluator's verdicts."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from agentq.learn.checkpoint import load
from agentq.learn.collect import TrainEnv, TrainSplitError
from agentq.learn.config import CollectionPlanner, train_config_from_dict
from agentq.learn.dpo import dpo_loss, fit_dpo, sequence_log_probs
from agentq.learn.features import Featuriser
from agentq.learn.fitting import FitConfig
from agentq.learn.inference import CandidateModel
from agentq.learn.pipeline import run_training, stage_dir
from agentq.learn.search import EvaluatorJudge, SearchData, collect_with_search
from agentq.learn.stages import derive_seed

# Short tasks (6-7 expert steps); the base policy is fit hard on their demonstrations so that
# the search finds successes within a small budget.
TASKS = ["train-0003", "train-0006", "train-0009"]
BUDGET = 300  # with the seeds below: several successes and pairs below the root (0.5 s)
PLANNER = CollectionPlanner(simulations=8, max_env_steps=20, max_depth=10, num_candidates=3, theta=0.05, alpha=0.5)
EPISODE_STEPS = 40


def _config():
    fit = {"policy": {"epochs": 30}, "critic": {"epochs": 30}, "judge": {"epochs": 1}}
    return train_config_from_dict({
        "name": "collect", "seed": 0, "features": {"buckets": 4096}, "model": {"dim": 16, "hidden": 32},
        "tasks": {"ids": TASKS, "holdout": 0}, "judge_hardening": {"rounds": 0},
        "stages": [{"name": "base", "kind": "base", "demos": 3, "judge_rollouts": 0, "prefix_every": 0, "fit": fit}],
    }, "<collect>")  # fmt: skip


@pytest.fixture(scope="module")
def cfg():
    return _config()


@pytest.fixture(scope="module")
def base_dir(cfg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("collect") / "run"
    run_training(cfg, out)
    return stage_dir(out, "base")


@pytest.fixture(scope="module")
def env(cfg):
    env = TrainEnv(cfg.env.name, cfg.env.max_steps, cfg.env.catalogue_seed)
    yield env
    env.close()


def _models(base_dir: Path):
    return load(base_dir, "policy")[0], load(base_dir, "critic")[0]


def _collect(env, cfg, policy, critic, budget=BUDGET, tasks=TASKS, planner=PLANNER, advance=lambda n: None,
             seed=0) -> SearchData:  # fmt: skip
    return collect_with_search(env, CandidateModel(policy, cfg.features), CandidateModel(critic, cfg.features), planner,
                               tasks, budget, lambda *p: derive_seed(seed, "collect", *p), Featuriser(cfg.features),
                               advance, EPISODE_STEPS)  # fmt: skip


@pytest.fixture(scope="module")
def collected(env, cfg, base_dir):
    """One collection with the base models: (data, env steps it moved TrainEnv.steps by, advance() total)."""
    policy, critic = _models(base_dir)
    spent: list[int] = []
    before = env.steps
    data = _collect(env, cfg, policy, critic, advance=spent.append)
    return data, env.steps - before, sum(spent)


# ---------------------------------------------------------------- the budget


def test_collection_spends_the_budget(collected):
    data, moved, advanced = collected
    assert moved == data.env_steps == advanced
    assert BUDGET - 1 <= data.env_steps <= BUDGET
    assert len(data.episodes) >= 2  # the episode cap splits the budget over several episodes
    assert {e["task_id"] for e in data.episodes} <= set(TASKS)
    assert [e["task_id"] for e in data.episodes] == [TASKS[i % len(TASKS)] for i in range(len(data.episodes))]
    assert data.summary()["env_steps"] == data.env_steps


@pytest.mark.parametrize("budget", [1, 2, 3, 17, 45])
def test_collection_spends_exactly_the_budget_or_one_less(env, cfg, base_dir, budget):
    policy, critic = _models(base_dir)
    before = env.steps
    data = _collect(env, cfg, policy, critic, budget=budget)
    assert env.steps - before == data.env_steps
    assert budget - 1 <= data.env_steps <= budget, data.summary()


def test_collection_is_deterministic_given_the_seed(env, cfg, base_dir, collected):
    policy, critic = _models(base_dir)
    again = _collect(env, cfg, policy, critic)
    data = collected[0]
    assert again.pair_records == data.pair_records
    assert again.episodes == data.episodes
    assert [(p.ref_chosen, p.ref_rejected) for p in again.step_pairs] == [(p.ref_chosen, p.ref_rejected) for p in data.step_pairs]
    other = _collect(env, cfg, policy, critic, seed=1)
    assert other.pair_records != data.pair_records  # the seed matters


# ---------------------------------------------------------------- the pairs


def test_pairs_are_mined_at_the_root_and_below_it(collected):
    data = collected[0]
    records = data.pair_records
    assert records and len(records) == len(data.step_pairs)
    below = [r for r in records if r["path"]]
    assert below, "no pair below a search root; the planner settings no longer make deeper pairs likely"
    assert data.summary()["pairs_below_root"] == len(below)
    assert max(r["depth"] for r in records) >= 2
    for r, ex in zip(records, data.step_pairs):
        assert r["task_id"] == ex.task_id and r["task_id"] in TASKS
        assert r["chosen"] != r["rejected"]
        assert r["chosen_value"] > r["rejected_value"] + PLANNER.theta
        assert r["depth"] == len(r["prompt"]["history"])  # the parent's depth: actions before it
        assert r["prompt"]["history"][len(r["prompt"]["history"]) - len(r["path"]):] == r["path"]
        # the record and the training example carry the same logged reference
        assert r["chosen_logprob"] == pytest.approx(ex.ref_chosen, abs=1e-12)
        assert r["rejected_logprob"] == pytest.approx(ex.ref_rejected, abs=1e-12)
        (c,), (rj,) = ex.chosen, ex.rejected
        assert c.state == rj.state and c.candidates == rj.candidates and c.target != rj.target


def test_references_are_the_collecting_policys_log_probabilities(collected, base_dir):
    data = collected[0]
    policy, _ = _models(base_dir)  # the collecting policy, untrained since
    with torch.no_grad():
        chosen, rejected = sequence_log_probs(policy, data.step_pairs)
    for i, ex in enumerate(data.step_pairs):
        assert math.isfinite(ex.ref_chosen) and ex.ref_chosen < 0 and ex.ref_rejected < 0
        assert float(chosen[i]) == pytest.approx(ex.ref_chosen, abs=1e-5)
        assert float(rejected[i]) == pytest.approx(ex.ref_rejected, abs=1e-5)
    # so the first DPO loss on this data is ln 2 for every pair
    refs_c = torch.tensor([e.ref_chosen for e in data.step_pairs])
    refs_r = torch.tensor([e.ref_rejected for e in data.step_pairs])
    assert torch.allclose(dpo_loss(chosen, rejected, refs_c, refs_r, 0.5), torch.full_like(refs_c, math.log(2)), atol=1e-5)


def test_training_moves_the_policy_but_not_the_logged_references(collected, base_dir, env, cfg):
    data = collected[0]
    logged = [(e.ref_chosen, e.ref_rejected) for e in data.step_pairs]
    policy, critic = _models(base_dir)
    start = copy.deepcopy(policy.state_dict())
    report = fit_dpo(policy, data.step_pairs, FitConfig(epochs=3, batch_size=4, lr=0.02), beta=0.5, seed=0)
    assert report.examples == 3 * len(data.step_pairs)
    assert any(not torch.equal(start[k], v) for k, v in policy.state_dict().items())
    assert [(e.ref_chosen, e.ref_rejected) for e in data.step_pairs] == logged  # logged, not recomputed
    with torch.no_grad():
        chosen, rejected = sequence_log_probs(policy, data.step_pairs)
    moved = max(abs(float(chosen[i]) - e.ref_chosen) for i, e in enumerate(data.step_pairs))
    assert moved > 1e-3
    margins = [(float(chosen[i]) - e.ref_chosen) - (float(rejected[i]) - e.ref_rejected) for i, e in enumerate(data.step_pairs)]
    assert sum(margins) / len(margins) > 0  # DPO pushed the chosen actions up on average
    # the next collection's reference is the trained policy (the reference moves with the iterations)
    fresh = _collect(env, cfg, policy, critic, budget=40)
    assert fresh.step_pairs
    with torch.no_grad():
        c2, r2 = sequence_log_probs(policy, fresh.step_pairs)
    for i, ex in enumerate(fresh.step_pairs):
        assert float(c2[i]) == pytest.approx(ex.ref_chosen, abs=1e-5)
        assert float(r2[i]) == pytest.approx(ex.ref_rejected, abs=1e-5)


def test_values_are_search_values_of_explored_children(collected):
    data = collected[0]
    assert data.values and len(data.values) == data.summary()["value_states"]
    for v in data.values:
        assert len(v.values) == len(v.candidates) >= 1
        assert all(0.0 <= x <= 1.0 for x in v.values)


# ---------------------------------------------------------------- the judge's outcomes


def test_the_evaluator_judges_zero_and_one(collected):
    data = collected[0]
    labels = [o.label for o in data.outcomes]
    assert set(labels) == {0.0, 1.0}, "the collection should judge both failures and successes"
    assert data.summary()["judged_successes"] == labels.count(1.0)
    assert all(o.task_id in TASKS and o.ids for o in data.outcomes)


def _expert_episode(env: TrainEnv, task_id: str):
    obs, _ = env.env.reset(seed=0, options={"task_id": task_id})
    actions: list[str] = []
    terminated = False
    while not terminated and len(actions) < env.max_steps:
        legal = list(dict.fromkeys(env.env.unwrapped.legal_actions()))
        action = env.expert_choice({**obs, "legal_actions": legal}, legal)
        obs, _, terminated, _, _ = env.env.step(action)
        actions.append(action)
    return obs, actions, terminated


def test_evaluator_judge_labels_success_failure_and_unfinished(env, cfg):
    featuriser = Featuriser(cfg.features)
    judge = EvaluatorJudge(env, featuriser, "train-0003")
    assert judge.privileged is True
    obs, actions, terminated = _expert_episode(env, "train-0003")
    assert terminated
    steps = [SimpleNamespace(action=a) for a in actions]
    assert judge.judge(obs["goal"], steps, obs) == 1.0
    assert judge.outcomes[-1].label == 1.0
    assert judge.outcomes[-1].ids == featuriser.outcome_ids(obs["goal"], actions, {**obs, "history": actions})

    obs, _ = env.env.reset(seed=0, options={"task_id": "train-0003"})
    assert judge.judge(obs["goal"], [], obs) == 0.0  # not ended: no verdict of success
    stop = next(a for a in env.env.unwrapped.legal_actions() if a.startswith("stop("))
    obs, _, terminated, _, _ = env.env.step(stop)  # a wrong stop: ended, but the evaluator refuses it
    assert terminated
    assert judge.judge(obs["goal"], [SimpleNamespace(action=stop)], obs) == 0.0
    assert [o.label for o in judge.outcomes] == [1.0, 0.0, 0.0]
    assert {o.task_id for o in judge.outcomes} == {"train-0003"}


# ---------------------------------------------------------------- train tasks only


@pytest.mark.parametrize("tasks", [["dev-0000"], ["test-0001"], ["train-0003", "dev-0002"], ["s7-0001"]])
def test_collection_refuses_evaluation_tasks(env, cfg, base_dir, tasks):
    policy, critic = _models(base_dir)
    before = env.steps
    with pytest.raises(TrainSplitError, match="train tasks only"):
        _collect(env, cfg, policy, critic, budget=20, tasks=tasks)
    assert env.steps == before  # refused before any step
