"""Policies, critics and judges of one's own, named by import path: ``{name: "pkg.module:Class", **settings}``.

The contract (docs/components.md): the class has the protocol's method (`propose`, `score` or
`judge`, see `agentq.planner.protocols`); it is built as ``Class(**settings)`` from the spec's
other keys, validated first by its nested pydantic model ``Settings`` when it has one (else checked
against the constructor's signature); its `name` is the class attribute ``name`` or else the
import path; it is privileged unless the class declares ``privileged = False``, and only a
privileged class is given the oracle (keyword ``oracle=``). A constructor that takes a ``seed``
keyword gets the component seed the runner derives from the episode seed.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from agentq.components.registry import ComponentSpecError
from agentq.importing import ImportPathError, is_import_path, load_class, require_methods

METHODS = {"policy": "propose", "critic": "score", "judge": "judge"}
RUNNER_KEYWORDS = ("oracle", "seed")  # given by the runner, never set in a config

Problem = tuple[tuple[str | int, ...], str, Any]  # (field path inside the spec, message, value)


class PluginSpecError(ComponentSpecError):
    """A plug-in spec with problems, each with its field inside the spec and the value."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc)) or 'spec'}: {msg}" for loc, msg, _ in problems), problems)


def is_plugin(spec: Any) -> bool:
    """Whether a component spec names its class by import path."""
    name = spec if isinstance(spec, str) else spec.get("name") if isinstance(spec, Mapping) else None
    return is_import_path(name)


def load(kind: str, path: str) -> type:
    """The class `path` names, checked to have the method a `kind` needs."""
    try:
        cls = load_class(path)
        require_methods(cls, (METHODS[kind],), f"a {kind}", path)
    except ImportPathError as exc:
        raise PluginSpecError([(("name",), str(exc), path)]) from None
    return cls


def settings_model(cls: type) -> type[BaseModel] | None:
    """The class's nested pydantic ``Settings`` model, if it has one."""
    model = getattr(cls, "Settings", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def is_privileged(cls: type) -> bool:
    """True unless the class declares ``privileged = False``."""
    return getattr(cls, "privileged", True) is not False


def display_name(cls: type, path: str) -> str:
    """The class attribute ``name`` (a non-empty string), else the import path."""
    name = getattr(cls, "name", None)
    return name if isinstance(name, str) and name else path


def _hint(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    listed = ", ".join(options) if options else "none"
    return (f"; did you mean {close[0]!r}?" if close else "") + f" (settings: {listed})"


def _from_model(model: type[BaseModel], params: dict[str, Any], path: str) -> dict[str, Any]:
    try:
        checked = model.model_validate(params)
    except ValidationError as exc:
        problems: list[Problem] = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                problems.append((loc, f"unknown setting {loc[-1]!r} of {path}{_hint(str(loc[-1]), list(model.model_fields))}",
                                 err.get("input")))  # fmt: skip
            elif err["type"] == "missing":
                problems.append((loc, f"missing setting of {path}", None))
            else:
                problems.append((loc, err["msg"].removeprefix("Value error, "), err.get("input")))
        raise PluginSpecError(problems) from None
    return {name: getattr(checked, name) for name in type(checked).model_fields}


def _from_signature(cls: type, params: dict[str, Any], path: str) -> dict[str, Any]:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # a builtin or extension type: let the call tell
        return dict(params)
    kinds = inspect.Parameter
    takes = {n: p for n, p in signature.parameters.items() if p.kind not in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD)}
    open_ended = any(p.kind is kinds.VAR_KEYWORD for p in signature.parameters.values())
    settable = [n for n in takes if n not in RUNNER_KEYWORDS]
    problems: list[Problem] = []
    if not open_ended:
        for key in params:
            if key not in takes:
                problems.append(((key,), f"unknown setting {key!r} of {path}{_hint(key, settable)}", params[key]))
    for n, p in takes.items():
        if n not in RUNNER_KEYWORDS and p.default is kinds.empty and n not in params:
            problems.append(((n,), f"missing setting {n!r} of {path} (its constructor needs it)", None))
    if problems:
        raise PluginSpecError(problems)
    return dict(params)


def _checked(kind: str, spec: Any) -> tuple[type, dict[str, Any]]:
    """The class and its validated keyword arguments."""
    spec = {"name": spec} if isinstance(spec, str) else dict(spec)
    path = spec.pop("name")
    cls = load(kind, path)
    reserved = [k for k in spec if k in RUNNER_KEYWORDS]
    if reserved:
        raise PluginSpecError([((k,), f"{k!r} is given by the runner, not set in a config", spec[k]) for k in reserved])
    model = settings_model(cls)
    return cls, (_from_model(model, spec, path) if model is not None else _from_signature(cls, spec, path))


def validate(kind: str, spec: Any) -> dict[str, Any]:
    """``{name: <import path>, **settings}``, with the ``Settings`` model's defaults filled in."""
    cls, kwargs = _checked(kind, spec)
    path = spec if isinstance(spec, str) else spec["name"]
    model = settings_model(cls)
    return {"name": path, **(model.model_validate(kwargs).model_dump() if model is not None else kwargs)}


def describe(kind: str, spec: Any) -> dict[str, Any]:
    """``{"name": ..., "privileged": bool}`` for a plug-in spec."""
    cls, _ = _checked(kind, spec)
    path = spec if isinstance(spec, str) else spec["name"]
    return {"name": display_name(cls, path), "privileged": is_privileged(cls)}


def _names_parameter(cls: type, keyword: str) -> bool:
    try:
        return keyword in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False


def build(kind: str, spec: Any, oracle: Any = None, seed: int = 0) -> Any:
    """``Class(**settings)`` (plus ``oracle=`` when privileged, ``seed=`` when it takes one)."""
    cls, kwargs = _checked(kind, spec)
    path = spec if isinstance(spec, str) else spec["name"]
    privileged = is_privileged(cls)
    if privileged:
        if oracle is None:
            raise ComponentSpecError(
                f"{kind} {path!r} is privileged (its class does not declare privileged = False) and needs an oracle"
            )
        kwargs["oracle"] = oracle
    if "seed" not in kwargs and _names_parameter(cls, "seed"):
        kwargs["seed"] = seed
    component = cls(**kwargs)
    for attr, value in (("name", display_name(cls, path)), ("privileged", privileged)):
        if not hasattr(component, attr):
            try:
                setattr(component, attr, value)
            except (AttributeError, TypeError):  # slots or a frozen class: the runner reads the class's
                pass
    return component
