"""The steering commands, routes and the report, as a user meets them (real Neo4j)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.config import Settings

pytestmark = pytest.mark.neo4j
runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare", "--phase-a", "1", "--phase-b", "2"], "30 stored ties gained"),
        (["goals"], "Krisenfeste Unternehmen"),
        (["parallel", "--phase", "1"], "FLAG Kai Drüppelmann + Jens Kötterheinrich"),
        (["evidence", "--min-sources", "2"], "0 single-source"),
        (["resilience", "--remove", "st-koetterheinrich"], "If Jens Kötterheinrich left"),
        (["resilience", "--top", "2"], "If Dr. Henrike Brammertz left"),
        (["recommend", "--top", "3"], "Bernd Uhlenküken"),
    ],
)
def test_steering_commands_print_their_findings(sample, args, expected) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_json_output_and_bad_input(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["goals", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["unsupported"] == ["goal-r-krisen"]
    bad = runner.invoke(app, ["compare", "--phase-a", "1"])
    assert bad.exit_code == 2 and "phase or an as-of date" in bad.output
    bad = runner.invoke(app, ["goals", "--as-of", "yesterday"])
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_erase_command_reports_what_was_erased(sample) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["erase", "st-heuvelkamp", "--yes"])
    assert result.exit_code == 0, result.output
    assert "erased Staff st-heuvelkamp" in result.output and "MEMBER_OF" in result.output
    again = runner.invoke(app, ["erase", "st-heuvelkamp", "--yes"])
    assert again.exit_code == 2 and "no node" in again.output


def test_report_is_one_self_contained_file(sample, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for heading in (
        "Headline figures",
        "E-I index",
        "Who brokers",
        "What changed from phase 1",
        "Which goals",
        "Parallel structures",
        "If someone leaves",
        "The map",
    ):
        assert heading in html
    assert html.count("<svg") >= 5 and "srcdoc=" in html
    # nothing is fetched: no external script, style, image or frame
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html.split("srcdoc=")[0]
    assert "Jens Kötterheinrich" in html


def test_pseudonymised_report_needs_a_salt_and_hides_people(
    sample, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from graph_service.config import get_settings

    out = tmp_path / "r.html"
    monkeypatch.delenv("GRAPH_SERVICE_PSEUDONYM_SALT", raising=False)
    get_settings.cache_clear()
    result = runner.invoke(app, ["report", "-o", str(out), "--pseudonymise"])
    assert result.exit_code == 2 and "GRAPH_SERVICE_PSEUDONYM_SALT" in result.output
    monkeypatch.setenv("GRAPH_SERVICE_PSEUDONYM_SALT", "test-salt")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["report", "-o", str(out), "--pseudonymise"])
    finally:
        monkeypatch.delenv("GRAPH_SERVICE_PSEUDONYM_SALT")
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for person in ("Kötterheinrich", "Brammertz", "st-brammertz", "Möllenbrock", "Vennemann"):
        assert person not in html
    assert "Person " in html and "Zeche Zukunft GmbH" in html  # organisations stay


@pytest.fixture()
def client(sample, settings: Settings):  # type: ignore[no-untyped-def]
    from graph_service.api.app import create_app
    from graph_service.api.routes import steering

    api = create_app(settings)
    if not any(getattr(r, "path", "").startswith("/steering") for r in api.routes):
        api.include_router(steering.router)  # until the lead adds it to all_routers()
    with TestClient(api) as c:
        yield c


def test_api_routes_answer(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/steering/compare", params={"phase_a": "1", "phase_b": "2"})
    assert r.status_code == 200 and len(r.json()["gained"]) == 30
    assert client.get("/steering/goals").json()["unsupported"] == ["goal-r-krisen"]
    flagged = client.get("/steering/parallel", params={"phase": "1", "min_shared": 2}).json()
    assert len(flagged["flagged"]) == 3
    assert client.get("/steering/evidence", params={"min_sources": 2}).json()["single_source"] == 0
    dep = client.get("/steering/resilience", params={"remove": ["st-koetterheinrich"]}).json()
    assert len(dep["cut_off"]) == 4
    assert client.get("/steering/resilience/ranking", params={"top": 1}).json()["departures"][0][
        "removed"
    ] == ["st-koetterheinrich"]
    assert (
        len(client.get("/steering/recommendations", params={"top": 2}).json()["introductions"]) == 2
    )
    r = client.get("/steering/compare/map", params={"phase_a": "1", "phase_b": "2"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")


def test_api_errors_are_problems(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/steering/compare", params={"phase_a": "1"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = client.get("/steering/resilience", params={"remove": ["ghost"]})
    assert r.status_code == 404
    r = client.delete("/steering/people/act-zeche-zukunft")
    assert r.status_code == 422


def test_api_erase_person(client) -> None:  # type: ignore[no-untyped-def]
    r = client.delete("/steering/people/act-althoff")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "act-althoff" and body["ties_by_type"]["COLLABORATES_WITH"] >= 1
    assert client.delete("/steering/people/act-althoff").status_code == 404
