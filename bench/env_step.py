"""Benchmark the environment: http vs browser steps, our browser step vs raw Playwright, restore vs replay;
then MiniWoB beside the restaurant's browser backend (step, seeded reset, restore at depth 5).

Everything is measured side by side in one run on the same expert episodes, and printed as
ratios (the machine is shared and noisy; absolute times are for orientation only).

    python bench/env_step.py [--tasks 4] [--part all|restaurant|miniwob]
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


def miniwob_walk(env: gym.Env, task: str, depth: int, seed: int = 0) -> list[str]:
    """A seeded random walk over the legal actions that is still running after `depth` steps."""
    import random

    u = env.unwrapped
    for attempt in range(50):
        rng = random.Random(attempt)
        env.reset(seed=seed, options={"task_id": f"{task}.{seed}"})
        actions: list[str] = []
        for _ in range(depth):
            action = rng.choice(u.legal_actions())
            _, _, terminated, truncated, _ = env.step(action)
            actions.append(action)
            if terminated or truncated:
                break
        if len(actions) == depth and not u.terminated:
            return actions
    raise RuntimeError(f"no {depth}-step walk on {task} stays unfinished")


def reset_and_restore_times(env: gym.Env, task_id: str, seed: int, actions: list[str], other: dict) -> tuple[list[float], list[float]]:
    """Seeded reset times, and times to restore the state after `actions` from another episode."""
    u = env.unwrapped
    env.reset(seed=seed, options={"task_id": task_id})
    for action in actions:
        env.step(action)
    state = u.snapshot()
    resets, restores = [], []
    for _ in range(3):
        resets.append(timed(lambda: env.reset(seed=seed, options={"task_id": task_id})))
        env.reset(**other)
        restores.append(timed(lambda: u.restore(state)))
    return resets, restores


def miniwob_table(console: Console, restaurant_tasks: int) -> None:
    """MiniWoB's step, reset and restore-by-replay at depth 5 beside the restaurant's browser backend."""
    import mock_sites.miniwob  # noqa: F401 - registers agentq/MiniWoB-v0
    from mock_sites.miniwob.tasks import TASKS

    depth = 5
    cells: dict[str, dict[str, list[float]]] = {"restaurant": {}, "miniwob": {}}
    browser = gym.make("agentq/Restaurant-v0", backend="browser")
    http = gym.make("agentq/Restaurant-v0", backend="http")
    tasks = [t.id for t in load_suite("dev") if t.expected.kind == "booking"][:restaurant_tasks]
    for task_id in tasks:
        actions = expert_actions(http, task_id)[:depth]
        c = cells["restaurant"]
        c.setdefault("step", []).extend(step_times(browser, task_id, actions))
        resets, restores = reset_and_restore_times(browser, task_id, 0, actions, {"seed": 1, "options": {"task_id": tasks[0]}})
        c.setdefault("reset", []).extend(resets)
        c.setdefault("restore", []).extend(restores)
    http.close()
    browser.close()
    env = gym.make("agentq/MiniWoB-v0", task="login-user")
    replayed = 0
    for task in TASKS:
        actions = miniwob_walk(env, task, depth)
        c = cells["miniwob"]
        c.setdefault("step", []).extend(step_times(env, f"{task}.0", actions))
        before = env.unwrapped.counters["replayed"]
        resets, restores = reset_and_restore_times(env, f"{task}.0", 0, actions, {"seed": 1, "options": {"task_id": "login-user.1"}})
        replayed += env.unwrapped.counters["replayed"] - before
        c.setdefault("reset", []).extend(resets)
        c.setdefault("restore", []).extend(restores)
    env.close()
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"  # noqa: E731
    table = Table(title=f"browser backends side by side: {len(tasks)} restaurant dev tasks, {len(TASKS)} MiniWoB tasks")
    for column in ("median", "restaurant (browser)", "MiniWoB", "ratio MiniWoB/restaurant"):
        table.add_column(column)
    for key, label in (("step", "step"), ("reset", "seeded reset"), ("restore", f"restore at depth {depth}")):
        r, m = statistics.median(cells["restaurant"][key]), statistics.median(cells["miniwob"][key])
        table.add_row(label, ms(r), ms(m), f"{m / r:.1f}x")
    console.print(table)
    console.print(f"MiniWoB restores replay the prefix: {replayed} actions replayed for {3 * len(TASKS)} restores "
                  "(the restaurant restores its server state in one call)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=4, help="hard dev tasks to use (default 4)")
    parser.add_argument("--part", choices=("all", "restaurant", "miniwob"), default="all", help="which tables to measure")
    args = parser.parse_args()
    console = Console(width=150)
    if args.part in ("all", "miniwob"):
        miniwob_table(console, args.tasks)
    if args.part == "miniwob":
        return
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
