"""Property-based run over the OpenAPI schema (schemathesis) with an editor key, every
check on: no 5xx; every answer (successes and problems alike) conforms to the schema in
status, content type, headers and body; schema-violating requests are refused; and
schema-valid requests are accepted, so the document says what the API really takes.

Two kinds of rule cannot be said in JSON Schema, and the run leaves them aside:
rules that join several fields (``filter_case``: a path from a node to
itself, ``as_of`` with a date window, ``part`` without ``format=csv``, ...), which the
document states in words and the route tests check; and the operations whose input is a
language of its own (a Cypher statement, CSV files), which keep every check but the
positive-data one.

Bounded: EXAMPLES generated cases per operation, so the whole run stays within a few
minutes. The app is the real one over the real Neo4j, with the sample network loaded; the
store is emptied after the run.
"""

from __future__ import annotations

import json
import zlib
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
from graph_service.services.importer import sample_network_bytes

pytestmark = pytest.mark.neo4j

EXAMPLES = 10

EDITOR_KEY = "schemathesis-editor-key"
_keys = SecretStr(f"editor:{hash_key(EDITOR_KEY)}")
# a server set up for pseudonymised outputs (without a salt, ?pseudonymise=true is 422)
_salt = SecretStr("schemathesis-pseudonym-salt-0123456789abcdef")
# with a key configured, so that schemathesis also checks that bad keys get 401
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(get_settings().model_copy(update={"api_keys": _keys, "pseudonym_salt": _salt})),
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


#: Operations whose input is a language of its own that JSON Schema cannot carry (a Cypher
#: statement, CSV files): a schema-valid request there may well be a 422, so the
#: positive-data check is left out for them alone.
_FREE_TEXT = {"/cypher", "/import/csv"}


def _free_text(case: schemathesis.Case) -> bool:
    """A Cypher statement, the CSV pair, or a network to import (``POST /import``: a file,
    or a document whose reading the query options steer: they name the file's columns,
    its encoding, the evidence to stamp, which JSON Schema cannot relate to the body; a
    fresh-clone run drew such cases where a local run had not)."""
    return case.operation.path in _FREE_TEXT or case.operation.path == "/import"


def _check(case: schemathesis.Case) -> None:
    excluded = [positive_data_acceptance] if _free_text(case) else []
    case.call_and_validate(headers={"X-API-Key": EDITOR_KEY}, excluded_checks=excluded)


#: Rules that join several fields, which JSON Schema cannot say. The OpenAPI document
#: says them in words and the routes answer 422 naming the field (tests/api/test_*.py
#: check each); the generated schema-valid cases leave them out.
_MUST_DIFFER = (("source", "target"), ("group_a", "group_b"), ("a", "b"))


#: What each map view needs besides ``view``.
_MAP_VIEW_NEEDS = {
    "ego": ("center",),
    "paths": ("source", "target"),
    "brokers": ("group_a", "group_b"),
    "comparison": ("phase_a", "phase_b"),
}


def _query_breaks_a_joint_rule(path: str, query: dict[str, Any]) -> bool:
    if any(x in query and query.get(x) == query.get(y) for x, y in _MUST_DIFFER):
        return True
    if query.get("as_of") is not None and (query.get("date_from") or query.get("date_to")):
        return True  # as_of or a date window, not both
    if query.get("date_from") and query.get("date_to") and query["date_to"] < query["date_from"]:
        return True
    if query.get("part") is not None and query.get("format") != "csv":
        return True  # part is for format=csv
    evidence = query.get("evidence_source") or query.get("evidence_date")
    if path == "/import" and evidence and not query.get("evidence_method"):
        return True  # evidence stamped on every tie needs its method
    # a map view needs its inputs (services/maps.py answers 422 naming the one missing)
    needs = _MAP_VIEW_NEEDS.get(str(query.get("view")), ())
    if path == "/maps" and not all(query.get(field) for field in needs):
        return True
    # a phase comparison needs a phase on each side
    return path.startswith("/steering/compare") and not (
        query.get("phase_a") and query.get("phase_b")
    )


def _tie_breaks_a_joint_rule(tie: Any, path_id: Any) -> bool:
    if not isinstance(tie, dict):
        return False
    if tie.get("source") and tie.get("source") == tie.get("target"):
        return True  # a tie cannot join a node to itself
    start, end = tie.get("valid_from"), tie.get("valid_to")
    if start and end and isinstance(start, str) and isinstance(end, str) and end < start:
        return True
    return path_id is not None and tie.get("id") not in (None, path_id)


def _document_breaks_a_joint_rule(doc: Any) -> bool:
    """An import's ties must join nodes of the document (or of the store)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("ties"), list):
        return False
    ids = {n.get("id") for n in doc.get("nodes") or [] if isinstance(n, dict)}
    return any(
        _tie_breaks_a_joint_rule(t, None) or {t.get("source"), t.get("target")} - ids
        for t in doc["ties"]
        if isinstance(t, dict)
    )


def filter_case(ctx: Any, case: schemathesis.Case) -> bool:
    # for negative cases too: one that breaks a joint rule is refused whatever else it does
    path = case.operation.path
    path_id = (case.path_parameters or {}).get("tie_id") or (case.path_parameters or {}).get(
        "node_id"
    )
    if path == "/import":
        return not _document_breaks_a_joint_rule(case.body)
    return not (
        _query_breaks_a_joint_rule(path, case.query or {})
        or _tie_breaks_a_joint_rule(case.body, path_id)
    )


#: The ends of the sample network's ties, by type: a schema-valid tie names nodes that
#: exist, with the labels its type joins (state the schema cannot know).
_ENDS: dict[str, list[tuple[str, str]]] = {}
for _tie in json.loads(sample_network_bytes())["ties"]:
    _ENDS.setdefault(_tie["type"], []).append((_tie["source"], _tie["target"]))
_TYPE_OF_PATH = {
    "/memberships": "MEMBER_OF",
    "/participations": "PARTICIPATES_IN",
    "/responsibilities": "RESPONSIBLE_FOR",
}


def _with_existing_ends(path: str, body: Any) -> None:
    if not isinstance(body, dict) or "source" not in body or "target" not in body:
        return
    root = "/" + path.split("/")[1]
    if root not in (*_TYPE_OF_PATH, "/ties"):
        return
    ends = _ENDS.get(_TYPE_OF_PATH.get(root) or str(body.get("type")))
    if ends:
        pick = zlib.crc32(f"{body['source']}|{body['target']}".encode()) % len(ends)
        body["source"], body["target"] = ends[pick]


#: Phases the sample network has. A phase no tie or membership carries is refused (422
#: naming the phases there are: an unknown phase would answer as if the network were
#: empty), a rule of the data that no schema can state: positive cases ask for these.
_PHASES = sorted({t["phase"] for t in json.loads(sample_network_bytes())["ties"] if t.get("phase")})


#: Likewise a partition by a property no node has is refused, naming the ones there are.
_PROPERTIES = sorted(
    {k for n in json.loads(sample_network_bytes())["nodes"] for k in n.get("attributes") or {}}
)


def _with_existing_phases(query: Any) -> None:
    if not isinstance(query, dict):
        return
    # the sample is loaded into the network default: a generated name is another, empty
    # network, where the data rules below (existing phases, ends) cannot hold
    if isinstance(query.get("network"), str):
        query["network"] = "default"
    for key in ("phase", "phase_a", "phase_b"):
        if isinstance(query.get(key), str):
            query[key] = _PHASES[zlib.crc32(query[key].encode()) % len(_PHASES)]
    partition = query.get("partition")
    if isinstance(partition, str) and partition.startswith("property:"):
        pick = _PROPERTIES[zlib.crc32(partition.encode()) % len(_PROPERTIES)]
        query["partition"] = f"property:{pick}"


def map_case(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    # The run authenticates with X-API-Key; a generated Authorization header next to it
    # would be ignored (X-API-Key comes first), so a malformed one proves nothing.
    if case.headers:
        case.headers.pop("Authorization", None)
    if case.meta is None or not case.meta.generation.mode.is_negative:
        _with_existing_ends(case.operation.path, case.body)
        _with_existing_phases(case.query)
    return case


@schema.hooks.apply(map_case)
@schema.hooks.apply(filter_case)
@schema.include(path_regex=API_PATHS).parametrize()
@_SETTINGS
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    _check(case)


# The analysis, map and steering routers run whole analyses per request: fewer examples
# each (about 20 s for all of them on this machine).
@schema.hooks.apply(map_case)
@schema.hooks.apply(filter_case)
@schema.exclude(path_regex=API_PATHS).parametrize()
@settings(_SETTINGS, max_examples=3)
def test_other_routers_conform_to_the_schema(case: schemathesis.Case) -> None:
    _check(case)
