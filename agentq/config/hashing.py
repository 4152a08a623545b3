"""Canonical JSON, the config hash and the resolved config as YAML."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from .models import ExperimentConfig

NOT_HASHED = ("output", "workers", "executor", "ray_address")


def canonical_json(value: Any) -> str:
    """Compact, key-sorted JSON used for hashing and seeds."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_hash(cfg: ExperimentConfig) -> str:
    """sha256 of the resolved config JSON without ``output``, ``workers``, ``executor`` and ``ray_address``
    (how and where episodes run never changes what they do)."""
    data = cfg.model_dump(mode="json")
    for key in NOT_HASHED:
        data.pop(key, None)
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def dump_config(cfg: ExperimentConfig) -> str:
    """The resolved config as YAML (what ``RUN_DIR/config.yaml`` holds)."""
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
