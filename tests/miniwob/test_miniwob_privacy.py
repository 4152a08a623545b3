"""On MiniWoB, non-privileged components see the public page only: the observation carries the
instruction's words, never a task's structured answer, and two twin states (the same observation,
the env holding another task instance) give the same component outputs."""

from __future__ import annotations

import numpy as np
import pytest

from agentq.components import registry

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
