"""`env.options`: the keys a site's env takes, named by its adapter; any other key is a config error
at load time (FILE:LINE: env.options.KEY), never an error in every episode."""

from __future__ import annotations

import inspect
import re

import pytest
from runner_helpers import FAKE

from agentq.agents.sites import load_site
from agentq.config import ConfigError, config_from_dict, load_config
from envs.web_env import WebAgentEnv

EXPERIMENT = """\
name: opts
env:
  name: {env}
  backend: {backend}
  options:
    headless: true
    headles: false
    max_steps: 3
agents:
  - name: pure
    policy: {{name: random}}
"""


@pytest.mark.parametrize("env, backend", [("restaurant", "http"), ("miniwob", "browser")])
def test_an_unknown_option_is_an_error_at_its_line_naming_the_sites_keys(tmp_path, env, backend):
    path = tmp_path / "exp.yaml"
    path.write_text(EXPERIMENT.format(env=env, backend=backend))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    allowed = ", ".join(sorted(load_site(env).env_options))  # from the site's adapter
    lines = str(err.value).splitlines()[1:]
    assert len(lines) == 2  # every bad key at once; `headless` is fine
    assert re.fullmatch(rf"{re.escape(str(path))}:7: env\.options\.headles: unknown option 'headles' of env '{env}' "
                        rf"\(did you mean 'headless'\?\); allowed keys: {re.escape(allowed)} \(got False\)", lines[0])
    assert lines[1].startswith(f"{path}:8: env.options.max_steps: ") and "write env.max_steps" in lines[1]


def test_known_options_load_and_an_override_is_located_at_its_flag(tmp_path):
    path = tmp_path / "exp.yaml"
    path.write_text(EXPERIMENT.format(env="restaurant", backend="http").replace("    headles: false\n    max_steps: 3\n", ""))
    assert load_config(path).env.options == {"headless": True}
    with pytest.raises(ConfigError, match=r"^--set env\.options\.colour=1: env\.options\.colour: unknown option 'colour'"):
        load_config(path, ["env.options.colour=1"])


def test_a_worker_named_by_import_path_reads_its_own_options():
    cfg = config_from_dict({"name": "fake", "env": {"name": FAKE, "options": {"n_tasks": 3, "anything": 1}},
                            "agents": [{"name": "pure", "policy": {"name": "noisy_expert", "p": 0.5}}]})  # fmt: skip
    assert cfg.env.options == {"n_tasks": 3, "anything": 1}


def test_the_restaurant_sites_options_are_keywords_of_its_env():
    taken = inspect.signature(WebAgentEnv).parameters
    assert set(load_site("restaurant").env_options) <= set(taken) - {"site", "backend", "max_steps", "catalogue_seed"}
