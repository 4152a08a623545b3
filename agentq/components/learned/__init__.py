"""Learned policy, critic and judge: small torch models trained by ``python -m agentq.train``.

Each loads its own kind's checkpoint (``checkpoint: runs/train/checkpoints/base`` names a stage
folder; a ``.safetensors`` file works too). None is privileged: they read the instruction, the
page text, the URL, the actions so far and the legal actions, nothing else.
"""
