"""Fixtures for the runner tests."""

from __future__ import annotations

import os
import subprocess

import pytest


@pytest.fixture
def procs():
    """Popen objects registered here have their process groups killed at teardown."""
    started: list[subprocess.Popen] = []
    yield started
    for p in started:
        try:
            os.killpg(p.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        p.wait(10)
