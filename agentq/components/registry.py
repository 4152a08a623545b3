"""Build policies, critics and judges by name from config specs ``{name: ..., **params}``.

`validate(kind, spec)` checks a spec against the component's pydantic parameter model and returns
it with defaults filled in; `build(kind, spec, oracle=None, seed=0)` makes the component (privileged
ones need an `envs.oracle.Oracle`, the others never receive it); `describe(kind, spec)` says its name and whether
it is privileged. Errors are :class:`ComponentSpecError` (a ValueError) naming the component and
the bad field and value, with a "did you mean" suggestion for unknown names.

Two tables hold the components: agentq's own (`REGISTRY`: the stand-ins, learned, llm), and those
a site provides for its own pages (its adapter's ``components()``: registry `Entry` objects, e.g.
one site's hand-written heuristics), read from every adapter of `agentq.agents.sites.SITES` the
first time a name is not agentq's own. `entries(kind)` lists both; `provider(kind, name)` says
which site provides one; `not_provided_on(site)` gives, with the reason, the components other sites
provide, which a site's adapter refuses (its ``unavailable_components()``).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentq.components import critics, judges, policies

KINDS = ("policy", "critic", "judge")
DEFAULT_NOISY_EXPERT_P = 0.5


class ComponentSpecError(ValueError):
    """A component spec that cannot be validated or built; `problems` lists its bad fields as
    (field path inside the spec, message, value) when it knows them, for one message each."""

    def __init__(self, message: str, problems: list[tuple[tuple[Any, ...], str, Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class Params(BaseModel):
    """A component's parameters: unknown keys refused, strict types, frozen (sites' components too)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class NoParams(Params):
    """No parameters."""


class NoisyExpertPolicyParams(Params):
    p: float = Field(DEFAULT_NOISY_EXPERT_P, ge=0, le=1)
    mistakes: Literal["uniform", "heuristic"] = "uniform"
    temperature: float = Field(policies.DEFAULT_TEMPERATURE, gt=0)  # for mistakes: heuristic (the site's policy)


class ExpertCriticParams(Params):
    other: float = Field(0.05, ge=0, lt=1)


class NoisyExpertCriticParams(Params):
    accuracy: float = Field(0.8, ge=0, le=1)


class EnsembleCriticParams(Params):
    members: list[str | dict[str, Any]] = Field(min_length=1)
    weights: list[float] | None = None


class NoisyJudgeParams(Params):
    flip: float = Field(0.1, ge=0, le=1)
    base: str | dict[str, Any] = "env"


@dataclass(frozen=True)
class Entry:
    """One component: its parameter model, privileged flag (or rule) and factory."""

    kind: str
    name: str
    params: type[Params]
    privileged: bool | Callable[[dict[str, Any]], bool]
    factory: Callable[..., Any]  # (params dict, oracle or None, seed) -> component
    summary: str

    def is_privileged(self, spec: dict[str, Any]) -> bool:
        return self.privileged(spec) if callable(self.privileged) else self.privileged


def _member_seed(seed: int, index: int) -> int:
    digest = hashlib.sha256(f"{seed}|member|{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _build_ensemble(spec: dict[str, Any], oracle: Any, seed: int) -> critics.EnsembleCritic:
    members = [build("critic", m, oracle=oracle, seed=_member_seed(seed, i)) for i, m in enumerate(spec["members"])]
    return critics.EnsembleCritic(members, spec["weights"])


def _build_noisy_expert_policy(spec: dict[str, Any], oracle: Any, seed: int) -> policies.NoisyExpertPolicy:
    mistake_policy = None
    if spec["mistakes"] == "heuristic":  # the older model: mistakes drawn from the site's heuristic policy
        if _lookup("policy", "heuristic") is None:
            raise ComponentSpecError("policy 'noisy_expert': mistakes: heuristic draws its mistakes from a site's "
                                     "'heuristic' policy, and no site provides one")  # fmt: skip
        mistake_policy = build("policy", {"name": "heuristic", "temperature": spec["temperature"]})
    return policies.NoisyExpertPolicy(oracle, spec["p"], spec["mistakes"], spec["temperature"], mistake_policy)


def _build_noisy_judge(spec: dict[str, Any], oracle: Any, seed: int) -> judges.NoisyJudge:
    base = build("judge", spec["base"], oracle=oracle, seed=_member_seed(seed, 0))
    return judges.NoisyJudge(base, spec["flip"], seed=seed)


REGISTRY: dict[str, dict[str, Entry]] = {
    "policy": {
        "random": Entry("policy", "random", NoParams, False, lambda s, o, seed: policies.RandomPolicy(),
                        "uniform over the legal actions"),
        "noisy_expert": Entry("policy", "noisy_expert", NoisyExpertPolicyParams, True, _build_noisy_expert_policy,
                              "each proposal correct (makes progress) with probability p, else a uniform incorrect one"),
    },
    "critic": {
        "expert": Entry("critic", "expert", ExpertCriticParams, True,
                        lambda s, o, seed: critics.ExpertCritic(o, s["other"]),
                        "1.0 for the expert's action, `other` for the rest"),
        "noisy_expert": Entry("critic", "noisy_expert", NoisyExpertCriticParams, True,
                              lambda s, o, seed: critics.NoisyExpertCritic(o, s["accuracy"], seed=seed),
                              "its top pick correct with probability `accuracy` (when any candidate is correct)"),
        "ensemble": Entry("critic", "ensemble", EnsembleCriticParams,
                          lambda s: any(describe("critic", m)["privileged"] for m in s["members"]),
                          _build_ensemble, "the mean of member critics"),
    },
    "judge": {
        "env": Entry("judge", "env", NoParams, True, lambda s, o, seed: judges.EnvJudge(o),
                     "the evaluator's success verdict"),
        "noisy": Entry("judge", "noisy", NoisyJudgeParams, lambda s: describe("judge", s["base"])["privileged"],
                       _build_noisy_judge, "another judge's verdict flipped with probability `flip`"),
    },
}


def names(kind: str) -> list[str]:
    """The component names of a kind (agentq's own and the sites')."""
    return sorted(entries(kind))


def entries(kind: str) -> dict[str, Entry]:
    """Every component of a kind by name: agentq's own, then those the sites provide."""
    return {**_own(kind), **{name: entry for name, (_, entry) in _site_tables()[kind].items()}}


def provider(kind: str, name: str) -> str | None:
    """The site that provides a component (None: agentq's own, or no such component)."""
    if name in _own(kind):
        return None
    owner = _site_tables()[kind].get(name)
    return owner[0] if owner else None


def not_provided_on(site: str) -> dict[tuple[str, str], str]:
    """(kind, name) of the components other sites provide and `site` does not, each with the reason
    (a site adapter's ``unavailable_components()`` includes these)."""
    return {(kind, name): f"is provided by the {owner} site only"
            for kind, table in _site_tables().items() for name, (owner, _) in table.items() if owner != site}  # fmt: skip


def _own(kind: str) -> dict[str, Entry]:
    if kind not in REGISTRY:
        hint = difflib.get_close_matches(str(kind), KINDS, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        raise ComponentSpecError(f"unknown component kind {kind!r}{suggestion} (expected one of {', '.join(KINDS)})")
    return REGISTRY[kind]


@functools.cache
def _site_tables() -> dict[str, dict[str, tuple[str, Entry]]]:
    """kind -> name -> (site, entry) of the components the sites provide (read once, when first needed)."""
    from agentq.agents.sites import SITES, load_site  # late: a site loads only when a name is not agentq's own

    tables: dict[str, dict[str, tuple[str, Entry]]] = {kind: {} for kind in KINDS}
    for site_name in SITES:
        provided = getattr(load_site(site_name), "components", None)
        for entry in provided() if callable(provided) else ():
            where = f"site {site_name!r} provides {getattr(entry, 'kind', '?')} {getattr(entry, 'name', '?')!r}"
            if not isinstance(entry, Entry) or entry.kind not in tables:
                raise TypeError(f"{where}: a site's component must be a registry Entry of a kind in {', '.join(KINDS)}")
            if entry.name in REGISTRY[entry.kind] or ":" in entry.name:
                raise ValueError(f"{where}: that name is a built-in component's (or an import path)")
            if entry.name in tables[entry.kind]:
                other = tables[entry.kind][entry.name][0]
                raise ValueError(f"{where}: site {other!r} provides one of that name too; sites' components need distinct names")
            tables[entry.kind][entry.name] = (site_name, entry)
    return tables


def _lookup(kind: str, name: str) -> Entry | None:
    """The entry of a name: agentq's own first, else a site's (the sites are read only then)."""
    own = _own(kind).get(name)
    if own is not None:
        return own
    provided = _site_tables()[kind].get(name)
    return provided[1] if provided else None


def _entry(kind: str, spec: Any) -> tuple[Entry, dict[str, Any]]:
    _own(kind)
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, Mapping):
        raise ComponentSpecError(f"a {kind} spec must be a mapping such as {{name: {names(kind)[0]}}}, got {spec!r}")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ComponentSpecError(f"a {kind} spec needs a 'name'; known {kind} names: {', '.join(names(kind))}")
    entry = _lookup(kind, name)
    if entry is None:
        hint = difflib.get_close_matches(name, names(kind), n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        message = f"unknown {kind} {name!r}{suggestion} (known {kind} names: {', '.join(names(kind))})"
        raise ComponentSpecError(message, [(("name",), message, name)])
    return entry, {k: v for k, v in spec.items() if k != "name"}


def _explain(entry: Entry, exc: ValidationError) -> str:
    known = list(entry.params.model_fields)
    lines = []
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"])
        if error["type"] == "extra_forbidden":
            field_name = str(error["loc"][0])
            hint = difflib.get_close_matches(field_name, known, n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            listed = ", ".join(known) if known else "none"
            lines.append(f"unknown parameter {field_name!r}{suggestion} (parameters: {listed})")
        else:
            lines.append(f"{loc}: {error['msg']} (got {error.get('input')!r})")
    return f"{entry.kind} {entry.name!r}: " + "; ".join(lines)


def _plugin(spec: Any) -> bool:
    """A spec whose name is an import path (``package.module:Class``): built by `plugins`, not this table."""
    name = spec if isinstance(spec, str) else spec.get("name") if isinstance(spec, Mapping) else None
    return isinstance(name, str) and ":" in name


def _plugins() -> Any:
    from agentq.components import plugins  # late: plugins imports this module

    return plugins


def _problems(entry: Entry, exc: ValidationError) -> list[tuple[tuple[Any, ...], str, Any]]:
    """One (field, message, value) per error of a spec's parameters."""
    known = list(entry.params.model_fields)
    out = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden":
            hint = difflib.get_close_matches(str(loc[0]), known, n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            listed = ", ".join(known) if known else "none"
            out.append((loc, f"unknown parameter of {entry.kind} {entry.name!r}{suggestion} (parameters: {listed})",
                        error.get("input")))  # fmt: skip
        else:
            out.append((loc, f"{entry.kind} {entry.name!r}: {error['msg']}", error.get("input")))
    return out


def validate(kind: str, spec: Any) -> dict[str, Any]:
    """Check a spec; return ``{name, **params}`` with defaults filled in (nested specs validated too)."""
    if _plugin(spec):
        return _plugins().validate(kind, spec)
    entry, params = _entry(kind, spec)
    try:
        model = entry.params.model_validate(params)
    except ValidationError as exc:
        raise ComponentSpecError(_explain(entry, exc), _problems(entry, exc)) from None
    out: dict[str, Any] = {"name": entry.name, **model.model_dump()}
    try:
        if isinstance(model, EnsembleCriticParams):
            out["members"] = [_nested("critic", m, f"members[{i}]") for i, m in enumerate(model.members)]
            if model.weights is not None:
                if len(model.weights) != len(model.members):
                    raise ComponentSpecError(
                        f"weights: need one weight per member ({len(model.members)}), got {len(model.weights)}"
                    )
                if any(w < 0 for w in model.weights) or sum(model.weights) <= 0:
                    raise ComponentSpecError(f"weights: must be >= 0 with a positive sum (got {model.weights!r})")
        if isinstance(model, NoisyJudgeParams):
            out["base"] = _nested("judge", model.base, "base")
    except ComponentSpecError as exc:
        raise ComponentSpecError(f"{entry.kind} {entry.name!r}: {exc}") from None
    return out


def _nested(kind: str, spec: Any, where: str) -> dict[str, Any]:
    try:
        return validate(kind, spec)
    except ComponentSpecError as exc:
        raise ComponentSpecError(f"{where}: {exc}") from None


def _checked(kind: str, spec: Any) -> tuple[Entry, dict[str, Any]]:
    checked = validate(kind, spec)
    entry = _lookup(kind, checked["name"])
    assert entry is not None  # validate found it
    return entry, checked


def describe(kind: str, spec: Any) -> dict[str, Any]:
    """``{"name": ..., "privileged": bool}`` for a spec."""
    if _plugin(spec):
        return _plugins().describe(kind, spec)
    entry, checked = _checked(kind, spec)
    return {"name": entry.name, "privileged": entry.is_privileged(checked)}


def build(kind: str, spec: Any, oracle: Any = None, seed: int = 0) -> Any:
    """Make the component a spec names. Privileged components need `oracle` (an
    `envs.oracle.Oracle`); the others never get it."""
    if _plugin(spec):
        return _plugins().build(kind, spec, oracle=oracle, seed=seed)
    entry, checked = _checked(kind, spec)
    privileged = entry.is_privileged(checked)
    if privileged and oracle is None:
        raise ComponentSpecError(
            f"{kind} {entry.name!r} is privileged (it reads the hidden task) and needs an oracle: "
            f"build({kind!r}, spec, oracle=Oracle(env))"
        )
    return entry.factory(checked, oracle if privileged else None, seed)

from agentq.components.llm.registration import register_llm; register_llm(REGISTRY)  # noqa: E402, E702 - llm components
from agentq.components.learned.registration import register_learned; register_learned(REGISTRY, Entry)  # noqa: E402, E702 - learned components
