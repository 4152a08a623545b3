"""Monte Carlo Tree Search for web agents, as in Agent Q (Putta et al., 2024, section 4 / eq. 7-10).

One simulation from the root:

* **Selection** (eq. 7). Descend while the node is expanded. With ``selection="ucb"`` (Agent Q)
  the first unvisited child in critic order is taken, else the child maximising UCB1
  ``Q(s, a) + c * sqrt(ln N(s) / (1 + N(s, a)))``. With ``selection="puct"`` the child maximising
  ``Q(s, a) + c * P(s, a) * sqrt(N(s)) / (1 + N(s, a))`` (unvisited children count Q = 0), where P
  is the critic's score (``puct_prior="critic"``) or the policy's probability (``"policy"``)
  normalised over the siblings. ``c`` is ``exploration``.
* **Expansion.** The policy proposes K = ``num_candidates`` distinct actions with their
  probabilities (each child's ``prior``); the critic scores them once (``critic_score``, the
  self-critique); children are stored best critic score first (ties: higher prior, then the
  action text), which is the order UCB tries unvisited children in.
* **Evaluation** of the new leaf. A terminal state gets the judge's verdict; otherwise
  ``leaf_value="rollout"`` (Agent Q) samples the policy (``rollout_k`` proposals, one drawn by
  probability) until a terminal state, ``max_depth`` or the env-step budget, then asks the judge
  (eq. 8's reward); ``leaf_value="critic"`` uses the leaf's critic score instead.
* **Backup** (eq. 9). Every node on the path adds the value: ``N += 1``, ``Q`` is the running mean.
* **Final choice.** The most visited root child (``final="q"``: the highest Q); ties by the other
  key, then critic order. Preference pairs for DPO (eq. 10) come from :mod:`.preferences`.

Budgets: exactly ``simulations`` simulations per decision, stopping early when ``max_env_steps``
new env steps are spent (cache hits are free). Moving the search env between states (restore,
replay, the transition cache) is :mod:`.transitions`' job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import numpy as np

from .config import MCTSConfig
from .protocols import Critic, Judge, Obs, Policy, Step
from .stats import ChildStats, Counters, SearchResult
from .transitions import RecordIds, ResetFn, StateRecord, Transitions, trajectory
from .tree import Node, same_page, select_child


def sample_action(candidates: list[tuple[str, float]], rng: np.random.Generator) -> str:
    """One action drawn by its (unnormalised, non-negative) probability; uniform if all are 0."""
    total = 0.0
    for _, p in candidates:
        if p > 0:
            total += p
    if total <= 0.0:
        return candidates[int(rng.integers(len(candidates)))][0]
    x = rng.random() * total
    acc = 0.0
    last = candidates[0][0]
    for a, p in candidates:
        if p > 0:
            acc += p
            last = a
            if x < acc:
                return a
    return last


@dataclass
class _Plan:
    """What one `plan()` call works with: the search env and its counters."""

    moves: Transitions
    counters: Counters
    max_depth: int
    critic_leaf: bool


class MCTSPlanner:
    """Agent Q's MCTS planner (see the module docstring for the algorithm).

    One planner follows one episode: `start_episode` (or the first `plan`) sets the root, `plan`
    searches from the root and returns the decision, `advance` moves the root after the acting env
    took an action. All randomness comes from `np.random.default_rng(seed)`.
    """

    def __init__(
        self,
        policy: Policy,
        critic: Critic,
        judge: Judge,
        config: MCTSConfig | None = None,
        seed: int = 0,
    ) -> None:
        self.policy = policy
        self.critic = critic
        self.judge = judge
        self.config = config if config is not None else MCTSConfig()
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        # privileged components read the env's live state, so the env must be at the node they score
        self._reads_env = {
            "policy": bool(getattr(policy, "privileged", True)),
            "critic": bool(getattr(critic, "privileged", True)),
            "judge": bool(getattr(judge, "privileged", True)),
        }
        self._root: Node | None = None
        self._reset_fn: ResetFn | None = None
        self._ids = RecordIds()

    # ------------------------------------------------------------------ the search

    def _simulate(self, plan: _Plan) -> None:
        """One selection - expansion - evaluation - backup pass from the root."""
        node = self._root
        path = [node]
        while True:
            rec = node.state
            if rec.terminal or rec.depth >= plan.max_depth:
                value = self._evaluate(plan, node)
                break
            if not node.expanded:
                self._expand(plan, node)
            if not node.children:
                value = self._judge(plan, rec)
                break
            child = select_child(node, self.config.exploration, self.config.selection, self.config.puct_prior)
            nxt = plan.moves.walk(rec, child.action)
            if nxt is None:  # env-step budget spent: evaluate where we are
                value = self._evaluate(plan, node)
                break
            child.state = nxt
            path.append(child)
            node = child
            if child.visits == 0:
                value = self._evaluate(plan, child)
                break
        self._backup(path, value)
        plan.counters.simulations += 1

    @staticmethod
    def _backup(path: list[Node], value: float) -> None:
        """Eq. 9: every node on the path counts the visit and averages in the value."""
        for n in path:
            n.visits += 1
            n.value_sum += value

    def _expand(self, plan: _Plan, node: Node) -> None:
        """Ask the policy for K distinct actions, score them with the critic once, add children."""
        rec = node.state
        seen: set[str] = set()
        actions: list[str] = []
        probs: list[float] = []
        for a, p in self._propose(plan, rec, self.config.num_candidates):
            if a not in seen:
                seen.add(a)
                actions.append(a)
                probs.append(float(p))
        node.expanded = True
        if not actions:
            return
        scores = self._score(plan, rec, actions)
        order = sorted(range(len(actions)), key=lambda i: (-scores[i], -probs[i], actions[i]))
        node.children = [
            Node(actions[i], node, depth=node.depth + 1, prior=probs[i], critic_score=scores[i]) for i in order
        ]

    def _evaluate(self, plan: _Plan, node: Node) -> float:
        """The value of a new leaf: the judge at a terminal state, else a rollout or the critic score."""
        rec = node.state
        if rec.terminal:
            return self._judge(plan, rec)
        if plan.critic_leaf and node.critic_score is not None:
            return node.critic_score
        return self._rollout(plan, rec)

    def _rollout(self, plan: _Plan, rec: StateRecord) -> float:
        """Roll out with the policy until terminal, max_depth or the step budget; judge the end."""
        k = self.config.rollout_k
        while not rec.terminal and rec.depth < plan.max_depth:
            candidates = self._propose(plan, rec, k)
            if not candidates:
                break
            nxt = plan.moves.walk(rec, sample_action(candidates, self.rng))
            if nxt is None:
                break
            rec = nxt
        return self._judge(plan, rec)

    def _decide(self, plan: _Plan) -> str | None:
        """Most-visited root child (final="q": highest Q); ties by the other key, then order."""
        root = self._root
        by_q = self.config.final == "q"
        best: Node | None = None
        best_key: tuple[float, float] | None = None
        for ch in root.children:
            if ch.visits == 0:
                continue
            key = (ch.q, ch.visits) if by_q else (ch.visits, ch.q)
            if best_key is None or key > best_key:
                best, best_key = ch, key
        if best is not None:
            return best.action
        if not root.expanded and not root.state.terminal:
            self._expand(plan, root)
        return root.children[0].action if root.children else None

    # ------------------------------------------------------------------ components (timed)

    def _propose(self, plan: _Plan, rec: StateRecord, k: int) -> list[tuple[str, float]]:
        if self._reads_env["policy"]:
            plan.moves.goto(rec)
        t = perf_counter()
        out = self.policy.propose(rec.obs, k, self.rng)
        plan.counters.t_comp += perf_counter() - t
        plan.counters.policy_calls += 1
        return out

    def _score(self, plan: _Plan, rec: StateRecord, actions: list[str]) -> list[float]:
        if self._reads_env["critic"]:
            plan.moves.goto(rec)
        t = perf_counter()
        scores = [float(s) for s in self.critic.score(rec.obs, actions)]
        plan.counters.t_comp += perf_counter() - t
        plan.counters.critic_calls += 1
        if len(scores) != len(actions):
            raise ValueError(f"critic returned {len(scores)} scores for {len(actions)} candidates")
        return scores

    def _judge(self, plan: _Plan, rec: StateRecord) -> float:
        if rec.judge_value is not None:
            return rec.judge_value
        if self._reads_env["judge"]:
            plan.moves.goto(rec)
        obs = rec.obs if rec.obs is not None else {}
        steps = trajectory(rec)
        t = perf_counter()
        value = float(self.judge.judge(obs.get("goal", ""), steps, obs))
        plan.counters.t_comp += perf_counter() - t
        plan.counters.judge_calls += 1
        rec.judge_value = value
        return value

    # ------------------------------------------------------------------ the episode

    @property
    def root(self) -> Node | None:
        """The current root node (None before the episode started)."""
        return self._root

    @property
    def history(self) -> list[str]:
        """Actions from the episode start to the root."""
        return [s.action for s in trajectory(self._root.state)] if self._root else []

    def start_episode(
        self,
        obs: Obs | None = None,
        *,
        reset_fn: ResetFn | None = None,
        history: Sequence[Step | str] = (),
    ) -> None:
        """Forget the tree and caches; the root is the state after `history` with `obs`.

        `history` lists the steps already taken since the episode start (Step, or a bare action
        whose observation is filled in when it is replayed); depths count from that start.
        `reset_fn()` must reset the search env to the episode start (needed for replay).
        """
        self._ids = RecordIds()
        rec = self._ids.new(None, None, 0)
        for h in history:
            action, hobs = (h.action, h.obs) if isinstance(h, Step) else (str(h), None)
            if hobs is not None:
                rec.obs = hobs
            nxt = self._ids.new(rec, action, rec.depth + 1)
            rec.next[action] = nxt
            rec = nxt
        rec.obs = obs
        self._root = Node(None, None, depth=rec.depth, state=rec)
        if reset_fn is not None:
            self._reset_fn = reset_fn

    def advance(self, action: str, obs: Obs) -> bool:
        """Record that the acting env took `action` from the root and now shows `obs`.

        The chosen child becomes the root with its statistics (if reuse_subtree and the child's
        stored observation has the same text and url as `obs`); otherwise a fresh root.
        Returns True if the subtree was kept.
        """
        if self._root is None:
            raise RuntimeError("advance() before the episode started")
        root = self._root
        rrec = root.state
        rec = rrec.next.get(action)
        if rec is not None and same_page(rec.obs, obs):
            rrec.next = {action: rec}  # drop the siblings' cached states
            child = next((ch for ch in root.children if ch.action == action), None)
            if self.config.reuse_subtree and child is not None and child.state is rec:
                child.parent = None
                self._root = child
                return True
            self._root = Node(None, None, depth=rec.depth, state=rec)
            return False
        rec = self._ids.new(rrec, action, rrec.depth + 1)
        rec.obs = obs
        rrec.next = {action: rec}
        self._root = Node(None, None, depth=rec.depth, state=rec)
        return False

    def _fresh_root(self, obs: Obs) -> None:
        """Replace the root by a fresh node showing `obs` (same place in the episode)."""
        old = self._root.state
        if old.parent is None:
            self.start_episode(obs)
            return
        rec = self._ids.new(old.parent, old.action, old.depth)
        rec.obs = obs
        old.parent.next[old.action] = rec
        self._root = Node(None, None, depth=rec.depth, state=rec)

    def _ensure_root(self, obs: Obs | None, history: Sequence[Step | str] | None) -> None:
        """Start the episode, or restart it from `history`, or refresh a root whose page changed."""
        if history is not None:
            actions = [h.action if isinstance(h, Step) else str(h) for h in history]
            if self._root is None or actions != self.history:
                self.start_episode(obs, history=history)
        elif self._root is None:
            self.start_episode(obs)
        if obs is not None and self._root.state.obs is not None and not same_page(self._root.state.obs, obs):
            self._fresh_root(obs)

    def plan(
        self,
        env: Any,
        obs: Obs | None = None,
        *,
        root_state: Any = None,
        reset_fn: ResetFn | None = None,
        history: Sequence[Step | str] | None = None,
        leave_at_root: bool = True,
        max_env_steps: int | None = None,
    ) -> SearchResult:
        """Search from the root and return the decision.

        env: gymnasium-style env; `env.unwrapped` gives legal_actions() and, in snapshot mode,
          snapshot()/restore(). Without `root_state` the env must be AT the root state.
        obs: the observation at the root (needed on the first call unless root_state or
          replay can produce it; if it differs from the root's stored page, a fresh root).
        root_state: a snapshot from the acting env; it is restored into `env` first
          ("plan in one env, act in another").
        reset_fn: resets `env` to the episode start (replay mode; kept for later calls).
        history: the episode's actions so far; if it differs from the planner's own
          history the episode restarts from it (stateless use instead of advance()).
        leave_at_root: bring the env back to the root state before returning.
        max_env_steps: this call's cap on new env steps (default: the config's `max_env_steps`).
        """
        t_start = perf_counter()
        cfg = self.config
        u = getattr(env, "unwrapped", env)
        snapshots = cfg.use_snapshots and hasattr(u, "snapshot") and hasattr(u, "restore")
        if root_state is not None and not snapshots:
            raise ValueError("root_state needs an env with snapshot/restore and use_snapshots=True")
        if reset_fn is not None:
            self._reset_fn = reset_fn
        self._ensure_root(obs, history)
        root = self._root
        counters = Counters(root.state.depth)
        cap = cfg.max_env_steps if max_env_steps is None else max_env_steps
        moves = Transitions(
            env, counters, self._ids, snapshots=snapshots, cache=cfg.transition_cache,
            max_new=cap, max_depth=cfg.max_depth, reset_fn=self._reset_fn,
        )
        plan = _Plan(moves, counters, cfg.max_depth, cfg.leaf_value == "critic")
        moves.ensure_root(root.state, root_state)

        for _ in range(cfg.simulations):
            if moves.budget_spent():
                break
            self._simulate(plan)

        action = self._decide(plan)
        if leave_at_root:
            moves.goto(root.state)
        children = [
            ChildStats(action=ch.action, visits=ch.visits, q=ch.q, critic_score=ch.critic_score, prior=ch.prior)
            for ch in root.children
        ]
        tree_size = sum(1 for _ in root.iter_subtree())
        return SearchResult(
            action=action, children=children, stats=counters.to_stats(tree_size, perf_counter() - t_start),
            root_visits=root.visits, root_q=root.q, root_depth=root.depth,
        )

    # ------------------------------------------------------------------ conveniences

    def preference_pairs(self) -> list:
        """Preference pairs from the current tree with the config's alpha and theta."""
        from .preferences import preference_pairs

        return preference_pairs(self._root, self.config.alpha, self.config.theta, self.history)

    def to_networkx(self, chosen: str | None = None):
        """The current tree as a networkx DiGraph (see export.tree_to_networkx)."""
        from .export import tree_to_networkx

        return tree_to_networkx(self._root, self.config.alpha, chosen=chosen)
