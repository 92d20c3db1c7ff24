#!/usr/bin/env python
"""Write the sample network ``graph_service/data/sample_network.json``.

An invented network modelled on the Bottrop case (see ``DESIGN.md``): the economic
development office (*Amt für Wirtschaftsförderung und Standortmanagement*), its staff and
their task portfolios, the business alliance WiAll, the city administration, regional
partners, initiatives, and the goals of the strategy *Zukunftsplan Wirtschaftsstandort
Bottrop – Attraktiv. Nachhaltig. Resilient.*. Every person is fictional; organisations
carry generic or invented names.

The data sit in the tables below. Nothing is random: the evidence of each tie (how many
sightings, which methods and sources, what confidence) is derived from a CRC-32 of the
tie's id, so adding a row leaves the others unchanged.

What the sample is built to show (the script checks each of these before writing, except
the betweenness ranking of the brokers, which needs a metrics library):

* brokers: ``st-schwarzkopp`` (alliance <-> chambers, university, regional networks),
  ``st-koetterheinrich`` (the only link between alliance/office and the planning
  department), ``st-brammertz`` (the only link to the mayor's office and the treasury);
* parallel structures: staff pairs sharing 2+ tasks without a COMMUNICATES_WITH or
  COLLABORATES_WITH tie (``PARALLEL_PAIRS``); one more pair shares tasks without a tie in
  phase 1 and collaborates in phase 2 (``RESOLVED_IN_PHASE_2``);
* goals: one sub-goal nothing advances, one advanced only by a single initiative with a
  single participant, one advanced only by a task nobody is responsible for;
* two project phases: phase 2 adds bridging ties and drops some phase-1 ties.

Usage::

    .venv/bin/python scripts/make_sample_network.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph_service.model import (  # noqa: E402
    SOCIAL_TYPES,
    GraphDocument,
    NodeLabel,
    RelType,
    endpoint_error,
)

DEFAULT_OUT = ROOT / "graph_service" / "data" / "sample_network.json"

# The data tables keep one row per line; ruff format leaves them alone.
# fmt: off

# --------------------------------------------------------------------------------------
# Groups: (id, name, kind, description); departments are PART_OF the administration
# --------------------------------------------------------------------------------------

GROUPS = [
    ("grp-wifoe", "Amt für Wirtschaftsförderung und Standortmanagement", "office",
     "Economic development office of the city; steers the location's transition toward "
     "sustainability and resilience. Modelled as its own group so that its boundary to the "
     "departments stays visible."),
    ("grp-wiall", "Wirtschaftsallianz Bottrop (WiAll)", "alliance",
     "Business alliance of local firms, meant as the nucleus of a participatory governance; "
     "its office (Geschäftsstelle) is run by the economic development office."),
    ("grp-stadt", "Stadtverwaltung", "administration",
     "City administration; its departments are nested with PART_OF."),
    ("grp-planung", "Fachbereich Stadtplanung und Bauordnung", "department",
     "Urban and land-use planning, building permits."),
    ("grp-umwelt", "Fachbereich Umwelt und Klimaschutz", "department",
     "Environmental permits, climate protection and adaptation."),
    ("grp-hochbau", "Fachbereich Hochbau und Immobilien", "department",
     "Public buildings and municipal property."),
    ("grp-ob", "Büro des Oberbürgermeisters", "department",
     "Mayor's office: strategy, council affairs, communication."),
    ("grp-extern", "Regionale Partner", "external",
     "Regional networks, university, chambers, funders and the employment agency."),
]
GROUP_PART_OF = [
    ("grp-planung", "grp-stadt"),
    ("grp-umwelt", "grp-stadt"),
    ("grp-hochbau", "grp-stadt"),
    ("grp-ob", "grp-stadt"),
]

# --------------------------------------------------------------------------------------
# Staff of the office: (id, name, position, description); all MEMBER_OF grp-wifoe
# --------------------------------------------------------------------------------------

STAFF = [
    ("st-brammertz", "Dr. Henrike Brammertz", "Amtsleitung",
     "Head of the office; chairs the Jour fixe and the steering committee (Lenkungskreis)."),
    ("st-koetterheinrich", "Jens Kötterheinrich", "Bestandspflege und Flächen",
     "Account manager for local firms and commercial land; the office's contact for the "
     "planning department."),
    ("st-schwarzkopp", "Miriam Schwarzkopp", "Netzwerkmanagement WiAll",
     "Runs the alliance office (Geschäftsstelle WiAll); link to chambers, university and "
     "regional networks."),
    ("st-wellinghoff", "Tobias Wellinghoff", "Gründung und Digitalisierung",
     "Start-up support and digitalisation; leads the Gründerzentrum project."),
    ("st-overkaemping", "Sabine Overkämping", "Fachkräftesicherung",
     "Skilled-labour initiatives; also advises founders and on digital skills."),
    ("st-brinkhoff", "Lukas Brinkhoff-Tenhagen", "Klimaschutz und Fördermittel",
     "Climate protection in firms and funding acquisition; leads the Klimaschutz-Allianz."),
    ("st-pieperjohanns", "Anja Pieperjohanns", "Innenstadt und Standortmarketing",
     "City-centre development and location marketing; leads the Innenstadt-Offensive."),
    ("st-drueppelmann", "Kai Drüppelmann", "Ansiedlung und Flächen",
     "Inward investment and commercial land; joined the office in 2021."),
    ("st-heuvelkamp", "Nadine Heuvelkamp", "Geschäftsstelle WiAll",
     "Alliance office: events, member services, marketing and city-centre campaigns."),
]
#: Staff who are also members of the alliance (they work in its Geschäftsstelle).
STAFF_ALSO_IN_WIALL = ["st-schwarzkopp", "st-heuvelkamp"]

# --------------------------------------------------------------------------------------
# Tasks (fields of activity) and who is responsible for which
# --------------------------------------------------------------------------------------

TASKS = [
    ("task-bestand", "Bestandspflege", "Looking after established local firms."),
    ("task-gruendung", "Gründungsförderung", "Advice and support for start-ups."),
    ("task-fachkraefte", "Fachkräftesicherung", "Securing skilled labour for local firms."),
    ("task-flaechen", "Flächenmanagement", "Commercial land: inventory, marketing, reuse."),
    ("task-klima", "Klimaschutz in Unternehmen", "Energy efficiency and climate action in firms."),
    ("task-innenstadt", "Innenstadtentwicklung", "Vacancies, retail and events in the centre."),
    ("task-foerder", "Fördermittelakquise", "Finding and applying for public funding."),
    ("task-wiall", "Netzwerkmanagement WiAll", "Running the alliance: members, meetings."),
    ("task-digital", "Digitalisierung", "Digitalisation of small and medium-sized firms."),
    ("task-marketing", "Standortmarketing", "Marketing the location to investors and talent."),
    ("task-ansiedlung", "Ansiedlungsberatung", "Advice for firms that want to settle here."),
    ("task-strategie", "Zukunftsplan-Koordination", "Coordinating and monitoring the strategy."),
    ("task-kreislauf", "Kreislaufwirtschaft", "Circular economy in trade and industry; "
     "in the portfolio on paper, nobody assigned."),
]
RESPONSIBLE_FOR = {
    "st-brammertz": ["task-strategie", "task-foerder"],
    "st-koetterheinrich": ["task-bestand", "task-flaechen", "task-ansiedlung"],
    "st-schwarzkopp": ["task-wiall", "task-bestand", "ini-zukunftsplan"],
    "st-wellinghoff": ["task-gruendung", "task-digital", "ini-gruenderzentrum"],
    "st-overkaemping": ["task-fachkraefte", "task-gruendung", "task-digital"],
    "st-brinkhoff": ["task-klima", "task-foerder", "ini-klima-allianz"],
    "st-pieperjohanns": ["task-innenstadt", "task-marketing"],
    "st-drueppelmann": ["task-bestand", "task-flaechen", "task-ansiedlung"],
    "st-heuvelkamp": ["task-wiall", "task-marketing", "task-innenstadt"],
}
#: Pairs that share 2+ tasks and never have a COMMUNICATES_WITH/COLLABORATES_WITH tie.
PARALLEL_PAIRS = [
    ("st-drueppelmann", "st-koetterheinrich"),  # no social tie at all
    ("st-overkaemping", "st-wellinghoff"),  # only KNOWS (both phases)
]
#: Shares 2 tasks; no working tie in phase 1, COLLABORATES_WITH in phase 2.
RESOLVED_IN_PHASE_2 = [("st-heuvelkamp", "st-pieperjohanns")]
UNASSIGNED_TASKS = ["task-kreislauf"]

# --------------------------------------------------------------------------------------
# Actors: (id, name, kind, groups, description, sector or position)
# --------------------------------------------------------------------------------------

W, S = "grp-wiall", "grp-stadt"
PL, UM, HB, OB, EX = "grp-planung", "grp-umwelt", "grp-hochbau", "grp-ob", "grp-extern"
ORG, PERSON = "organisation", "person"

ACTORS = [
    # alliance member firms
    ("act-zeche-zukunft", "Zeche Zukunft GmbH", ORG, [W],
     "Redevelopment company for a former colliery site.", "Flächenentwicklung"),
    ("act-stadtwerke", "Stadtwerke Emscher-Lippe GmbH", ORG, [W, S],
     "Municipal utility; alliance member and part of the city group.", "Energie und Wasser"),
    ("act-kampmann-bau", "Bauunternehmung Kampmann & Söhne", ORG, [W],
     "Family-run construction firm.", "Bau"),
    ("act-halde-logistik", "Halde Logistik GmbH", ORG, [W],
     "Regional logistics provider; runs the supply-chain check alone.", "Logistik"),
    ("act-brauhaus-heide", "Brauhaus Kirchheller Heide", ORG, [W],
     "Craft brewery with restaurant.", "Gastronomie"),
    ("act-kohlenpott-digital", "Kohlenpott Digital GmbH", ORG, [W],
     "IT services and software for small firms.", "IT"),
    ("act-sonnenhalde-solar", "Sonnenhalde Solartechnik GmbH", ORG, [W],
     "Solar installer.", "Energie"),
    ("act-ruettgershoff-metall", "Metallbau Rüttgershoff KG", ORG, [W],
     "Metalworking firm, about 120 employees.", "Metall"),
    ("act-genobank", "Genossenschaftsbank Emschertal eG", ORG, [W],
     "Cooperative bank.", "Finanzen"),
    ("act-modehaus-kortenbusch", "Modehaus Kortenbusch", ORG, [W],
     "Fashion retailer in the city centre.", "Einzelhandel"),
    ("act-emscher-chemie", "Emscher Chemie-Service GmbH", ORG, [W],
     "Chemical services; interested in hydrogen.", "Chemie"),
    ("act-hotel-haldenblick", "Hotel Haldenblick", ORG, [W],
     "Hotel and conference venue.", "Hotellerie"),
    ("act-pflege-lichtenhorst", "Pflegedienst Lichtenhorst", ORG, [W],
     "Care service that struggles to hire staff.", "Pflege"),
    ("act-h2werk", "H2Werk UG", ORG, [W],
     "Hydrogen start-up.", "Wasserstoff"),
    ("act-revier-immobilien", "Revier Immobilien Verwaltung GmbH", ORG, [W],
     "Commercial real-estate manager.", "Immobilien"),
    # people of the alliance
    ("act-vennemann", "Reinhold Vennemann", PERSON, [W],
     "Speaker (Sprecher) of the alliance; managing director of a member firm.",
     "Sprecher WiAll"),
    ("act-marquardt", "Ilka Marquardt-Hülsbusch", PERSON, [W],
     "Deputy speaker of the alliance; retail and gastronomy circle.",
     "stellv. Sprecherin WiAll"),
    # city administration
    ("act-moellenbrock", "Katrin Möllenbrock", PERSON, [PL],
     "Head of the planning department.", "Fachbereichsleitung"),
    ("act-uhlenkueken", "Bernd Uhlenküken", PERSON, [PL],
     "Urban planner for the city centre.", "Stadtplanung"),
    ("act-tersteegen", "Yvonne Tersteegen", PERSON, [PL],
     "Land-use planning (Bauleitplanung) for commercial areas.", "Bauleitplanung"),
    ("act-ossenbrink", "Frank Ossenbrink", PERSON, [PL],
     "Building permits and zoning information.", "Bauordnung"),
    ("act-wienholt", "Dr. Carola Wienholt", PERSON, [UM],
     "Climate protection manager of the city.", "Klimaschutzmanagement"),
    ("act-heidfeld", "Markus Heidfeld", PERSON, [UM],
     "Environmental permits for businesses.", "Umweltgenehmigungen"),
    ("act-lohkampf", "Petra Lohkampf", PERSON, [UM],
     "Climate adaptation and green infrastructure.", "Klimaanpassung"),
    ("act-schuering", "Helmut Schüring", PERSON, [HB],
     "Head of building and municipal property.", "Fachbereichsleitung"),
    ("act-rotthowe", "Svenja Rotthowe", PERSON, [HB],
     "Project manager for public buildings in the city centre.", "Projektleitung"),
    ("act-althoff", "Gregor Althoff", PERSON, [OB],
     "Head of the mayor's office.", "Büroleitung"),
    ("act-kampschulte", "Lea Kampschulte", PERSON, [OB],
     "Strategy officer; follows the Zukunftsplan for the mayor.", "Referentin Strategie"),
    ("act-dinnendahl", "Ulrich Dinnendahl", PERSON, [S],
     "City treasury (Kämmerei); co-financing of funded projects.", "Kämmerei"),
    # regional partners
    ("ext-hochschule", "Hochschule Emscher-Lippe", ORG, [EX],
     "Regional university of applied sciences (fictional).", "Hochschule"),
    ("ext-hwk", "Handwerkskammer-Bezirksstelle", ORG, [EX],
     "District office of the chamber of crafts.", "Kammer"),
    ("ext-ihk", "IHK-Geschäftsstelle Emscher-Lippe", ORG, [EX],
     "Local office of the chamber of commerce and industry.", "Kammer"),
    ("ext-foerderbank", "Landesförderbank", ORG, [EX],
     "State development bank; funds projects and start-ups.", "Förderbank"),
    ("ext-icm", "Innovation-City-Managementgesellschaft", ORG, [EX],
     "Management company of the model-city programme.", "Projektgesellschaft"),
    ("ext-steinmeister", "Prof. Dr. Annegret Steinmeister", PERSON, [EX, W],
     "Professor of entrepreneurship; advisory member of the alliance.", "Professorin"),
    ("ext-boevingloh", "Dirk Bövingloh", PERSON, [EX, W],
     "Business adviser at the chamber of crafts; guest member of the alliance.",
     "Betriebsberater"),
    ("ext-rehbergk", "Claudia Rehbergk", PERSON, [EX],
     "Head of the local chamber of commerce office.", "Geschäftsstellenleitung"),
    ("ext-muehlenkamp", "Stefan Mühlenkamp", PERSON, [EX],
     "Employer service of the employment agency.", "Arbeitgeberservice"),
    ("ext-holtkoetter", "Tanja Holtkötter", PERSON, [EX],
     "Project manager in the model-city programme.", "Projektmanagement"),
    ("ext-vogelsang", "Martina Vogelsang-Ries", PERSON, [EX],
     "Manager of the regional hydrogen network.", "Netzwerkmanagement"),
]

# --------------------------------------------------------------------------------------
# Initiatives: (id, name, kind, description); nesting; who participates in which role
# --------------------------------------------------------------------------------------

INITIATIVES = [
    ("ini-innovation-city", "Innovation City", "project",
     "Model-city programme for climate-friendly urban renewal."),
    ("ini-ic-quartier", "Quartierserneuerung Süd", "project",
     "Energy-efficient renewal of a mixed commercial and residential quarter."),
    ("ini-klima-allianz", "Klimaschutz-Allianz Bottroper Unternehmen", "initiative",
     "Firms commit to climate targets and share measures."),
    ("ini-gruenderzentrum", "Gründerzentrum Halde", "project",
     "Start-up centre with desks, coaching and events."),
    ("ini-innenstadt", "Innenstadt-Offensive", "initiative",
     "Joint action against vacancies in the city centre."),
    ("ini-wasserstoff", "Wasserstoff-Netzwerk Emscher-Lippe", "network",
     "Regional network for hydrogen production and use."),
    ("ini-fachkraefte", "Fachkräfte-Netzwerk", "network",
     "Employers, chambers and the employment agency on skilled labour."),
    ("ini-flaechenpool", "Flächenpool Zeche Zukunft", "project",
     "Reuse of former colliery land for commerce."),
    ("ini-digitallotsen", "Digitallotsen Mittelstand", "project",
     "Peer guides help small firms digitalise."),
    ("ini-zukunftsplan", "Zukunftsplan-Werkstatt", "initiative",
     "Participatory process in which office and alliance make the strategy concrete."),
    ("ini-lieferketten", "Lieferketten-Check Mittelstand", "project",
     "Supply-chain risk check for small firms; carried by a single firm so far."),
]
INITIATIVE_PART_OF = [
    ("ini-ic-quartier", "ini-innovation-city"),
    ("ini-klima-allianz", "ini-innovation-city"),
]
LEAD, PARTNER, MEMBER = "lead", "partner", "member"
PARTICIPATES_IN = {
    "ini-innovation-city": [("ext-icm", LEAD), ("grp-stadt", PARTNER),
                            ("st-brinkhoff", PARTNER), ("act-wienholt", PARTNER)],
    "ini-ic-quartier": [("ext-holtkoetter", LEAD), ("act-revier-immobilien", PARTNER),
                        ("act-lohkampf", MEMBER)],
    "ini-klima-allianz": [("st-brinkhoff", LEAD), ("act-wienholt", PARTNER),
                          ("act-sonnenhalde-solar", MEMBER), ("act-emscher-chemie", MEMBER),
                          ("act-stadtwerke", MEMBER)],
    "ini-gruenderzentrum": [("st-wellinghoff", LEAD), ("ext-hochschule", PARTNER),
                            ("act-kohlenpott-digital", MEMBER), ("act-h2werk", MEMBER)],
    "ini-innenstadt": [("st-pieperjohanns", LEAD), ("act-uhlenkueken", PARTNER),
                       ("act-modehaus-kortenbusch", MEMBER), ("act-marquardt", MEMBER)],
    "ini-wasserstoff": [("ext-vogelsang", LEAD), ("ext-hochschule", PARTNER),
                        ("act-h2werk", MEMBER), ("act-emscher-chemie", MEMBER)],
    "ini-fachkraefte": [("st-overkaemping", LEAD), ("ext-muehlenkamp", PARTNER),
                        ("ext-hwk", PARTNER), ("act-pflege-lichtenhorst", MEMBER)],
    "ini-flaechenpool": [("act-zeche-zukunft", LEAD), ("st-koetterheinrich", PARTNER),
                         ("act-tersteegen", PARTNER)],
    "ini-digitallotsen": [("act-kohlenpott-digital", LEAD), ("ext-ihk", PARTNER)],
    "ini-zukunftsplan": [("grp-wifoe", LEAD), ("grp-wiall", MEMBER),
                         ("act-kampschulte", PARTNER)],
    "ini-lieferketten": [("act-halde-logistik", LEAD)],
}

# --------------------------------------------------------------------------------------
# Goals of the Zukunftsplan: three top goals, sub-goals PART_OF them; what advances what
# --------------------------------------------------------------------------------------

TOP_GOALS = [
    ("goal-attraktiv", "Attraktiv", "Top goal: an attractive location for firms, "
     "founders, skilled workers and visitors."),
    ("goal-nachhaltig", "Nachhaltig", "Top goal: an economy that protects climate and "
     "resources."),
    ("goal-resilient", "Resilient", "Top goal: a location that withstands crises and "
     "structural change."),
]
SUB_GOALS = [  # (id, name, parent, description)
    ("goal-a-innenstadt", "Lebendige Innenstadt", "goal-attraktiv",
     "Fewer vacancies, more footfall in the centre."),
    ("goal-a-gruendung", "Gründungsfreundlicher Standort", "goal-attraktiv",
     "More and more durable start-ups."),
    ("goal-a-fachkraefte", "Attraktiver Arbeitsort", "goal-attraktiv",
     "Firms find and keep skilled workers."),
    ("goal-n-klima", "Klimafreundlich wirtschaften", "goal-nachhaltig",
     "Firms cut emissions on the way to climate neutrality."),
    ("goal-n-flaechen", "Flächen recyceln statt versiegeln", "goal-nachhaltig",
     "New commerce on brownfield land, not on green fields."),
    ("goal-n-kreislauf", "Kreislaufwirtschaft im Gewerbe", "goal-nachhaltig",
     "Materials kept in use; waste becomes input."),
    ("goal-r-energie", "Sichere regionale Energie", "goal-resilient",
     "Reliable, regional and renewable energy for firms."),
    ("goal-r-lieferketten", "Robuste Lieferketten", "goal-resilient",
     "Firms know and reduce their supply-chain risks."),
    ("goal-r-vielfalt", "Vielfältige Wirtschaftsstruktur", "goal-resilient",
     "A broad mix of sectors and firm sizes."),
    ("goal-r-krisen", "Krisenfeste Unternehmen", "goal-resilient",
     "Business continuity planning in small firms."),
]
ADVANCES = [  # (initiative or task, sub-goal)
    ("ini-innenstadt", "goal-a-innenstadt"),
    ("task-innenstadt", "goal-a-innenstadt"),
    ("task-marketing", "goal-a-innenstadt"),
    ("ini-gruenderzentrum", "goal-a-gruendung"),
    ("ini-digitallotsen", "goal-a-gruendung"),
    ("task-gruendung", "goal-a-gruendung"),
    ("task-foerder", "goal-a-gruendung"),
    ("ini-fachkraefte", "goal-a-fachkraefte"),
    ("task-fachkraefte", "goal-a-fachkraefte"),
    ("ini-klima-allianz", "goal-n-klima"),
    ("ini-innovation-city", "goal-n-klima"),
    ("task-klima", "goal-n-klima"),
    ("task-foerder", "goal-n-klima"),
    ("ini-flaechenpool", "goal-n-flaechen"),
    ("ini-ic-quartier", "goal-n-flaechen"),
    ("task-flaechen", "goal-n-flaechen"),
    ("task-kreislauf", "goal-n-kreislauf"),  # a task nobody is responsible for
    ("ini-wasserstoff", "goal-r-energie"),
    ("ini-klima-allianz", "goal-r-energie"),
    ("ini-lieferketten", "goal-r-lieferketten"),  # one initiative, one participant
    ("task-bestand", "goal-r-vielfalt"),
    ("task-ansiedlung", "goal-r-vielfalt"),
    ("task-digital", "goal-r-vielfalt"),
    # goal-r-krisen: nothing advances it
]
UNSUPPORTED_GOALS = ["goal-r-krisen"]
SINGLE_TIE_GOALS = ["goal-r-lieferketten"]
NOBODY_BEHIND_GOALS = ["goal-n-kreislauf"]  # advanced only by an unassigned task

# --------------------------------------------------------------------------------------
# Social ties: (type, source, target, weight in phase 1, weight in phase 2)
# None = no tie in that phase. Undirected types are stored with ends in id order.
# --------------------------------------------------------------------------------------

COLLAB, COMM, ADV, KNOWS, FUNDS = (
    RelType.COLLABORATES_WITH,
    RelType.COMMUNICATES_WITH,
    RelType.ADVISES,
    RelType.KNOWS,
    RelType.FUNDS,
)

SOCIAL = [
    # --- bonding inside the office -----------------------------------------------------
    (COMM, "st-brammertz", "st-koetterheinrich", 4, 4),
    (COMM, "st-brammertz", "st-schwarzkopp", 5, 5),
    (COMM, "st-brammertz", "st-wellinghoff", 3, 3),
    (COMM, "st-brammertz", "st-overkaemping", 3, None),
    (COMM, "st-brammertz", "st-brinkhoff", 4, 4),
    (COMM, "st-brammertz", "st-pieperjohanns", 3, 4),
    (ADV, "st-brammertz", "st-drueppelmann", 3, None),
    (COMM, "st-brammertz", "st-drueppelmann", None, 3),
    (COLLAB, "st-koetterheinrich", "st-schwarzkopp", 4, 4),
    (COMM, "st-koetterheinrich", "st-brinkhoff", 3, None),
    (COLLAB, "st-schwarzkopp", "st-heuvelkamp", 5, 5),
    (COMM, "st-schwarzkopp", "st-wellinghoff", 3, None),
    (COMM, "st-schwarzkopp", "st-overkaemping", None, 3),
    (COLLAB, "st-schwarzkopp", "st-brinkhoff", 3, 4),
    (COMM, "st-schwarzkopp", "st-pieperjohanns", None, 3),
    (COMM, "st-schwarzkopp", "st-drueppelmann", 2, None),
    (COMM, "st-wellinghoff", "st-brinkhoff", 2, None),
    (COLLAB, "st-wellinghoff", "st-heuvelkamp", None, 3),
    (KNOWS, "st-wellinghoff", "st-overkaemping", 2, 2),  # parallel pair: only KNOWS
    (COMM, "st-overkaemping", "st-heuvelkamp", 3, 3),
    (KNOWS, "st-overkaemping", "st-pieperjohanns", 2, None),
    (COMM, "st-brinkhoff", "st-drueppelmann", None, 3),
    (COLLAB, "st-pieperjohanns", "st-heuvelkamp", None, 4),  # resolves a parallel pair
    (COMM, "st-pieperjohanns", "st-drueppelmann", None, 2),
    (KNOWS, "st-drueppelmann", "st-heuvelkamp", 2, None),
    # --- bonding inside the alliance ---------------------------------------------------
    (COMM, "act-vennemann", "act-zeche-zukunft", 4, 4),
    (COMM, "act-vennemann", "act-stadtwerke", 3, None),
    (COMM, "act-vennemann", "act-ruettgershoff-metall", 5, 5),
    (COMM, "act-vennemann", "act-genobank", 3, None),
    (COLLAB, "act-vennemann", "act-marquardt", 5, 5),
    (COMM, "act-marquardt", "act-modehaus-kortenbusch", 5, 5),
    (COMM, "act-marquardt", "act-hotel-haldenblick", 3, None),
    (COMM, "act-marquardt", "act-brauhaus-heide", None, 3),
    (COLLAB, "act-zeche-zukunft", "act-kampmann-bau", 4, 4),
    (COLLAB, "act-zeche-zukunft", "act-revier-immobilien", 3, None),
    (COLLAB, "act-stadtwerke", "act-sonnenhalde-solar", 3, 4),
    (COLLAB, "act-stadtwerke", "act-h2werk", None, 4),
    (COLLAB, "act-h2werk", "act-emscher-chemie", None, 3),
    (COLLAB, "act-halde-logistik", "act-emscher-chemie", 3, None),
    (COMM, "act-halde-logistik", "act-ruettgershoff-metall", 2, 2),
    (COLLAB, "act-kohlenpott-digital", "act-genobank", 3, None),
    (COLLAB, "act-kohlenpott-digital", "act-pflege-lichtenhorst", None, 3),
    (KNOWS, "act-modehaus-kortenbusch", "act-hotel-haldenblick", 2, None),
    (COLLAB, "act-brauhaus-heide", "act-hotel-haldenblick", 4, 4),
    (COLLAB, "act-ruettgershoff-metall", "act-kampmann-bau", 3, None),
    (COLLAB, "act-sonnenhalde-solar", "act-kampmann-bau", None, 3),
    (FUNDS, "act-genobank", "act-h2werk", None, 3),
    (COMM, "ext-boevingloh", "act-ruettgershoff-metall", 3, None),
    (ADV, "ext-steinmeister", "act-h2werk", None, 3),
    (KNOWS, "act-stadtwerke", "act-emscher-chemie", 2, None),
    (COMM, "st-schwarzkopp", "act-vennemann", 5, 5),
    (COMM, "st-schwarzkopp", "act-marquardt", 4, None),
    (COLLAB, "st-heuvelkamp", "act-marquardt", 3, 4),
    (COLLAB, "st-heuvelkamp", "act-hotel-haldenblick", 3, None),
    # --- office <-> alliance -------------------------------------------------------------
    (COMM, "st-brammertz", "act-vennemann", 4, 4),
    (COLLAB, "st-koetterheinrich", "act-zeche-zukunft", 4, 5),
    (COMM, "st-koetterheinrich", "act-revier-immobilien", 3, None),
    (COMM, "st-drueppelmann", "act-revier-immobilien", 2, None),
    (COMM, "st-drueppelmann", "act-halde-logistik", None, 3),
    (COLLAB, "st-brinkhoff", "act-sonnenhalde-solar", 3, 4),
    (COMM, "st-brinkhoff", "act-stadtwerke", 3, None),
    (COMM, "st-brinkhoff", "act-emscher-chemie", None, 3),
    (COLLAB, "st-wellinghoff", "act-kohlenpott-digital", 4, 4),
    (COMM, "st-wellinghoff", "act-h2werk", None, 3),
    (COMM, "st-overkaemping", "act-pflege-lichtenhorst", 3, None),
    (COMM, "st-overkaemping", "act-ruettgershoff-metall", None, 2),
    (COLLAB, "st-pieperjohanns", "act-modehaus-kortenbusch", 4, 4),
    # --- planning department: reached only through st-koetterheinrich --------------------
    (COMM, "act-moellenbrock", "act-uhlenkueken", 4, None),
    (COLLAB, "act-moellenbrock", "act-tersteegen", 4, 4),
    (COLLAB, "act-uhlenkueken", "act-tersteegen", 3, 3),
    (COMM, "act-tersteegen", "act-ossenbrink", 3, None),
    (COLLAB, "st-koetterheinrich", "act-tersteegen", 3, 4),
    (COMM, "st-koetterheinrich", "act-moellenbrock", None, 3),
    # --- environment and climate department -------------------------------------------
    (COMM, "act-wienholt", "act-heidfeld", 3, None),
    (COLLAB, "act-wienholt", "act-lohkampf", 4, 4),
    (COMM, "st-brinkhoff", "act-wienholt", 3, 4),
    (COLLAB, "act-wienholt", "act-sonnenhalde-solar", None, 3),
    (ADV, "act-wienholt", "act-emscher-chemie", None, 2),
    (COMM, "act-wienholt", "ext-holtkoetter", 4, 4),
    # --- building department ----------------------------------------------------------
    (COLLAB, "act-schuering", "act-rotthowe", 4, None),
    (COMM, "st-pieperjohanns", "act-rotthowe", 3, 3),
    (COMM, "st-brammertz", "act-schuering", None, 3),
    (COMM, "act-rotthowe", "act-lohkampf", None, 2),
    # --- mayor's office and treasury: reached only through st-brammertz ----------------
    (COLLAB, "act-althoff", "act-kampschulte", 4, 4),
    (COMM, "st-brammertz", "act-althoff", 5, 5),
    (COMM, "st-brammertz", "act-kampschulte", None, 3),
    (COMM, "act-althoff", "act-dinnendahl", 3, None),
    # --- regional partners --------------------------------------------------------------
    (COMM, "st-schwarzkopp", "ext-rehbergk", 4, 4),
    (COMM, "st-schwarzkopp", "ext-boevingloh", 3, 4),
    (COLLAB, "st-schwarzkopp", "ext-steinmeister", None, 3),
    (KNOWS, "st-schwarzkopp", "ext-vogelsang", 2, None),
    (COMM, "st-schwarzkopp", "ext-vogelsang", None, 3),
    (ADV, "ext-steinmeister", "st-wellinghoff", None, 3),
    (COMM, "st-overkaemping", "ext-muehlenkamp", 4, 4),
    (COMM, "ext-muehlenkamp", "ext-rehbergk", 2, None),
    (COMM, "ext-boevingloh", "ext-rehbergk", 3, None),
    (COLLAB, "ext-vogelsang", "act-h2werk", None, 3),
    (COMM, "ext-vogelsang", "ext-holtkoetter", 2, None),
    (COMM, "ext-steinmeister", "act-vennemann", None, 2),
    # --- funding ----------------------------------------------------------------------
    (FUNDS, "ext-foerderbank", "ini-gruenderzentrum", None, 4),
    (FUNDS, "ext-foerderbank", "ini-klima-allianz", 3, 3),
    (FUNDS, "ext-foerderbank", "act-h2werk", None, 3),
    (FUNDS, "grp-stadt", "ini-innenstadt", 3, 4),
    (FUNDS, "act-stadtwerke", "ini-klima-allianz", 2, None),
]

PHASES = {"1": (date(2021, 1, 1), date(2022, 12, 31)), "2": (date(2023, 1, 1), date(2024, 12, 31))}
#: Ties that did not last the whole phase: (type, source, target, phase) -> (from, to).
VALIDITY = {
    (COMM, "st-schwarzkopp", "st-drueppelmann", "1"): (date(2021, 6, 1), date(2022, 6, 30)),
    (ADV, "st-brammertz", "st-drueppelmann", "1"): (date(2021, 6, 1), date(2022, 12, 31)),
    (COLLAB, "act-wienholt", "act-sonnenhalde-solar", "2"): (date(2023, 6, 1), None),
    (COLLAB, "st-pieperjohanns", "st-heuvelkamp", "2"): (date(2023, 4, 1), None),
    (COMM, "act-rotthowe", "act-lohkampf", "2"): (date(2023, 9, 1), None),
    (FUNDS, "ext-foerderbank", "ini-gruenderzentrum", "2"): (date(2023, 7, 1), None),
}

# --------------------------------------------------------------------------------------
# Evidence: the sources of the two project phases; (method, source, date, contexts)
# --------------------------------------------------------------------------------------

ALL = frozenset({"office", "alliance", "bridge", "admin", "funds"})
OFF, ALLI, BRI, ADM, FUN = "office", "alliance", "bridge", "admin", "funds"


def _interviews(first: int, dates: list[str]) -> list[tuple[str, str, str, frozenset[str]]]:
    return [("interview", f"Interview I-{first + i:02d}", d, ALL) for i, d in enumerate(dates)]


SOURCES: dict[str, list[tuple[str, str, str, frozenset[str]]]] = {
    "1": [
        *_interviews(1, ["2021-03-18", "2021-04-22", "2021-05-12", "2021-06-09",
                         "2021-10-14", "2021-11-25", "2022-02-10", "2022-03-24",
                         "2022-05-05", "2022-09-08"]),
        ("workshop", "Workshop W-1 2021-09-15", "2021-09-15", frozenset({OFF, ALLI, BRI})),
        ("workshop", "Workshop W-2 2022-06-22", "2022-06-22", frozenset({OFF, ALLI, BRI})),
        ("observation", "Beobachtung Jour fixe 2021-11", "2021-11-08", frozenset({OFF})),
        ("observation", "Beobachtung Jour fixe 2022-05", "2022-05-16", frozenset({OFF})),
        ("observation", "Beobachtung WiAll-Mitgliederversammlung 2022-09", "2022-09-29",
         frozenset({ALLI, BRI})),
        ("observation", "Beobachtung Lenkungskreis 2022-03", "2022-03-10", frozenset({BRI})),
        ("document", "Protokoll Lenkungskreis 2021-06", "2021-06-24", frozenset({BRI, ADM})),
        ("document", "Protokoll Lenkungskreis 2022-11", "2022-11-17", frozenset({BRI, ADM})),
        ("document", "Geschäftsverteilungsplan WiFö 2021", "2021-02-01", frozenset({OFF})),
        ("document", "Zuwendungsbescheid 2021-08", "2021-08-30", frozenset({FUN})),
        ("document", "Haushaltsplan 2022", "2022-01-20", frozenset({FUN})),
        ("survey", "Netzwerkbefragung WiAll 2022", "2022-10-04", frozenset({OFF, ALLI, BRI})),
    ],
    "2": [
        *_interviews(11, ["2023-02-09", "2023-03-02", "2023-04-20", "2023-06-15",
                          "2023-08-31", "2023-10-26", "2024-01-18", "2024-02-29",
                          "2024-04-11", "2024-06-06", "2024-09-19", "2024-11-07"]),
        ("workshop", "Workshop W-3 2023-05-10", "2023-05-10", frozenset({OFF, ALLI, BRI})),
        ("workshop", "Workshop W-4 2024-03-20", "2024-03-20", frozenset({OFF, ALLI, BRI})),
        ("observation", "Beobachtung Jour fixe 2023-03", "2023-03-13", frozenset({OFF})),
        ("observation", "Beobachtung Jour fixe 2024-02", "2024-02-05", frozenset({OFF})),
        ("observation", "Beobachtung WiAll-Mitgliederversammlung 2023-10", "2023-10-12",
         frozenset({ALLI, BRI})),
        ("observation", "Beobachtung Lenkungskreis 2024-06", "2024-06-18", frozenset({BRI})),
        ("document", "Protokoll Lenkungskreis 2023-11", "2023-11-16", frozenset({BRI, ADM})),
        ("document", "Zwischenbericht Phase 2", "2024-07-01", frozenset({OFF, BRI, ADM})),
        ("document", "Zuwendungsbescheid 2023-07", "2023-07-14", frozenset({FUN})),
        ("document", "Haushaltsplan 2024", "2024-01-25", frozenset({FUN})),
        ("survey", "Netzwerkbefragung WiAll 2024", "2024-05-14", frozenset({OFF, ALLI, BRI})),
    ],
}
#: Methods in order of preference for each kind of tie.
METHODS_FOR = {
    OFF: ["observation", "interview", "workshop", "survey"],
    ALLI: ["survey", "workshop", "observation", "interview"],
    BRI: ["interview", "workshop", "document", "observation"],
    ADM: ["interview", "document"],
    FUN: ["document", "interview"],
}
#: Confidence range of each method (lowest, highest), in steps of 0.05.
CONFIDENCE = {
    "observation": (0.8, 1.0),
    "document": (0.85, 1.0),
    "interview": (0.7, 0.95),
    "workshop": (0.6, 0.85),
    "survey": (0.5, 0.75),
}
#: One document observation for each affiliation: (source, date or None, confidence).
AFFILIATION_SOURCE = {
    "grp-wiall": ("Mitgliederliste WiAll 2022", "2022-03-01", 1.0),
    "grp-extern": ("Teilnehmerliste Lenkungskreis 2022-11", "2022-11-17", 0.9),
    "default_member": ("Organigramm Stadtverwaltung 2022", "2022-01-01", 1.0),
    "responsible": ("Geschäftsverteilungsplan WiFö 2021", "2021-02-01", 1.0),
    "advances": ("Zukunftsplan Wirtschaftsstandort Bottrop, Maßnahmenteil", None, 0.9),
    "goal_part_of": ("Zukunftsplan Wirtschaftsstandort Bottrop, Zielsystem", None, 1.0),
}

# fmt: on


def _h(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode("utf-8"))


# --------------------------------------------------------------------------------------
# Building the document
# --------------------------------------------------------------------------------------


def build_nodes() -> list[dict]:
    nodes: list[dict] = []
    for gid, name, kind, desc in GROUPS:
        nodes.append({"id": gid, "label": "Group", "name": name, "kind": kind, "description": desc})
    for sid, name, position, desc in STAFF:
        nodes.append(
            {
                "id": sid,
                "label": "Staff",
                "name": name,
                "kind": "person",
                "description": desc,
                "attributes": {"position": position},
            }
        )
    for tid, name, desc in TASKS:
        nodes.append(
            {
                "id": tid,
                "label": "Task",
                "name": name,
                "kind": "field of activity",
                "description": desc,
            }
        )
    for aid, name, kind, _groups, desc, info in ACTORS:
        key = "position" if kind == PERSON else "sector"
        nodes.append(
            {
                "id": aid,
                "label": "Actor",
                "name": name,
                "kind": kind,
                "description": desc,
                "attributes": {key: info},
            }
        )
    for iid, name, kind, desc in INITIATIVES:
        nodes.append(
            {"id": iid, "label": "Initiative", "name": name, "kind": kind, "description": desc}
        )
    for gid, name, desc in TOP_GOALS:
        nodes.append(
            {"id": gid, "label": "Goal", "name": name, "kind": "top goal", "description": desc}
        )
    for gid, name, _parent, desc in SUB_GOALS:
        nodes.append(
            {"id": gid, "label": "Goal", "name": name, "kind": "sub-goal", "description": desc}
        )
    return nodes


def memberships() -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for sid, *_ in STAFF:
        groups[sid].add("grp-wifoe")
    for sid in STAFF_ALSO_IN_WIALL:
        groups[sid].add("grp-wiall")
    for aid, _name, _kind, member_of, *_ in ACTORS:
        groups[aid].update(member_of)
    return groups


def _doc_obs(source: str, day: str | None, confidence: float) -> list[dict]:
    obs: dict = {"method": "document", "source": source, "confidence": confidence}
    if day:
        obs["date"] = day
    return [obs]


def build_affiliations() -> list[dict]:
    ties: list[dict] = []
    groups = memberships()
    for node_id, member_of in groups.items():
        for gid in sorted(member_of):
            key = gid if gid in AFFILIATION_SOURCE else "default_member"
            ties.append(
                {
                    "type": "MEMBER_OF",
                    "source": node_id,
                    "target": gid,
                    "evidence": _doc_obs(*AFFILIATION_SOURCE[key]),
                }
            )
    for child, parent in GROUP_PART_OF:
        ties.append(
            {
                "type": "PART_OF",
                "source": child,
                "target": parent,
                "evidence": _doc_obs(*AFFILIATION_SOURCE["default_member"]),
            }
        )
    for child, parent in INITIATIVE_PART_OF:
        name = next(n for i, n, *_ in INITIATIVES if i == parent)
        ties.append(
            {
                "type": "PART_OF",
                "source": child,
                "target": parent,
                "evidence": _doc_obs(f"Projektsteckbrief {name}", None, 1.0),
            }
        )
    for gid, _name, parent, _desc in SUB_GOALS:
        ties.append(
            {
                "type": "PART_OF",
                "source": gid,
                "target": parent,
                "evidence": _doc_obs(*AFFILIATION_SOURCE["goal_part_of"]),
            }
        )
    for staff_id, targets in RESPONSIBLE_FOR.items():
        for target in targets:
            ties.append(
                {
                    "type": "RESPONSIBLE_FOR",
                    "source": staff_id,
                    "target": target,
                    "evidence": _doc_obs(*AFFILIATION_SOURCE["responsible"]),
                }
            )
    for ini, participants in PARTICIPATES_IN.items():
        name = next(n for i, n, *_ in INITIATIVES if i == ini)
        for who, role in participants:
            ties.append(
                {
                    "type": "PARTICIPATES_IN",
                    "source": who,
                    "target": ini,
                    "role": role,
                    "evidence": _doc_obs(f"Projektsteckbrief {name}", None, 1.0),
                }
            )
    for src, goal in ADVANCES:
        ties.append(
            {
                "type": "ADVANCES",
                "source": src,
                "target": goal,
                "evidence": _doc_obs(*AFFILIATION_SOURCE["advances"]),
            }
        )
    return ties


def _context(
    rel: RelType, a: str, b: str, labels: dict[str, str], groups: dict[str, set[str]]
) -> str:
    if rel is FUNDS:
        return FUN
    if labels[a] == "Staff" and labels[b] == "Staff":
        return OFF
    if "grp-wiall" in groups[a] & groups[b]:
        return ALLI
    if labels[a] == "Staff" or labels[b] == "Staff" or "grp-wiall" in groups[a] | groups[b]:
        return BRI
    return ADM


def _evidence(tie_key: str, context: str, phase: str, start: date, end: date) -> list[dict]:
    """1-3 sightings: about a third single, the rest split between same and two methods."""
    h = _h(tie_key)
    count = 1 + h % 3
    preferred = METHODS_FOR[context]
    candidates = [
        (method, source, date.fromisoformat(day))
        for method, source, day, contexts in SOURCES[phase]
        if context in contexts and start <= date.fromisoformat(day) <= end
    ]
    first = preferred[(h >> 4) % min(2, len(preferred))]
    chosen: list[tuple[str, str, date]] = []
    for i in range(count):
        same = (h >> (8 + 2 * i)) % 4 != 0  # a further sighting: mostly the same method
        wanted = (
            first if i == 0 or same else preferred[(preferred.index(first) + i) % len(preferred)]
        )
        pool = [c for c in candidates if c[0] == wanted and c not in chosen]
        if not pool and not chosen:
            pool = candidates
        if not pool:
            break  # no further source of that method in the window: fewer sightings
        chosen.append(pool[_h(tie_key, str(i)) % len(pool)])
    if not chosen:
        raise SystemExit(f"no evidence source fits tie {tie_key} ({start}..{end})")
    out = []
    for i, (method, source, day) in enumerate(chosen):
        lo, hi = CONFIDENCE[method]
        steps = round((hi - lo) / 0.05) + 1
        confidence = round(lo + (_h(tie_key, "c", str(i)) % steps) * 0.05, 2)
        out.append(
            {"method": method, "source": source, "date": day.isoformat(), "confidence": confidence}
        )
    return out


def build_social(labels: dict[str, str]) -> list[dict]:
    groups = memberships()
    ties: list[dict] = []
    for rel, a, b, w1, w2 in SOCIAL:
        for phase, weight in (("1", w1), ("2", w2)):
            if weight is None:
                continue
            start, end = PHASES[phase]
            override = VALIDITY.get((rel, a, b, phase))
            if override:
                start = override[0] or start
                end = override[1] or end
            key = f"{rel.value}:{a}:{b}:{phase}"
            ties.append(
                {
                    "type": rel.value,
                    "source": a,
                    "target": b,
                    "weight": weight,
                    "phase": phase,
                    "valid_from": start.isoformat(),
                    "valid_to": end.isoformat(),
                    "evidence": _evidence(
                        key, _context(rel, a, b, labels, groups), phase, start, end
                    ),
                }
            )
    return ties


# --------------------------------------------------------------------------------------
# Checks: the properties the sample promises
# --------------------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    raise SystemExit(f"sample network check failed: {message}")


def _social_adjacency(doc: GraphDocument, phase: str | None) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = defaultdict(set)
    for t in doc.ties:
        if t.type in SOCIAL_TYPES and (phase is None or t.phase == phase):
            adj[t.source].add(t.target)
            adj[t.target].add(t.source)
    return adj


def _reachable(adj: dict[str, set[str]], starts: set[str], removed: str) -> set[str]:
    seen = {s for s in starts if s != removed}
    stack = list(seen)
    while stack:
        for nxt in adj.get(stack.pop(), ()):
            if nxt != removed and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def parallel_pairs(doc: GraphDocument, phase: str | None) -> list[tuple[str, str, list[str]]]:
    """Staff pairs with 2+ shared tasks and no COMMUNICATES_WITH/COLLABORATES_WITH tie."""
    tasks: dict[str, set[str]] = defaultdict(set)
    labels = {n.id: n.label for n in doc.nodes}
    for t in doc.ties:
        if t.type is RelType.RESPONSIBLE_FOR and labels[t.target] is NodeLabel.TASK:
            tasks[t.source].add(t.target)
    working = {
        frozenset((t.source, t.target))
        for t in doc.ties
        if t.type in (COMM, COLLAB) and (phase is None or t.phase == phase)
    }
    staff = sorted(tasks)
    out = []
    for i, a in enumerate(staff):
        for b in staff[i + 1 :]:
            shared = tasks[a] & tasks[b]
            if len(shared) >= 2 and frozenset((a, b)) not in working:
                out.append((a, b, sorted(shared)))
    return out


def goal_support(doc: GraphDocument) -> dict[str, dict]:
    """For each sub-goal: what advances it and who is behind it (participants, staff)."""
    labels = {n.id: n.label for n in doc.nodes}
    behind: dict[str, set[str]] = defaultdict(set)
    for t in doc.ties:
        if t.type in (RelType.PARTICIPATES_IN, RelType.RESPONSIBLE_FOR):
            behind[t.target].add(t.source)
    support: dict[str, dict] = {}
    for gid, *_ in SUB_GOALS:
        advancers = sorted(
            t.source for t in doc.ties if t.type is RelType.ADVANCES and t.target == gid
        )
        people = set().union(*(behind[a] for a in advancers)) if advancers else set()
        initiatives = [a for a in advancers if labels[a] is NodeLabel.INITIATIVE]
        support[gid] = {
            "advancers": advancers,
            "initiatives": initiatives,
            "behind": sorted(people),
        }
    return support


def check(doc: GraphDocument) -> None:
    labels = {n.id: n.label for n in doc.nodes}
    if len(labels) != len(doc.nodes):
        _fail("duplicate node ids")
    ids = [t.id for t in doc.ties]
    if len(set(ids)) != len(ids):
        _fail(f"duplicate tie ids: {[i for i, c in Counter(ids).items() if c > 1]}")
    for t in doc.ties:
        if t.source not in labels or t.target not in labels:
            _fail(f"tie {t.id} has an unknown end")
        err = endpoint_error(t.type, labels[t.source], labels[t.target])
        if err:
            _fail(f"tie {t.id}: {err}")
    for n in doc.nodes:
        if not n.description:
            _fail(f"node {n.id} has no description")
    for t in doc.ties:
        if t.type not in SOCIAL_TYPES:
            continue
        start, end = PHASES[t.phase or ""]
        if not (1 <= t.weight <= 5 and 1 <= len(t.evidence) <= 3):
            _fail(f"tie {t.id}: weight or evidence count out of range")
        valid_from, valid_to = t.valid_from, t.valid_to
        if valid_from is None or valid_to is None or not start <= valid_from <= valid_to <= end:
            _fail(f"tie {t.id}: validity missing or outside phase {t.phase}")
        for obs in t.evidence:
            seen = obs.date
            if seen is None or not (valid_from <= seen <= valid_to and obs.confidence >= 0.5):
                _fail(f"tie {t.id}: observation {obs.source} outside validity or range")
    if not (90 <= len(doc.nodes) <= 140):
        _fail(f"{len(doc.nodes)} nodes")
    if not (200 <= len(doc.ties) <= 300):
        _fail(f"{len(doc.ties)} ties")

    found = [(a, b) for a, b, _ in parallel_pairs(doc, None)]
    if found != sorted(PARALLEL_PAIRS):
        _fail(f"parallel pairs over both phases are {found}, expected {PARALLEL_PAIRS}")
    found1 = [(a, b) for a, b, _ in parallel_pairs(doc, "1")]
    if found1 != sorted(PARALLEL_PAIRS + RESOLVED_IN_PHASE_2):
        _fail(f"parallel pairs in phase 1 are {found1}")
    responsible = {t.target for t in doc.ties if t.type is RelType.RESPONSIBLE_FOR}
    if [tid for tid, *_ in TASKS if tid not in responsible] != UNASSIGNED_TASKS:
        _fail("unassigned tasks differ")

    support = goal_support(doc)
    if [g for g, s in support.items() if not s["advancers"]] != UNSUPPORTED_GOALS:
        _fail("unsupported goals differ")
    single = [
        g
        for g, s in support.items()
        if len(s["initiatives"]) == 1 and len(s["advancers"]) == 1 and len(s["behind"]) == 1
    ]
    if single != SINGLE_TIE_GOALS:
        _fail(f"single-tie goals are {single}")
    if [g for g, s in support.items() if s["advancers"] and not s["behind"]] != (
        NOBODY_BEHIND_GOALS
    ):
        _fail("goals with nobody behind differ")

    groups = memberships()
    alliance = {n for n, g in groups.items() if "grp-wiall" in g}
    for phase in (None, "1", "2"):
        adj = _social_adjacency(doc, phase)
        for broker, group in (("st-koetterheinrich", PL), ("st-brammertz", OB)):
            inside = {n for n, g in groups.items() if group in g and n in adj}
            if not inside:
                _fail(f"{group} has no social ties in phase {phase}")
            if _reachable(adj, alliance, broker) & inside:
                _fail(f"{group} reachable from the alliance without {broker} (phase {phase})")
            if not _reachable(adj, alliance, "") & inside:
                _fail(f"{group} not reachable from the alliance at all (phase {phase})")


# --------------------------------------------------------------------------------------


def build() -> GraphDocument:
    nodes = build_nodes()
    labels = {n["id"]: n["label"] for n in nodes}
    ties = build_affiliations() + build_social(labels)
    doc = GraphDocument.model_validate({"format": "graph-service/v1", "nodes": nodes, "ties": ties})
    check(doc)
    return doc


def summary(doc: GraphDocument) -> str:
    lines = [f"nodes: {len(doc.nodes)}"]
    for label, n in sorted(Counter(str(n.label) for n in doc.nodes).items()):
        lines.append(f"  {label:<18}{n:>4}")
    social = [t for t in doc.ties if t.type in SOCIAL_TYPES]
    lines.append(
        f"ties: {len(doc.ties)} ({len(social)} social, {len(doc.ties) - len(social)} affiliations)"
    )
    by_type = Counter(str(t.type) for t in doc.ties)
    by_phase = Counter((str(t.type), t.phase) for t in social)
    for rel, n in sorted(by_type.items()):
        extra = ""
        if RelType(rel) in SOCIAL_TYPES:
            extra = f"  (phase 1: {by_phase[(rel, '1')]}, phase 2: {by_phase[(rel, '2')]})"
        lines.append(f"  {rel:<18}{n:>4}{extra}")
    pairs = Counter((t.type, t.source, t.target) for t in social)
    both = sum(1 for c in pairs.values() if c == 2)
    only1 = sum(
        1
        for (r, a, b), c in pairs.items()
        if c == 1
        and any(t.phase == "1" for t in social if (t.type, t.source, t.target) == (r, a, b))
    )
    lines.append(
        f"social ties in both phases: {both}; phase 1 only (dropped): {only1}; "
        f"phase 2 only (added): {len(pairs) - both - only1}"
    )
    single = sum(1 for t in social if len(t.evidence) == 1)
    two_methods = sum(1 for t in social if len({o.method for o in t.evidence}) >= 2)
    methods = Counter(str(o.method) for t in social for o in t.evidence)
    lines.append(
        f"evidence on social ties: {single} single-source, {two_methods} seen by "
        f"2+ methods; sightings by method: {dict(sorted(methods.items()))}"
    )
    lines.append(
        "brokers: st-schwarzkopp (alliance <-> regional partners), "
        "st-koetterheinrich (only link to planning), "
        "st-brammertz (only link to mayor's office and treasury)"
    )
    for a, b, shared in parallel_pairs(doc, None):
        lines.append(f"parallel structure: {a} + {b} share {', '.join(shared)}")
    for a, b, shared in parallel_pairs(doc, "1"):
        if (a, b) in RESOLVED_IN_PHASE_2:
            lines.append(f"parallel in phase 1 only: {a} + {b} share {', '.join(shared)}")
    lines.append(f"unassigned tasks: {', '.join(UNASSIGNED_TASKS)}")
    lines.append(f"goals nothing advances: {', '.join(UNSUPPORTED_GOALS)}")
    lines.append(
        f"goals on a single initiative with a single participant: {', '.join(SINGLE_TIE_GOALS)}"
    )
    lines.append(f"goals advanced only by unassigned tasks: {', '.join(NOBODY_BEHIND_GOALS)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write")
    args = parser.parse_args(argv)
    doc = build()
    data = doc.model_dump(mode="json", exclude_none=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # the written file must read back as the same document
    again = GraphDocument.model_validate_json(args.out.read_text(encoding="utf-8"))
    if again != doc:
        _fail("the written file does not read back as the same document")
    print(f"wrote {args.out}")
    print(summary(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
