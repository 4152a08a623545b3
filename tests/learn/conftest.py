"""Fixtures for the learning tests: a tiny training config and one tiny trained run (session-wide)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from learn_helpers import tiny_config


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def trained(tmp_path_factory) -> Path:
    """A finished tiny training run (base and rft); its folder."""
    from agentq.learn.pipeline import run_training

    out = tmp_path_factory.mktemp("train") / "run"
    run_training(tiny_config(), out)
    return out
