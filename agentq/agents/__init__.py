"""Agents and the one episode loop they share; nothing here knows which site it acts on.

Kinds: ``random`` (uniform over the legal actions, the floor), ``pure`` (the policy alone),
``critic_greedy`` (the critic picks among the policy's K samples), ``best_of_n`` (N policy
trajectories in the search env, the judge picks one), ``mcts`` (Agent Q's search) and ``expert``
(the privileged expert, the ceiling).
"""
