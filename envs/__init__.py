"""Environments between the mock sites and agents; importing this registers them with gymnasium."""

from gymnasium.envs.registration import register, registry

RESTAURANT_ENV_ID = "agentq/Restaurant-v0"

if RESTAURANT_ENV_ID not in registry:
    register(id=RESTAURANT_ENV_ID, entry_point="envs.restaurant:make_restaurant_env", disable_env_checker=True, order_enforce=False)
