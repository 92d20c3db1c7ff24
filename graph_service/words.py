"""Words for counts and lists in every output (command line, API summaries, report):
singular or plural by the count, the right article, and lists that say when they are cut.

>>> count(1, "initiative or task", "initiatives or tasks"), count(2, "person", "people")
('1 initiative or task', '2 people')
>>> with_article("actor"), with_article("staff member")
('an actor', 'a staff member')
>>> listed(["a", "b", "c", "d"], limit=2)
'a, b and 2 more'
"""

from __future__ import annotations

from collections.abc import Sequence


def plural(n: int, one: str, many: str | None = None) -> str:
    """``one`` when ``n`` is 1, else ``many`` (default: ``one`` + "s")."""
    return one if n == 1 else (many if many is not None else one + "s")


def count(n: int, one: str, many: str | None = None) -> str:
    """``"1 person"``, ``"3 people"``."""
    return f"{n} {plural(n, one, many)}"


def with_article(noun: str) -> str:
    """``noun`` with "a" or "an" (by its first letter: enough for the words we use)."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def listed(items: Sequence[str], limit: int = 5, sep: str = ", ") -> str:
    """The first ``limit`` items, then "and N more" when the list is cut."""
    shown = sep.join(items[:limit])
    rest = len(items) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown
