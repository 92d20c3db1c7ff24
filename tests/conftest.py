"""Shared fixtures. Tests that touch storage talk Bolt to the real local Neo4j that the
test command starts (scripts/test); nothing here mocks Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.config import Settings, get_settings

#: The classic SNA datasets: shared/ lies beside the clone (here and in CI).
DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "sna"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def runtime(settings: Settings) -> Iterator[object]:
    from graph_service.services.runtime import Runtime

    rt = Runtime(settings)
    rt.store.ping()  # fails loudly when the test server is not running
    rt.ensure_schema()
    yield rt
    rt.close()


def empty_store(runtime) -> None:  # type: ignore[no-untyped-def]
    """Delete every network of the store (and the leftovers of aborted imports)."""
    from graph_service.services import networks

    networks.clean_leftovers(runtime)
    for network in networks.list_networks(runtime):
        networks.delete_network(runtime.on(network.name))


@pytest.fixture()
def empty_graph(runtime):  # type: ignore[no-untyped-def]
    """The store emptied (every network) before the test and after it; the runtime is
    bound to the network ``default``."""
    empty_store(runtime)
    yield runtime
    empty_store(runtime)
