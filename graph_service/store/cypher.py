"""Load the Cypher queries shipped with the package, by name.

Every query lives in ``graph_service/cypher/<area>/<verb>_<noun>.cypher`` with a header
comment. They are read from the installed package (``importlib.resources``), never from a
path relative to the working directory, so an installed wheel works from anywhere.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import LiteralString, cast


@cache
def query(name: str) -> LiteralString:
    """The text of ``cypher/<name>.cypher`` (``name`` like ``"nodes/upsert_nodes"``).

    The cast to ``LiteralString`` is safe: the text comes from files shipped with the
    package, never from user input; user values travel as parameters.
    """
    path = resources.files("graph_service") / "cypher" / f"{name}.cypher"
    if not path.is_file():
        raise KeyError(f"no Cypher query named {name!r}")
    return cast(LiteralString, path.read_text(encoding="utf-8"))


def statements(name: str) -> list[LiteralString]:
    """A file of several statements separated by ``;`` (schema files), comments dropped."""
    body = "\n".join(
        line for line in query(name).splitlines() if not line.lstrip().startswith("//")
    )
    return [cast(LiteralString, part.strip()) for part in body.split(";") if part.strip()]


def names() -> list[str]:
    """Every query shipped with the package, as ``area/name``."""
    root = resources.files("graph_service") / "cypher"
    found: list[str] = []
    for area in root.iterdir():
        if area.is_dir():
            found += [
                f"{area.name}/{f.name.removesuffix('.cypher')}"
                for f in area.iterdir()
                if f.name.endswith(".cypher")
            ]
    return sorted(found)
