"""MiniWoB++ task pages from the `miniwob` package, served on loopback and driven in Chromium.

Importing this package registers the gymnasium env ``agentq/MiniWoB-v0``:
``gymnasium.make("agentq/MiniWoB-v0", task="login-user")`` then ``reset(seed=S)`` starts that
task with ``Math.seedrandom(S)``; ``reset(options={"task_id": "login-user.17"})`` picks a task.
"""

from gymnasium.envs.registration import register, registry

MINIWOB_ENV_ID = "agentq/MiniWoB-v0"

if MINIWOB_ENV_ID not in registry:
    register(id=MINIWOB_ENV_ID, entry_point="mock_sites.miniwob.env:make_miniwob_env")

__all__ = ["MINIWOB_ENV_ID"]
