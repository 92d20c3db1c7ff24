"""Words as the user meets them on the sample network (real Neo4j): an unknown id before
any question, counts in the singular when there is one, cut lists that say so."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.services.importer import sample_network_bytes

pytestmark = pytest.mark.neo4j
runner = CliRunner()


def test_erase_says_nobody_has_the_id_before_asking(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["erase", "nobody"], input="")
    assert result.exit_code == 2
    assert "no node with id 'nobody'" in result.output
    assert "Erase nobody" not in result.output  # no confirmation was asked


def test_erase_of_an_organisation_is_refused_before_asking(sample) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(sample_network_bytes())
    group = next(n["id"] for n in doc["nodes"] if n["label"] == "Group")
    result = runner.invoke(app, ["erase", group], input="")
    assert result.exit_code == 2
    assert "is a Group of kind office, not a person" in result.output
    assert "Erase" not in result.output


def test_goal_lines_count_in_singular_and_plural(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["goals"])
    assert result.exit_code == 0, result.output
    assert "initiatives/tasks" not in result.output
    assert not re.search(r"\b1 (people|groups|initiatives or tasks)\b", result.output)
    assert re.search(
        r"\b\d+ (initiative or task|initiatives or tasks), \d+ (person|people)", result.output
    )


def test_resilience_says_how_many_pairs_it_leaves_out(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["resilience", "--top", "5"])
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        found = re.search(r"(\d+) pairs? of groups would lose touch(?: \((.*?)\);)?", line)
        if not found:
            continue
        total, listed = int(found.group(1)), found.group(2) or ""
        more = re.search(r" and (\d+) more$", listed)
        shown = listed.count(" – ")
        assert shown + (int(more.group(1)) if more else 0) == total
        if total == 1:
            assert "1 pair of groups" in line


def test_the_maps_subtitle_names_the_partition_once(sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for args, selected in (([], None), (["--phase", "2"], "selected: phase 2")):
        out = tmp_path / "map.html"
        result = runner.invoke(app, ["map", "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        caption = re.search(r'<p id="map-caption">(.*?)</p>', out.read_text(), re.S).group(1)
        assert caption.lower().count("membership") == 1
        assert caption.count("all phases") == 1
        if selected:
            assert selected in caption
