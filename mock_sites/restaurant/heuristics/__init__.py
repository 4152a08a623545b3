"""The restaurant's hand-written components: a solver for TableTop's pages that reads only public
text (the instruction, the page text, its url), as a policy, a critic and a judge.

They know this site's pages, words and forms, so they live with the site, not in `agentq/`: the
site adapter offers them to the component registry (`RestaurantSite.components()`), which builds
them by their names (`heuristic`) on this site and refuses them, with the reason, on any other.

- `request`: what the instruction asks for (restaurant, city, date, time, party, contact details).
- `page`: TableTop's result cards, time slots and review lists, read from the observation text.
- `matching`: page strings against the request (option labels, slots, summaries, review lists).
- `scoring`: a score for every action at an observation (the solver).
- `components`, `judge`: the policy, critic and judge over those scores and readings.
- `registration`: the registry entries the adapter hands out.

Nothing here reads the hidden goal, the expert or the database (a test scans the imports).
"""
