"""The search frontier of a run: success against env steps per episode, one line per agent kind, one
panel per judge, with Wilson bands; paired McNemar tests of mcts against the best other kind at each
point; model calls per episode beside the env steps; the critic-accuracy sweep.

    python -m agentq.frontier RUN_DIR [--out docs/results] [--name search_frontier]

A row's place on the frontier is read from its sweep point and components: the family is the agent's
name up to the first ``-`` (``mcts-critic`` sweeps the critic of ``mcts``), the budget its
``planner.episode_env_steps``, the judge its ``judge.flip`` (0 = exact) and the critic its accuracy.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from agentq.paired import mcnemar_exact
from agentq.plots import save_figure
from agentq.stats import wilson_interval

MCTS = "mcts"  # the family tested against the best other kind


def _point(row: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """(family, budget, flip, accuracy) of a row, from its agent's resolved config and sweep point."""
    agent = next(a for a in config["agents"] if a["name"] == row["agent"])
    values: dict[str, Any] = {
        "budget": (agent.get("planner") or {}).get("episode_env_steps"),
        "flip": (agent.get("judge") or {}).get("flip"),
        "accuracy": (agent.get("critic") or {}).get("accuracy"),
    }
    for key, value in (row.get("sweep_point") or {}).items():
        for field, suffix in (("budget", "planner.episode_env_steps"), ("flip", "judge.flip"), ("accuracy", "critic.accuracy")):
            if key.endswith(suffix):
                values[field] = value
    return {"family": row["agent"].split("-")[0], "variant": row["agent"], **values}


def frontier_groups(run_dir: Path) -> list[dict[str, Any]]:
    """One group per (agent, sweep point): its place, success, interval, env steps, model calls, tasks."""
    import yaml

    config = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    groups: dict[tuple, dict[str, Any]] = {}
    for line in (run_dir / "episodes.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("error"):
            continue
        place = _point(row, config)
        key = (row["agent"], json.dumps(row.get("sweep_point") or {}, sort_keys=True))
        g = groups.setdefault(key, {**place, "rows": [], "solved": {}})
        g["rows"].append(row)
        g["solved"][row["task_id"]] = bool(row["success"])
    out = []
    for g in groups.values():
        rows = g.pop("rows")
        n = len(rows)
        wins = sum(r["success"] for r in rows)
        low, high = wilson_interval(wins, n)
        calls: dict[str, float] = defaultdict(float)
        for r in rows:
            for k, v in (r.get("model_calls") or {}).items():
                calls[k] += v / n
        out.append({
            **g, "n": n, "success": 100 * wins / n, "low": 100 * low, "high": 100 * high,
            "env_steps": sum(r["env_steps"] for r in rows) / n, "max_env_steps": max(r["env_steps"] for r in rows),
            "model_calls": dict(calls), "wall_s": sum(r["timings"]["wall_s"] for r in rows) / n,
        })  # fmt: skip
    return out


def judge_label(flip: float | None) -> str:
    return "exact judge" if not flip else f"judge flip {flip:g}"


def _paired(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, int, float]:
    tasks = sorted(set(a["solved"]) & set(b["solved"]))
    only_a = sum(a["solved"][t] and not b["solved"][t] for t in tasks)
    only_b = sum(b["solved"][t] and not a["solved"][t] for t in tasks)
    return only_a, only_b, mcnemar_exact(only_a, only_b)


def _calls(g: dict[str, Any]) -> str:
    c = g["model_calls"]
    return f"{c.get('policy_samples', 0):.0f} / {c.get('critic_calls', 0):.0f} / {c.get('judge_calls', 0):.0f}"


def frontier_markdown(groups: list[dict[str, Any]], title: str) -> str:
    """The frontier tables: per judge, success % (and env steps, model calls) of every kind at
    every budget; mcts against the best other kind, paired; the critic-accuracy sweep."""
    main = [g for g in groups if g["variant"] == g["family"]]  # the grid; "kind-critic" agents sweep the critic
    budgets = sorted({g["budget"] for g in main if g["budget"] is not None})
    flips = sorted({g["flip"] for g in main if g["flip"] is not None})
    families = list(dict.fromkeys(g["family"] for g in main))
    lines = [f"# {title}", ""]
    greedy = next((g for g in main if g["family"] == "critic_greedy"), None)
    if greedy is not None:
        lines += [f"critic_greedy (no search, no judge): {greedy['success']:.0f}% "
                  f"({greedy['low']:.0f}-{greedy['high']:.0f}), {greedy['env_steps']:.0f} env steps, {greedy['n']} tasks.", ""]
    for flip in flips:
        lines += [f"## {judge_label(flip)}", "",
                  "| kind | " + " | ".join(f"{b} steps" for b in budgets) + " |",
                  "|---|" + "---|" * len(budgets)]  # fmt: skip
        by = {(g["family"], g["budget"]): g for g in main if g["flip"] == flip}
        for fam in families:
            if fam == "critic_greedy":
                continue
            cells = []
            for b in budgets:
                g = by.get((fam, b))
                cells.append("" if g is None else f"{g['success']:.0f} ({g['low']:.0f}-{g['high']:.0f}), {g['env_steps']:.0f} st, {_calls(g)}")
            lines.append(f"| {fam} | " + " | ".join(cells) + " |")
        lines += ["", "mcts against the best other kind at each budget (paired on the same tasks, exact McNemar; "
                  "\"a/b\" = tasks only mcts / only the other solved):", ""]
        for b in budgets:
            m = by.get((MCTS, b))
            others = [g for (fam, bb), g in by.items() if bb == b and fam != MCTS]
            if m is None or not others:
                continue
            best = max(others, key=lambda g: (g["success"], -g["env_steps"]))
            a, o, p = _paired(m, best)
            lines.append(f"- {b} steps: mcts {m['success']:.0f} vs {best['family']} {best['success']:.0f}: {a}/{o}, p = {p:.3g}")
        lines.append("")
    sweep = [g for g in groups if g["variant"] != g["family"]]
    if sweep:
        accs = sorted({g["accuracy"] for g in sweep} | {0.7})
        lines += ["## Critic accuracy (300 env steps, judge flip 0.1)", "",
                  "| kind | " + " | ".join(f"critic {a:g}" for a in accs) + " |", "|---|" + "---|" * len(accs)]
        for fam in families:
            at_07 = [g for g in main if g["family"] == fam and g["budget"] in (300, None) and g["flip"] in (0.1, None)]
            if not any(g["family"] == fam for g in sweep):  # no critic to sweep (best_of_n)
                if at_07:
                    lines.append(f"| {fam} (no critic) | " + " | ".join(f"{at_07[0]['success']:.0f}" for _ in accs) + " |")
                continue
            cells = []
            for acc in accs:
                pool = at_07 if acc == 0.7 else [g for g in sweep if g["family"] == fam and g["accuracy"] == acc]
                cells.append(f"{pool[0]['success']:.0f} ({pool[0]['env_steps']:.0f} st)" if pool else "")
            lines.append(f"| {fam} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["Cells: success % (95% Wilson interval), env steps per episode, model calls per episode "
              "(policy samples / critic calls / judge calls).", ""]
    return "\n".join(lines)


def plot_frontier(groups: list[dict[str, Any]], path: Path) -> Path:
    """Success against env steps per episode: one panel per judge, one line per kind, Wilson bands."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    main = [g for g in groups if g["variant"] == g["family"] and g["budget"] is not None]
    flips = sorted({g["flip"] for g in main})
    greedy = next((g for g in groups if g["family"] == "critic_greedy" and g["variant"] == "critic_greedy"), None)
    fig, axes = plt.subplots(1, len(flips), figsize=(5 * len(flips), 4), sharey=True, squeeze=False)
    for ax, flip in zip(axes[0], flips):
        for fam in dict.fromkeys(g["family"] for g in main):
            pts = sorted((g for g in main if g["family"] == fam and g["flip"] == flip), key=lambda g: g["budget"])
            if not pts:
                continue
            xs = [g["budget"] for g in pts]
            line, = ax.plot(xs, [g["success"] for g in pts], marker="o", label=fam)
            ax.fill_between(xs, [g["low"] for g in pts], [g["high"] for g in pts], alpha=0.12, color=line.get_color())
        if greedy is not None:
            ax.axhline(greedy["success"], color="grey", linestyle=":", label="critic_greedy (no search)")
        ax.set_xscale("log")
        ax.set_xticks(sorted({g["budget"] for g in main}))
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_title(judge_label(flip))
        ax.set_xlabel("env steps per episode (budget)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("success % (95% Wilson band)")
    axes[0][-1].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/results"))
    parser.add_argument("--name", default="search_frontier")
    args = parser.parse_args(argv)
    if not (args.run_dir / "episodes.jsonl").is_file():
        parser.error(f"{args.run_dir}: no episodes.jsonl (give a run folder of agentq.run)")
    groups = frontier_groups(args.run_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    md = frontier_markdown(groups, f"Search frontier ({args.run_dir.name})")
    (args.out / f"{args.name}.md").write_text(md, encoding="utf-8")
    plot_frontier(groups, args.out / f"{args.name}.png")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
