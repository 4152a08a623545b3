"""Pytest fixtures for the llm component tests (import them into a test module)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_server import ScriptedServer, scripted_server

from agentq.components.llm.settings import CACHE_DIR_ENV, CACHE_SWITCH_ENV

FAKE_KEY = "sk-test-SECRET123"


@pytest.fixture
def llm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, a fake API key, and the cache switch unset; returns the cache folder."""
    cache = tmp_path / "llm-cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(cache))
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.delenv(CACHE_SWITCH_ENV, raising=False)
    return cache


@pytest.fixture
def server(llm_env: Path) -> Iterator[ScriptedServer]:
    """A scripted chat-completions server on 127.0.0.1 (closed after the test)."""
    with scripted_server() as srv:
        yield srv
