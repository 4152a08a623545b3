"""Real language models as policy, critic and judge, through any OpenAI-compatible chat-completions server.

`llm` components are built by name from YAML (see `registration`); each keeps cumulative usage
counters (`usage()`), caches replies on disk (`cache`), and raises :class:`LLMRequestError` when a
request finally fails. None of them is privileged: they read only the public observation.
"""

from agentq.components.llm.errors import LLMRequestError
from agentq.components.llm.run_notes import uses_llm

__all__ = ["LLMRequestError", "uses_llm"]
