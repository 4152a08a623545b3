"""Dotted field paths (``agents.hybrid.planner.simulations``) and ``--set key.path=value`` overrides."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from .models import ConfigError, Loc, Override, _suggest


def format_loc(loc: Sequence[str | int]) -> str:
    """``('agents', 1, 'critic')`` -> ``agents[1].critic``."""
    out = ""
    for el in loc:
        if isinstance(el, int):
            out += f"[{el}]"
        else:
            out += f".{el}" if out else str(el)
    return out or "<top level>"


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
