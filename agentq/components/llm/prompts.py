"""Chat messages for the llm policy, critic and judge (Agent Q's prompt shape, site-agnostic).

Every prompt is built from the public observation only: the instruction (`goal`), the page text,
the URL, the actions so far (`history`) and the last action's error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Messages = list[dict[str, str]]

GRAMMAR = """\
Actions (an id is the number in [brackets] before an element of the page):
  click(id)              click a link, button, checkbox or radio button, e.g. click(12)
  fill(id, "text")       type text into a field, e.g. fill(12, "Ana Ruiz")
  select(id, "option")   choose an option of a drop-down, e.g. select(5, "7:00 PM")
  goto("/path")          open a path of this site, e.g. goto("/")
  back()                 go back one page
  ask_user("question")   ask the user for something the objective does not say
  stop("answer")         finish: say what was done, or why it cannot be done"""

AGENT_SYSTEM = (
    "You are a web agent. You operate a website through actions to accomplish the user's objective.\n\n"
    + GRAMMAR
)
CRITIC_SYSTEM = (
    "You evaluate candidate next actions of a web agent that operates a website to accomplish "
    "the user's objective.\n\n" + GRAMMAR
)
JUDGE_SYSTEM = (
    "You judge whether a web agent accomplished the user's objective on a website, from the actions "
    "it took and the final page."
)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with a marker when it was cut."""
    return text if len(text) <= limit else text[:limit] + f"\n[... {len(text) - limit} more characters cut]"


def numbered(items: Sequence[str], empty: str = "(none)") -> str:
    """'1. a' lines, or `empty`."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)) or empty


def state_block(obs: dict[str, Any], max_page_chars: int) -> str:
    """The objective, the page and the actions so far."""
    parts = [
        f"OBJECTIVE: {obs.get('goal', '')}",
        f"URL: {obs.get('url', '')}",
        f"PAGE:\n{clip(str(obs.get('text', '')), max_page_chars)}",
        f"PREVIOUS ACTIONS:\n{numbered([str(a) for a in obs.get('history', []) or []])}",
    ]
    if obs.get("last_action_error"):
        parts.append(f"THE LAST ACTION FAILED: {obs['last_action_error']}")
    return "\n\n".join(parts)


def policy_messages(obs: dict[str, Any], k: int, max_page_chars: int) -> Messages:
    """Ask for a short plan, a thought and up to k candidate next actions, best first."""
    ask = (
        f"Reply in exactly this format:\n"
        f"PLAN: <a short plan for the rest of the task>\n"
        f"THOUGHT: <what to do next, and why>\n"
        f"ACTIONS:\n<{'the next action' if k == 1 else f'{k} different candidate next actions, best first'}, "
        f"one per line, each written in the action grammar and nothing else on the line>"
    )
    return [
        {"role": "system", "content": AGENT_SYSTEM},
        {"role": "user", "content": f"{state_block(obs, max_page_chars)}\n\n{ask}"},
    ]


def _critic_messages(obs: dict[str, Any], candidates: Sequence[str], question: str, max_page_chars: int) -> Messages:
    """The critic's system prompt, then the state, the numbered candidates and `question`."""
    ask = f"CANDIDATE NEXT ACTIONS:\n{numbered(candidates)}\n\n{question}"
    return [
        {"role": "system", "content": CRITIC_SYSTEM},
        {"role": "user", "content": f"{state_block(obs, max_page_chars)}\n\n{ask}"},
    ]


def best_of_messages(obs: dict[str, Any], candidates: Sequence[str], max_page_chars: int) -> Messages:
    """Ask which candidate is the best next action (one round of the iterative critic)."""
    question = ("Which candidate is the best next action toward the objective? Think briefly, then end your "
                "reply with the line\nBEST: <number of the candidate>")  # fmt: skip
    return _critic_messages(obs, candidates, question, max_page_chars)


def ranking_messages(obs: dict[str, Any], candidates: Sequence[str], max_page_chars: int) -> Messages:
    """Ask for a ranking of all candidates in one reply (the critic's `single` mode)."""
    question = ("Rank the candidates from the best next action toward the objective to the worst. Think briefly, "
                "then end your reply with the line\nRANKING: <candidate numbers, best first, separated by commas>")  # fmt: skip
    return _critic_messages(obs, candidates, question, max_page_chars)


def judge_messages(goal: str, actions: Sequence[str], final_obs: dict[str, Any], max_page_chars: int) -> Messages:
    """Ask for a verdict and the probability that the objective was accomplished."""
    parts = [
        f"OBJECTIVE: {goal}",
        f"ACTIONS TAKEN:\n{numbered(actions)}",
        f"FINAL URL: {final_obs.get('url', '')}",
        f"FINAL PAGE:\n{clip(str(final_obs.get('text', '')), max_page_chars)}",
    ]
    if final_obs.get("last_action_error"):
        parts.append(f"THE LAST ACTION FAILED: {final_obs['last_action_error']}")
    parts.append(
        "Did the agent accomplish the objective, exactly as asked and nothing else? If the objective "
        "cannot be accomplished, success means the agent stopped and said so. Think briefly, then end "
        "your reply with the two lines\nVERDICT: SUCCESS or FAILURE\n"
        "PROBABILITY: <the probability from 0 to 1 that the objective was accomplished>"
    )
    return [{"role": "system", "content": JUDGE_SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]
