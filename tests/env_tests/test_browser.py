"""The browser backend for real: Playwright + Chromium against the site on loopback."""

from __future__ import annotations

import socket

import gymnasium as gym
import numpy as np
import psutil
import pytest
from gymnasium.utils.env_checker import check_env

from mock_sites.restaurant.tasks import load_suite
from env_helpers import run_expert
from process_helpers import is_running, kill_and_wait
from envs.oracle import Oracle

pytestmark = pytest.mark.browser


def _chromium_pids() -> set[int]:
    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower():
                pids.add(child.pid)
        except psutil.Error:
            continue
    return pids


def test_check_env_passes_on_the_browser(browser_env) -> None:
    check_env(browser_env.unwrapped, skip_render_check=True)


def test_render_returns_a_screenshot(browser_env) -> None:
    browser_env.reset(seed=0, options={"task_id": "dev-0000"})
    frame = browser_env.render()
    assert isinstance(frame, np.ndarray) and frame.ndim == 3 and frame.shape[2] == 3
    assert frame.shape[0] > 100 and frame.std() > 0  # a real page, not a blank image


@pytest.mark.slow
def test_expert_solves_every_dev_task_in_the_browser(browser_env) -> None:
    failures = [t.id for t in load_suite("dev") if run_expert(browser_env, t.id)[1] != 1.0]
    assert failures == []


def test_snapshot_restore_in_the_browser_and_across_backends(browser_env) -> None:
    task = next(t for t in load_suite("dev") if t.difficulty == "medium" and t.expected.kind == "booking")
    browser_env.reset(seed=2, options={"task_id": task.id})
    obs = None
    while obs is None or obs["url"] != "/book/details" or "fill" not in Oracle(browser_env).expert_action():
        obs, *_ = browser_env.step(Oracle(browser_env).expert_action())
    obs, *_ = browser_env.step(Oracle(browser_env).expert_action())  # a typed value
    state = browser_env.unwrapped.snapshot()
    browser_env.step('goto("/reservations")')
    assert browser_env.unwrapped.restore(state) == obs
    http = gym.make("agentq/Restaurant-v0", backend="http")
    http.reset(seed=2, options={"task_id": task.id})  # gymnasium's order enforcement wants a reset first
    assert http.unwrapped.restore(state) == obs
    # and back: an http state restored into the browser
    http_obs, *_ = http.step(Oracle(http).expert_action())
    assert browser_env.unwrapped.restore(http.unwrapped.snapshot()) == http_obs
    http.close()


def test_a_dead_browser_is_reported_and_the_next_reset_works() -> None:
    env = gym.make("agentq/Restaurant-v0", backend="browser")
    env.reset(seed=0, options={"task_id": "dev-0000"})
    pid = env.unwrapped.backend.browser_pid()
    assert pid is not None
    try:
        kill_and_wait(pid)
        assert not is_running(pid)
        obs, reward, terminated, truncated, info = env.step("click(1)")
        assert truncated and reward == 0.0
        assert "browser" in obs["last_action_error"] and "error" in info
        actions, reward, _ = run_expert(env, "dev-0000")
        assert reward == 1.0
    finally:
        env.close()  # a failure here must not leave this thread's shared Playwright driver running


def test_close_leaves_no_browser_or_server_behind() -> None:
    before = _chromium_pids()
    env = gym.make("agentq/Restaurant-v0", backend="browser")
    env.reset(seed=0, options={"task_id": "dev-0001"})
    port = int(env.unwrapped._server.url.rsplit(":", 1)[1])
    started = _chromium_pids() - before
    assert started
    env.close()
    alive = [pid for pid in started if is_running(pid)]
    assert alive == []
    with pytest.raises(OSError):  # the site's server thread is gone too
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_two_envs_on_one_server_never_see_each_other() -> None:
    import secrets

    from mock_sites.restaurant.app import create_app
    from envs.serving import SiteServer

    token = secrets.token_urlsafe(16)
    with SiteServer(create_app(sandbox_token=token)) as server:
        a = gym.make("agentq/Restaurant-v0", backend="browser", server_url=server.url, server_token=token)
        b = gym.make("agentq/Restaurant-v0", backend="browser", server_url=server.url, server_token=token)
        tasks = [t for t in load_suite("dev") if t.expected.kind == "booking"][:2]
        a.reset(seed=1, options={"task_id": tasks[0].id})
        b.reset(seed=2, options={"task_id": tasks[1].id})
        done = {"a": False, "b": False}
        while not all(done.values()):  # interleave the two episodes step by step
            for name, env in (("a", a), ("b", b)):
                if not done[name]:
                    _, reward, terminated, truncated, _ = env.step(Oracle(env).expert_action())
                    done[name] = terminated or truncated
        rows_a = a.unwrapped.backend.site_state()[1]
        rows_b = b.unwrapped.backend.site_state()[1]
        assert [r["rid"] for r in rows_a] == [tasks[0].goal.restaurant_id]
        assert [r["rid"] for r in rows_b] == [tasks[1].goal.restaurant_id]
        obs_a, *_ = a.step('goto("/reservations")')
        assert rows_a[0]["code"] in obs_a["text"] and rows_b[0]["code"] not in obs_a["text"]
        obs_b, *_ = b.step(f'goto("/reservations/{rows_a[0]["code"]}")')
        assert rows_a[0]["code"] not in obs_b["text"]
        a.close()
        b.close()


def test_a_failing_browser_operation_is_reported_not_raised(browser_env, monkeypatch) -> None:
    obs, _ = browser_env.reset(seed=0, options={"task_id": "dev-0000"})
    backend = browser_env.unwrapped.backend
    backend.context.set_default_timeout(300)
    monkeypatch.setattr(backend, "_locator", lambda element: backend.page.locator("#no-such-element"))
    after, reward, terminated, truncated, _ = browser_env.step("click(1)")
    assert "the browser could not do it" in after["last_action_error"]
    assert after["text"] == obs["text"] and not terminated and not truncated
    monkeypatch.undo()
    backend.context.set_default_timeout(5_000)
    assert browser_env.step(Oracle(browser_env).expert_action())[0]["last_action_error"] == ""
