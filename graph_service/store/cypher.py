"""Load the Cypher queries shipped with the package, by name.

Every query lives in the repository's top-level ``cypher/<area>/<verb>_<noun>.cypher`` with
a header comment. ``pyproject.toml`` installs that folder as the package
``graph_service.cypher`` (``package-dir``), so the queries are read from the installed
package (``importlib.resources``), editable install and wheel alike, never from a path
relative to the working directory.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import LiteralString, cast

#: The queries' package: the top-level ``cypher/`` folder, mapped in pyproject.toml.
_PACKAGE = "graph_service.cypher"


@cache
def query(name: str) -> LiteralString:
    """The text of ``cypher/<name>.cypher`` (``name`` like ``"nodes/upsert_nodes"``).

    The cast to ``LiteralString`` is safe: the text comes from files shipped with the
    package, never from user input; user values travel as parameters.
    """
    path = resources.files(_PACKAGE) / f"{name}.cypher"
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
    root = resources.files(_PACKAGE)
    found: list[str] = []
    for area in root.iterdir():
        if area.is_dir():
            found += [
                f"{area.name}/{f.name.removesuffix('.cypher')}"
                for f in area.iterdir()
                if f.name.endswith(".cypher")
            ]
    return sorted(found)
