"""Options the commands share: the network, the tie filter and the partition.

The filter options are not written out here: :func:`filter_options` derives them from the
fields of :class:`~graph_service.filters.TieFilter`, the model the API reads as its query
parameters, so the command line and the API take the same options with the same defaults
(none: an option left out is no condition). ``types`` and ``methods`` become the repeated
options ``--type`` and ``--method``; every other field ``--field-name``.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable, Collection
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from graph_service.errors import Invalid
from graph_service.filters import CLI_NAMES, TieFilter

F = TypeVar("F", bound=Callable[..., Any])

#: The network a command works on (docs/networks.md): one option for every command that
#: touches graph data, GRAPH_SERVICE_NETWORK as its fallback, ``default`` without either.
#: The name is checked by the runtime (model.network_name): a bad one is exit 2.
NetworkOpt = Annotated[
    str,
    typer.Option(
        "--network",
        envvar="GRAPH_SERVICE_NETWORK",
        help="the network to work on (lower case, digits, - and _)",
    ),
]

PartitionOpt = Annotated[
    str,
    typer.Option("--partition", help="membership | property:NAME | communities:louvain|leiden"),
]


def option_name(field: str) -> str:
    """``min_confidence`` -> ``--min-confidence``; ``types`` -> ``--type``."""
    return "--" + CLI_NAMES.get(field, field).replace("_", "-")


def _option_type(field: str) -> Any:
    """The command line's type of a filter field: text for phases and dates (the model
    checks them), numbers for thresholds, a repeated text option for lists."""
    annotation = TieFilter.model_fields[field].annotation
    for kind, option_type in ((list, list[str] | None), (int, int | None), (float, float | None)):
        if kind in (typing.get_origin(a) or a for a in typing.get_args(annotation)):
            return option_type
    return str | None


def _filter_parameters(without: Collection[str]) -> list[inspect.Parameter]:
    params = []
    fields = sorted(TieFilter.model_fields.items(), key=lambda item: item[0] != "types")
    for field, info in fields:
        if field in without:
            continue
        repeat = " (repeat)" if field in CLI_NAMES else ""
        option = typer.Option(option_name(field), help=f"{info.description}{repeat}")
        params.append(
            inspect.Parameter(
                field,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[_option_type(field), option],
            )
        )
    return params


def filter_options(*, without: Collection[str] = ()) -> Callable[[F], F]:
    """Give a command the tie filter's options; it receives them as ``filters: TieFilter``.

    ``without`` leaves out fields the command sets itself (``compare`` sets each side's
    phase and date).
    """

    def decorate(func: F) -> F:
        # evaluated: typer reads the Annotated options from the signature we set
        own = inspect.signature(func, eval_str=True)
        kept = [p for name, p in own.parameters.items() if name != "filters"]
        added = _filter_parameters(without)
        added_names = {p.name for p in added}

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in added_names if name in kwargs}
            return func(*args, filters=tie_filter(**values), **kwargs)

        positional = [p for p in kept if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        keyword = [p for p in kept if p.kind is inspect.Parameter.KEYWORD_ONLY]
        wrapper.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=[
                *[p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in positional],
                *keyword,
                *added,
            ]
        )
        # typer reads the annotations, not only the signature
        wrapper.__annotations__ = {
            **{k: v for k, v in func.__annotations__.items() if k != "filters"},
            **{p.name: p.annotation for p in added},
        }
        return wrapper  # type: ignore[return-value]

    return decorate


_FIELD = re.compile(r"\b(" + "|".join(TieFilter.model_fields) + r")\b")


def tie_filter(**values: Any) -> TieFilter:
    """The filter from the command's options; a bad value is one line naming the option
    (``--min-confidence: …``), with the API's rules (the one model)."""
    try:
        return TieFilter.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        message = _FIELD.sub(lambda m: option_name(m.group(1)), str(first["msg"]))
        message = message.removeprefix("Value error, ")
        if first["loc"]:
            message = f"{option_name(str(first['loc'][0]))}: {message}"
            if first.get("input") is not None and first["type"] != "value_error":
                message += f" (got {first['input']!r})"
        raise Invalid(message) from exc
