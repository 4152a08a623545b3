"""Held-out train tasks and judge hardening: the hold-out never meets the fitted data, search's
judged pages are labelled by the environment's reward, and a hardening round adds the judge's
false positives as negatives."""

from __future__ import annotations

import pytest
import torch

from agentq.config.models import ConfigError
from agentq.learn import hardening
from agentq.learn.batches import OutcomeExample
from agentq.learn.collect import TrainEnv
from agentq.learn.features import Featuriser
from agentq.learn.inference import CandidateModel
from agentq.learn.model import make_model
from agentq.learn.preference_stages import iteration_tasks
from agentq.learn.probe import ProbePlanner, ProbeResult, RecordingJudge, search_probe
from agentq.learn.tasks import holdout_order, task_order
from learn_helpers import tiny_config


@pytest.fixture(scope="module")
def env():
    env = TrainEnv("restaurant", 12)
    yield env
    env.close()


def test_held_out_tasks_never_meet_the_fitted_tasks_or_their_collection(env):
    cfg = tiny_config(tasks={"holdout": 40})
    fitted, held = task_order(cfg, env), holdout_order(cfg, env)
    assert len(held) == 40 and not set(fitted) & set(held)
    assert set(fitted) | set(held) == set(env.task_ids("train"))
    assert set(iteration_tasks(cfg, env, "agentq", 1)) <= set(fitted)
    demos = hardening.validation_demos(cfg, env, Featuriser(cfg.features))
    assert {t.task_id for t in demos} == set(held)
    with pytest.raises(ValueError, match="tasks.holdout"):
        task_order(tiny_config(tasks={"holdout": 10_000}), env)


class _AcceptAll:
    def probability(self, goal, actions, final_obs, pages=()) -> float:
        return 1.0


def test_search_probe_labels_every_judged_page_by_the_environment_reward(env, monkeypatch):
    cfg = tiny_config()
    torch.manual_seed(0)
    policy = CandidateModel(make_model("policy", cfg.features.buckets, cfg.model), cfg.features)  # type: ignore[arg-type]
    judged: list[tuple[str, list[str]]] = []
    original = RecordingJudge.judge

    def spy(self, goal, trajectory, final_obs):
        judged.append((self.task_id, [str(s.action) for s in trajectory]))
        return original(self, goal, trajectory, final_obs)

    monkeypatch.setattr(RecordingJudge, "judge", spy)
    tasks = env.task_ids("train")[:3]
    result = search_probe(env, policy, policy, _AcceptAll(), tasks, ProbePlanner(episode_env_steps=80),
                          lambda *p: 11, Featuriser(cfg.features))  # fmt: skip
    assert result.examples and len(judged) == len(result.examples) and all(result.verdicts)
    truth = []
    for task_id, actions in judged:  # replay each judged path in the env and ask the evaluator
        env.acting.reset(seed=11, options={"task_id": task_id})
        terminated = False
        for action in actions:
            _, _, terminated, _, _ = env.acting.step(action)
        truth.append(float(terminated and env.oracle.success()))
    assert [e.label for e in result.examples] == truth
    summary = result.summary()
    expected = sum(truth) / len(truth)
    assert summary["search_judge_precision"] == round(expected, 4)  # an accept-all judge: precision = the success share
    assert summary["judged"] == len(truth)


def _example(i: int, label: float) -> OutcomeExample:
    return OutcomeExample([i], label, "train-0001")


def test_a_hardening_round_adds_the_searchs_false_positives_as_negatives(env, monkeypatch):
    cfg = tiny_config(judge_hardening={"rounds": 2, "tasks": 2, "measure_tasks": 2, "false_positive_copies": 3,
                                       "target_precision": 0.9})  # fmt: skip
    false_pos, true_pos, true_neg = _example(1, 0.0), _example(2, 1.0), _example(3, 0.0)
    measured = iter([0.5, 1.0])  # held-out precision before and after the round

    def fake_probe(env, policy, critic, judge, tasks, planner, seed, featuriser, advance=None):
        if seed("x") == seed("x") and tasks[0] in holdout_order(cfg, env):
            p = next(measured)
            result = ProbeResult([true_pos, false_pos], [True, p < 1.0], episodes=1)
            return result
        return ProbeResult([false_pos, true_pos, true_neg], [True, True, False], episodes=2, env_steps=7)

    monkeypatch.setattr(hardening, "search_probe", fake_probe)
    fitted_on: list[list[OutcomeExample]] = []

    def refit(data):
        fitted_on.append(list(data))
        return torch.nn.Linear(1, 1)

    base = [_example(9, 1.0)]
    _, notes = hardening.harden_judge(cfg, "base", env, torch.nn.Linear(1, 1), torch.nn.Linear(1, 1), base, refit)
    assert fitted_on[0] == base
    added = fitted_on[1][len(base):]
    assert added.count(false_pos) == 3 and false_pos.label == 0.0  # once as found, twice more as a false positive
    assert true_pos in added and true_neg in added
    assert notes["rounds"][0]["found"]["false_positives"] == 1
    assert notes["held_out"]["search_judge_precision"] == 1.0 and "reached" in notes["stopped"]
    assert len(fitted_on) == 2  # the target was reached after one round: no second


def test_hardening_settings_out_of_range_are_config_errors_naming_the_field():
    with pytest.raises(ConfigError, match=r"judge_hardening\.rounds"):
        tiny_config(judge_hardening={"rounds": 99})
    with pytest.raises(ConfigError, match=r"judge_hardening\.target_precision"):
        tiny_config(judge_hardening={"target_precision": 1.5})
    with pytest.raises(ConfigError, match=r"tasks\.holdout"):
        tiny_config(tasks={"holdout": -1})
