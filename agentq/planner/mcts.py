"""Monte Carlo Tree Search over an env with snapshot/restore (or reset + replay)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import perf_counter
from typing import Any

import numpy as np

from .config import MCTSConfig
from .protocols import Critic, Judge, Obs, Policy, Step
from .stats import ChildStats, Counters, SearchResult
from .tree import Node, StateRecord, same_page, select_child

ResetFn = Callable[[], Any]


def _sample(cands: list[tuple[str, float]], rng: np.random.Generator) -> str:
    """Sample one action by its (unnormalised, non-negative) probability."""
    total = 0.0
    for _, p in cands:
        if p > 0:
            total += p
    if total <= 0.0:
        return cands[int(rng.integers(len(cands)))][0]
    x = rng.random() * total
    acc = 0.0
    last = cands[0][0]
    for a, p in cands:
        if p > 0:
            acc += p
            last = a
            if x < acc:
                return a
    return last


class MCTSPlanner:
    """Agent Q's MCTS planner.

    One planner follows one episode: `start_episode` (or the first `plan`) sets the root,
    `plan` searches from the root, `advance` moves the root after the acting env took an action.
    The planner draws all randomness from `np.random.default_rng(seed)`.
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
        self._priv_policy = bool(getattr(policy, "privileged", True))
        self._priv_critic = bool(getattr(critic, "privileged", True))
        self._priv_judge = bool(getattr(judge, "privileged", True))
        self._root: Node | None = None
        self._reset_fn: ResetFn | None = None
        self._next_sid = 0
        # per-plan state
        self._env: Any = None
        self._u: Any = None
        self._snap_mode = False
        self._env_at: StateRecord | None = None
        self._c = Counters()

    # ------------------------------------------------------------------ episode bookkeeping

    @property
    def root(self) -> Node | None:
        """The current root node (None before the episode started)."""
        return self._root

    @property
    def history(self) -> list[str]:
        """Actions from the episode start to the root."""
        return [s.action for s in self._trajectory(self._root.state)] if self._root else []

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
        self._next_sid = 0
        rec = self._new_record(None, None, 0)
        for h in history:
            action, hobs = (h.action, h.obs) if isinstance(h, Step) else (str(h), None)
            if hobs is not None:
                rec.obs = hobs
            nxt = self._new_record(rec, action, rec.depth + 1)
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
        rec = self._new_record(rrec, action, rrec.depth + 1)
        rec.obs = obs
        rrec.next = {action: rec}
        self._root = Node(None, None, depth=rec.depth, state=rec)
        return False

    observe_action = advance

    def _new_record(self, parent: StateRecord | None, action: str | None, depth: int) -> StateRecord:
        rec = StateRecord(self._next_sid, parent, action, depth)
        self._next_sid += 1
        return rec

    def _fresh_root(self, obs: Obs) -> None:
        """Replace the root by a fresh node showing `obs` (same place in the episode)."""
        old = self._root.state
        if old.parent is None:
            self.start_episode(obs)
            return
        rec = self._new_record(old.parent, old.action, old.depth)
        rec.obs = obs
        old.parent.next[old.action] = rec
        self._root = Node(None, None, depth=rec.depth, state=rec)

    # ------------------------------------------------------------------ env access (timed)

    def _env_step(self, action: str) -> tuple:
        t = perf_counter()
        out = self._env.step(action)
        self._c.t_env += perf_counter() - t
        return out

    def _env_legal(self) -> list[str]:
        t = perf_counter()
        out = list(self._u.legal_actions())
        self._c.t_env += perf_counter() - t
        return out

    def _env_snapshot(self) -> Any:
        t = perf_counter()
        out = self._u.snapshot()
        self._c.t_env += perf_counter() - t
        self._c.snapshots += 1
        return out

    def _env_restore(self, state: Any) -> Any:
        t = perf_counter()
        out = self._u.restore(state)
        self._c.t_env += perf_counter() - t
        self._c.restores += 1
        return out

    def _env_reset(self) -> Any:
        if self._reset_fn is None:
            raise RuntimeError("replay needs reset_fn (the env has no snapshot/restore)")
        t = perf_counter()
        out = self._reset_fn()
        self._c.t_env += perf_counter() - t
        self._c.resets += 1
        return out[0] if isinstance(out, tuple) else out

    def _goto(self, target: StateRecord) -> None:
        """Bring the env to `target`: from where it is, a snapshot, or reset, then replay."""
        if self._env_at is target:
            return
        path: list[StateRecord] = []
        r = target
        while True:
            if r is self._env_at:
                break
            if self._snap_mode and r.snapshot is not None:
                self._env_restore(r.snapshot)
                break
            if r.parent is None:
                o = self._env_reset()
                if r.obs is None:
                    r.obs = o
                break
            path.append(r)
            r = r.parent
        for rr in reversed(path):
            obs = self._env_step(rr.action)[0]
            self._c.replayed += 1
            if rr.obs is None:
                rr.obs = obs
        self._env_at = target

    def _walk(self, rec: StateRecord, action: str) -> StateRecord | None:
        """The state `action` leads to from `rec` (cached, or executed); None if over budget."""
        c = self._c
        nxt = rec.next.get(action)
        if nxt is not None and self._cache:
            c.cached += 1
        else:
            if self._max_new is not None and c.new >= self._max_new:
                return None
            if self._env_at is not rec:
                self._goto(rec)
            obs, reward, terminated, truncated, info = self._env_step(action)
            c.new += 1
            if nxt is None:
                nxt = StateRecord(
                    self._next_sid, rec, action, rec.depth + 1,
                    {**obs, "legal_actions": self._env_legal()},
                    reward, terminated, truncated, info,
                )
                self._next_sid += 1
                if self._snap_mode and self._cache and not nxt.terminal and nxt.depth < self._max_depth:
                    nxt.snapshot = self._env_snapshot()
                rec.next[action] = nxt
            self._env_at = nxt
        if nxt.depth > c.max_depth:
            c.max_depth = nxt.depth
        return nxt

    # ------------------------------------------------------------------ components (timed)

    def _trajectory(self, rec: StateRecord) -> list[Step]:
        steps: list[Step] = []
        r = rec
        while r.parent is not None:
            st = r.step
            if st is None:
                p = r.parent
                if p.obs is None:  # not known yet (bare history action): don't cache
                    st = Step({}, r.action)
                else:
                    st = r.step = Step(p.obs, r.action)
            steps.append(st)
            r = r.parent
        steps.reverse()
        return steps

    def _judge(self, rec: StateRecord) -> float:
        v = rec.judge_value
        if v is not None:
            return v
        if self._priv_judge:
            self._goto(rec)
        traj = self._trajectory(rec)
        obs = rec.obs if rec.obs is not None else {}
        t = perf_counter()
        v = float(self.judge.judge(obs.get("goal", ""), traj, obs))
        self._c.t_comp += perf_counter() - t
        self._c.judge_calls += 1
        rec.judge_value = v
        return v

    def _propose(self, rec: StateRecord, k: int) -> list[tuple[str, float]]:
        if self._priv_policy:
            self._goto(rec)
        t = perf_counter()
        out = self.policy.propose(rec.obs, k, self.rng)
        self._c.t_comp += perf_counter() - t
        self._c.policy_calls += 1
        return out

    def _expand(self, node: Node) -> None:
        """Ask the policy for K distinct actions, rank them with the critic once, add children."""
        rec = node.state
        seen: set[str] = set()
        actions: list[str] = []
        probs: list[float] = []
        for a, p in self._propose(rec, self.config.num_candidates):
            if a not in seen:
                seen.add(a)
                actions.append(a)
                probs.append(float(p))
        node.expanded = True
        if not actions:
            return
        if self._priv_critic:
            self._goto(rec)
        t = perf_counter()
        scores = [float(s) for s in self.critic.rank(rec.obs, actions)]
        self._c.t_comp += perf_counter() - t
        self._c.critic_calls += 1
        if len(scores) != len(actions):
            raise ValueError(f"critic returned {len(scores)} scores for {len(actions)} candidates")
        total = sum(max(s, 0.0) for s in scores)
        n = len(actions)
        order = sorted(range(n), key=lambda i: (-scores[i], -probs[i], actions[i]))
        depth = node.depth + 1
        node.children = [
            Node(
                actions[i], node, depth=depth, prob=probs[i], critic=scores[i],
                prior=max(scores[i], 0.0) / total if total > 0 else 1.0 / n,
            )
            for i in order
        ]

    # ------------------------------------------------------------------ search

    def _rollout(self, rec: StateRecord) -> float:
        """Roll out with the policy until terminal, max_depth or the step budget; judge."""
        k = self.config.rollout_k
        while not rec.terminal and rec.depth < self._max_depth:
            cands = self._propose(rec, k)
            if not cands:
                break
            nxt = self._walk(rec, _sample(cands, self.rng))
            if nxt is None:
                break
            rec = nxt
        return self._judge(rec)

    def _evaluate(self, node: Node) -> float:
        rec = node.state
        if rec.terminal:
            return self._judge(rec)
        if self._critic_leaf and node.critic is not None:
            return node.critic
        return self._rollout(rec)

    def _simulate(self) -> None:
        """One selection-expansion-evaluation-backup pass from the root."""
        cfg = self.config
        node = self._root
        path = [node]
        while True:
            rec = node.state
            if rec.terminal or rec.depth >= self._max_depth:
                value = self._evaluate(node)
                break
            if not node.expanded:
                self._expand(node)
            if not node.children:
                value = self._judge(rec)
                break
            child = select_child(node, cfg.exploration, cfg.prior)
            nxt = self._walk(rec, child.action)
            if nxt is None:  # env-step budget spent: evaluate where we are
                value = self._evaluate(node)
                break
            child.state = nxt
            path.append(child)
            node = child
            if child.visits == 0:
                value = self._evaluate(child)
                break
        for n in path:
            n.visits += 1
            n.value_sum += value
        self._c.simulations += 1

    def _decide(self) -> str | None:
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
            self._expand(root)
        return root.children[0].action if root.children else None

    def plan(
        self,
        env: Any,
        obs: Obs | None = None,
        *,
        root_state: Any = None,
        reset_fn: ResetFn | None = None,
        history: Sequence[Step | str] | None = None,
        leave_at_root: bool = True,
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
        """
        t_start = perf_counter()
        cfg = self.config
        u = getattr(env, "unwrapped", env)
        self._snap_mode = cfg.use_snapshots and hasattr(u, "snapshot") and hasattr(u, "restore")
        if root_state is not None and not self._snap_mode:
            raise ValueError("root_state needs an env with snapshot/restore and use_snapshots=True")
        if reset_fn is not None:
            self._reset_fn = reset_fn
        if history is not None:
            actions = [h.action if isinstance(h, Step) else str(h) for h in history]
            if self._root is None or actions != self.history:
                self.start_episode(obs, history=history)
        elif self._root is None:
            self.start_episode(obs)
        if obs is not None and self._root.state.obs is not None and not same_page(
            self._root.state.obs, obs
        ):
            self._fresh_root(obs)

        self._env, self._u = env, u
        self._cache = cfg.transition_cache
        self._max_new = cfg.max_env_steps
        self._max_depth = cfg.max_depth
        self._critic_leaf = cfg.leaf_value == "critic"
        root = self._root
        rec = root.state
        self._c = c = Counters(rec.depth)

        if root_state is not None:
            o = self._env_restore(root_state)
            rec.snapshot = root_state
            if rec.obs is None:
                rec.obs = o
            self._env_at = rec
        elif self._snap_mode:
            rec.snapshot = self._env_snapshot()
            self._env_at = rec
        else:
            self._env_at = rec if rec.obs is not None else None
            if rec.obs is None:
                self._goto(rec)  # reset + replay gives the root observation
        if rec.obs is None:
            raise ValueError("plan() needs obs on the first call")
        if "legal_actions" not in rec.obs:
            self._goto(rec)
            rec.obs = {**rec.obs, "legal_actions": self._env_legal()}

        max_new = self._max_new
        for _ in range(cfg.simulations):
            if max_new is not None and c.new >= max_new:
                break
            self._simulate()

        action = self._decide()
        if leave_at_root:
            self._goto(rec)
        children = [
            ChildStats(
                action=ch.action, visits=ch.visits, q=ch.q, critic=ch.critic,
                prior=ch.prior, prob=ch.prob,
            )
            for ch in root.children
        ]
        tree_size = sum(1 for _ in root.iter_subtree())
        stats = c.to_stats(tree_size, perf_counter() - t_start)
        self._env = self._u = None
        return SearchResult(
            action=action, children=children, stats=stats, root_visits=root.visits,
            root_q=root.q, root_depth=root.depth,
        )

    # ------------------------------------------------------------------ conveniences

    def preference_pairs(self) -> list:
        """Preference pairs from the current tree with the config's alpha and theta."""
        from .preferences import preference_pairs

        return preference_pairs(self._root, self.config.alpha, self.config.theta, self.history)

    def to_networkx(self):
        """The current tree as a networkx DiGraph (see export.tree_to_networkx)."""
        from .export import tree_to_networkx

        return tree_to_networkx(self._root, self.config.alpha)
