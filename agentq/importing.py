"""Resolving ``"package.module:Class"`` import paths, with errors a config check can print as they are."""

from __future__ import annotations

import difflib
import importlib
import re
from typing import Any

IMPORT_PATH = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class ImportPathError(ValueError):
    """An import path that names no importable class (the message says which part is missing)."""


def is_import_path(value: Any) -> bool:
    """Whether `value` is spelled like ``package.module:Class`` (a plug-in rather than a built-in name)."""
    return isinstance(value, str) and bool(IMPORT_PATH.match(value))


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_class(path: str) -> type:
    """The class an import path names. Errors: no such module, no such attribute, not a class;
    an exception raised while importing the module is reported with its type and message."""
    if not is_import_path(path):
        raise ImportPathError(f"{path!r} is not an import path; write it as 'package.module:Class'")
    module_name, _, attr_path = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise ImportPathError(
                f"no module named {exc.name!r} (is its folder on the import path? run from the folder that "
                "holds the package, or add it to PYTHONPATH)"
            ) from None
        raise ImportPathError(f"importing module {module_name!r} failed: no module named {exc.name!r}") from None
    except Exception as exc:  # the user's module raised while importing
        raise ImportPathError(f"importing module {module_name!r} failed: {type(exc).__name__}: {exc}") from None
    value: Any = module
    where = module_name
    for part in attr_path.split("."):
        if not hasattr(value, part):
            public = [n for n in dir(value) if not n.startswith("_")]
            raise ImportPathError(f"{where} has no attribute {part!r}{_suggest(part, public)}")
        value = getattr(value, part)
        where = f"{where}.{part}"
    if not isinstance(value, type):
        raise ImportPathError(f"{path} is a {type(value).__name__}, not a class")
    return value


def require_methods(cls: type, methods: tuple[str, ...], what: str, path: str) -> None:
    """Raise unless `cls` (named `path`) has every one of `methods`; `what` is e.g. "a policy"."""
    missing = [m for m in methods if not callable(getattr(cls, m, None))]
    if missing:
        listed = ", ".join(f"{m}()" for m in missing)
        raise ImportPathError(f"{path} is not {what}: it has no {listed}")
