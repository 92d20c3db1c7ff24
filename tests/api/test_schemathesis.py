"""Property-based run over the OpenAPI schema (schemathesis): no 5xx, and every answer
(successes and problems alike) conforms to the schema: status, content type, headers, body.

One check is left out: ``positive_data_acceptance`` (a schema-valid request must not get a
422). Some rules join several fields and cannot be said in JSON Schema (``date_to``
before ``date_from``, a path from a node to itself, a tie whose ends have the wrong
labels); those answer 422 with a problem that names the field, which is what they should.

Bounded: EXAMPLES generated cases per operation, so the whole run stays around a minute. The app is
the real one over the real Neo4j, with the sample network loaded; the store is emptied
after the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from pydantic import SecretStr
from schemathesis.checks import positive_data_acceptance

from graph_service.api import create_app
from graph_service.api.auth import hash_key
from graph_service.config import get_settings

pytestmark = pytest.mark.neo4j

EXAMPLES = 10

ADMIN_KEY = "schemathesis-admin-key"
_keys = SecretStr(f"admin:{hash_key(ADMIN_KEY)}")
# with a key configured, so that schemathesis also checks that bad keys get 401
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(get_settings().model_copy(update={"api_keys": _keys}))
)


@pytest.fixture(scope="module", autouse=True)
def _sample_loaded(runtime: Any, sample_doc: dict[str, Any]) -> Iterator[None]:
    from graph_service.services import importer

    runtime.repo.delete_all()
    importer.import_document(runtime, sample_doc)
    yield
    runtime.repo.delete_all()


#: The API layer's own resources (routes/health, nodes, ties, connections, graph, cypher).
API_PATHS = (
    r"^/(health|ready|nodes|actors|staff|groups|initiatives|goals|tasks|ties|memberships"
    r"|participations|responsibilities|connections|import|export|graph|cypher)(/|$)"
)
_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    # generated cases only: schemathesis' coverage phase (explicit boundary cases) alone
    # takes minutes over the ~75 operations on a 2-core machine
    phases=[Phase.generate, Phase.shrink],
)


def _check(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"X-API-Key": ADMIN_KEY}, excluded_checks=[positive_data_acceptance]
    )


@schema.include(path_regex=API_PATHS).exclude(method="DELETE", path="/graph").parametrize()
@_SETTINGS
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    _check(case)


# The analysis, map and steering routers run whole analyses per request: fewer examples
# each (about 20 s for all of them on this machine).
@schema.exclude(path_regex=API_PATHS).parametrize()
@settings(_SETTINGS, max_examples=3)
def test_other_routers_conform_to_the_schema(case: schemathesis.Case) -> None:
    _check(case)
