"""DPO on the candidate-scoring policy: the loss, sequence log-probabilities, one training step,
the SFT term and the refusal of unusable references."""

from __future__ import annotations

import copy
import math

import pytest
import torch

from agentq.learn.batches import DecisionExample, decision_batch
from agentq.learn.dpo import PreferenceExample, dpo_loss, fit_dpo, sequence_log_probs
from agentq.learn.fitting import FitConfig
from agentq.learn.model import ModelConfig, make_model

BUCKETS = 64
LN2 = math.log(2.0)


def _model(seed: int = 0):
    torch.manual_seed(seed)
    return make_model("policy", BUCKETS, ModelConfig(dim=8, hidden=16))


def _decision(state: list[int], candidates: list[list[int]], target: int) -> DecisionExample:
    return DecisionExample(state, candidates, target, "train-0000")


# One state with four candidates (different bag sizes), and a second state with two.
STATE_A = [1, 2, 3]
CANDS_A = [[4, 5], [6], [7, 8, 9], [10, 11]]
STATE_B = [12, 13]
CANDS_B = [[14], [15, 16]]


def _manual_log_prob(model, decision: DecisionExample) -> float:
    """log softmax over one decision's candidates, from the model's raw logits (one state alone)."""
    cand_ids = torch.tensor([i for c in decision.candidates for i in c], dtype=torch.long)
    offsets, n = [], 0
    for c in decision.candidates:
        offsets.append(n)
        n += len(c)
    with torch.no_grad():
        logits = model(torch.tensor(decision.state, dtype=torch.long), torch.tensor([0]), cand_ids,
                       torch.tensor(offsets, dtype=torch.long), torch.zeros(len(decision.candidates), dtype=torch.long))  # fmt: skip
    logits = [float(x) for x in logits]
    top = max(logits)
    log_z = top + math.log(sum(math.exp(x - top) for x in logits))
    return logits[decision.target] - log_z


def _log_probs(model, examples):
    with torch.no_grad():
        chosen, rejected = sequence_log_probs(model, examples)
    return chosen.tolist(), rejected.tolist()


# ---------------------------------------------------------------- the loss


@pytest.mark.parametrize("beta", [0.05, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_dpo_loss_is_the_standard_definition(beta, dtype):
    torch.manual_seed(17)
    pc, pr, rc, rr = (-5.0 * torch.rand(25, dtype=dtype) for _ in range(4))
    got = dpo_loss(pc, pr, rc, rr, beta)
    assert got.shape == (25,)
    for i in range(25):
        margin = (float(pc[i]) - float(rc[i])) - (float(pr[i]) - float(rr[i]))
        expected = -math.log(1.0 / (1.0 + math.exp(-beta * margin)))
        assert float(got[i]) == pytest.approx(expected, rel=1e-5, abs=1e-6)
    assert (got > 0).all()


def test_dpo_loss_sign_and_extremes():
    # chosen gained against the reference, rejected lost: loss below ln 2; the reverse: above
    better = dpo_loss(torch.tensor([-1.0]), torch.tensor([-3.0]), torch.tensor([-2.0]), torch.tensor([-2.0]), 1.0)
    worse = dpo_loss(torch.tensor([-3.0]), torch.tensor([-1.0]), torch.tensor([-2.0]), torch.tensor([-2.0]), 1.0)
    assert float(better) < LN2 < float(worse)
    assert float(better) == pytest.approx(math.log1p(math.exp(-2.0)))
    assert float(worse) == pytest.approx(math.log1p(math.exp(2.0)))
    # a huge margin does not overflow: the loss tends to 0 and to -beta * margin
    big = dpo_loss(torch.tensor([0.0]), torch.tensor([-1e4]), torch.tensor([0.0]), torch.tensor([0.0]), 1.0)
    small = dpo_loss(torch.tensor([-1e4]), torch.tensor([0.0]), torch.tensor([0.0]), torch.tensor([0.0]), 1.0)
    assert float(big) == pytest.approx(0.0, abs=1e-12) and float(small) == pytest.approx(1e4)


@pytest.mark.parametrize("beta", [0.1, 1.0, 10.0])
def test_dpo_loss_is_ln2_at_zero_margin(beta):
    torch.manual_seed(3)
    policy = -3.0 * torch.rand(10)
    other = -3.0 * torch.rand(10)
    # policy == reference on both sides
    assert torch.allclose(dpo_loss(policy, other, policy, other, beta), torch.full((10,), LN2))
    # both sides moved by the same amount from their references: still zero margin
    shift = torch.rand(10)
    assert torch.allclose(dpo_loss(policy + shift, other + shift, policy, other, beta), torch.full((10,), LN2), atol=1e-6)


# ---------------------------------------------------------------- sequence log-probabilities


def test_sequence_log_probs_sums_each_decisions_log_softmax():
    model = _model(1)
    chosen = (_decision(STATE_A, CANDS_A, 2), _decision(STATE_B, CANDS_B, 0))
    rejected = (_decision(STATE_A, CANDS_A, 0), _decision(STATE_B, CANDS_B, 1))
    pair = PreferenceExample(chosen, rejected, -1.0, -2.0, "train-0000")
    got_c, got_r = _log_probs(model, [pair])
    want_c = sum(_manual_log_prob(model, d) for d in chosen)
    want_r = sum(_manual_log_prob(model, d) for d in rejected)
    assert got_c[0] == pytest.approx(want_c, abs=1e-5)
    assert got_r[0] == pytest.approx(want_r, abs=1e-5)
    assert want_c != pytest.approx(want_r, abs=1e-4)  # the two sides really differ
    # every candidate's probability at a state sums to one (the padding is not a candidate)
    total = sum(math.exp(_manual_log_prob(model, _decision(STATE_A, CANDS_A, k))) for k in range(len(CANDS_A)))
    assert total == pytest.approx(1.0, abs=1e-6)


def test_sequence_log_probs_do_not_depend_on_the_batch():
    model = _model(2)
    one_step = PreferenceExample((_decision(STATE_B, CANDS_B, 1),), (_decision(STATE_B, CANDS_B, 0),), -0.5, -0.9)
    two_step = PreferenceExample((_decision(STATE_A, CANDS_A, 3), _decision(STATE_B, CANDS_B, 1)),
                                 (_decision(STATE_A, CANDS_A, 1),), -2.0, -1.0)  # fmt: skip
    together = _log_probs(model, [one_step, two_step])
    alone = [_log_probs(model, [ex]) for ex in (one_step, two_step)]
    for i in range(2):
        assert together[0][i] == pytest.approx(alone[i][0][0], abs=1e-6)
        assert together[1][i] == pytest.approx(alone[i][1][0], abs=1e-6)
    assert together[1][1] == pytest.approx(_manual_log_prob(model, _decision(STATE_A, CANDS_A, 1)), abs=1e-5)


# ---------------------------------------------------------------- training


def _reference_pair(model, chosen, rejected) -> PreferenceExample:
    c, r = _log_probs(model, [PreferenceExample(chosen, rejected, 0.0, 0.0)])
    return PreferenceExample(chosen, rejected, c[0], r[0], "train-0000")


@pytest.mark.parametrize("beta", [0.1, 0.5, 2.0])
def test_one_dpo_step_raises_the_chosen_over_the_rejected(beta):
    model = _model(4)
    pair = _reference_pair(model, (_decision(STATE_A, CANDS_A, 0),), (_decision(STATE_A, CANDS_A, 2),))
    before = pair.ref_chosen - pair.ref_rejected
    weights = copy.deepcopy(model.state_dict())
    report = fit_dpo(model, [pair], FitConfig(epochs=1, batch_size=1, lr=0.01), beta=beta, seed=0)
    c, r = _log_probs(model, [pair])
    assert c[0] - r[0] > before + 1e-4
    assert c[0] > pair.ref_chosen and r[0] < pair.ref_rejected  # both sides moved the right way
    assert any(not torch.equal(weights[k], v) for k, v in model.state_dict().items())
    # the step's loss was measured before the update, at zero margin: ln 2, and no pair "right" yet
    assert report.examples == 1
    assert report.loss == pytest.approx(LN2, abs=1e-6)
    assert report.accuracy == 0.0


def test_dpo_training_is_deterministic_given_the_seed():
    pair_args = ((_decision(STATE_A, CANDS_A, 1), _decision(STATE_B, CANDS_B, 0)), (_decision(STATE_A, CANDS_A, 3),))
    runs = []
    for _ in range(2):
        model = _model(5)
        pairs = [_reference_pair(model, *pair_args),
                 _reference_pair(model, (_decision(STATE_B, CANDS_B, 1),), (_decision(STATE_B, CANDS_B, 0),))]  # fmt: skip
        fit_dpo(model, pairs, FitConfig(epochs=3, batch_size=1, lr=0.01), beta=0.5, seed=11)
        runs.append({k: v.clone() for k, v in model.state_dict().items()})
    assert all(torch.equal(runs[0][k], runs[1][k]) for k in runs[0])


@pytest.mark.parametrize("sft_weight", [0.25, 1.0, 3.0])
def test_sft_weight_adds_the_chosen_negative_log_likelihood(sft_weight):
    model = _model(6)
    chosen = (_decision(STATE_A, CANDS_A, 1), _decision(STATE_B, CANDS_B, 1))  # a 2-step chosen side
    pair = _reference_pair(model, chosen, (_decision(STATE_A, CANDS_A, 2),))  # zero margin
    nll = -pair.ref_chosen
    assert nll > 0.5
    cfg = FitConfig(epochs=1, batch_size=1, lr=0.01)
    plain = fit_dpo(copy.deepcopy(model), [pair], cfg, beta=0.5, seed=0)
    mixed = fit_dpo(copy.deepcopy(model), [pair], cfg, beta=0.5, seed=0, sft_weight=sft_weight)
    assert plain.loss == pytest.approx(LN2, abs=1e-6)
    assert mixed.loss - plain.loss == pytest.approx(sft_weight * nll, abs=1e-5)


def test_sft_weight_zero_is_plain_dpo():
    model = _model(7)
    pair = _reference_pair(model, (_decision(STATE_B, CANDS_B, 0),), (_decision(STATE_B, CANDS_B, 1),))
    cfg = FitConfig(epochs=2, batch_size=1, lr=0.01)
    a, b = copy.deepcopy(model), copy.deepcopy(model)
    fit_dpo(a, [pair], cfg, beta=0.5, seed=0)
    fit_dpo(b, [pair], cfg, beta=0.5, seed=0, sft_weight=0.0)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("field", ["ref_chosen", "ref_rejected"])
@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), float("-inf")])
def test_preference_example_refuses_unusable_references(field, value):
    good = {"ref_chosen": -1.0, "ref_rejected": -2.0}
    with pytest.raises(ValueError, match=f"{field} must be a finite log-probability"):
        PreferenceExample((_decision(STATE_B, CANDS_B, 0),), (_decision(STATE_B, CANDS_B, 1),),
                          **{**good, field: value}, task_id="train-0001")  # fmt: skip


@pytest.mark.parametrize("side", ["chosen", "rejected"])
def test_preference_example_refuses_an_empty_side(side):
    sides = {"chosen": (_decision(STATE_B, CANDS_B, 0),), "rejected": (_decision(STATE_B, CANDS_B, 1),)}
    sides[side] = ()
    with pytest.raises(ValueError, match="both sides need at least one decision"):
        PreferenceExample(sides["chosen"], sides["rejected"], -1.0, -2.0, "train-0001")


def test_a_valid_preference_example_is_kept_as_given():
    ex = PreferenceExample((_decision(STATE_B, CANDS_B, 0),), (_decision(STATE_B, CANDS_B, 1),), -0.25, -3.5, "train-7")
    assert (ex.ref_chosen, ex.ref_rejected, ex.task_id) == (-0.25, -3.5, "train-7")
    assert decision_batch(list(ex.chosen)).targets.tolist() == [0]


def test_the_behaviour_cloning_anchor_keeps_the_demonstrated_action_likely():
    demo = _decision(STATE_A, CANDS_A, 1)  # the demonstration took candidate 1 at state A
    pairs = [PreferenceExample((_decision(STATE_A, CANDS_A, 2),), (_decision(STATE_A, CANDS_A, 1),), -LN2, -LN2)]
    cfg = FitConfig(epochs=30, batch_size=1, lr=0.05)

    def p_demo(anchor_weight: float) -> float:
        model = _model(3)
        fit_dpo(model, pairs, cfg, beta=0.5, seed=0, anchor=[demo], anchor_weight=anchor_weight)
        with torch.inference_mode():
            batch = decision_batch([demo])
            logits = model(*batch.inputs())
        return float(torch.softmax(logits, 0)[1])

    assert p_demo(0.0) < 0.05  # plain DPO pushes the rejected (demonstrated) action away
    assert p_demo(2.0) > 5 * p_demo(0.0)  # the anchor holds it up
