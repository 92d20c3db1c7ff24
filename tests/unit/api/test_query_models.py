"""A query model read from the query string in one step (api/params.py) is the model
FastAPI read field by field from ``Annotated[Model, Query()]``: the same model for any
query string, the same 422 answer for a bad one, the same OpenAPI parameters."""

# No `from __future__ import annotations`: FastAPI reads the twin routes' annotations at
# runtime, and they refer to the loop's model.

from typing import Annotated, Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api import params, problems
from graph_service.api.app import create_app
from graph_service.config import Settings
from graph_service.filters import TieConditions, TieFilter
from graph_service.model import EvidenceMethod, RelType
from graph_service.services.importing.options import ImportQuery
from graph_service.services.nodes import NodeQuery
from graph_service.services.paths import PathQuery
from graph_service.services.ties import TieQuery

MODELS: list[type[BaseModel]] = [TieFilter, TieConditions, TieQuery, NodeQuery, ImportQuery]
#: And the models with required fields (no model without parameters).
TWINS: list[type[BaseModel]] = [*MODELS, PathQuery]


def _twin_app() -> FastAPI:
    """For each query model, one route reading it as FastAPI does, one through
    params.from_query: ``/fastapi/Model`` and ``/ours/Model``."""
    app = FastAPI()
    for model in TWINS:

        async def by_fastapi(read: Annotated[model, Query()]) -> dict[str, Any]:  # type: ignore[valid-type]
            return read.model_dump(mode="json")

        async def by_us(read: Annotated[model, params.from_query(model)]) -> dict[str, Any]:  # type: ignore[valid-type]
            return read.model_dump(mode="json")

        app.get(f"/fastapi/{model.__name__}")(by_fastapi)
        app.get(f"/ours/{model.__name__}")(by_us)
    problems.install(app)
    return app


CLIENT = TestClient(_twin_app())

#: Values a caller may put in each field, good and bad.
VALUES: dict[str, st.SearchStrategy[str]] = {
    "types": st.sampled_from([t.value for t in RelType] + ["KNOWS ", "knows", "", "x"]),
    "methods": st.sampled_from([m.value for m in EvidenceMethod] + ["", "nope"]),
    "phase": st.sampled_from(["1", "phase-2", "", " ", "a" * 40, "ä"]),
    "as_of": st.sampled_from(["2024-01-31", "2024-02-30", "20240101", "1700000000", ""]),
    "date_from": st.sampled_from(["2024-01-01", "2025-06-30", "2024-1-1", ""]),
    "date_to": st.sampled_from(["2023-12-31", "2025-01-01", "soon", ""]),
    "min_evidence": st.sampled_from(["0", "1", "3", "10000", "10001", "-1", "1.5", "x", ""]),
    "min_methods": st.sampled_from(["0", "2", "5", "6", "two"]),
    "min_sources": st.sampled_from(["0", "2", "1e3", ""]),
    "min_confidence": st.sampled_from(["0", "0.5", "1", "1.01", "nan", "-0.1", ""]),
    "network": st.sampled_from(["default", "other"]),  # another route parameter: left alone
    "radius": st.sampled_from(["1", "x"]),
}

query_strings = st.lists(
    st.sampled_from(sorted(VALUES)).flatmap(lambda k: VALUES[k].map(lambda v: (k, v))),
    max_size=8,
).map(urlencode)


def _answer(route: str, query: str, model: type[BaseModel] = TieFilter) -> tuple[int, Any]:
    response = CLIENT.get(f"/{route}/{model.__name__}?{query}")
    body = response.json()
    if isinstance(body, dict):
        body.pop("instance", None)  # the path, which differs
    return response.status_code, body


@settings(max_examples=300, deadline=None)
@given(query_strings, st.sampled_from([TieFilter, TieConditions]))
def test_any_filter_gives_what_fastapi_gave(query, model):
    assert _answer("ours", query, model) == _answer("fastapi", query, model)


@pytest.mark.parametrize(
    ("model", "query"),
    [
        (TieQuery, "offset=5&limit=1000&node=n1&source=a&target=b&min_evidence=2"),
        (TieQuery, "offset=-1&limit=0"),
        (TieQuery, "node=" + "x" * 129),
        (NodeQuery, "label=Actor&group=g1&name=ann&where=kind:staff&where=age:3"),
        (NodeQuery, "where=a:1"),
        (NodeQuery, "where=Bad&label=Nobody&limit=1001"),
        (ImportQuery, ""),
        (ImportQuery, "format=csv&label=Actor&type=KNOWS&merge_arcs=true&dry_run=1"),
        (ImportQuery, "format=doc&merge_arcs=perhaps&weight=x"),
        (PathQuery, "source=a&target=b"),
        (PathQuery, "source=a&target=b&k=10&max_length=8&types=KNOWS"),
        (PathQuery, ""),  # both ends missing
        (PathQuery, "source=a b&k=11&max_length=0&target=" + "x" * 129),
    ],
)
def test_the_other_query_models_give_what_fastapi_gave(model, query):
    ours = _answer("ours", query, model)
    assert ours[0] in (200, 422)
    assert ours == _answer("fastapi", query, model)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "types=KNOWS&types=MEMBER_OF&min_evidence=2",
        "phase=2&phase=3",  # the last one counts, as FastAPI reads a repeated scalar
        "date_from=2025-01-01&date_to=2024-01-01",  # the model's own check
        "as_of=2024-01-01&date_from=2024-01-01",
        "min_confidence=2&types=nope&min_methods=-1",  # three errors at once
    ],
)
def test_examples_give_what_fastapi_gave(query):
    ours = _answer("ours", query)
    assert ours == _answer("fastapi", query)
    if "nope" in query:
        assert ours[0] == 422
        assert len(ours[1]["errors"]) == 3


@pytest.mark.parametrize("model", MODELS)
def test_a_model_alone_is_read_only_from_its_own_fields(model):
    """Parameters that are not the model's are left to the route (the network, a radius)."""
    expected = (200, model().model_dump(mode="json"))
    assert _answer("ours", "network=x&radius=9&zzz=1", model) == expected


def test_a_model_that_would_read_other_parameters_is_refused():
    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")
        a: int = 0

    class Aliased(BaseModel):
        a: int = Field(default=0, alias="b")

    with pytest.raises(TypeError, match="ignores other parameters"):
        params.from_query(Strict)
    with pytest.raises(TypeError, match="field names"):
        params.from_query(Aliased)


def test_the_document_lists_the_filter_as_fastapi_did():
    """Every route that takes the filter documents its parameters, as FastAPI documents
    the query model, and the enumerations they refer to are in the components."""
    twin = _twin_app().openapi()
    expected = twin["paths"]["/fastapi/TieFilter"]["get"]["parameters"]
    assert twin["paths"]["/ours/TieFilter"]["get"].get("parameters", []) == []  # not by itself
    document = create_app(Settings()).openapi()
    names = {p["name"] for p in expected}
    taking = {
        (path, method): operation["parameters"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "min_evidence" in {p["name"] for p in operation.get("parameters", [])}
    }
    assert ("/connections/ego/{node_id}", "get") in taking
    assert ("/metrics", "get") in taking
    assert ("/ties", "get") in taking
    assert len(taking) >= 15
    for (path, _), found in taking.items():
        if path in ("/memberships", "/participations", "/responsibilities"):
            continue  # TieConditions: the filter without types, checked below
        ours = [p for p in found if p["name"] in names]
        for parameter in expected:
            problems._without_null(parameter)
        assert ours == expected, path
    for parameter in expected:
        for ref in _refs(parameter):
            assert ref.rsplit("/", 1)[-1] in document["components"]["schemas"]


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [value["$ref"]] if "$ref" in value else [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


@pytest.mark.parametrize(
    ("path", "method", "model"),
    [
        ("/memberships", "get", TieConditions),
        ("/ties", "get", TieQuery),
        ("/nodes", "get", NodeQuery),
        ("/import", "post", ImportQuery),
        ("/connections/paths", "get", PathQuery),
    ],
)
def test_the_other_query_models_are_documented_as_fastapi_did(path, method, model):
    expected = _twin_app().openapi()["paths"][f"/fastapi/{model.__name__}"]["get"]["parameters"]
    for parameter in expected:
        problems._without_null(parameter)
    operation = create_app(Settings()).openapi()["paths"][path][method]
    names = {p["name"] for p in expected}
    assert [p for p in operation["parameters"] if p["name"] in names] == expected
