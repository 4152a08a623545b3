"""Benchmark the environment: http vs browser steps, our browser step vs raw Playwright, restore vs replay.

Everything is measured side by side in one run on the same expert episodes, and printed as
ratios (the machine is shared and noisy; absolute times are for orientation only).

    python bench/env_step.py [--tasks 4]
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym
from rich.console import Console
from rich.table import Table

import mock_sites.restaurant  # noqa: F401 - registers agentq/Restaurant-v0
from envs.actions import parse_action
from mock_sites.restaurant.tasks import load_suite
from envs.oracle import Oracle


def expert_actions(env: gym.Env, task_id: str) -> list[str]:
    env.reset(seed=0, options={"task_id": task_id})
    actions = []
    while True:
        action = Oracle(env).expert_action()
        actions.append(action)
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            return actions


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def step_times(env: gym.Env, task_id: str, actions: list[str]) -> list[float]:
    env.reset(seed=0, options={"task_id": task_id})
    return [timed(lambda a=a: env.step(a)) for a in actions]


def raw_playwright_op(backend, page, action: str) -> None:
    """The same operation done with Playwright directly, without our observation layer."""
    parsed = parse_action(action)
    locator = backend.page.locator("a[href], button, input:not([type=\"hidden\"]), select, textarea").nth((parsed.element or 1) - 1)
    if parsed.kind == "click":
        element = page.element(parsed.element)
        if element.role == "link" or element.role == "button":
            with backend.page.expect_navigation(wait_until="load"):
                locator.click()
        else:
            locator.click()
    elif parsed.kind == "fill":
        locator.fill(parsed.text)
    elif parsed.kind == "select":
        locator.select_option(value=page.element(parsed.element).option_value(parsed.text))
    elif parsed.kind == "goto":
        backend.page.goto(backend.base_url + parsed.text, wait_until="load")


def ours_vs_raw(env: gym.Env, task_id: str, actions: list[str]) -> tuple[list[float], list[float]]:
    """Per page-changing step: time our env.step and the raw Playwright op from the same state."""
    u = env.unwrapped
    env.reset(seed=0, options={"task_id": task_id})
    ours, raw = [], []
    for index, action in enumerate(actions):
        kind = parse_action(action).kind
        state = u.snapshot()
        if kind in ("click", "fill", "select", "goto"):
            page = u.page
            order = (0, 1) if index % 2 == 0 else (1, 0)
            for which in order:
                u.restore(state)
                if which == 0:
                    raw.append(timed(lambda: raw_playwright_op(u.backend, page, action)))
                else:
                    ours.append(timed(lambda: env.step(action)))
            u.restore(state)
        env.step(action)
    return ours, raw


def restore_vs_replay(env: gym.Env, task_id: str, actions: list[str], depth: int = 10, repeats: int = 3) -> tuple[float, float]:
    u = env.unwrapped
    env.reset(seed=0, options={"task_id": task_id})
    for action in actions[:depth]:
        env.step(action)
    state = u.snapshot()
    restore_s, replay_s = [], []
    for _ in range(repeats):
        restore_s.append(timed(lambda: u.restore(state)))

        def replay() -> None:
            env.reset(seed=0, options={"task_id": task_id})
            for action in actions[:depth]:
                env.step(action)

        replay_s.append(timed(replay))
    return statistics.median(restore_s), statistics.median(replay_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=4, help="hard dev tasks to use (default 4)")
    args = parser.parse_args()
    console = Console(width=150)
    http = gym.make("agentq/Restaurant-v0", backend="http")
    browser = gym.make("agentq/Restaurant-v0", backend="browser")
    tasks = [t.id for t in load_suite("dev") if t.difficulty == "hard" and t.expected.kind == "booking"][: args.tasks]
    episodes = {task_id: expert_actions(http, task_id) for task_id in tasks}
    http_steps, browser_steps, ours, raw = [], [], [], []
    restores = {"http": [], "browser": []}
    for task_id, actions in episodes.items():
        http_steps += step_times(http, task_id, actions)
        browser_steps += step_times(browser, task_id, actions)
        o, r = ours_vs_raw(browser, task_id, actions)
        ours += o
        raw += r
        for name, env in (("http", http), ("browser", browser)):
            if len(actions) >= 10:
                restores[name].append(restore_vs_replay(env, task_id, actions))
    http.close()
    browser.close()

    ms = lambda seconds: f"{seconds * 1000:.2f} ms"  # noqa: E731
    table = Table(title=f"env steps on {len(tasks)} hard dev expert episodes ({len(http_steps)} steps)")
    for column in ("measure", "A", "B", "ratio B/A", "target"):
        table.add_column(column)
    h, b = statistics.median(http_steps), statistics.median(browser_steps)
    table.add_row("median step: http (A) vs browser (B)", ms(h), ms(b), f"{b / h:.1f}x", ">= 20x")
    o, r = statistics.median(ours), statistics.median(raw)
    table.add_row("median browser step: raw Playwright (A) vs ours (B)", ms(r), ms(o), f"{o / r:.2f}x", "< 1.5x")
    for name, target in (("http", 10), ("browser", 3)):
        pairs = restores[name]
        restore = statistics.median(p[0] for p in pairs)
        replay = statistics.median(p[1] for p in pairs)
        table.add_row(f"depth-10 state on {name}: restore (A) vs reset+replay (B)", ms(restore), ms(replay), f"{replay / restore:.1f}x", f">= {target}x")
    console.print(table)


if __name__ == "__main__":
    main()
