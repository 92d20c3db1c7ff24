"""The local server's configuration (issue 12): no plugin unless asked for, then APOC on an
allowlist and GDS left out; transaction logs that erasure can get rid of."""

from __future__ import annotations

from pathlib import Path

from graph_service.config import GDS_VERSION, Settings
from graph_service.store import local_server


def _settings(tmp_path: Path, plugins: bool) -> Settings:
    return Settings(
        local_home=tmp_path / "home", local_cache=tmp_path / "cache", local_plugins=plugins
    )


def test_plugins_are_off_by_default() -> None:
    assert Settings.model_fields["local_plugins"].default is False


def test_without_plugins_no_plugin_is_loaded(tmp_path: Path) -> None:
    settings = _settings(tmp_path, plugins=False)
    jars = local_server.jar_dirs(settings)
    conf = local_server._conf_text(settings, jars)
    assert jars.plugins is None and "unrestricted" not in conf
    assert f"server.directories.plugins={settings.local_home / 'plugins'}" in conf


def test_with_plugins_only_the_allowlist_and_no_gds(tmp_path: Path) -> None:
    settings = _settings(tmp_path, plugins=True)
    jars = local_server.jar_dirs(settings)
    assert jars.plugins is not None
    jars.plugins.mkdir(parents=True)
    for name in ("apoc-core-5.26.19.jar", f"proc-{GDS_VERSION}.jar", "caffeine-3.1.8.jar"):
        (jars.plugins / name).write_bytes(b"")
    (settings.local_home / "plugins").mkdir(parents=True)
    local_server._link_plugins(settings, jars)
    conf = local_server._conf_text(settings, jars)
    allow = next(x for x in conf.splitlines() if x.startswith("dbms.security.procedures.allow"))
    allowed = allow.split("=", 1)[1].split(",")
    assert "unrestricted" not in conf
    assert not any(
        p.startswith(("apoc.cypher", "apoc.load", "apoc.periodic", "gds")) for p in allowed
    )
    assert not any(p in ("apoc.*", "*") for p in allowed)
    linked = sorted(p.name for p in (settings.local_home / "plugins").iterdir())
    assert linked == ["apoc-core-5.26.19.jar", "caffeine-3.1.8.jar"]


def test_transaction_logs_are_kept_only_for_recovery(tmp_path: Path) -> None:
    settings = _settings(tmp_path, plugins=False)
    conf = local_server._conf_text(settings, local_server.jar_dirs(settings))
    assert "db.tx_log.rotation.retention_policy=keep_none" in conf
    assert "db.tx_log.rotation.size=131072" in conf
    assert "db.checkpoint.interval.time=10s" in conf


def test_the_bolt_server_stops_without_waiting_for_work_that_never_comes(
    tmp_path: Path,
) -> None:
    """Neo4j's network threads wait 5 s for new work once each connector has stopped
    (10 s a stop); the local server waits none. Every integration test's server starts
    with this conf, so an unknown setting would fail them (strict validation)."""
    settings = _settings(tmp_path, plugins=False)
    conf = local_server._conf_text(settings, local_server.jar_dirs(settings))
    assert "internal.dbms.bolt.netty_server_shutdown_quiet_period=0" in conf.splitlines()
