"""Evidence: how well each tie is triangulated, and which findings rest on one source.

Per tie: the distinct methods (interview, workshop, observation, document, survey) and
the distinct sources that saw it. A tie is *triangulated* when two or more methods saw
it, and *single-source* when at most one source did. Every analysis takes the
:class:`~graph_service.filters.TieFilter` thresholds (``min_methods``, ``min_sources``,
…) to keep only well-evidenced ties; this module says what is at stake.

Findings that rest on single-source ties, on the collapsed social graph (a pair of nodes
counts as single-source when all its ties together have at most one distinct source):

- a *bridge* (a tie whose removal disconnects the network) that is single-source;
- an *articulation point* whose every tie into a part it alone connects is single-source
  (the claim "only X connects those people" rests on one source);
- a *broker* between groups (see :mod:`.sna`) whose bridging ties are all single-source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from graph_service.filters import TieFilter
from graph_service.model import SOCIAL_LABELS
from graph_service.services.analysis_graph import TieCount
from graph_service.services.runtime import Runtime
from graph_service.services.steering import sna
from graph_service.services.steering.common import affiliations, catalogue, social_graph


class TieEvidence(BaseModel):
    id: str
    type: str
    source: str
    target: str
    phase: str | None = None
    methods: list[str]
    sources: list[str]
    evidence_count: int
    method_count: int
    source_count: int
    triangulated: bool
    single_source: bool


class Finding(BaseModel):
    kind: Literal["bridge", "articulation point", "broker"]
    subject: list[str] = Field(description="the node ids the finding is about")
    subject_names: list[str] = Field(default_factory=list, description="their names")
    ties: list[str] = Field(description="the single-source pairs it rests on, as 'u -- v'")
    text: str


class EvidenceReport(BaseModel):
    filter: str
    tie_count: TieCount | None = None  # stored ties and how many pass the filter
    ties: list[TieEvidence]
    by_methods: dict[int, int] = Field(description="number of ties by distinct methods")
    by_sources: dict[int, int] = Field(description="number of ties by distinct sources")
    triangulated: int
    single_source: int
    findings: list[Finding]
    affiliations: int
    affiliations_single_source: int

    def summary(self) -> str:
        n = len(self.ties)
        return (
            f"{n} stored ties: {self.triangulated} triangulated (2+ methods), "
            f"{self.single_source} single-source; {len(self.findings)} findings rest on "
            f"single-source ties; {self.affiliations_single_source} of {self.affiliations} "
            "affiliations rest on one source."
        )


def tie_evidence(row: Mapping[str, Any]) -> TieEvidence:
    methods = sorted(set(row.get("methods") or []))
    sources = sorted(set(row.get("sources") or []))
    return TieEvidence(
        id=row["id"],
        type=row["type"],
        source=row["source"],
        target=row["target"],
        phase=row.get("phase"),
        methods=methods,
        sources=sources,
        evidence_count=int(row.get("evidence_count") or 0),
        method_count=len(methods),
        source_count=len(sources),
        triangulated=len(methods) >= 2,
        single_source=len(sources) <= 1,
    )


def _pair(u: str, v: str) -> str:
    a, b = sorted((u, v))
    return f"{a} -- {b}"


def single_source_findings(
    G: nx.Graph,
    partition: sna.Partition,
    pair_sources: Mapping[frozenset[str], set[str]],
    names: Mapping[str, str] | None = None,
) -> list[Finding]:
    """The findings of the module docstring on the undirected graph ``G``."""
    names = dict(names or {})

    def name(n: str) -> str:
        return names.get(n, str(G.nodes[n].get("name") or n) if n in G else n)

    def weak(u: str, v: str) -> bool:
        return len(pair_sources.get(frozenset((u, v)), set())) <= 1

    findings: list[Finding] = []
    for u, v in sorted(sna.bridges(G)):
        if weak(u, v):
            findings.append(
                Finding(
                    kind="bridge",
                    subject=[u, v],
                    subject_names=[name(x) for x in [u, v]],
                    ties=[_pair(u, v)],
                    text=f"The tie {name(u)} – {name(v)} is a bridge (the network falls apart "
                    "without it) and rests on a single source.",
                )
            )
    for ap in sorted(sna.articulation_points(G)):
        rest = G.subgraph([n for n in G if n != ap])
        parts = sorted(nx.connected_components(rest), key=len)
        for part in parts[:-1]:  # the largest part is "the rest of the network"
            links = [n for n in G.neighbors(ap) if n in part]
            if links and all(weak(ap, n) for n in links):
                members = sorted(part)
                shown = ", ".join(name(n) for n in members[:4])
                more = f" and {len(members) - 4} more" if len(members) > 4 else ""
                findings.append(
                    Finding(
                        kind="articulation point",
                        subject=[ap, *members],
                        subject_names=[name(x) for x in [ap, *members]],
                        ties=[_pair(ap, n) for n in links],
                        text=f"{name(ap)} is the only link to {shown}{more}; every tie "
                        "on which that rests has a single source.",
                    )
                )
    measures = sna.measures(G, partition)
    for node, m in sorted(measures.nodes.items()):
        if not m.broker:
            continue
        bridging = [n for n in G.neighbors(node) if sna.tie_class(partition, node, n) == "bridging"]
        if bridging and all(weak(node, n) for n in bridging):
            findings.append(
                Finding(
                    kind="broker",
                    subject=[node],
                    subject_names=[name(x) for x in [node]],
                    ties=[_pair(node, n) for n in bridging],
                    text=f"{name(node)} brokers between groups, but each of their "
                    f"{len(bridging)} bridging ties rests on a single source.",
                )
            )
    return findings


def evidence_report_of(
    rows: Sequence[Mapping[str, Any]],
    G: nx.Graph,
    partition: sna.Partition,
    *,
    names: Mapping[str, str] | None = None,
    affiliation_sources: Sequence[int] = (),
    filter_text: str = "",
) -> EvidenceReport:
    """The pure core: tie rows (id, type, source, target, phase, methods, sources, …)."""
    ties = [tie_evidence(r) for r in rows]
    pair_sources: dict[frozenset[str], set[str]] = {}
    for t in ties:
        pair_sources.setdefault(frozenset((t.source, t.target)), set()).update(t.sources)
    by_methods: dict[int, int] = {}
    by_sources: dict[int, int] = {}
    for t in ties:
        by_methods[t.method_count] = by_methods.get(t.method_count, 0) + 1
        by_sources[t.source_count] = by_sources.get(t.source_count, 0) + 1
    return EvidenceReport(
        filter=filter_text,
        ties=ties,
        by_methods=dict(sorted(by_methods.items())),
        by_sources=dict(sorted(by_sources.items())),
        triangulated=sum(t.triangulated for t in ties),
        single_source=sum(t.single_source for t in ties),
        findings=single_source_findings(G, partition, pair_sources, names),
        affiliations=len(affiliation_sources),
        affiliations_single_source=sum(1 for s in affiliation_sources if s <= 1),
    )


def evidence_report(
    services: Runtime, filters: TieFilter | None = None, *, partition: str = "membership"
) -> EvidenceReport:
    """Triangulation of the social ties under ``filters`` and the findings at risk."""
    repo = services.repo
    filters = filters or TieFilter()
    rows = repo.read_filtered(
        "steering/tie_evidence",
        filters.params(filters.social_types()),
        labels=[label.value for label in SOCIAL_LABELS],
    )
    ag = social_graph(repo, filters, partition)
    cat = catalogue(repo)
    links = affiliations(repo, filters)
    return evidence_report_of(
        rows,
        ag.graph,
        ag.partition,
        names={i: n.name for i, n in cat.items()},
        affiliation_sources=[link.source_count for link in links],
        filter_text=filters.describe(),
    ).model_copy(update={"tie_count": ag.tie_count})
