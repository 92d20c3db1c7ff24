"""One constructor of a map request for both surfaces (services/maps.py ``map_request``):
the ``map`` command and the ``/maps`` route hand it their parameters by name."""

from __future__ import annotations

import inspect

import pytest
from pydantic import SecretStr

from graph_service.api.routes.analysis import maps as maps_route
from graph_service.cli.analysis import map_cmd
from graph_service.config import Settings
from graph_service.errors import Invalid
from graph_service.filters import TieFilter
from graph_service.services.maps import OPTION_FIELDS, VIEWS, MapRequest, map_request


def test_map_request_takes_the_fields_it_is_given_and_leaves_the_rest_at_their_defaults() -> None:
    filters = TieFilter()
    options = {"view": "ego", "center": "st-a", "radius": 2, "filters": filters, "out": "x.html"}
    assert map_request(options) == MapRequest(view="ego", center="st-a", radius=2, filters=filters)


@pytest.mark.parametrize("view", VIEWS)
def test_map_request_takes_every_view(view: str) -> None:
    assert map_request({"view": view}).view == view


def test_map_request_refuses_an_unknown_view_naming_the_views() -> None:
    with pytest.raises(Invalid, match="network, ego, paths, brokers, groups, comparison"):
        map_request({"view": "galaxy"})


def test_map_request_pseudonymises_with_the_settings_salt_or_says_it_needs_one() -> None:
    salted = Settings(pseudonym_salt=SecretStr("a long random test salt, 32 chars+"))
    assert map_request({"pseudonymise": True}, salted).pseudonymiser is not None
    assert map_request({"pseudonymise": False}, salted).pseudonymiser is None
    with pytest.raises(Invalid, match="salt"):
        map_request({"pseudonymise": True}, Settings(pseudonym_salt=None))


@pytest.mark.parametrize(
    ("surface", "not_offered"),
    [(maps_route, set()), (map_cmd, {"width_by"})],
    ids=["route", "command"],
)
def test_each_surface_names_its_parameters_as_the_request_s_fields(
    surface: object, not_offered: set[str]
) -> None:
    """The surfaces pass ``locals()``: a parameter spelt otherwise would be dropped."""
    parameters = set(inspect.signature(inspect.unwrap(surface)).parameters)  # type: ignore[arg-type]
    assert set(OPTION_FIELDS) - parameters == not_offered
    assert "pseudonymise" in parameters
