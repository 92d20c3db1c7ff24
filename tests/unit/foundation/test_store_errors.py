"""Driver errors become statuses that say whose fault it is (issue 12): 503 only when Neo4j
cannot be reached; a limit names itself and its setting; another party's termination says
so."""

from __future__ import annotations

import pytest
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from graph_service.errors import (
    Conflict,
    DomainError,
    Invalid,
    OverMemory,
    QueryTimedOut,
    Terminated,
    Unavailable,
)
from graph_service.store.neo4j_store import translate_errors


def _raised(exc: BaseException, timeout_setting: str = "QUERY_TIMEOUT") -> DomainError:
    with pytest.raises(DomainError) as caught, translate_errors("running q", timeout_setting):
        raise exc
    return caught.value


@pytest.mark.parametrize(
    ("code", "message", "kind", "status", "named"),
    [
        (
            "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
            "The transaction has been terminated. Retry your operation in a new transaction",
            QueryTimedOut,
            504,
            "QUERY_TIMEOUT",
        ),
        (
            "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
            "The allocation of an extra 2.0 MiB would use more than the limit 10.0 MiB. "
            "Currently using 9.0 MiB. db.memory.transaction.max threshold reached",
            OverMemory,
            422,
            "db.memory.transaction.max",
        ),
        (
            "Neo.TransientError.General.OutOfMemoryError",
            "There is not enough memory to perform the current task.",
            OverMemory,
            422,
            "NEO4J_LOCAL_HEAP",
        ),
        (
            "Neo.TransientError.Transaction.Terminated",
            "The transaction has been terminated. Retry your operation in a new transaction, "
            "and you should see a successful result. Explicitly terminated by the user.",
            Terminated,
            409,
            "another party",
        ),
        (
            "Neo.ClientError.Transaction.Terminated",
            "Explicitly terminated by the user.",
            Terminated,
            409,
            "another party",
        ),
        (
            "Neo.TransientError.Transaction.LockClientStopped",
            "The transaction has been terminated.",
            Terminated,
            409,
            "another party",
        ),
        ("Neo.ClientError.Statement.SyntaxError", "Invalid input 'X'", Invalid, 422, "Invalid"),
        (
            "Neo.TransientError.Transaction.DeadlockDetected",
            "ForsetiClient[1] can't acquire ExclusiveLock",
            Conflict,
            409,
            "concurrent work",
        ),
    ],
)
def test_limits_and_terminations_name_themselves(
    code: str, message: str, kind: type[DomainError], status: int, named: str
) -> None:
    error = _raised(Neo4jError._hydrate_neo4j(code=code, message=message))
    assert type(error) is kind and error.status == status
    assert named in error.detail
    assert not isinstance(error, Unavailable)


def test_the_timeout_names_the_setting_it_was_given() -> None:
    timed_out = Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Transaction.TransactionTimedOut", message="timed out"
    )
    assert "PATH_TIMEOUT" in _raised(timed_out, "PATH_TIMEOUT").detail


def test_only_an_unreachable_server_is_503() -> None:
    error = _raised(ServiceUnavailable("Couldn't connect to 127.0.0.1:1"))
    assert isinstance(error, Unavailable) and error.status == 503
    starting = Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.General.DatabaseUnavailable", message="database is starting"
    )
    assert _raised(starting).status == 503
