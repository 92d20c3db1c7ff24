"""Settings: one object, read from environment variables (and a ``.env`` file if present).

Without ``NEO4J_URI`` the service uses the local Neo4j server that ``graph-service db
start`` runs (Bolt on 127.0.0.1). Its password is ``NEO4J_PASSWORD`` if set, else a random
one generated at the server's first start and kept, readable by the owner only, in the
server's home folder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The Neo4j line this project is built and tested on (the last LTS that runs on Java 17).
NEO4J_VERSION = "5.26.19"
APOC_VERSION = "5.26.19"
GDS_VERSION = "2.13.9"


def _default_data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "graph-service" / "neo4j"


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "graph-service"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # --- the store -----------------------------------------------------------------------
    neo4j_uri: str | None = Field(
        default=None,
        validation_alias=_env("NEO4J_URI"),
        description="bolt://, bolt+s://, neo4j:// or neo4j+s:// URI; unset = local server",
    )
    neo4j_user: str = Field(default="neo4j", validation_alias=_env("NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(default=None, validation_alias=_env("NEO4J_PASSWORD"))
    neo4j_database: str = Field(default="neo4j", validation_alias=_env("NEO4J_DATABASE"))
    neo4j_connect_timeout: float = Field(
        default=5.0, gt=0, validation_alias=_env("NEO4J_CONNECT_TIMEOUT")
    )
    neo4j_retry_time: float = Field(
        default=5.0,
        ge=0,
        validation_alias=_env("NEO4J_RETRY_TIME"),
        description="how long a failed transaction is retried before giving up (seconds)",
    )

    # --- the local server (used when NEO4J_URI is unset) ----------------------------------
    local_home: Path = Field(
        default_factory=_default_data_home,
        validation_alias=_env("GRAPH_SERVICE_NEO4J_HOME"),
        description="data, logs and config of the local Neo4j server",
    )
    local_cache: Path = Field(
        default_factory=_default_cache,
        validation_alias=_env("GRAPH_SERVICE_CACHE"),
        description="where the Neo4j jars from Maven Central are kept",
    )
    local_bolt_port: Annotated[int, Field(ge=1, le=65535)] = Field(
        default=7687, validation_alias=_env("NEO4J_LOCAL_BOLT_PORT")
    )
    local_heap: str = Field(default="2g", validation_alias=_env("NEO4J_LOCAL_HEAP"))
    local_pagecache: str = Field(default="2g", validation_alias=_env("NEO4J_LOCAL_PAGECACHE"))
    local_start_timeout: float = Field(
        default=180.0, gt=0, validation_alias=_env("NEO4J_LOCAL_START_TIMEOUT")
    )
    local_plugins: bool = Field(
        default=False,
        validation_alias=_env("NEO4J_LOCAL_PLUGINS"),
        description="load APOC core and Graph Data Science into the local server, limited "
        "to the allowlist in store/local_server.py (the service itself calls neither)",
    )

    import_atomic_rows: int | None = Field(
        default=None,
        gt=0,
        validation_alias=_env("IMPORT_ATOMIC_ROWS"),
        description="imports of up to this many nodes and ties together are written in one "
        "transaction (all or nothing), larger ones in batches (not atomic); unset = "
        "250,000 per GB of the local server's heap, 500,000 for a server of your own "
        "(docs/import.md)",
    )
    import_offline_rows: int = Field(
        default=200_000,
        gt=0,
        validation_alias=_env("IMPORT_OFFLINE_ROWS"),
        description="`import --engine auto` loads an import of at least this many nodes and "
        "ties with Neo4j's offline importer when the local server's store is empty "
        "(docs/import.md)",
    )

    # --- the API ---------------------------------------------------------------------------
    api_keys: SecretStr | None = Field(
        default=None,
        validation_alias=_env("GRAPH_SERVICE_API_KEYS"),
        description="comma-separated role:sha256-hex entries (see README)",
    )
    query_timeout: float = Field(default=10.0, gt=0, validation_alias=_env("QUERY_TIMEOUT"))
    query_row_limit: int = Field(default=10_000, gt=0, validation_alias=_env("QUERY_ROW_LIMIT"))
    query_byte_limit: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        validation_alias=_env("QUERY_BYTE_LIMIT"),
        description="bytes (as JSON) a read-only Cypher answer may hold",
    )
    query_token_limit: int = Field(
        default=2_000,
        gt=0,
        validation_alias=_env("QUERY_TOKEN_LIMIT"),
        description="tokens a read-only Cypher query may have (Neo4j plans without a timeout)",
    )
    query_depth_limit: int = Field(
        default=100,
        gt=0,
        validation_alias=_env("QUERY_DEPTH_LIMIT"),
        description="how deep a read-only Cypher query's expressions may nest (planner's stack)",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        gt=0,
        validation_alias=_env("GRAPH_SERVICE_MAX_BODY_BYTES"),
        description="largest request body (bytes) outside /import; more is 413",
    )
    max_import_bytes: int = Field(
        default=33_554_432,
        gt=0,
        validation_alias=_env("GRAPH_SERVICE_MAX_IMPORT_BYTES"),
        description="largest body of POST /import and /import/csv (bytes); more is 413",
    )
    analysis_timeout: float = Field(
        default=60.0,
        gt=0,
        validation_alias=_env("ANALYSIS_TIMEOUT"),
        description="time limit of maps, metrics, steering analyses and exports (seconds)",
    )
    analysis_concurrency: int = Field(
        default=2,
        ge=1,
        validation_alias=_env("ANALYSIS_CONCURRENCY"),
        description="analyses one API process runs at once; others wait (within the limit)",
    )
    shutdown_timeout: int = Field(
        default=3,
        ge=0,
        validation_alias=_env("GRAPH_SERVICE_SHUTDOWN_TIMEOUT"),
        description="on SIGTERM, how long requests in flight may finish before they are cut",
    )
    pseudonym_salt: SecretStr | None = Field(
        default=None, validation_alias=_env("GRAPH_SERVICE_PSEUDONYM_SALT")
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        allowed = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(allowed):
            raise ValueError(f"NEO4J_URI must start with one of {', '.join(allowed)}")
        return value

    @field_validator("local_heap", "local_pagecache")
    @classmethod
    def _memory(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"[1-9][0-9]*[mMgG]", value):
            raise ValueError("memory sizes look like 512m or 2g")
        return value.lower()

    @property
    def uses_local_server(self) -> bool:
        return self.neo4j_uri is None

    @property
    def atomic_import_limit(self) -> int:
        """The most nodes and ties an import writes in one transaction: the setting, else
        what the server's transaction memory holds with a margin (a 2 GB heap refused 1.1M
        rows at its 1.4 GiB pool; docs/import.md)."""
        if self.import_atomic_rows is not None:
            return self.import_atomic_rows
        if not self.uses_local_server:
            return 500_000
        size, unit = int(self.local_heap[:-1]), self.local_heap[-1]
        return size * 250_000 // (1024 if unit == "m" else 1)

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.local_bolt_port}"

    @property
    def local_password_file(self) -> Path:
        return self.local_home / "password"

    def password(self) -> str:
        """The password to use: the setting, else the local server's generated one."""
        if self.neo4j_password is not None:
            return self.neo4j_password.get_secret_value()
        if self.uses_local_server and self.local_password_file.exists():
            return self.local_password_file.read_text().strip()
        if self.uses_local_server:
            from graph_service.errors import Unavailable

            raise Unavailable(
                "the local Neo4j server has not been set up yet: run `graph-service db start`"
            )
        from graph_service.errors import Invalid

        raise Invalid("NEO4J_PASSWORD must be set when NEO4J_URI points to a server")


@lru_cache
def get_settings() -> Settings:
    return Settings()
