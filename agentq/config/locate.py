"""Errors found after a config was validated (a split the site lacks, a task id it does not know),
located afterwards at the flag or the file line that set the field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .models import ConfigError, Loc, Override
from .paths import format_loc, parse_set, resolve_path
from .validation import _short
from .yaml_io import _read_yaml


class FieldError(ConfigError):
    """A config field whose value turned out wrong once the run started; `loc` is the field."""

    def __init__(self, loc: Loc, message: str, value: Any) -> None:
        self.loc, self.value, self.problem = loc, value, message
        super().__init__(f"{format_loc(loc)}: {message} (got {_short(value)})")


def locate(error: FieldError, source: str | Path | None, overrides: Sequence[str | Override] = ()) -> str:
    """The error as ``WHERE: field: message``: WHERE is the last flag or ``--set`` that set the field,
    else the config file's line (the file alone when the field is not written there)."""
    if source is None:
        return str(error)
    try:
        data, lines = _read_yaml(Path(source))
    except ConfigError:
        return f"{source}: {error}"
    where = str(source)
    for item in overrides:
        ov = parse_set(item) if isinstance(item, str) else item
        try:
            loc = resolve_path(data, ov.path, ov.source)
        except ConfigError:
            continue
        if loc == error.loc[: len(loc)] or error.loc == loc[: len(error.loc)]:
            where = ov.source
    if where == str(source):
        for k in range(len(error.loc), 0, -1):
            if error.loc[:k] in lines:
                where = f"{source}:{lines[error.loc[:k]]}"
                break
    return f"{where}: {error}"
