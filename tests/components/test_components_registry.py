"""The registry: validation errors, defaults, privileged flags and building."""

from __future__ import annotations

import pytest

from agentq.components import registry
from agentq.components.registry import ComponentSpecError
from envs.oracle import Oracle

PRIVILEGED = {
    ("policy", "random"): False,
    ("policy", "heuristic"): False,
    ("policy", "noisy_expert"): True,
    ("critic", "expert"): True,
    ("critic", "noisy_expert"): True,
    ("critic", "heuristic"): False,
    ("judge", "env"): True,
    ("judge", "heuristic"): False,
}


def test_names_and_privileged_flags(env):
    assert registry.names("policy") == ["heuristic", "learned", "llm", "noisy_expert", "random"]
    assert registry.names("critic") == ["ensemble", "expert", "heuristic", "learned", "llm", "noisy_expert"]
    assert registry.names("judge") == ["env", "heuristic", "learned", "llm", "noisy"]
    for (kind, name), flag in PRIVILEGED.items():
        assert registry.describe(kind, {"name": name}) == {"name": name, "privileged": flag}
        component = registry.build(kind, {"name": name}, oracle=Oracle(env))
        assert component.name == name and component.privileged is flag


def test_composite_privilege_follows_the_members():
    assert registry.describe("critic", {"name": "ensemble", "members": ["heuristic"]})["privileged"] is False
    assert registry.describe("critic", {"name": "ensemble", "members": ["heuristic", "expert"]})["privileged"] is True
    assert registry.describe("judge", {"name": "noisy"})["privileged"] is True  # base defaults to env
    assert registry.describe("judge", {"name": "noisy", "base": {"name": "heuristic"}})["privileged"] is False


def test_validate_fills_defaults_and_normalises_nested_specs():
    assert registry.validate("policy", {"name": "noisy_expert", "p": 1}) == {
        "name": "noisy_expert", "p": 1.0, "mistakes": "uniform", "temperature": registry.policies.DEFAULT_TEMPERATURE,
    }
    ensemble = registry.validate("critic", {"name": "ensemble", "members": ["expert", {"name": "noisy_expert"}]})
    assert ensemble["members"] == [{"name": "expert", "other": 0.05}, {"name": "noisy_expert", "accuracy": 0.8}]
    assert registry.validate("judge", {"name": "noisy", "flip": 0.2})["base"] == {"name": "env"}


@pytest.mark.parametrize(
    "kind, spec, fragments",
    [
        ("policy", {"name": "noisy_expret"}, ["unknown policy 'noisy_expret'", "did you mean 'noisy_expert'", "random"]),
        ("policy", {"p": 0.5}, ["needs a 'name'"]),
        ("policy", {"name": "noisy_expert", "pp": 0.5}, ["policy 'noisy_expert'", "unknown parameter 'pp'", "did you mean 'p'"]),
        ("policy", {"name": "noisy_expert", "p": 1.5}, ["policy 'noisy_expert'", "p:", "1.5"]),
        ("policy", {"name": "heuristic", "temperature": "hot"}, ["policy 'heuristic'", "temperature", "'hot'"]),
        ("policy", {"name": "random", "temperature": 1.0}, ["unknown parameter 'temperature'", "parameters: none"]),
        ("critic", {"name": "noisy_expert", "accuracy": -0.1}, ["critic 'noisy_expert'", "accuracy", "-0.1"]),
        ("critic", {"name": "ensemble", "members": []}, ["critic 'ensemble'", "members"]),
        ("critic", {"name": "ensemble", "members": ["heuristic", {"name": "expret"}]},
         ["members[1]", "unknown critic 'expret'", "did you mean 'expert'"]),
        ("critic", {"name": "ensemble", "members": ["heuristic"], "weights": [1.0, 2.0]}, ["weights", "one weight per member"]),
        ("judge", {"name": "noisy", "base": "evn"}, ["judge 'noisy'", "base", "did you mean 'env'"]),
        ("judge", {"name": "noisy", "flip": 2}, ["judge 'noisy'", "flip", "2"]),
        ("polcy", {"name": "random"}, ["unknown component kind 'polcy'", "did you mean 'policy'"]),
    ],
)
def test_validation_errors_name_the_component_field_and_value(kind, spec, fragments):
    with pytest.raises(ComponentSpecError) as caught:
        registry.validate(kind, spec)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "kind, spec",
    [
        ("policy", {"name": "noisy_expert"}),
        ("critic", {"name": "expert"}),
        ("critic", {"name": "ensemble", "members": ["heuristic", "noisy_expert"]}),
        ("judge", {"name": "env"}),
        ("judge", {"name": "noisy"}),
    ],
)
def test_privileged_builders_require_the_env(kind, spec):
    with pytest.raises(ComponentSpecError, match="privileged .* needs an oracle"):
        registry.build(kind, spec)


def test_built_components_keep_their_params(env):
    policy = registry.build("policy", {"name": "noisy_expert", "p": 0.3, "temperature": 2.0}, oracle=Oracle(env))
    assert (policy.p, policy.temperature, policy.oracle.env) == (0.3, 2.0, env.unwrapped)
    critic = registry.build("critic", {"name": "noisy_expert", "accuracy": 0.7}, oracle=Oracle(env), seed=9)
    assert (critic.accuracy, critic.seed) == (0.7, 9)
    judge = registry.build("judge", {"name": "noisy", "flip": 0.25, "base": "heuristic"}, seed=4)
    assert (judge.flip, judge.seed, judge.base.name) == (0.25, 4, "heuristic")


# -- components a site provides ------------------------------------------------------------------
def test_the_heuristics_are_the_restaurant_sites_and_agentq_holds_none():
    for kind in registry.KINDS:
        assert "heuristic" not in registry.REGISTRY[kind]  # agentq's own table
        assert registry.provider(kind, "heuristic") == "restaurant"
        assert registry.entries(kind)["heuristic"].privileged is False
    assert registry.provider("policy", "random") is None and registry.provider("policy", "nope") is None
    built = registry.build("critic", {"name": "heuristic", "scale": 5.0})
    assert type(built).__module__ == "mock_sites.restaurant.heuristics.components" and built.scale == 5.0
    assert registry.not_provided_on("restaurant") == {}
    assert registry.not_provided_on("miniwob") == {
        (kind, "heuristic"): "is provided by the restaurant site only" for kind in registry.KINDS
    }


class _Site:
    """A stand-in site adapter for the contract's refusals."""

    offered: list = []

    def components(self) -> list:
        return list(self.offered)


def _with_sites(monkeypatch, offers: dict[str, list]) -> None:
    import agentq.agents.sites as sites

    table = {}
    for name, offered in offers.items():
        cls = type(f"Site_{name}", (_Site,), {"offered": offered})
        monkeypatch.setitem(globals(), cls.__name__, cls)  # importable by the table's path
        table[name] = f"{__name__}:{cls.__name__}"
    monkeypatch.setattr(sites, "SITES", table)
    registry._site_tables.cache_clear()  # read again from the stand-ins (and cleared after the test)


@pytest.fixture(autouse=True)
def _fresh_site_tables():
    yield
    registry._site_tables.cache_clear()


def test_a_site_cannot_take_a_built_in_name_or_another_sites(monkeypatch):
    mine = registry.Entry("policy", "mine", registry.NoParams, False, lambda s, o, seed: object(), "a site's policy")
    _with_sites(monkeypatch, {"a": [mine], "b": []})
    assert registry.provider("policy", "mine") == "a" and registry.names("policy").count("mine") == 1
    assert registry.not_provided_on("b") == {("policy", "mine"): "is provided by the a site only"}
    random = registry.Entry("policy", "random", registry.NoParams, False, lambda s, o, seed: object(), "")
    _with_sites(monkeypatch, {"a": [random]})
    with pytest.raises(ValueError, match="site 'a' provides policy 'random': that name is a built-in"):
        registry.names("policy")
    _with_sites(monkeypatch, {"a": [mine], "b": [mine]})
    with pytest.raises(ValueError, match="site 'a' provides one of that name too"):
        registry.build("policy", "mine")
    _with_sites(monkeypatch, {"a": ["not an entry"]})
    with pytest.raises(TypeError, match="must be a registry Entry"):
        registry.validate("policy", "mine")
