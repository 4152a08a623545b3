"""Loading checkpoints once per process (episodes build their components afresh); torch runs on one thread."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from agentq.learn.checkpoint import CheckpointMeta, load, paths
from agentq.learn.model import ModelKind

_CACHE: dict[tuple[str, str, tuple[int, int]], tuple[Any, CheckpointMeta]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def cached_load(checkpoint: str, kind: ModelKind) -> tuple[Any, CheckpointMeta]:
    """The checked model of `kind` at `checkpoint`, reloaded when its weights file changes."""
    weights, _ = paths(checkpoint, kind)
    key = (str(Path(checkpoint).resolve()), kind, _stamp(weights))
    if key not in _CACHE:
        torch.set_num_threads(1)  # a decision is far too small to gain from threads; never spin two cores
        _CACHE[key] = load(checkpoint, kind)
    return _CACHE[key]
