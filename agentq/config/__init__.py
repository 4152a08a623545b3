"""Experiment config: pydantic schema, YAML loading, ``--set`` overrides and sweep expansion.

Errors are :class:`ConfigError` with one line per problem:
``FILE:LINE: agents[1].critic.accuracy: <what is wrong> (got <value>)``, with a
"did you mean ...?" hint for unknown keys and names.

Modules: :mod:`.models` (schema), :mod:`.paths` (field paths, ``--set``), :mod:`.yaml_io` (reading YAML),
:mod:`.validation` (checks and error messages), :mod:`.loading` (entry points), :mod:`.sweeps`
(sweep expansion) and :mod:`.hashing` (canonical JSON, config hash, YAML dump).
"""

from .hashing import canonical_json, config_hash, dump_config
from .loading import config_from_dict, default_experiment_path, load_config
from .models import (
    COMPONENT_KINDS,
    DEFAULT_EXPERIMENT,
    WORKERS,
    AgentConfig,
    ComponentSpec,
    ConfigError,
    EnvConfig,
    ExperimentConfig,
    Loc,
    OutputConfig,
    Override,
    SweepGroup,
    TasksConfig,
)
from .paths import format_loc, parse_set, resolve_path
from .sweeps import sweep_groups

__all__ = [
    "WORKERS",
    "COMPONENT_KINDS",
    "DEFAULT_EXPERIMENT",
    "Loc",
    "ConfigError",
    "ComponentSpec",
    "EnvConfig",
    "TasksConfig",
    "AgentConfig",
    "OutputConfig",
    "ExperimentConfig",
    "Override",
    "SweepGroup",
    "format_loc",
    "resolve_path",
    "parse_set",
    "config_from_dict",
    "load_config",
    "default_experiment_path",
    "sweep_groups",
    "canonical_json",
    "config_hash",
    "dump_config",
]
