"""TableTop: a mock restaurant-booking site (Flask, no JavaScript).

Importing this package registers the gymnasium env ``agentq/Restaurant-v0`` (the generic web env of
:mod:`envs` over this site), with gymnasium's passive env checker and order enforcement on.
"""

from gymnasium.envs.registration import register, registry

from mock_sites.restaurant.app import create_app
from mock_sites.restaurant.catalogue import build_catalogue

RESTAURANT_ENV_ID = "agentq/Restaurant-v0"

if RESTAURANT_ENV_ID not in registry:
    register(id=RESTAURANT_ENV_ID, entry_point="mock_sites.restaurant.env:make_restaurant_env")

__all__ = ["RESTAURANT_ENV_ID", "build_catalogue", "create_app"]
