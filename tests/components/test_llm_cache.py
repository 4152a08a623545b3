"""The on-disk response cache: reruns make no request, sampling stays distinct, processes share it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from llm_fixtures import FAKE_KEY, llm_env, server  # noqa: F401 - fixtures
from llm_server import chat

from agentq.components import registry
from agentq.components.llm.cache import ResponseCache, request_key
from agentq.components.llm.settings import CACHE_DIR_ENV, CACHE_SWITCH_ENV, cache_dir

OBS = {"text": '[3] button "Search"', "url": "http://127.0.0.1/", "goal": "Book a table.", "last_action": "",
       "last_action_error": "", "legal_actions": ["click(3)"], "history": []}  # fmt: skip


def counting_replies(server):
    """Every reply names a new action, so a served-from-cache reply is recognisable."""
    server.default = lambda body: chat(f"ACTIONS:\nclick({len(server.requests)})")


def policy(server, episode_seed=1, **settings):
    spec = {"name": "llm", "base_url": server.base_url, "model": "m", **settings}
    return registry.build("policy", spec, seed=episode_seed)


def episode(component, k=2):
    """Two proposals at the same page, then one at another page."""
    rng = np.random.default_rng(0)
    return [component.propose(OBS, k, rng), component.propose(OBS, k, rng),
            component.propose({**OBS, "history": ["click(3)"]}, k, rng)]  # fmt: skip


def test_a_rerun_is_identical_and_makes_no_request(server, llm_env):
    counting_replies(server)
    first = episode(policy(server))
    assert len(server.requests) == 3
    assert first[0] != first[1]  # temperature 1: the same page asked twice gives two samples
    rerun = policy(server)
    assert episode(rerun) == first
    assert len(server.requests) == 3
    assert rerun.usage()["cache_hits"] == 3 and rerun.usage()["calls"] == 0 and rerun.usage()["prompt_tokens"] == 0
    files = sorted(llm_env.rglob("*.json"))
    assert len(files) == 3
    assert all(f.parent.parent.parent == llm_env and f.name.startswith(f.parent.parent.name + f.parent.name)
               for f in files)  # fmt: skip


def test_another_episode_seed_samples_anew(server):
    counting_replies(server)
    episode(policy(server, episode_seed=1))
    episode(policy(server, episode_seed=2))
    assert len(server.requests) == 6


def test_the_seed_setting_varies_per_sample_and_reruns_send_nothing(server):
    counting_replies(server)
    first = episode(policy(server, seed=42))
    seeds = [r.body["seed"] for r in server.requests]
    assert len(seeds) == 3 and seeds[0] != seeds[1]  # two samples of the same page: two request seeds
    assert episode(policy(server, seed=42)) == first and len(server.requests) == 3


def test_at_temperature_zero_a_repeated_question_is_asked_once(server):
    counting_replies(server)
    component = policy(server, temperature=0.0)
    out = episode(component)
    assert out[0] == out[1] and len(server.requests) == 2
    assert component.usage()["cache_hits"] == 1


def test_cache_false_and_the_run_switch_turn_it_off(server, llm_env, monkeypatch):
    counting_replies(server)
    episode(policy(server, cache=False))
    episode(policy(server, cache=False))
    assert len(server.requests) == 6 and not llm_env.exists()
    monkeypatch.setenv(CACHE_SWITCH_ENV, "0")
    episode(policy(server))
    episode(policy(server))
    assert len(server.requests) == 12 and not llm_env.exists()


def test_the_api_key_is_never_written_to_the_cache(server, llm_env):
    counting_replies(server)
    episode(policy(server))
    assert server.requests[0].headers["authorization"].endswith(FAKE_KEY)  # it was sent...
    stored = b"".join(p.read_bytes() for p in llm_env.rglob("*") if p.is_file())
    assert stored and FAKE_KEY.encode() not in stored and b"SECRET" not in stored  # ...and never stored
    record = json.loads(next(llm_env.rglob("*.json")).read_text())
    assert set(record["request"]) == {"base_url", "model", "messages", "sampling", "sample"}


def test_the_cache_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "agentq" / "llm"


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path):
    cache = ResponseCache(tmp_path)
    identity = {"model": "m", "messages": []}
    path = cache.path(request_key(identity))
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert cache.get(identity) is None
    path.write_text(json.dumps({"request": {"model": "other"}, "reply": {"content": "x"}}))
    assert cache.get(identity) is None
    cache.put(identity, {"content": "y"})
    assert cache.get(identity) == {"content": "y"}


WRITER = textwrap.dedent("""
    import sys
    from agentq.components.llm.cache import ResponseCache
    cache, tag = ResponseCache(sys.argv[1]), sys.argv[2]
    for i in range(300):
        key = i % 40
        identity = {"key": key}
        cache.put(identity, {"content": "reply %d " % key + "x" * 2000, "writer": tag})
        got = cache.get({"key": (i * 7) % 40})
        assert got is None or got["content"] == "reply %d " % ((i * 7) % 40) + "x" * 2000, got
""")


def test_two_processes_share_the_cache_safely(tmp_path):
    root = tmp_path / "shared"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), tag], cwd=Path(__file__).resolve().parents[2])
             for tag in ("a", "b")]  # fmt: skip
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    cache = ResponseCache(root)
    for key in range(40):
        got = cache.get({"key": key})
        assert got is not None and got["content"].startswith(f"reply {key} ") and got["writer"] in ("a", "b")
    assert len(list(root.rglob("*.json"))) == 40 and not list(root.rglob(".tmp-*"))


def test_the_policy_draws_its_sample_index_from_the_rng(server):
    counting_replies(server)
    component = policy(server)
    first = component.propose(OBS, 1, np.random.default_rng(5))
    assert component.propose(OBS, 1, np.random.default_rng(5)) == first and len(server.requests) == 1
    component.propose(OBS, 1, np.random.default_rng(6))
    assert len(server.requests) == 2


def test_without_a_drawn_index_repeats_are_counted(server):
    server.default = lambda body: chat(f"BEST: {len(server.requests) % 2 + 1}")
    spec = {"name": "llm", "base_url": server.base_url, "model": "m", "temperature": 0.7}
    candidates = ["click(1)", "click(2)"]
    critic = registry.build("critic", spec, seed=4)
    first = [critic.score(OBS, candidates), critic.score(OBS, candidates)]
    assert first[0] != first[1] and len(server.requests) == 2  # two samples of the same question
    rerun = registry.build("critic", spec, seed=4)
    assert [rerun.score(OBS, candidates), rerun.score(OBS, candidates)] == first and len(server.requests) == 2
