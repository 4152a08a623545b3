"""Monte Carlo Tree Search for web agents: Agent Q (Putta et al., 2024, section 4 / eq. 7-10),
extended for a deterministic simulator.

One simulation from the root:

* **Selection** (eq. 7). Descend while the node is expanded. With ``selection="ucb"`` (Agent Q)
  the first unvisited child in critic order is taken, else the child maximising UCB1
  ``Q(s, a) + c * sqrt(ln N(s) / (1 + N(s, a)))``; ``widening: w`` makes only the first
  ``ceil((N(s) + 1)^w)`` children eligible (progressive widening). With ``selection="puct"`` the
  child maximising ``Q(s, a) + c * P(s, a) * sqrt(N(s)) / (1 + N(s, a))``, where P is the critic's
  score (``puct_prior="critic"``) or the policy's probability (``"policy"``) normalised over the
  siblings; an unvisited child's Q is 0, or its critic score when ``value_mix > 0`` (completed Q).
* **Expansion.** The policy proposes K = ``num_candidates`` distinct actions with their
  probabilities (each child's ``prior``); the critic scores them once (``critic_score``, the
  self-critique); children are stored best critic score first (ties: higher prior, then the
  action text), which is the order UCB tries unvisited children in.
* **Evaluation** of the new leaf. A terminal state gets the judge's verdict. Otherwise
  ``leaf_value="rollout"`` rolls out to a terminal state, ``max_depth`` or the env-step budget:
  ``rollout="sample"`` (Agent Q) draws one of ``rollout_k`` policy proposals by probability,
  ``rollout="critic"`` (LATS's value-guided rollout) lets the critic pick among K proposals, and
  with ``rollout_to_tree`` each such step is an expansion whose children keep their critic scores,
  so rollout states count in values and visits (and can form preference pairs). A finished page
  gets the judge's verdict; a page the depth or budget cut is never judged as if finished:
  ``cut_value`` gives it 0, the critic's score of the last action, or (Agent Q) the judge's verdict.
  ``leaf_value="critic"`` uses the leaf's critic score instead of a rollout. With
  ``value_mix: lambda`` a non-finished leaf's value is ``lambda * critic score + (1 - lambda) * outcome``.
* **Backup** (eq. 9). Every node on the path adds the value: ``N += 1``, ``Q`` is the running mean.
* **Kept trajectories.** Every judged terminal state is kept, with its value and action path,
  across simulations and decisions (the states are deterministic, so the path reaches it again).
  ``stop_on_accept`` ends the search once the judge accepts one (value >= ``accept``).
* **Final choice.** ``final="trajectory"``: the next action of the best accepted kept trajectory
  under the root (later decisions follow it without searching), else the most visited child;
  ``final="visits"`` (Agent Q): the most visited root child; ``final="q"``: the highest Q. Ties by
  the other key, then critic order. Preference pairs for DPO (eq. 10) come from :mod:`.preferences`.

Budgets: at most ``simulations`` simulations per decision (exactly that many when nothing else
stops it; None: no cap), stopping early when ``max_env_steps`` new env steps are spent (cache hits
are free). Without a simulation cap the search also stops after ``STALL_LIMIT`` simulations in a row
that executed no new env step (the reachable tree is exhausted). Moving the search env between
states (restore, replay, the transition cache) is :mod:`.transitions`' job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import numpy as np

from . import calls
from .config import MCTSConfig
from .protocols import Critic, Judge, Obs, Policy, Step
from .stats import ChildStats, Counters, SearchResult
from .transitions import RecordIds, ResetFn, StateRecord, Transitions, VerdictHook, trajectory
from .tree import Node, same_page, select_child

STALL_LIMIT = 64  # uncapped search: stop after this many simulations in a row without a new env step
_CONFIG = object()  # plan(simulations=...) default: the config's value


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


def critic_order(actions: Sequence[str], probs: Sequence[float], scores: Sequence[float]) -> list[int]:
    """Indices best critic score first; ties: higher policy probability, then the action text."""
    return sorted(range(len(actions)), key=lambda i: (-scores[i], -probs[i], actions[i]))


def path_from(root: StateRecord, rec: StateRecord) -> list[str] | None:
    """The actions from `root` to `rec`, or None when `rec` is not below `root`."""
    actions: list[str] = []
    r = rec
    while r is not None and r.depth > root.depth:
        actions.append(r.action)
        r = r.parent
    return actions[::-1] if r is root else None


@dataclass
class _Plan:
    """What one `plan()` call works with: the search env and its counters."""

    moves: Transitions
    counters: Counters
    max_depth: int
    critic_leaf: bool


class MCTSPlanner:
    """MCTS for web agents (see the module docstring for the algorithm and its rules).

    One planner follows one episode: `start_episode` (or the first `plan`) sets the root, `plan`
    searches from the root and returns the decision, `advance` moves the root after the acting env
    took an action. The tree's reused subtree and the kept trajectories carry over between
    decisions. All randomness comes from `np.random.default_rng(seed)`.
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
        self._kept: list[StateRecord] = []  # judged terminal states below the root, in the order found

    # ------------------------------------------------------------------ the search

    def _simulate(self, plan: _Plan) -> None:
        """One selection - expansion - evaluation - backup pass from the root."""
        cfg = self.config
        node = self._root
        path = [node]
        while True:
            rec = node.state
            if rec.terminal or rec.depth >= plan.max_depth:
                value = self._evaluate(plan, node, path)
                break
            if not node.expanded:
                self._expand(plan, node)
            if not node.children:  # a page without candidates: a dead end, valued as a cut
                value = self._cut(plan, rec, node.critic_score)
                break
            child = select_child(
                node, cfg.exploration, cfg.selection, cfg.puct_prior,
                widening=cfg.widening, completed_q=cfg.value_mix > 0,
            )
            nxt = plan.moves.walk(rec, child.action)
            if nxt is None:  # env-step budget spent: a cut where we are
                value = self._cut(plan, rec, node.critic_score)
                break
            child.state = nxt
            path.append(child)
            node = child
            if child.visits == 0:
                value = self._evaluate(plan, child, path)
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
        node.children = [
            Node(actions[i], node, depth=node.depth + 1, prior=probs[i], critic_score=scores[i])
            for i in critic_order(actions, probs, scores)
        ]

    def _evaluate(self, plan: _Plan, node: Node, path: list[Node]) -> float:
        """The value of a new leaf: the judge at a finished page, a cut value at a cut one, else a
        rollout (or the critic score); mixed with the leaf's critic score by `value_mix`."""
        rec = node.state
        critic = node.critic_score
        if rec.terminated:  # a finished page's verdict is the outcome itself: nothing to mix
            return self._judge(plan, rec)
        if rec.truncated or rec.depth >= plan.max_depth:
            outcome = self._cut(plan, rec, critic)
        elif plan.critic_leaf and critic is not None:
            return critic
        else:
            outcome = self._rollout(plan, node, path)
        lam = self.config.value_mix
        if lam > 0 and critic is not None:
            return lam * critic + (1.0 - lam) * outcome
        return outcome

    def _rollout(self, plan: _Plan, node: Node, path: list[Node]) -> float:
        """Roll out from `node` until a finished page (judged), or a cut (depth, budget, no
        candidates: `cut_value`). Critic rollouts with `rollout_to_tree` grow `path` in the tree."""
        cfg = self.config
        rec, last_critic = node.state, node.critic_score
        while True:
            if rec.terminated:
                return self._judge(plan, rec)
            if rec.truncated or rec.depth >= plan.max_depth:
                return self._cut(plan, rec, last_critic)
            if cfg.rollout_to_tree:
                if not node.expanded:
                    self._expand(plan, node)
                if not node.children:
                    return self._cut(plan, rec, last_critic)
                child = node.children[0]  # the critic's favourite
                nxt = plan.moves.walk(rec, child.action)
                if nxt is None:
                    return self._cut(plan, rec, last_critic)
                child.state = nxt
                path.append(child)
                node, rec, last_critic = child, nxt, child.critic_score
                continue
            candidates = self._propose(plan, rec, cfg.rollout_proposals)
            if not candidates:
                return self._cut(plan, rec, last_critic)
            if cfg.rollout == "critic":
                actions = [a for a, _ in candidates]
                scores = self._score(plan, rec, actions)
                best = critic_order(actions, [float(p) for _, p in candidates], scores)[0]
                action, last_critic = actions[best], scores[best]
            else:
                action = sample_action(candidates, self.rng)
            nxt = plan.moves.walk(rec, action)
            if nxt is None:
                return self._cut(plan, rec, last_critic)
            rec = nxt

    def _cut(self, plan: _Plan, rec: StateRecord, critic: float | None) -> float:
        """The value of a page the search stopped at before it finished (`cut_value`)."""
        rule = self.config.cut_value
        if rule == "judge" or rec.terminated:
            return self._judge(plan, rec)
        if rule == "critic":
            return float(critic) if critic is not None else 0.0
        return 0.0

    # ------------------------------------------------------------------ kept trajectories

    def best_trajectory(self) -> tuple[float, list[str]] | None:
        """The best kept judged terminal trajectory below the root: (value, actions from the root);
        ties go to the one found first. None when none is kept."""
        best: StateRecord | None = None
        for rec in self._kept:
            if best is None or rec.judge_value > best.judge_value:
                best = rec
        if best is None:
            return None
        return best.judge_value, path_from(self._root.state, best)

    def _accepted(self) -> list[str] | None:
        """The actions of the best kept trajectory if the judge accepted it, else None."""
        best = self.best_trajectory()
        if best is None or best[0] < self.config.accept or not best[1]:
            return None
        return best[1]

    def _keep_below_root(self) -> None:
        root = self._root.state
        self._kept = [r for r in self._kept if path_from(root, r) is not None]

    def _decide(self, plan: _Plan) -> str | None:
        """final="trajectory": the accepted kept trajectory's next action, else as "visits".
        "visits": most-visited root child; "q": highest Q; ties by the other key, then order."""
        root = self._root
        if self.config.final == "trajectory":
            accepted = self._accepted()
            if accepted:
                return accepted[0]
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
        return calls.propose(self.policy, rec, k, self.rng, plan.moves, plan.counters, self._reads_env["policy"])

    def _score(self, plan: _Plan, rec: StateRecord, actions: list[str]) -> list[float]:
        return calls.score(self.critic, rec, actions, plan.moves, plan.counters, self._reads_env["critic"])

    def _judge(self, plan: _Plan, rec: StateRecord) -> float:
        """The judge's verdict (cached per state); a judged finished page is kept."""
        if rec.judge_value is not None:
            return rec.judge_value
        rec.judge_value = calls.verdict(self.judge, rec, plan.moves, plan.counters, self._reads_env["judge"])
        if rec.terminated:
            self._kept.append(rec)
        return rec.judge_value

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
        """Forget the tree, caches and kept trajectories; the root is the state after `history`.

        `history` lists the steps already taken since the episode start (Step, or a bare action
        whose observation is filled in when it is replayed); depths count from that start.
        `reset_fn()` must reset the search env to the episode start (needed for replay).
        """
        self._ids = RecordIds()
        self._kept = []
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
        stored observation has the same text and url as `obs`); otherwise a fresh root. Kept
        trajectories that do not pass through the new root are dropped.
        Returns True if the subtree was kept.
        """
        if self._root is None:
            raise RuntimeError("advance() before the episode started")
        root = self._root
        rrec = root.state
        rec = rrec.next.get(action)
        kept = False
        if rec is not None and same_page(rec.obs, obs):
            rrec.next = {action: rec}  # drop the siblings' cached states
            child = next((ch for ch in root.children if ch.action == action), None)
            if self.config.reuse_subtree and child is not None and child.state is rec:
                child.parent = None
                self._root = child
                kept = True
            else:
                self._root = Node(None, None, depth=rec.depth, state=rec)
        else:  # the acting env left the searched path: nothing known below it
            rec = self._ids.new(rrec, action, rrec.depth + 1)
            rec.obs = obs
            rrec.next = {action: rec}
            self._root = Node(None, None, depth=rec.depth, state=rec)
        self._keep_below_root()
        return kept

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
        self._keep_below_root()

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
        simulations: Any = _CONFIG,
        on_verdict: VerdictHook | None = None,
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
        simulations: this call's cap on simulations (default: the config's; None: no cap).
        on_verdict: told each judge verdict with a snapshot of the judged state (a measurement
          from outside; see `Transitions.capture`).

        With ``final="trajectory"`` and an accepted kept trajectory below the root, the decision
        follows it without searching.
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
        sims = cfg.simulations if simulations is _CONFIG else simulations
        moves = Transitions(
            env, counters, self._ids, snapshots=snapshots, cache=cfg.transition_cache,
            max_new=cap, max_depth=cfg.max_depth, reset_fn=self._reset_fn, on_verdict=on_verdict,
        )
        plan = _Plan(moves, counters, cfg.max_depth, cfg.leaf_value == "critic")
        moves.ensure_root(root.state, root_state)

        committed = cfg.final == "trajectory" and self._accepted() is not None
        if not committed:
            self._search(plan, sims)

        action = self._decide(plan)
        if leave_at_root:
            moves.goto(root.state)
        children = [
            ChildStats(action=ch.action, visits=ch.visits, q=ch.q, critic_score=ch.critic_score, prior=ch.prior)
            for ch in root.children
        ]
        tree_size = sum(1 for _ in root.iter_subtree())
        best = self.best_trajectory()
        return SearchResult(
            action=action, children=children, stats=counters.to_stats(tree_size, perf_counter() - t_start),
            root_visits=root.visits, root_q=root.q, root_depth=root.depth, committed=committed,
            best_trajectory_value=best[0] if best is not None else None,
        )

    def _search(self, plan: _Plan, sims: int | None) -> None:
        """Simulations until the cap, the budget, an accepted trajectory or (uncapped) a stall."""
        moves, counters = plan.moves, plan.counters
        stalled = 0
        while sims is None or counters.simulations < sims:
            if moves.budget_spent() or self._root.state.terminal:
                break
            before = counters.new
            self._simulate(plan)
            if self.config.stop_on_accept and self._accepted() is not None:
                break
            stalled = stalled + 1 if counters.new == before else 0
            if sims is None and stalled >= STALL_LIMIT:
                break

    # ------------------------------------------------------------------ conveniences

    def preference_pairs(self) -> list:
        """Preference pairs from the current tree with the config's alpha and theta."""
        from .preferences import preference_pairs

        return preference_pairs(self._root, self.config.alpha, self.config.theta, self.history)

    def to_networkx(self, chosen: str | None = None):
        """The current tree as a networkx DiGraph (see export.tree_to_networkx)."""
        from .export import tree_to_networkx

        return tree_to_networkx(self._root, self.config.alpha, chosen=chosen)
