"""The one filter: TieFilter's rules (0 is no condition) and the command line's options,
which are derived from it (same names, same defaults as the API's query parameters)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.cli.options import filter_options, option_name, tie_filter
from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.services.analysis_graph import TieCount

runner = CliRunner()

#: Every command that filters ties.
FILTERING = ["metrics", "map", "goals", "parallel", "evidence", "resilience", "recommend", "report"]
OPTIONS = {
    "--type",
    "--phase",
    "--as-of",
    "--date-from",
    "--date-to",
    "--method",
    "--min-evidence",
    "--min-methods",
    "--min-sources",
    "--min-confidence",
}


@pytest.mark.parametrize(
    "field", ["min_evidence", "min_methods", "min_sources", "min_confidence", "methods", "types"]
)
def test_tie_filter_zero_is_no_condition(field: str) -> None:
    value: Any = [] if field in ("methods", "types") else 0
    chosen = TieFilter.model_validate({field: value})
    assert chosen == TieFilter()
    assert chosen.params() == TieFilter().params()
    assert chosen.conditions() == []


def test_tie_filter_conditions_use_the_option_words() -> None:
    chosen = TieFilter.model_validate(
        {"types": ["KNOWS"], "phase": "2", "min_confidence": 0.5, "methods": ["interview"]}
    )
    assert chosen.conditions() == [
        "phase 2",
        "method interview",
        "min-confidence 0.5",
        "type KNOWS",
    ]


def _command(name: str) -> Any:
    for info in app.registered_commands:
        if info.name == name:
            return info.callback
    for group in app.registered_groups:
        for info in group.typer_instance.registered_commands:
            if info.name == name:
                return info.callback
    raise KeyError(name)


def _option_names(callback: Any) -> dict[str, Any]:
    out = {}
    for p in inspect.signature(callback, eval_str=True).parameters.values():
        for meta in getattr(p.annotation, "__metadata__", ()):
            if isinstance(meta, typer.models.OptionInfo):
                # in Annotated, typer.Option's first argument is a name, not a default
                first = [meta.default] if isinstance(meta.default, str) else []
                for decl in [*first, *meta.param_decls]:
                    out[decl] = p.default
    return out


@pytest.mark.parametrize("command", FILTERING)
def test_every_filtering_command_takes_the_filter_options_with_no_default(command: str) -> None:
    options = _option_names(_command(command))
    assert set(options) >= OPTIONS
    assert all(options[o] is None for o in OPTIONS)


def test_compare_takes_the_filter_but_sets_each_sides_phase_itself() -> None:
    options = _option_names(_command("compare"))
    assert OPTIONS - {"--phase", "--as-of"} <= set(options)
    assert {"--phase-a", "--phase-b", "--as-of-a", "--as-of-b"} <= set(options)


def test_filter_options_are_the_api_fields() -> None:
    assert {option_name(f) for f in TieFilter.model_fields} == OPTIONS


@pytest.mark.parametrize(
    ("values", "option"),
    [
        ({"types": ["FRIENDS"]}, "--type:"),
        ({"methods": ["telepathy"]}, "--method:"),
        ({"min_confidence": 1.5}, "--min-confidence:"),
        ({"as_of": "tomorrow"}, "--as-of:"),
        ({"phase": "no phase"}, "--phase:"),
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "--date-to is before --date-from"),
    ],
)
def test_bad_filter_values_name_the_option(values: dict[str, Any], option: str) -> None:
    with pytest.raises(Invalid) as caught:
        tie_filter(**values)
    assert option in caught.value.detail
    assert "--types" not in caught.value.detail


def test_a_bad_filter_value_exits_2_naming_the_option() -> None:
    result = runner.invoke(app, ["metrics", "--type", "FRIENDS"])
    assert result.exit_code == 2
    assert "error: --type:" in result.output


def test_filter_options_pass_a_tie_filter() -> None:
    seen: list[TieFilter] = []

    @filter_options(without=("as_of",))
    def command(filters: TieFilter, top: int = 1) -> None:
        seen.append(filters)

    assert "as_of" not in inspect.signature(command).parameters
    command(top=2, min_confidence=0.0, types=["KNOWS"], phase=None)
    assert seen == [TieFilter.model_validate({"types": ["KNOWS"]})]


@pytest.mark.parametrize(
    ("count", "sentence"),
    [
        (
            TieCount(stored=78, passing=0, conditions=["min-confidence 0.5"]),
            "78 stored ties, 0 pass: min-confidence 0.5",
        ),
        (TieCount(stored=78, passing=78), "78 stored ties"),
        (TieCount(stored=1, passing=1, conditions=["phase 1"]), "1 stored tie, all pass"),
    ],
)
def test_tie_count_sentence(count: TieCount, sentence: str) -> None:
    assert count.sentence() == sentence


def test_no_command_declares_a_filter_option_of_its_own() -> None:
    """Declared once: the filter's option names appear in no CLI module but options.py."""
    from pathlib import Path

    import graph_service.cli as cli

    spelled = {f'"{o}"' for o in OPTIONS}
    # graph.py's import command has a --type and a --phase of its own: what it WRITES on
    # each imported tie (services/importing/options.py), not which stored ties to read
    for path in Path(cli.__file__).parent.glob("*.py"):
        if path.name not in {"options.py", "graph.py"}:
            text = path.read_text(encoding="utf-8")
            assert not [o for o in spelled if o in text], path.name
