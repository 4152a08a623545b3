"""Entry points: a validated config from a mapping or a YAML file, and the default experiment file."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .models import DEFAULT_EXPERIMENT, ConfigError, ExperimentConfig, Loc, Override
from .paths import _assign, parse_set, resolve_path
from .validation import _Context, _validate
from .yaml_io import _read_yaml


def _unshared(value: Any) -> Any:
    """A copy in which no two places share a mapping or list (YAML anchors and aliases do), so an
    override of one agent's spec never changes another's."""
    if isinstance(value, dict):
        return {k: _unshared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unshared(v) for v in value]
    return copy.copy(value)


def config_from_dict(
    data: dict[str, Any],
    source: str = "<config>",
    overrides: Sequence[str | Override] = (),
    lines: dict[Loc, int] | None = None,
) -> ExperimentConfig:
    """Validate a config mapping after applying overrides (``"a.b=v"`` strings or :class:`Override`)."""
    data = _unshared(data)
    ctx = _Context(source, lines or {}, [])
    for item in overrides:
        ov = parse_set(item) if isinstance(item, str) else item
        loc = resolve_path(data, ov.path, ov.source)
        _assign(data, loc, copy.deepcopy(ov.value), ov.source)
        ctx.overrides.insert(0, (loc, ov.source))  # later overrides win attribution
    return _validate(data, ctx)


def load_config(path: str | Path, overrides: Sequence[str | Override] = ()) -> ExperimentConfig:
    """Read, override and validate an experiment YAML file."""
    path = Path(path)
    data, lines = _read_yaml(path)
    return config_from_dict(data, str(path), overrides, lines)


def default_experiment_path(filename: str = DEFAULT_EXPERIMENT) -> Path:
    """Find ``experiments/<filename>`` next to the package (repo checkout) or in the working dir."""
    here = Path(__file__).resolve().parent.parent  # the agentq package
    candidates = [here.parent / "experiments" / filename, Path.cwd() / "experiments" / filename]
    for c in candidates:
        if c.is_file():
            return c
    looked = ", ".join(str(c) for c in candidates)
    raise ConfigError(f"default experiment {filename} not found (looked in {looked}); use --config FILE")
