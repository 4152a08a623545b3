"""The models learn, and checkpoints round-trip, hash deterministically and fail clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from agentq.learn import checkpoint
from agentq.learn.batches import DecisionExample, OutcomeExample
from agentq.learn.checkpoint import CheckpointError
from agentq.learn.features import FeatureConfig, Featuriser
from agentq.learn.fitting import FitConfig, fit_judge, fit_policy, judge_quality
from agentq.learn.inference import CandidateModel, OutcomeScorer
from agentq.learn.model import ModelConfig, make_model

FEATURES = FeatureConfig(buckets=4096)
MODEL = ModelConfig(dim=8, hidden=16)
PAGE = """page "Find a table | Example"
main
  heading 1 "Find a table"
  form
    [1] combobox "City" value="Boston" options=["Boston", "Denver", "Miami"]
    [2] combobox "Party size" value="2 people" options=["1 person", "2 people", "3 people", "4 people"]
    [3] button "Search"
  [4] link "Help"
"""
LEGAL = ['select(1, "Denver")', 'select(1, "Miami")', 'select(2, "1 person")', 'select(2, "3 people")',
         'select(2, "4 people")', "click(3)", "click(4)"]  # fmt: skip
CASES = [  # (goal, the right action)
    ("A table in Denver for two.", 'select(1, "Denver")'),
    ("A table in Miami for two.", 'select(1, "Miami")'),
    ("A table in Boston for four.", 'select(2, "4 people")'),
    ("A table in Boston for three people.", 'select(2, "3 people")'),
    ("A table in Boston for two, please.", "click(3)"),
    ("Just me in Boston: one person.", 'select(2, "1 person")'),
]


def _obs(goal: str) -> dict:
    return {"goal": goal, "text": PAGE, "url": "/", "legal_actions": LEGAL, "history": []}


def _examples() -> list[DecisionExample]:
    f = Featuriser(FEATURES)
    out = []
    for goal, right in CASES:
        state, cands = f.decision(_obs(goal), LEGAL)
        out.append(DecisionExample(state, cands, LEGAL.index(right)))
    return out


def _trained_policy() -> torch.nn.Module:
    torch.manual_seed(0)
    model = make_model("policy", FEATURES.buckets, MODEL)
    fit_policy(model, _examples(), FitConfig(epochs=60, batch_size=3, lr=0.03), seed=0)
    return model


def test_a_tiny_policy_overfits_a_handful_of_decisions():
    scorer = CandidateModel(_trained_policy(), FEATURES)
    for goal, right in CASES:
        logp = scorer.log_probs(_obs(goal), LEGAL)
        assert LEGAL[int(np.argmax(logp))] == right, goal
        assert np.isclose(np.exp(logp).sum(), 1.0)


def test_an_untrained_policy_does_not_already_know():
    torch.manual_seed(0)
    scorer = CandidateModel(make_model("policy", FEATURES.buckets, MODEL), FEATURES)
    hits = sum(LEGAL[int(np.argmax(scorer.log_probs(_obs(g), LEGAL)))] == right for g, right in CASES)
    assert hits < len(CASES)


def test_a_tiny_judge_overfits_labelled_outcomes():
    f = Featuriser(FEATURES)
    good = {"text": 'page "Reservation | Example"\nmain\n  text "Party size"\n  text "4 people"\n', "url": "/r/1"}
    bad = {"text": 'page "Reservation | Example"\nmain\n  text "Party size"\n  text "5 people"\n', "url": "/r/1"}
    goal = "A table for four."
    examples = [OutcomeExample(f.outcome_ids(goal, ["click(3)"], good), 1.0),
                OutcomeExample(f.outcome_ids(goal, ["click(3)"], bad), 0.0)]  # fmt: skip
    torch.manual_seed(0)
    model = make_model("judge", FEATURES.buckets, MODEL)
    fit_judge(model, examples, FitConfig(epochs=40, batch_size=2, lr=0.03), seed=0)
    scorer = OutcomeScorer(model, FEATURES)
    assert scorer.probability(goal, ["click(3)"], good) > 0.9 > 0.1 > scorer.probability(goal, ["click(3)"], bad)
    assert judge_quality(model, examples) == {"n": 2, "positives": 1, "precision": 1.0, "recall": 1.0}


def test_save_then_load_gives_identical_outputs(tmp_path):
    model = _trained_policy()
    digest = checkpoint.save(tmp_path, "policy", model, FEATURES, MODEL, {"stage": "test"})
    loaded, meta = checkpoint.load(tmp_path, "policy")
    assert meta.sha256 == digest and meta.kind == "policy" and meta.notes == {"stage": "test"}
    for goal, _ in CASES:
        a = CandidateModel(model, FEATURES).logits(_obs(goal), LEGAL)
        b = CandidateModel(loaded, meta.features).logits(_obs(goal), LEGAL)
        assert np.array_equal(a, b)
    assert checkpoint.load(tmp_path / "policy.safetensors", "policy")[1].sha256 == digest  # a file works too


def test_the_same_seed_gives_the_same_hash_and_another_seed_does_not(tmp_path):
    first = checkpoint.save(tmp_path / "a", "policy", _trained_policy(), FEATURES, MODEL)
    again = checkpoint.save(tmp_path / "b", "policy", _trained_policy(), FEATURES, MODEL)
    torch.manual_seed(1)
    other = make_model("policy", FEATURES.buckets, MODEL)
    fit_policy(other, _examples(), FitConfig(epochs=60, batch_size=3, lr=0.03), seed=1)
    assert first == again != checkpoint.save(tmp_path / "c", "policy", other, FEATURES, MODEL)


def test_missing_checkpoints_name_the_path(tmp_path):
    with pytest.raises(CheckpointError, match="nowhere.*not found"):
        checkpoint.load(tmp_path / "nowhere", "policy")
    checkpoint.save(tmp_path, "policy", _trained_policy(), FEATURES, MODEL)
    with pytest.raises(CheckpointError, match=r"critic\.json: checkpoint config not found"):
        checkpoint.load(tmp_path, "critic")
    (tmp_path / "policy.safetensors").unlink()
    with pytest.raises(CheckpointError, match=r"policy\.safetensors: checkpoint weights not found"):
        checkpoint.load(tmp_path, "policy")


def test_corrupt_checkpoints_name_the_file(tmp_path):
    checkpoint.save(tmp_path, "policy", _trained_policy(), FEATURES, MODEL)
    weights = tmp_path / "policy.safetensors"
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0xFF  # one weight byte flipped: still safetensors, but not what was hashed
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"policy\.safetensors: content hash does not match"):
        checkpoint.load(tmp_path, "policy")
    weights.write_bytes(b"not a safetensors file")
    with pytest.raises(CheckpointError, match=r"policy\.safetensors: corrupt checkpoint weights"):
        checkpoint.load(tmp_path, "policy")
    (tmp_path / "policy.json").write_text("{not json")
    with pytest.raises(CheckpointError, match=r"policy\.json: not a checkpoint config"):
        checkpoint.load(tmp_path, "policy")


def test_a_checkpoint_of_the_wrong_kind_is_refused(tmp_path):
    checkpoint.save(tmp_path, "policy", _trained_policy(), FEATURES, MODEL)
    for name in ("critic", "judge"):
        (tmp_path / f"{name}.json").write_text((tmp_path / "policy.json").read_text())
        (tmp_path / f"{name}.safetensors").write_bytes((tmp_path / "policy.safetensors").read_bytes())
        with pytest.raises(CheckpointError, match=rf"{name}\.json: this is a policy checkpoint, not a {name} one"):
            checkpoint.load(tmp_path, name)  # type: ignore[arg-type]
    meta = json.loads((tmp_path / "critic.json").read_text())
    meta["kind"] = "critic"  # relabelled by hand: the hash catches it
    (tmp_path / "critic.json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="content hash does not match"):
        checkpoint.load(tmp_path, "critic")


def test_early_stopping_keeps_the_best_validation_epoch_and_stops_after_patience():
    from agentq.learn.fitting import policy_log_likelihood

    train = _examples()
    contrary = [DecisionExample(e.state, e.candidates, (e.target + 1) % len(e.candidates)) for e in train]
    torch.manual_seed(0)
    model = make_model("policy", FEATURES.buckets, MODEL)
    report = fit_policy(model, train, FitConfig(epochs=60, batch_size=3, lr=0.03, patience=2), seed=0, validation=contrary)
    assert report.validation is not None and report.epochs < 60  # fitting the train targets hurts these: it stops
    assert report.best_epoch == 1 + report.validation.index(max(report.validation))
    assert report.epochs == report.best_epoch + 2
    with torch.inference_mode():
        assert abs(policy_log_likelihood(model, contrary) - max(report.validation)) < 1e-5  # the best epoch's weights


def test_a_value_refit_that_validates_worse_leaves_the_critic_as_it_came():
    from agentq.learn.batches import ValueExample
    from agentq.learn.fitting import fit_critic, fit_critic_values

    torch.manual_seed(0)
    critic = make_model("critic", FEATURES.buckets, MODEL)
    fit_critic(critic, _examples(), FitConfig(epochs=60, batch_size=3, lr=0.03), seed=0)
    start = {k: v.clone() for k, v in critic.state_dict().items()}
    # search values that prefer a wrong action everywhere, against held-out expert decisions
    wrong = [ValueExample(e.state, e.candidates, [0.0 if i == e.target else (1.0 if i == (e.target + 1) % len(LEGAL) else 0.0)
                                                  for i in range(len(LEGAL))]) for e in _examples()]  # fmt: skip
    report = fit_critic_values(critic, wrong, FitConfig(epochs=20, batch_size=3, lr=0.05), seed=0, validation=_examples())
    assert report.best_epoch == 0 and report.validation[0] == 1.0 and min(report.validation[1:]) < 1.0
    assert all(torch.equal(start[k], v) for k, v in critic.state_dict().items())
    # without held-out decisions the refit is kept as fitted
    fit_critic_values(critic, wrong, FitConfig(epochs=20, batch_size=3, lr=0.05), seed=0)
    assert not all(torch.equal(start[k], v) for k, v in critic.state_dict().items())
