"""Chat completions from one OpenAI-compatible endpoint: cache, retries, concurrency limit, usage.

Sampling and the cache: at temperature 0 the cache key is (base URL, model, messages, sampling
settings). At temperature > 0 it also holds a sample index, so that asking the same question twice
gets two samples while a rerun of the same config asks the same questions with the same indices
and is answered from the cache, identically and without a request. The index is
``[component seed, n]``: the seed the runner built the component with (per episode) and either a
number the caller drew from its seeded rng (the policy draws one per proposal from the episode's
rng) or, without one, how many times this client already sent the same messages. When the `seed`
setting is given, the request carries a seed derived from it and the sample index.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from agentq.components.llm import transport
from agentq.components.llm.cache import ResponseCache, canonical_json
from agentq.components.llm.errors import LLMRequestError
from agentq.components.llm.limiter import limiter_for
from agentq.components.llm.settings import LLMParams, cache_dir, cache_enabled_globally
from agentq.components.llm.usage import Usage

Messages = list[dict[str, str]]
RETRY_STATUSES = frozenset({408, 409, 429})  # and every 5xx
JITTER = 0.25  # a retry delay is stretched by up to this fraction (seeded, so deterministic)


class ChatClient:
    """Sends chat-completion requests for one component and keeps its usage counters."""

    def __init__(self, params: LLMParams, seed: int = 0, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.params = params
        self.seed = seed
        self.usage = Usage()
        self._sleep = sleep
        self._url = params.base_url + "/chat/completions"
        self._limiter = limiter_for(params.base_url, params.max_concurrency)
        self.cache = ResponseCache(cache_dir()) if params.cache and cache_enabled_globally() else None
        self._sent: dict[str, int] = {}
        self._lock = threading.Lock()
        self._jitter = random.Random(f"agentq-llm-jitter|{seed}")

    def complete(self, messages: Messages, sample: int | None = None) -> str:
        """The assistant's reply text (from the cache when it holds this request).

        `sample` tells samples of the same messages apart at temperature > 0 (see the module doc).
        """
        identity, body = self._request_for(messages, sample)
        if self.cache is not None:
            cached = self.cache.get(identity)
            if cached is not None:
                self.usage.add(cache_hits=1)
                return str(cached.get("content", ""))
        reply = self._send(body)
        p = self.params
        cost = (reply["prompt_tokens"] * (p.price_prompt_per_mtok or 0.0)
                + reply["completion_tokens"] * (p.price_completion_per_mtok or 0.0)) / 1e6  # fmt: skip
        self.usage.add(calls=1, prompt_tokens=reply["prompt_tokens"],
                       completion_tokens=reply["completion_tokens"], cost_usd=cost)  # fmt: skip
        if self.cache is not None:
            self.cache.put(identity, reply)
        return reply["content"]

    # -- request identity ---------------------------------------------------------------------
    def _request_for(self, messages: Messages, drawn: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self.params
        sample: list[int] | None = None
        request_seed = p.seed
        if p.temperature > 0:
            index = drawn
            if index is None:
                digest = hashlib.sha256(canonical_json(messages).encode("utf-8")).hexdigest()
                with self._lock:
                    index = self._sent.get(digest, 0)
                    self._sent[digest] = index + 1
            sample = [self.seed, int(index)]
            if p.seed is not None:
                request_seed = _derive_seed(p.seed, self.seed, index)
        sampling: dict[str, Any] = {"temperature": p.temperature, "max_tokens": p.max_tokens}
        if request_seed is not None:
            sampling["seed"] = request_seed
        identity = {"base_url": p.base_url, "model": p.model, "messages": messages, "sampling": sampling,
                    "sample": sample}  # fmt: skip
        return identity, {"model": p.model, "messages": messages, **sampling}

    # -- sending ------------------------------------------------------------------------------
    def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        p = self.params
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(p.api_key_env, "")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        attempts = p.max_retries + 1
        delay = 0.0
        problem = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                self.usage.add(retries=1)
                self._sleep(delay)
            try:
                with self._limiter.slot():
                    reply = transport.post(self._url, data, headers, p.timeout_s)
            except transport.TransportError as exc:
                problem, delay = str(exc), self._backoff(attempt)
                continue
            if reply.status == 200:
                return self._parse(reply.body, key)
            problem = f"HTTP {reply.status}: {_snippet(reply.body)}"
            if reply.status not in RETRY_STATUSES and reply.status < 500:
                raise self._failure(problem, attempt + 1, key)
            retry_after = _retry_after(reply.headers.get("retry-after"))
            delay = min(retry_after, p.max_backoff_s) if retry_after is not None else self._backoff(attempt)
        raise self._failure(problem, attempts, key)

    def _backoff(self, attempt: int) -> float:
        p = self.params
        with self._lock:
            stretch = 1.0 + JITTER * self._jitter.random()
        return min(p.max_backoff_s, p.backoff_s * 2**attempt * stretch)

    def _parse(self, body: bytes, key: str) -> dict[str, Any]:
        try:
            payload = json.loads(body)
            message = payload["choices"][0]["message"]
            content = message.get("content") or ""
            if not isinstance(content, str):
                raise TypeError("content is not a string")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise self._failure(f"malformed chat-completion response ({type(exc).__name__}): {_snippet(body)}",
                                1, key) from None  # fmt: skip
        usage = payload.get("usage") or {}
        return {"content": content, "prompt_tokens": _count(usage, "prompt_tokens"),
                "completion_tokens": _count(usage, "completion_tokens")}  # fmt: skip

    def _failure(self, problem: str, attempts: int, key: str) -> LLMRequestError:
        self.usage.add(failed_requests=1)
        text = f"{self.params.model} at {self._url}: request failed after {attempts} attempt(s): {problem}"
        return LLMRequestError(text.replace(key, "***") if key else text)


def _derive_seed(*parts: int) -> int:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (the seconds form; an HTTP date is ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", errors="replace").strip().replace("\n", " ")
    return text[:limit] + ("..." if len(text) > limit else "")


def _count(usage: Any, name: str) -> int:
    value = usage.get(name, 0) if isinstance(usage, dict) else 0
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
