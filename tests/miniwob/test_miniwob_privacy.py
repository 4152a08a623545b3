"""On MiniWoB, non-privileged components see the public page only: the observation carries the
instruction's words, never a task's structured answer; two twin states (the same observation, the
env holding another task instance) give the same component outputs; and twin tasks (the same page,
another hidden answer) give the random, uniform, learned and llm components the same inputs and
outputs at every state, while the privileged env judge tells them apart."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from twin_helpers import component_output

from agentq.components import registry
from agentq.planner.protocols import Step
from envs.oracle import Oracle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "components"))  # the llm tests' scripted server
from llm_fixtures import llm_env  # noqa: E402, F401 - fixture
from llm_server import chat, scripted_server  # noqa: E402

pytestmark = pytest.mark.browser

NON_PRIVILEGED = [("policy", {"name": "random"}), ("critic", {"name": "agentq.components.uniform:UniformCritic"})]


def test_the_observation_holds_the_utterance_not_the_tasks_fields(miniwob_env):
    obs, _ = miniwob_env.reset(seed=3, options={"task_id": "email-inbox-forward-nl-turk.3"})
    fields = miniwob_env.unwrapped.driver.page.evaluate("() => JSON.stringify(core.getUtterance().fields)")
    assert obs["goal"] and "{" not in obs["goal"]
    for text in (obs["goal"], obs["text"]):
        assert fields not in text and "fields" not in text


def test_a_typed_password_is_not_shown(miniwob_env):
    miniwob_env.reset(seed=2, options={"task_id": "login-user.2"})
    obs = miniwob_env.step('fill(2, "secret")')[0]
    assert "secret" not in obs["text"]


@pytest.mark.parametrize(("kind", "spec"), NON_PRIVILEGED)
def test_twin_states_give_the_same_outputs(miniwob_env, kind, spec):
    assert registry.describe(kind, spec)["privileged"] is False
    env = miniwob_env.unwrapped
    obs, _ = env.reset(seed=7, options={"task_id": "social-media-some.7"})
    view = {**obs, "legal_actions": env.legal_actions(), "history": []}
    outputs = []
    for task_id in ("social-media-some.7", "login-user.8"):  # the env then holds another instance
        env.reset(seed=1, options={"task_id": task_id})
        component = registry.build(kind, spec, oracle=None, seed=5)
        if kind == "policy":
            outputs.append(component.propose(view, 3, np.random.default_rng(1)))
        else:
            outputs.append(component.score(view, view["legal_actions"]))
    assert outputs[0] == outputs[1]


# -- twin tasks: the same page, another hidden answer ----------------------------------------------
TWIN = "login-user.8"
# The twin's page is the task's own; only its check differs: the login is accepted for another
# password, which nothing on the page shows (the handler is JavaScript; the text tree is the DOM).
OTHER_ANSWER_JS = """() => d3.select('#subbtn').on('click', function () {
  var r = d3.select('#password')[0][0].value === 'not-the-shown-one' ? 1.0 : -1.0;
  core.endEpisode(r, r > 0);
})"""


@pytest.fixture(scope="module")
def learned_stage(tmp_path_factory):
    """A learned policy, critic and judge checkpoint (seeded weights of the project's models: what
    the twin check tests is what the components read, so the weights need only be sensitive to it)."""
    import torch

    from agentq.learn.checkpoint import save
    from agentq.learn.features import FeatureConfig
    from agentq.learn.model import ModelConfig, make_model

    folder = tmp_path_factory.mktemp("learned") / "stage"
    torch.manual_seed(0)
    features, config = FeatureConfig(buckets=4096), ModelConfig(dim=8, hidden=16)
    for kind in ("policy", "critic", "judge"):
        model = make_model(kind, features.buckets, config)
        for parameter in model.parameters():  # the wide weights start at zero: give every feature a say
            torch.nn.init.normal_(parameter, std=0.3)
        save(folder, kind, model, features, config)
    return str(folder)


def _prompt_model(body: dict) -> object:
    """Answers as a function of the prompt only, so different prompts would show in the outputs."""
    prompt = body["messages"][-1]["content"]
    h = int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16)
    if "CANDIDATE NEXT ACTIONS" in prompt:
        n = len(re.findall(r"^\d+\. ", prompt.split("CANDIDATE NEXT ACTIONS:")[1], re.M))
        if "RANKING:" in prompt:  # the single-reply critic: a ranking rotated by the prompt's hash
            return chat("RANKING: " + ", ".join(str((h + i) % n + 1) for i in range(n)))
        return chat(f"BEST: {h % n + 1}")
    if "VERDICT" in prompt:
        return chat(f"VERDICT: FAILURE\nPROBABILITY: {h % 100 / 100}")
    ids = re.findall(r"\[(\d+)\]", prompt) or ["1"]
    return chat("ACTIONS:\n" + "\n".join(f"click({ids[(h + i) % len(ids)]})" for i in range(3)))


def _non_privileged(server_url: str, checkpoint: str) -> list[tuple[str, dict]]:
    llm = {"name": "llm", "base_url": server_url, "model": "m", "cache": False}
    return [
        *NON_PRIVILEGED,
        ("policy", {"name": "learned", "checkpoint": checkpoint}),
        ("critic", {"name": "learned", "checkpoint": checkpoint}),
        ("judge", {"name": "learned", "checkpoint": checkpoint}),
        ("policy", llm), ("critic", llm), ("critic", {**llm, "mode": "single"}), ("judge", llm),
    ]  # fmt: skip


def _twin_episode(env, other_answer: bool, checkpoint: str) -> tuple[list, list[str], float]:
    """Observations and non-privileged outputs at every state of the scripted login, the prompts
    the llm components sent, and the page's verdict (the privileged env judge)."""
    u = env.unwrapped
    obs, _ = env.reset(seed=8, options={"task_id": TWIN})
    if other_answer:
        u.driver.page.evaluate(OTHER_ANSWER_JS)
    username, password = re.findall(r'"([^"]+)"', obs["goal"])
    ids = {name: int(i) for i, name in re.findall(r'\[(\d+)\] \w+ "(\w+)"', obs["text"])}
    actions = [f'fill({ids["Username"]}, "{username}")', f'fill({ids["Password"]}, "{password}")', f'click({ids["Login"]})']
    seen: list = []
    trajectory: list[Step] = []
    with scripted_server(_prompt_model) as server:
        components = [(kind, spec, registry.build(kind, spec, oracle=Oracle(env), seed=3))
                      for kind, spec in _non_privileged(server.base_url, checkpoint)]  # fmt: skip
        for component in (c for _, _, c in components):
            assert component.privileged is False and Oracle not in {type(v) for v in vars(component).values()}
        env_judge = registry.build("judge", {"name": "env"}, oracle=Oracle(env))
        for action in [*actions, None]:
            view = {**obs, "legal_actions": u.legal_actions(), "history": [s.action for s in trajectory]}
            seen.append((view, [(kind, spec["name"], component_output(kind, component, view, trajectory))
                                for kind, spec, component in components]))  # fmt: skip
            if action is None:
                break
            trajectory.append(Step(view, action))
            obs, *_ = env.step(action)
        verdict = env_judge.judge(obs["goal"], trajectory, obs)
        prompts = [seen_request.prompt for seen_request in server.requests]
    return seen, prompts, verdict


def test_twin_tasks_differing_only_in_the_hidden_answer_give_identical_outputs(miniwob_env, learned_stage, llm_env):
    plain, plain_prompts, plain_verdict = _twin_episode(miniwob_env, False, learned_stage)
    twin, twin_prompts, twin_verdict = _twin_episode(miniwob_env, True, learned_stage)
    assert len(plain) == len(twin) == 4
    for (view_a, outputs_a), (view_b, outputs_b) in zip(plain, twin):
        assert view_a == view_b  # the page does not show the hidden answer
        for a, b in zip(outputs_a, outputs_b):
            assert a == b, a[:2]
    assert plain_prompts == twin_prompts and len(plain_prompts) >= 4 * 4  # llm: the same requests, every state
    kinds = {name for _, outputs in plain for _, name, _ in outputs}
    assert {"random", "learned", "llm"} <= kinds
    # the privileged env judge reads the hidden answer, so the check can tell a component that does
    assert (plain_verdict, twin_verdict) == (1.0, 0.0)
