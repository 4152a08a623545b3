"""Learning the policy, critic and judge from raw text: behaviour cloning (``base``) and rejection
fine-tuning (``rft``), run by ``python -m agentq.train``.

Modules: :mod:`.text` (tokens, hashing, the page's elements), :mod:`.features` (hashed feature ids
for a decision and for an outcome), :mod:`.model` (the torch models), :mod:`.checkpoint`
(safetensors + JSON with a content hash), :mod:`.batches` and :mod:`.fitting` (training loops),
:mod:`.collect` (demonstrations and rollouts in the env), :mod:`.stages` (base and rft),
:mod:`.config` (the training YAML) and :mod:`.pipeline` (stages, checkpoints, resume).

Nothing here reads the site's code or the hand-written components: features come from the
instruction, the page text, the URL, the actions so far and the legal actions (a test scans the
imports). Only :mod:`.collect` touches the env, through the site adapter and the oracle, to
record the expert's demonstrations and the evaluator's verdicts on train tasks.
"""
