"""Run an experiment: plan episodes, run them in worker processes, append rows, resume after a crash.

The seam to the environments is :class:`EpisodeWorker`: ``env.name`` selects a worker class
(``"restaurant"`` -> ``agentq.agents.worker:SiteWorker``; any ``"package.module:Class"`` is
imported). Each worker process builds one worker, then runs the :class:`EpisodeSpec` s it is sent.

Modules: :mod:`.seam` (specs, results, the worker protocol), :mod:`.tasks` (listing and selecting
tasks), :mod:`.plan` (run order and seeds), :mod:`.rows` (row building), :mod:`.processes` (worker
processes), :mod:`.loop` (the dispatch loop) and :mod:`.experiment` (a whole run, resume).
"""

from .experiment import RunOutcome, prepare_folder, run_experiment
from .loop import PREFETCH, ProgressHook
from .plan import episode_seed, plan_episodes
from .rows import EPISODE_KEYS, RUNNER_KEYS, build_row
from .seam import (EpisodeResult, EpisodeSpec, EpisodeWorker, RunInputError, RunnerError, TaskRef, Timings,
                   import_worker, worker_ref)
from .tasks import list_tasks, select_tasks

__all__ = [
    "PREFETCH",
    "RUNNER_KEYS",
    "EPISODE_KEYS",
    "RunnerError",
    "RunInputError",
    "EpisodeSpec",
    "Timings",
    "EpisodeResult",
    "EpisodeWorker",
    "TaskRef",
    "worker_ref",
    "import_worker",
    "list_tasks",
    "select_tasks",
    "episode_seed",
    "plan_episodes",
    "build_row",
    "RunOutcome",
    "ProgressHook",
    "prepare_folder",
    "run_experiment",
]
