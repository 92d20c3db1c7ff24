"""The five most used commands end their --help with an example; completion is offered."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph_service.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["import", "analyze", "metrics", "map", "demo"])
def test_help_ends_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    last = [line.strip() for line in result.output.splitlines() if line.strip()][-1]
    assert last.startswith(f"Example: graph-service {command} ")


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "--install-completion" in result.output and "--show-completion" in result.output
