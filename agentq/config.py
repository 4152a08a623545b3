"""Experiment config: pydantic schema, YAML loading, ``--set`` overrides and sweep expansion.

Errors are :class:`ConfigError` with one line per problem:
``FILE:LINE: agents[1].critic.accuracy: <what is wrong> (got <value>)``, with a
"did you mean ...?" hint for unknown keys and names.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import importlib
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, NoReturn, Union, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

# env.name -> worker class; any "package.module:Class" string is imported as a plugin.
WORKERS: dict[str, str] = {"restaurant": "agentq.episode:RestaurantWorker"}
COMPONENT_KINDS = ("policy", "critic", "judge")
DEFAULT_EXPERIMENT = "hybrid_vs_policy.yaml"
_PLUGIN_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")

Loc = tuple[str | int, ...]


class ConfigError(ValueError):
    """A problem with an experiment config; the message names file, field path and value."""


def _check_component(spec: dict[str, Any]) -> dict[str, Any]:
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("a component spec needs a 'name' (a non-empty string), e.g. {name: noisy_expert}")
    return spec


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _check_env_name(name: str) -> str:
    if name in WORKERS or _PLUGIN_RE.match(name):
        return name
    hint = _suggest(name, WORKERS)
    raise ValueError(
        f"unknown env {name!r}{hint}; use one of {sorted(WORKERS)} or a worker class 'package.module:Class'"
    )


ComponentSpec = Annotated[dict[str, Any], AfterValidator(_check_component)]
"""``{name: str, **params}``: a policy, critic or judge and its parameters."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EnvConfig(_Model):
    """Which environment (worker) runs the episodes, and how."""

    name: Annotated[str, AfterValidator(_check_env_name)] = "restaurant"
    backend: Literal["browser", "http"] = "browser"  # acting backend
    search_backend: Literal["http", "browser"] = "http"  # backend the planner searches in
    max_steps: int = Field(30, ge=1)
    catalogue_seed: int = 0
    options: dict[str, Any] = Field(default_factory=dict)  # worker-specific settings, passed through


class TasksConfig(_Model):
    """Which tasks: all of a split, a seeded stratified sample of n, or explicit ids."""

    split: str = "dev"
    n: int | None = Field(None, ge=1)
    difficulty: Annotated[list[str] | None, BeforeValidator(_as_list)] = None
    ids: list[str] | None = None
    sample_seed: int = 0


class AgentConfig(_Model):
    """One agent: components, and a planner (MCTS settings) or None for the pure policy."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    policy: ComponentSpec
    critic: ComponentSpec | None = None
    judge: ComponentSpec | None = None
    planner: dict[str, Any] | None = None


class OutputConfig(_Model):
    """Where and what to write."""

    dir: str = "runs"
    plots: bool = True
    save_trees: Literal["first", "none", "all"] = "first"


class ExperimentConfig(_Model):
    """A whole experiment (what ``experiments/*.yaml`` holds)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    seed: int = 0
    workers: int = Field(1, ge=1)
    env: EnvConfig = Field(default_factory=EnvConfig)
    tasks: TasksConfig = Field(default_factory=TasksConfig)
    agents: list[AgentConfig] = Field(min_length=1)
    sweep: dict[str, list[Any]] = Field(default_factory=dict)
    output: OutputConfig = Field(default_factory=OutputConfig)

    def agent(self, name: str) -> AgentConfig:
        """The agent called ``name``."""
        for a in self.agents:
            if a.name == name:
                return a
        raise KeyError(name)


@dataclass(frozen=True)
class Override:
    """One ``--set path=value`` (or a CLI flag turned into one); ``source`` is shown in errors."""

    path: str
    value: Any
    source: str


class SweepGroup(NamedTuple):
    """An agent resolved at one sweep point (only the keys that address that agent)."""

    agent: AgentConfig
    sweep_point: dict[str, Any]


# ---------------------------------------------------------------------------- paths


def format_loc(loc: Sequence[str | int]) -> str:
    """``('agents', 1, 'critic')`` -> ``agents[1].critic``."""
    out = ""
    for el in loc:
        if isinstance(el, int):
            out += f"[{el}]"
        else:
            out += f".{el}" if out else str(el)
    return out or "<top level>"


def _suggest(word: str, options: Sequence[str] | dict) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _split_path(dotted: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in dotted.split("."):
        m = re.fullmatch(r"([^\[\]]*)((?:\[\d+\])*)", token)
        if not token or not m:
            raise ConfigError(f"bad field path {dotted!r}")
        if m.group(1):
            parts.append(int(m.group(1)) if m.group(1).isdigit() else m.group(1))
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return parts


def resolve_path(data: dict[str, Any], dotted: str, source: str) -> Loc:
    """Turn ``agents.hybrid.planner.simulations`` into ``('agents', 1, 'planner', 'simulations')``."""
    loc: list[str | int] = []
    node: Any = data
    for part in _split_path(dotted):
        if isinstance(node, list):
            if isinstance(part, int):
                if not 0 <= part < len(node):
                    raise ConfigError(f"{source}: {format_loc(loc)} has {len(node)} items, no index {part}")
                idx = part
            else:
                names = [x.get("name") for x in node if isinstance(x, dict)]
                if part not in names:
                    raise ConfigError(
                        f"{source}: no entry named {part!r} in {format_loc(loc)}{_suggest(part, names)}; "
                        f"names are {names}"
                    )
                idx = names.index(part)
            loc.append(idx)
            node = node[idx]
        else:
            if isinstance(part, int):
                raise ConfigError(f"{source}: {format_loc(loc)} is not a list")
            loc.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(loc)


def _assign(data: dict[str, Any], loc: Loc, value: Any, source: str) -> None:
    node: Any = data
    for i, key in enumerate(loc[:-1]):
        nxt = node[key] if isinstance(node, list) else node.get(key)
        if nxt is None:
            nxt = {}
            node[key] = nxt
        if not isinstance(nxt, (dict, list)):
            raise ConfigError(
                f"{source}: cannot set a field inside {format_loc(loc[: i + 1])}, which is {nxt!r}"
            )
        node = nxt
    node[loc[-1]] = value


def parse_set(item: str) -> Override:
    """Parse ``key.path=value``; the value is read as a YAML scalar, list or mapping."""
    source = f"--set {item}"
    path, sep, text = item.partition("=")
    if not sep or not path.strip():
        raise ConfigError(f"{source}: expected key.path=value")
    try:
        value = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: value is not valid YAML: {exc}") from None
    return Override(path.strip(), value, source)


# ---------------------------------------------------------------------------- YAML


def _line_map(text: str, source: str) -> dict[Loc, int]:
    """Map every key/item path in a YAML document to its 1-based line; flags duplicate keys."""
    lines: dict[Loc, int] = {}

    def walk(node: yaml.Node, loc: Loc) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                key = k.value
                if key in seen:
                    raise ConfigError(
                        f"{source}:{k.start_mark.line + 1}: {format_loc(loc + (key,))}: duplicate key"
                    )
                seen.add(key)
                lines[loc + (key,)] = k.start_mark.line + 1
                walk(v, loc + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[loc + (i,)] = item.start_mark.line + 1
                walk(item, loc + (i,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def _read_yaml(path: Path) -> tuple[dict[str, Any], dict[Loc, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    try:
        data = yaml.safe_load(text)
        lines = _line_map(text, str(path))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: an experiment must be a YAML mapping, got {type(data).__name__}")
    return data, lines


# ---------------------------------------------------------------------------- validation


@dataclass
class _Context:
    source: str
    lines: dict[Loc, int]
    overrides: list[tuple[Loc, str]]

    def where(self, loc: Loc) -> str:
        for oloc, osource in self.overrides:
            n = min(len(oloc), len(loc))
            if n and oloc[:n] == loc[:n]:
                return osource
        for k in range(len(loc), -1, -1):
            if loc[:k] in self.lines:
                return f"{self.source}:{self.lines[loc[:k]]}"
        return self.source


def _unwrap(t: Any) -> Any:
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    if get_origin(t) in (Union, type(int | None)):
        args = [a for a in get_args(t) if a is not type(None)]
        t = args[0] if len(args) == 1 else t
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    return t


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    t: Any = model
    for el in loc:
        t = _unwrap(t)
        if isinstance(el, int):
            t = get_args(t)[0] if get_origin(t) is list and get_args(t) else None
        elif isinstance(t, type) and issubclass(t, BaseModel) and el in t.model_fields:
            t = t.model_fields[el].annotation
        else:
            return []
    t = _unwrap(t)
    return list(t.model_fields) if isinstance(t, type) and issubclass(t, BaseModel) else []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _explain(exc: ValidationError, prefix: Loc, model: type[BaseModel] | None) -> list[tuple[Loc, str]]:
    out = []
    for err in exc.errors():
        rel = tuple(err["loc"])
        loc = prefix + rel
        if err["type"] == "extra_forbidden":
            hint = _suggest(str(rel[-1]), _fields_at(model, rel[:-1])) if model else ""
            out.append((loc, f"unknown key {rel[-1]!r}{hint}"))
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            out.append((loc, "missing required field"))
        else:
            out.append((loc, f"{msg} (got {_short(err.get('input'))})"))
    return out


def _optional_attr(module: str, attr: str) -> Any:
    """``module.attr`` if that module exists, else None (other import errors propagate)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise
    return getattr(mod, attr, None)


def _external_errors(fn: Any, args: tuple, loc: Loc, model: type[BaseModel] | None) -> list[tuple[Loc, str]]:
    try:
        fn(*args)
    except ValidationError as exc:
        return _explain(exc, loc, model)
    except (ValueError, KeyError, TypeError) as exc:
        return [(loc, f"{exc} (got {_short(args[-1])})")]
    return []


def _semantic_errors(cfg: ExperimentConfig) -> list[tuple[Loc, str]]:
    errors: list[tuple[Loc, str]] = []
    names = [a.name for a in cfg.agents]
    for i, name in enumerate(names):
        if name in names[:i]:
            errors.append((("agents", i, "name"), f"duplicate agent name {name!r}"))
    t = cfg.tasks
    if t.ids is not None and (t.n is not None or t.difficulty is not None):
        errors.append((("tasks", "ids"), "give either tasks.ids or tasks.n/tasks.difficulty, not both"))
    if t.ids is not None and len(set(t.ids)) != len(t.ids):
        errors.append((("tasks", "ids"), f"duplicate task ids (got {_short(t.ids)})"))
    if t.ids is not None and not t.ids:
        errors.append((("tasks", "ids"), "empty list of task ids"))
    for key, values in cfg.sweep.items():
        parts = key.split(".")
        if len(parts) < 3 or parts[0] != "agents":
            errors.append((("sweep", key), "sweep keys address an agent field: agents.<name>.<field>[.<param>]"))
        elif parts[1] not in names:
            errors.append((("sweep", key), f"no agent named {parts[1]!r}{_suggest(parts[1], names)}"))
        elif not values:
            errors.append((("sweep", key), "a sweep needs at least one value"))
    if cfg.env.name in WORKERS:  # plugin workers validate their own component params
        validate = _optional_attr("agentq.components.registry", "validate")
        if validate is not None:
            for i, agent in enumerate(cfg.agents):
                for kind in COMPONENT_KINDS:
                    spec = getattr(agent, kind)
                    if spec is not None:
                        errors += _external_errors(validate, (kind, dict(spec)), ("agents", i, kind), None)
    mcts = _optional_attr("agentq.planner.config", "MCTSConfig")
    if mcts is not None:
        for i, agent in enumerate(cfg.agents):
            if agent.planner is not None:
                errors += _external_errors(mcts.model_validate, (agent.planner,), ("agents", i, "planner"), mcts)
    return errors


def _raise(errors: list[tuple[Loc, str]], ctx: _Context) -> NoReturn:
    lines = [f"{ctx.where(loc)}: {format_loc(loc)}: {msg}" for loc, msg in errors]
    head = "invalid experiment config:" if len(lines) > 1 else ""
    raise ConfigError("\n".join([head, *lines]) if head else lines[0])


def _validate(data: dict[str, Any], ctx: _Context, check_sweep: bool = True) -> ExperimentConfig:
    try:
        cfg = ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        _raise(_explain(exc, (), ExperimentConfig), ctx)
    errors = _semantic_errors(cfg)
    if errors:
        _raise(errors, ctx)
    if check_sweep:
        sweep_groups(cfg, _ctx=ctx)
    return cfg


def config_from_dict(
    data: dict[str, Any],
    source: str = "<config>",
    overrides: Sequence[str | Override] = (),
    lines: dict[Loc, int] | None = None,
) -> ExperimentConfig:
    """Validate a config mapping after applying overrides (``"a.b=v"`` strings or :class:`Override`)."""
    data = copy.deepcopy(data)
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
    here = Path(__file__).resolve().parent
    candidates = [here.parent / "experiments" / filename, Path.cwd() / "experiments" / filename]
    for c in candidates:
        if c.is_file():
            return c
    looked = ", ".join(str(c) for c in candidates)
    raise ConfigError(f"default experiment {filename} not found (looked in {looked}); use --config FILE")


# ---------------------------------------------------------------------------- sweeps, hashing


def sweep_groups(cfg: ExperimentConfig, _ctx: _Context | None = None) -> list[SweepGroup]:
    """Expand the sweep grid per agent, in agent order then grid order.

    A point carries only the sweep keys that address that agent (``agents.<name>.…``); an agent
    that no key addresses runs once with ``sweep_point == {}``.
    """
    ctx = _ctx or _Context("<config>", {}, [])
    base = cfg.model_dump(mode="json")
    groups: list[SweepGroup] = []
    for i, agent in enumerate(cfg.agents):
        keys = [k for k in cfg.sweep if k.split(".")[1] == agent.name]
        if not keys:
            groups.append(SweepGroup(agent, {}))
            continue
        for combo in itertools.product(*(cfg.sweep[k] for k in keys)):
            point = dict(zip(keys, combo))
            data = copy.deepcopy(base)
            sctx = _Context(ctx.source, ctx.lines, [])
            for key, value in point.items():
                src = f"{ctx.where(('sweep', key))}: sweep {key}={_short(value)}"
                loc = resolve_path(data, key, src)
                _assign(data, loc, copy.deepcopy(value), src)
                sctx.overrides.append((loc, src))
            resolved = _validate(data, sctx, check_sweep=False)
            groups.append(SweepGroup(resolved.agents[i], point))
    return groups


def canonical_json(value: Any) -> str:
    """Compact, key-sorted JSON used for hashing and seeds."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_hash(cfg: ExperimentConfig) -> str:
    """sha256 of the resolved config JSON without ``output`` and ``workers``."""
    data = cfg.model_dump(mode="json")
    data.pop("output", None)
    data.pop("workers", None)
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def dump_config(cfg: ExperimentConfig) -> str:
    """The resolved config as YAML (what ``RUN_DIR/config.yaml`` holds)."""
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
