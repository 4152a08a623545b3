"""What `python -m agentq.run` says about llm components at the start of a run."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from agentq.components.llm.settings import CACHE_SWITCH_ENV, cache_dir, cache_enabled_globally


def _mentions_llm(spec: Any) -> bool:
    """A spec named llm, or a composite spec (ensemble members, a noisy judge's base) holding one."""
    if isinstance(spec, Mapping):
        nested = (v for v in spec.values() if isinstance(v, (Mapping, list, tuple)))
        return spec.get("name") == "llm" or any(_mentions_llm(v) for v in nested)
    if isinstance(spec, (list, tuple)):
        return any(_mentions_llm(v) for v in spec)
    return spec == "llm"


def uses_llm(agents: Iterable[Any]) -> bool:
    """Whether any agent's policy, critic or judge (nested members included) is an llm component."""
    return any(_mentions_llm(getattr(a, kind, None)) for a in agents for kind in ("policy", "critic", "judge"))


def cache_note() -> str:
    """One line naming the response cache folder, or saying that the cache is off."""
    if not cache_enabled_globally():
        return "LLM response cache: off for this run"
    return f"LLM response cache: {cache_dir()}"


def set_cache_switch(no_cache: bool) -> None:
    """For ``--no-cache``: set AGENTQ_LLM_CACHE=0 so every component, in every worker process, skips the cache."""
    if no_cache:
        os.environ[CACHE_SWITCH_ENV] = "0"
