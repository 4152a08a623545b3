"""Learning the policy, critic and judge from raw text, run by ``python -m agentq.train``:
behaviour cloning (``base``), rejection fine-tuning (``rft``), trajectory-level DPO
(``outcome_dpo``) and Agent Q's iterations of MCTS collection and step-level DPO (``agentq``).

Modules: :mod:`.text` (tokens, hashing, the page's elements), :mod:`.features` (hashed feature ids
for a decision and for an outcome), :mod:`.model` (the torch models), :mod:`.checkpoint`
(safetensors + JSON with a content hash), :mod:`.batches` and :mod:`.fitting` (training loops),
:mod:`.dpo` (the DPO loss and its training loop), :mod:`.collect` (demonstrations and rollouts in
the env), :mod:`.search` (MCTS collection: pairs, values, judged outcomes), :mod:`.stages` (base
and rft), :mod:`.preference_stages` (one agentq or outcome_dpo iteration), :mod:`.config` (the
training YAML), :mod:`.pipeline` (stages, iterations, checkpoints, resume), :mod:`.table` (the
results table and plot) and :mod:`.trl_format` (the pairs in TRL's DPO formats).

Nothing here reads the site's code or the hand-written components: features come from the
instruction, the page text, the URL, the actions so far and the legal actions (a test scans the
imports). Only :mod:`.collect` and :mod:`.search` touch the env, through the site adapter and the
oracle, to record the expert's demonstrations and the evaluator's verdicts on train tasks.
"""
