"""The sample network, loaded fresh for each test (other suites wipe the shared server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph_service.services import importer
from graph_service.services.importer import sample_network_bytes


@pytest.fixture()
def sample(runtime) -> Iterator[object]:  # type: ignore[no-untyped-def]
    runtime.repo.delete_all()
    importer.import_document(runtime, sample_network_bytes())
    yield runtime
    runtime.repo.delete_all()
