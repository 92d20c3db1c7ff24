"""Personal data: stable salted pseudonyms for people, and erasing a person.

People are Staff and Actors of kind ``person`` (:func:`graph_service.model.is_person`).
A pseudonym is ``person-`` followed by the first 12 hex digits of
HMAC-SHA256(salt, node id): the same salt gives the same pseudonym in every export, map
and report, so pseudonymised outputs can be compared with each other; without the salt
the id cannot be recovered by hashing guessed ids. The salt is the setting
``GRAPH_SERVICE_PSEUDONYM_SALT``; nothing is pseudonymised without one (an unsalted hash
of a known id list is reversible, so it would be a false promise).

One shape everywhere: a surface turns its ``pseudonymise`` switch into a
:class:`Pseudonymiser` (or None) with :func:`pseudonymiser_for`, with the settings it runs
under, and hands that to the use case (maps, the comparison map, the report); whatever a
map is drawn from goes through :meth:`Pseudonymiser.map_inputs`.

What changes for a person: the id (everywhere, also inside tie ids), the name, and every
text attribute (description, position, …) is dropped; label, kind, groups and numbers
stay. Organisations are left as they are. Evidence *sources* are kept: they name
documents and interviews by reference, not people.
"""

from __future__ import annotations

import hashlib
import hmac
import html as html_lib
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.config import Settings, get_settings
from graph_service.errors import Invalid, NotFound
from graph_service.model import (
    DOCUMENT_FORMAT,
    PERSON_KINDS,
    GraphDocument,
    TieIn,
    is_person,
    tie_id,
)
from graph_service.services.runtime import Runtime
from graph_service.words import with_article

PREFIX = "person-"
#: Node attributes a pseudonymised person keeps (besides numbers).
KEPT_ATTRIBUTES = frozenset({"label", "kind", "groups", "person"})


def salt_from_settings(settings: Settings | None = None) -> str:
    """The configured salt, or a clear error when none is set."""
    settings = settings or get_settings()
    secret = settings.pseudonym_salt.get_secret_value() if settings.pseudonym_salt else ""
    if not secret.strip():
        raise missing_salt()
    return secret


def pseudonymiser_for(pseudonymise: bool, settings: Settings | None = None) -> Pseudonymiser | None:
    """The one way a surface asks for pseudonyms: None when not asked; otherwise a
    :class:`Pseudonymiser` with the salt of ``settings`` (the configured ones by default),
    or a clear error when none is set, before any work is done."""
    return Pseudonymiser(salt_from_settings(settings)) if pseudonymise else None


def missing_salt() -> Invalid:
    return Invalid(
        "pseudonymisation needs a salt: set GRAPH_SERVICE_PSEUDONYM_SALT to a long random "
        "secret (and keep it, so that pseudonyms stay the same from one output to the next)",
        errors=[
            {
                "record": "settings",
                "field": "GRAPH_SERVICE_PSEUDONYM_SALT",
                "message": "not set",
            }
        ],
    )


def _attrs_person(attrs: Mapping[str, Any]) -> bool:
    return bool(attrs.get("person")) or is_person(str(attrs.get("label") or ""), attrs.get("kind"))


class Pseudonymiser:
    """Replaces people by stable salted pseudonyms in graphs, partitions and documents."""

    def __init__(self, salt: str) -> None:
        if not salt or not salt.strip():
            raise missing_salt()
        self._key = salt.encode("utf-8")

    def pseudonym(self, node_id: str) -> str:
        digest = hmac.new(self._key, node_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:12]

    def display_name(self, node_id: str) -> str:
        return "Person " + self.pseudonym(node_id).removeprefix(PREFIX)[:8]

    # --- ids -----------------------------------------------------------------------------

    def _tie_id(self, tie_id: str, mapping: Mapping[str, str]) -> str:
        """A tie id with the people in it replaced (``TYPE:a:b[:phase]`` keeps its shape)."""
        parts = tie_id.split(":")
        if len(parts) in (3, 4):
            return ":".join(mapping.get(p, p) for p in parts)
        if any(person in tie_id for person in mapping):
            return "tie-" + self.pseudonym(tie_id).removeprefix(PREFIX)
        return tie_id

    # --- networkx ------------------------------------------------------------------------

    def mapping(self, G: nx.Graph) -> dict[Hashable, str]:
        """Node -> pseudonym for every person in ``G``."""
        return {n: self.pseudonym(str(n)) for n, a in G.nodes(data=True) if _attrs_person(a)}

    def graph(self, G: nx.Graph) -> nx.Graph:
        """A copy of ``G`` with people pseudonymised (ids, names, text attributes)."""
        mapping = self.mapping(G)
        str_mapping = {str(k): v for k, v in mapping.items()}
        H = nx.relabel_nodes(G, mapping, copy=True)
        for old, new in mapping.items():
            attrs = H.nodes[new]
            for key in list(attrs):
                value = attrs[key]
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                if key not in KEPT_ATTRIBUTES and not numeric:
                    del attrs[key]
            attrs["name"] = self.display_name(str(old))
            attrs["id"] = new
        if mapping:
            for *_ends, data in H.edges(data=True):
                if isinstance(data.get("id"), str):
                    data["id"] = self._tie_id(data["id"], str_mapping)
                if isinstance(data.get("ids"), list):
                    data["ids"] = [self._tie_id(str(i), str_mapping) for i in data["ids"]]
        return H

    def partition(
        self, partition: Mapping[Any, frozenset[str]], G: nx.Graph
    ) -> dict[Hashable, frozenset[str]]:
        """The partition keyed by the pseudonymised nodes of ``G``."""
        mapping = self.mapping(G)
        return {mapping.get(n, n): groups for n, groups in partition.items()}

    def map_inputs(
        self,
        G: nx.Graph,
        partition: Mapping[Any, frozenset[str]],
        options: Mapping[str, Any] | None = None,
    ) -> tuple[nx.Graph, dict[Hashable, frozenset[str]], dict[str, Any]]:
        """What a map is drawn from, with people pseudonymised: the graph, its partition
        and the view's node arguments (``center``, ``paths``, ``brokers``)."""
        mapping = self.mapping(G)
        out = dict(options or {})
        if "center" in out:
            out["center"] = mapping.get(out["center"], out["center"])
        if "paths" in out:
            out["paths"] = [[mapping.get(n, n) for n in path] for path in out["paths"]]
        if "brokers" in out:
            out["brokers"] = {mapping.get(n, n): v for n, v in out["brokers"].items()}
        return self.graph(G), self.partition(partition, G), out

    # --- text ----------------------------------------------------------------------------

    def html(self, page: str, people: Mapping[str, str]) -> str:
        """An HTML page's text with each person's id and name (``people``: id -> name)
        replaced, also where the page escapes them; longest first, so that a name that
        contains another is replaced whole. For text written from the data (the report's
        sentences and tables), where the people cannot be replaced before rendering."""
        pairs: list[tuple[str, str]] = []
        for node_id, name in people.items():
            pairs += [(name, self.display_name(node_id)), (node_id, self.pseudonym(node_id))]
        for old, new in list(pairs):
            if html_lib.escape(old) != old:
                pairs.append((html_lib.escape(old), html_lib.escape(new)))
        for old, new in sorted(pairs, key=lambda kv: -len(kv[0])):
            page = page.replace(old, new)
        return page

    # --- documents -----------------------------------------------------------------------

    def document(self, doc: GraphDocument) -> GraphDocument:
        """A copy of an import/export document with people pseudonymised."""
        people = {n.id for n in doc.nodes if is_person(n.label.value, n.kind)}
        mapping = {p: self.pseudonym(p) for p in people}
        nodes = []
        for node in doc.nodes:
            if node.id in people:
                numbers = {
                    k: v
                    for k, v in node.attributes.items()
                    if isinstance(v, int | float) and not isinstance(v, bool)
                }
                node = node.model_copy(
                    update={
                        "id": mapping[node.id],
                        "name": self.display_name(node.id),
                        "description": None,
                        "attributes": numbers,
                    }
                )
            nodes.append(node)
        ties = []
        for tie in doc.ties:
            if tie.source in people or tie.target in people:
                default = tie_id(tie.type, tie.source, tie.target, tie.phase)
                data = tie.model_dump()
                data["source"] = mapping.get(tie.source, tie.source)
                data["target"] = mapping.get(tie.target, tie.target)
                # a default id is rebuilt from the new ends (in id order when undirected)
                data["id"] = None if tie.key == default else self._tie_id(tie.key, mapping)
                tie = TieIn.model_validate(data)
            ties.append(tie)
        return GraphDocument(format=DOCUMENT_FORMAT, nodes=nodes, ties=ties)


# --- erasure -------------------------------------------------------------------------------


class ErasedTie(BaseModel):
    id: str | None
    type: str
    other: str
    observations: int


class ErasureReport(BaseModel):
    """What was erased. Names are not repeated here: the report must not keep them."""

    id: str
    label: str
    ties: list[ErasedTie]
    ties_by_type: dict[str, int]
    observations: int
    transaction_log_rotated: bool = Field(
        default=False,
        description="the transaction log holding the erased values was closed, to be pruned "
        "at the next checkpoint (false: the server's rotation size is too large to fill; "
        "see docs/privacy.md)",
    )

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {t}" for t, n in sorted(self.ties_by_type.items())) or "none"
        files = (
            "values overwritten, transaction log closed for pruning"
            if self.transaction_log_rotated
            else "values overwritten; the server's transaction log rotation size is too "
            "large to close its log now (docs/privacy.md)"
        )
        return (
            f"erased {self.label} {self.id}: {len(self.ties)} ties ({kinds}) "
            f"and {self.observations} observations on them; {files}"
        )


def check_erasable(services: Runtime, node_id: str) -> None:
    """NotFound when no node has this id, Invalid when it is not a person: what a surface
    checks before it asks for a confirmation."""
    rows = services.repo.read("steering/node_identity", id=node_id)
    if not rows:
        raise NotFound(f"no node with id {node_id!r}")
    label, kind = rows[0]["label"], rows[0]["kind"]
    if not is_person(label, kind):
        what = with_article(label) + (f" of kind {kind}" if kind else "")
        raise Invalid(
            f"{node_id!r} is {what}, not a person: only Staff and Actors of kind 'person' "
            "are erased as personal data",
            errors=[{"record": node_id, "field": "id", "message": "not a person"}],
        )


def erase_person(services: Runtime, node_id: str) -> ErasureReport:
    """Delete a person with every tie it has and the evidence on them; say what went.

    Refuses nodes that are not people (organisations, groups, goals, …): those are
    deleted through the ordinary node routes, not as personal data.
    """
    repo = services.repo
    check_erasable(services, node_id)
    kinds = sorted(PERSON_KINDS)
    # overwrite first, so the store files keep no old text; then rotate the log that
    # holds the values so a checkpoint can prune it (store/erasure.py, docs/privacy.md)
    repo.overwrite_person(node_id, kinds)
    done = repo.write("steering/erase_person", id=node_id, person_kinds=kinds)
    if not done:
        raise NotFound(f"no person with id {node_id!r} (erased meanwhile?)")
    rotation = repo.fill_freed_records()
    ties = [ErasedTie(**t) for t in done[0]["ties"]]
    by_type: dict[str, int] = {}
    for t in ties:
        by_type[t.type] = by_type.get(t.type, 0) + 1
    return ErasureReport(
        id=node_id,
        label=done[0]["label"],
        ties=sorted(ties, key=lambda t: (t.type, t.other)),
        ties_by_type=by_type,
        observations=sum(t.observations for t in ties),
        transaction_log_rotated=rotation.rotated,
    )
