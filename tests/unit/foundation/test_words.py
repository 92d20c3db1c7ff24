"""Words: singular and plural, articles, lists that say when they are cut, one-line errors
without empty parts, and the API's operation summaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_service.words import count, listed, plural, with_article


@pytest.mark.parametrize(
    ("n", "one", "many", "expected"),
    [
        (1, "initiative or task", "initiatives or tasks", "1 initiative or task"),
        (2, "initiative or task", "initiatives or tasks", "2 initiatives or tasks"),
        (1, "person", "people", "1 person"),
        (0, "person", "people", "0 people"),
        (1, "group", None, "1 group"),
        (7, "pair of groups", "pairs of groups", "7 pairs of groups"),
    ],
)
def test_count_picks_singular_or_plural(n, one, many, expected) -> None:
    assert count(n, one, many) == expected
    assert plural(n, one, many) == expected.split(" ", 1)[1]


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("actor", "an actor"),
        ("Actor", "an Actor"),
        ("staff member", "a staff member"),
        ("initiative", "an initiative"),
        ("goal", "a goal"),
        ("ADVANCES tie", "an ADVANCES tie"),
    ],
)
def test_with_article(noun, expected) -> None:
    assert with_article(noun) == expected


def test_listed_says_how_many_more() -> None:
    pairs = [f"g{i} – h{i}" for i in range(7)]
    assert listed(pairs, 5) == "g0 – h0, g1 – h1, g2 – h2, g3 – h3, g4 – h4 and 2 more"
    assert listed(pairs[:5], 5) == "g0 – h0, g1 – h1, g2 – h2, g3 – h3, g4 – h4"
    assert listed([], 5) == ""


def test_openapi_summaries_read_as_english() -> None:
    from graph_service.api import create_app
    from graph_service.config import Settings

    schema = create_app(Settings()).openapi()
    summaries = {op["summary"] for path in schema["paths"].values() for op in path.values()}
    assert {"Create an actor", "List staff", "Create a staff member", "List actors"} <= summaries
    assert "Create an initiative" in summaries
    assert not [s for s in summaries if " a A" in s or " a I" in s or "Staffs" in s]
    assert not [s for s in summaries if s.startswith(("Create a a", "Create a e", "Read a a"))]


def test_errors_print_no_empty_parts(tmp_path: Path) -> None:
    from graph_service.cli import app

    edges = tmp_path / "e.csv"
    edges.write_text("source,target\n1,2\n")
    nodes = tmp_path / "n.csv"
    nodes.write_text("id,name\n1,a\n2,b\n")
    result = CliRunner().invoke(
        app, ["analyze", "--edges", str(edges), "--nodes", str(nodes), "--group", "office"]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1
    detail = lines[errors[0] + 1 :]
    assert detail and not [line for line in detail if line.strip().startswith(":")]
