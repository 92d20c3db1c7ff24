"""Pseudonyms: stable, salted, refusing to work without a salt."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.config import Settings
from graph_service.errors import Invalid
from graph_service.model import GraphDocument
from graph_service.services.steering.privacy import Pseudonymiser, salt_from_settings


def graph() -> nx.Graph:
    G = nx.Graph()
    G.add_node("st-anna", label="Staff", name="Anna Beispiel", position="Head", degree=2)
    G.add_node("org-1", label="Actor", kind="organisation", name="Firma Eins")
    G.add_node("act-bob", label="Actor", kind="person", name="Bob Muster")
    G.add_edge("st-anna", "org-1", id="KNOWS:org-1:st-anna:1", ids=["KNOWS:org-1:st-anna:1"])
    G.add_edge("st-anna", "act-bob", id="KNOWS:act-bob:st-anna")
    return G


def test_pseudonymise_graph_replaces_people_only() -> None:
    p = Pseudonymiser("salt")
    H = p.graph(graph())
    anna, bob = p.pseudonym("st-anna"), p.pseudonym("act-bob")
    assert set(H) == {anna, bob, "org-1"}
    assert H.nodes[anna]["name"].startswith("Person ") and "position" not in H.nodes[anna]
    assert H.nodes[anna]["degree"] == 2 and H.nodes[anna]["label"] == "Staff"
    assert H.nodes["org-1"]["name"] == "Firma Eins"
    assert H.edges[anna, "org-1"]["id"] == f"KNOWS:org-1:{anna}:1"
    assert "Anna" not in repr(list(H.nodes(data=True))) + repr(list(H.edges(data=True)))


@given(st.text(min_size=1, max_size=40))
def test_pseudonyms_are_stable_and_depend_on_the_salt(node_id: str) -> None:
    assert Pseudonymiser("one").pseudonym(node_id) == Pseudonymiser("one").pseudonym(node_id)
    assert Pseudonymiser("one").pseudonym(node_id) != Pseudonymiser("two").pseudonym(node_id)


def test_pseudonymise_document_rewrites_ties_and_drops_text() -> None:
    doc = GraphDocument.model_validate(
        {
            "format": "graph-service/v1",
            "nodes": [
                {"id": "st-anna", "label": "Staff", "name": "Anna", "description": "x"},
                {"id": "org-1", "label": "Actor", "kind": "organisation", "name": "Firma"},
            ],
            "ties": [{"type": "KNOWS", "source": "st-anna", "target": "org-1", "phase": "1"}],
        }
    )
    p = Pseudonymiser("salt")
    out = p.document(doc)
    anna = p.pseudonym("st-anna")
    assert out.nodes[0].id == anna and out.nodes[0].description is None
    assert out.ties[0].target == anna and out.ties[0].id == f"KNOWS:org-1:{anna}:1"
    assert out.nodes[1] == doc.nodes[1]


@pytest.mark.parametrize("salt", [None, "", "   "])
def test_no_salt_is_a_clear_error(salt: str | None) -> None:
    settings = Settings(GRAPH_SERVICE_PSEUDONYM_SALT=salt)
    with pytest.raises(Invalid, match="GRAPH_SERVICE_PSEUDONYM_SALT"):
        salt_from_settings(settings)
    with pytest.raises(Invalid):
        Pseudonymiser(salt or "")


def test_html_replaces_people_also_where_escaped_longest_first() -> None:
    p = Pseudonymiser("salt")
    people = {"p1": "Ann", "p2": "Ann & Bo"}
    page = "<p>Ann &amp; Bo met Ann (p1, p2); Ann & Bo</p>"
    out = p.html(page, people)
    assert "Ann" not in out and "p1" not in out and "p2" not in out
    assert out.count(p.display_name("p2")) == 2 and out.count(p.display_name("p1")) == 1
    assert p.pseudonym("p1") in out and p.pseudonym("p2") in out
