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

EDITOR_KEY = "schemathesis-editor-key"
_keys = SecretStr(f"editor:{hash_key(EDITOR_KEY)}")
# with a key configured, so that schemathesis also checks that bad keys get 401
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(get_settings().model_copy(update={"api_keys": _keys}))
)


@pytest.fixture(scope="module", autouse=True)
def _sample_loaded(runtime: Any, sample_doc: dict[str, Any]) -> Iterator[None]:
    from graph_service.services import importer

    runtime.repo.delete_all()
    importer.import_document(runtime.repo, sample_doc)
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


#: Operations whose input is a language of its own that JSON Schema cannot carry (a Cypher
#: statement, CSV files): a schema-valid request there may well be a 422, so the
#: positive-data check is left out for them alone.
_FREE_TEXT = {"/cypher", "/import/csv"}


def _check(case: schemathesis.Case) -> None:
    excluded = [positive_data_acceptance] if case.operation.path in _FREE_TEXT else []
    case.call_and_validate(headers={"X-API-Key": EDITOR_KEY}, excluded_checks=excluded)


#: Rules that join several fields, which JSON Schema cannot say. The OpenAPI document
#: says them in words and the routes answer 422 naming the field (tests/api/test_*.py
#: check each); the generated schema-valid cases leave them out.
_MUST_DIFFER = (("source", "target"), ("group_a", "group_b"), ("a", "b"))


def filter_query(ctx: Any, query: dict[str, Any] | None) -> bool:
    if not query:
        return True
    if any(x in query and query.get(x) == query.get(y) for x, y in _MUST_DIFFER):
        return False
    if query.get("as_of") is not None and (query.get("date_from") or query.get("date_to")):
        return False  # as_of or a date window, not both
    if query.get("date_from") and query.get("date_to") and query["date_to"] < query["date_from"]:
        return False
    if query.get("part") is not None and query.get("format") != "csv":
        return False  # part is for format=csv
    path = ctx.operation.path if ctx.operation else ""
    # a phase comparison needs a phase on each side
    return not path.startswith("/steering/compare") or bool(
        query.get("phase_a") and query.get("phase_b")
    )


def filter_body(ctx: Any, body: Any) -> bool:
    # a tie cannot join a node to itself
    return not (
        isinstance(body, dict) and body.get("source") and body.get("source") == body.get("target")
    )


@schema.hooks.apply(filter_body)
@schema.hooks.apply(filter_query)
@schema.include(path_regex=API_PATHS).parametrize()
@_SETTINGS
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    _check(case)


# The analysis, map and steering routers run whole analyses per request: fewer examples
# each (about 20 s for all of them on this machine).
@schema.hooks.apply(filter_query)
@schema.exclude(path_regex=API_PATHS).parametrize()
@settings(_SETTINGS, max_examples=3)
def test_other_routers_conform_to_the_schema(case: schemathesis.Case) -> None:
    _check(case)
