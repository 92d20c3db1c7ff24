"""Analyses for the people who steer a network (issue 6), one module per analysis.

- :mod:`.phases`: what changed between two phases (or two dates).
- :mod:`.goals`: which strategy goals have initiatives, tasks and people behind them.
- :mod:`.parallel`: staff whose task portfolios overlap without a working tie.
- :mod:`.evidence`: how well each tie is triangulated; findings on single-source ties.
- :mod:`.resilience`: what a departure costs; a ranking of departures.
- :mod:`.recommendations`: introductions that would close structural holes.
- :mod:`.privacy`: pseudonyms for people, and erasing a person.

Every analysis takes a :class:`~graph_service.filters.TieFilter` (phase, as-of date,
evidence thresholds), reads the store through shipped Cypher files, and hands a pure
function plain data, so the core of each analysis is testable on hand-built graphs.
Standard metrics come through :mod:`.sna` only.
"""
