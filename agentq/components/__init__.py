"""Policies, critics and judges for the planner, built by name from config (see `registry`)."""

from agentq.components.registry import KINDS, ComponentSpecError, build, describe, names, validate

__all__ = ["KINDS", "ComponentSpecError", "build", "describe", "names", "validate"]
