"""The restaurant environment: the generic web env over the TableTop site."""

from __future__ import annotations

from typing import Any

from envs.web_env import WebAgentEnv


def make_restaurant_env(**kwargs: Any) -> WebAgentEnv:
    """Build `agentq/Restaurant-v0` (see `WebAgentEnv` for the keyword arguments)."""
    from mock_sites.restaurant.adapter import RestaurantSite

    return WebAgentEnv(site=RestaurantSite(), **kwargs)
