"""The chat client against a real local server: retries, Retry-After, timeouts, limits, errors, usage."""

from __future__ import annotations

import threading

import pytest
from llm_fixtures import FAKE_KEY, llm_env, server  # noqa: F401 - fixtures
from llm_server import Reply, chat

from agentq.components.llm import LLMRequestError
from agentq.components.llm.client import ChatClient
from agentq.components.llm.settings import LLMParams

MESSAGES = [{"role": "user", "content": "hello"}]


def make(server, sleeps=None, **settings) -> ChatClient:
    params = LLMParams(**{"base_url": server.base_url, "model": "m", "cache": False, "backoff_s": 0.01, **settings})
    return ChatClient(params, seed=0, sleep=(sleeps.append if sleeps is not None else (lambda s: None)))


def test_a_reply_its_usage_its_cost_and_the_request_sent(server):
    server.script(chat("hi there", prompt_tokens=1000, completion_tokens=500))
    client = make(server, temperature=0.0, max_tokens=64, seed=5, price_prompt_per_mtok=2.0,
                  price_completion_per_mtok=10.0)  # fmt: skip
    assert client.complete(MESSAGES) == "hi there"
    usage = client.usage.snapshot()
    assert (usage["calls"], usage["prompt_tokens"], usage["completion_tokens"], usage["retries"]) == (1, 1000, 500, 0)
    assert usage["cost_usd"] == pytest.approx(1000 * 2.0 / 1e6 + 500 * 10.0 / 1e6)
    seen = server.requests[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.body == {"model": "m", "messages": MESSAGES, "temperature": 0.0, "max_tokens": 64, "seed": 5}
    assert seen.headers["authorization"] == f"Bearer {FAKE_KEY}"


def test_no_key_in_the_environment_sends_no_authorization(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    assert make(server).complete(MESSAGES)
    assert "authorization" not in server.requests[0].headers


def test_429_then_success_honours_retry_after(server):
    server.script(Reply(429, {"error": "slow down"}, {"Retry-After": "2"}), chat("ok"))
    sleeps: list[float] = []
    client = make(server, sleeps)
    assert client.complete(MESSAGES) == "ok"
    assert sleeps == [2.0]
    assert len(server.requests) == 2
    assert client.usage.snapshot()["retries"] == 1 and client.usage.snapshot()["calls"] == 1


def test_retry_after_is_capped_and_backoff_grows_exponentially_with_bounded_jitter(server):
    server.script(Reply(503, {}, {"Retry-After": "3600"}), Reply(500, {}), Reply(502, {}), Reply(500, {}), chat("ok"))
    sleeps: list[float] = []
    client = make(server, sleeps, max_retries=4, backoff_s=0.5, max_backoff_s=5.0)
    assert client.complete(MESSAGES) == "ok"
    assert sleeps[0] == 5.0  # Retry-After capped
    for attempt, delay in enumerate(sleeps[1:], start=1):
        assert 0.5 * 2**attempt <= delay <= min(5.0, 0.5 * 2**attempt * 1.25)
    again: list[float] = []
    server.script(Reply(503, {}, {"Retry-After": "3600"}), Reply(500, {}), Reply(502, {}), Reply(500, {}), chat("ok"))
    make(server, again, max_retries=4, backoff_s=0.5, max_backoff_s=5.0).complete(MESSAGES)
    assert again == sleeps  # seeded jitter: the same delays every time


def test_500s_until_giving_up_raise_llm_request_error_without_the_key(server):
    server.default = lambda body: Reply(500, {"error": f"internal; you sent {FAKE_KEY}"})
    sleeps: list[float] = []
    client = make(server, sleeps, max_retries=2)
    with pytest.raises(LLMRequestError) as info:
        client.complete(MESSAGES)
    assert isinstance(info.value, RuntimeError)
    assert "after 3 attempt(s)" in str(info.value) and "HTTP 500" in str(info.value)
    assert FAKE_KEY not in str(info.value)
    assert len(server.requests) == 3 and len(sleeps) == 2
    usage = client.usage.snapshot()
    assert (usage["calls"], usage["retries"], usage["failed_requests"]) == (0, 2, 1)


def test_a_client_error_is_not_retried(server):
    server.script(Reply(401, {"error": "bad key"}))
    client = make(server, max_retries=3)
    with pytest.raises(LLMRequestError, match="after 1 attempt.*HTTP 401"):
        client.complete(MESSAGES)
    assert len(server.requests) == 1


def test_a_hanging_request_times_out_and_is_retried(server):
    server.script(Reply(hold_s=30), chat("late but fine"))
    client = make(server, timeout_s=0.3, max_retries=1)
    assert client.complete(MESSAGES) == "late but fine"
    assert client.usage.snapshot()["retries"] == 1
    server.script(Reply(hold_s=30))
    with pytest.raises(LLMRequestError, match="timed out after 0.3 s"):
        make(server, timeout_s=0.3, max_retries=0).complete(MESSAGES)


def test_connection_refused_is_retried_then_reported(llm_env):
    import socket

    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    params = LLMParams(base_url=f"http://127.0.0.1:{port}/v1", model="m", cache=False, max_retries=2, backoff_s=0)
    sleeps: list[float] = []
    with pytest.raises(LLMRequestError, match="after 3 attempt"):
        ChatClient(params, sleep=sleeps.append).complete(MESSAGES)
    assert len(sleeps) == 2


@pytest.mark.parametrize("body", [b"not json", b'{"choices": []}', b'{"object": "error"}'])
def test_a_malformed_success_response_is_an_error(server, body):
    server.script(Reply(200, body))
    with pytest.raises(LLMRequestError, match="malformed"):
        make(server).complete(MESSAGES)


def test_null_content_and_missing_usage_are_tolerated(server):
    server.script(Reply(200, {"choices": [{"message": {"role": "assistant", "content": None}}]}))
    client = make(server)
    assert client.complete(MESSAGES) == ""
    assert client.usage.snapshot()["prompt_tokens"] == 0


def test_the_concurrency_limit_holds_per_endpoint_across_threads(server):
    server.default = lambda body: Reply(200, chat("ok").body, hold_s=0.3)
    clients = [make(server, max_concurrency=2) for _ in range(3)]  # three components, one endpoint
    threads = [threading.Thread(target=clients[i % 3].complete, args=(MESSAGES,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(server.requests) == 6
    assert server.max_in_flight == 2
