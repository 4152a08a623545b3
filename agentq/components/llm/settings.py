"""Settings of the llm components (pydantic, read from experiment YAML) and environment switches."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

CACHE_DIR_ENV = "AGENTQ_CACHE_DIR"  # the response cache folder itself
CACHE_SWITCH_ENV = "AGENTQ_LLM_CACHE"  # "0" turns the cache off for every component (--no-cache)
DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"


class LLMParams(BaseModel):
    """Settings shared by the llm policy, critic and judge. The API key is never a setting."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    base_url: str = DEFAULT_BASE_URL  # an OpenAI-compatible server; /chat/completions is appended
    model: str = Field(min_length=1)
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(512, ge=1)
    seed: int | None = None  # sent as the request's `seed` (varied per sample) when set
    api_key_env: str = Field("OPENAI_API_KEY", min_length=1)  # environment variable holding the key
    timeout_s: float = Field(60.0, gt=0)  # per attempt, connect to last byte
    max_retries: int = Field(3, ge=0)  # on 429, 5xx, timeouts and connection errors
    backoff_s: float = Field(0.5, ge=0)  # first retry delay; doubles each retry (+ up to 25% jitter)
    max_backoff_s: float = Field(30.0, ge=0)  # cap on a delay, Retry-After included
    max_concurrency: int = Field(4, ge=1)  # requests in flight per endpoint, across this process's threads
    price_prompt_per_mtok: float | None = Field(None, ge=0)  # USD per million prompt tokens
    price_completion_per_mtok: float | None = Field(None, ge=0)  # USD per million completion tokens
    cache: bool = True  # the on-disk response cache (AGENTQ_LLM_CACHE=0 turns it off for a run)
    max_page_chars: int = Field(16000, ge=100)  # page text beyond this is cut (with a marker)

    @field_validator("base_url")
    @classmethod
    def _plain_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("base_url must be an http(s) URL such as http://127.0.0.1:8000/v1")
        if parts.username or parts.password:
            raise ValueError("base_url must not carry credentials; put the key in the variable named by api_key_env")
        if parts.query or parts.fragment:
            raise ValueError("base_url must not have a query or fragment")
        return value.rstrip("/")


class LLMPolicyParams(LLMParams):
    """The llm policy: samples at temperature 1 by default."""

    temperature: float = Field(1.0, ge=0, le=2)


class LLMCriticParams(LLMParams):
    """The llm critic: `iterative` (Agent Q: pick the best, remove it, ask again) or one `single` ranking call."""

    mode: Literal["iterative", "single"] = "iterative"


class LLMJudgeParams(LLMParams):
    """The llm judge."""


def cache_dir() -> Path:
    """The response cache folder: $AGENTQ_CACHE_DIR, else $XDG_CACHE_HOME/agentq/llm, else ~/.cache/agentq/llm."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "agentq" / "llm"


def cache_enabled_globally() -> bool:
    """False when AGENTQ_LLM_CACHE is 0/false/off/no (``python -m agentq.run --no-cache`` sets it)."""
    return os.environ.get(CACHE_SWITCH_ENV, "1").strip().lower() not in ("0", "false", "off", "no")
