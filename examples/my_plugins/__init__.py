"""An example of components and an agent kind written outside `agentq`, used by import path.

Run it from the repository root (which puts ``examples`` on the import path)::

    python -m agentq.run --config examples/my_plugins/experiment.yaml

docs/components.md walks through it; tests/runner/test_plugin_example.py runs it.
"""
