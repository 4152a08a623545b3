"""The error an llm component raises when a request finally fails."""

from __future__ import annotations


class LLMRequestError(RuntimeError):
    """A chat-completion request that failed after its retries (or could not be retried).

    The message names the model, the endpoint and the last problem; it never contains the API key.
    The episode loop records the episode with this error and the run goes on.
    """
