"""A catalogue no training task used (catalogue seeds >= 1000): other cities, restaurants and people,
generated tasks named by id alone, solvable by the expert, and refused by an env serving another
catalogue."""

from __future__ import annotations

import gymnasium as gym
import pytest

import mock_sites.restaurant  # noqa: F401 - registers the env
from envs.oracle import Oracle
from mock_sites.restaurant import tasks
from mock_sites.restaurant.adapter import RestaurantSite
from mock_sites.restaurant.catalogue import UNSEEN_CATALOGUE_SEED, build_catalogue

UNSEEN = UNSEEN_CATALOGUE_SEED


def _people(catalogue_seed: int, suite: list[tasks.Task]) -> set[str]:
    names = {a.first_name for a in build_catalogue(catalogue_seed).accounts}
    return names | {t.profile.first_name for t in suite} | {t.profile.last_name for t in suite}


def test_the_unseen_catalogue_shares_no_city_restaurant_or_person_with_the_training_one():
    seen, unseen = build_catalogue(0), build_catalogue(UNSEEN)
    assert {r.city for r in seen.restaurants}.isdisjoint({r.city for r in unseen.restaurants})
    assert {r.name for r in seen.restaurants}.isdisjoint({r.name for r in unseen.restaurants})
    assert {r.neighbourhood for r in seen.restaurants}.isdisjoint({r.neighbourhood for r in unseen.restaurants})
    train, fresh = tasks.load_suite("train"), tasks.generate_fresh(5151, 60, catalogue_seed=UNSEEN)
    assert _people(0, train).isdisjoint(_people(UNSEEN, fresh))
    for task in fresh[:20]:  # no training restaurant or city is named in an unseen task
        assert not any(r.name in task.instruction for r in seen.restaurants if len(r.name) > 4), task.instruction
    assert len(unseen.restaurants) == len(seen.restaurants)  # the same shape: only the names differ


def test_generated_ids_name_their_catalogue_and_resolve_alone():
    site = RestaurantSite()
    listed = site.generate_tasks(7, 3, catalogue_seed=UNSEEN)
    assert [t["id"] for t in listed] == [f"c{UNSEEN}-s7-{i:04d}" for i in range(3)]
    task = site.task_by_id(listed[2]["id"])
    assert task == tasks.generate(7, 3, catalogue_seed=UNSEEN)[2] and task.catalogue_seed == UNSEEN
    assert site.task_by_id("s7-0002").catalogue_seed == 0 and site.task_by_id("s7-0002") != task
    with pytest.raises(ValueError, match="env.catalogue_seed 1000"):
        site.list_tasks("dev", catalogue_seed=UNSEEN)  # the frozen suites live on catalogue 0


def test_the_expert_solves_unseen_tasks_and_an_env_of_another_catalogue_refuses_them():
    fresh = tasks.generate_fresh(5151, 6, catalogue_seed=UNSEEN)
    env = gym.make("agentq/Restaurant-v0", backend="http", catalogue_seed=UNSEEN)
    try:
        oracle = Oracle(env)
        for task in fresh:
            obs, _ = env.reset(seed=0, options={"task_id": task.id})
            terminated = truncated = False
            while not (terminated or truncated):
                obs, _, terminated, truncated, _ = env.step(oracle.expert_action())
            assert oracle.evaluate().success, task.id
    finally:
        env.close()
    other = gym.make("agentq/Restaurant-v0", backend="http")
    try:
        with pytest.raises(ValueError, match="set env.catalogue_seed to 1000"):
            other.reset(seed=0, options={"task_id": fresh[0].id})
    finally:
        other.close()
