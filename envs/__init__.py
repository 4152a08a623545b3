"""Everything between a mock site and an agent: the action grammar, the observation renderer, the
http and browser backends and the generic gymnasium env. Sites depend on this package, never the
other way round; a site registers its own env id (``import mock_sites.restaurant`` registers
``agentq/Restaurant-v0``)."""
