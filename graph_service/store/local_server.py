"""The local Neo4j server: Neo4j Community 5.26 assembled from Maven Central, run on Java 17.

``graph-service db start`` fetches the jars once (Maven copies the runtime dependencies of
``org.neo4j:neo4j`` and of the plugins into the cache), writes ``neo4j.conf`` into the
server's home, sets the initial password on first start, launches
``org.neo4j.server.CommunityEntryPoint`` (the class the official ``neo4j`` script runs)
in the background, and waits until Bolt answers. Every failure ends in one
:class:`~graph_service.errors.LocalServerError` whose message says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from graph_service.config import APOC_VERSION, GDS_VERSION, NEO4J_VERSION, Settings
from graph_service.errors import LocalServerError
from graph_service.progress import OnProgress, no_progress

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
MIN_JAVA, MAX_JAVA = 17, 21  # the Java versions Neo4j 5.26 supports

# The JVM flags of Neo4j's own launcher (conf/neo4j.conf, server.jvm.additional).
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


#: The only APOC procedures and functions loaded when NEO4J_LOCAL_PLUGINS is on (the
#: service itself calls none). Each one computes on the values it is given: none runs
#: Cypher (apoc.cypher.*, apoc.periodic.*), touches files or the network (apoc.load.*,
#: apoc.export.*, apoc.log.*), starts background work or reads the configuration. No
#: plugin procedure is "unrestricted". GDS is left out of the server altogether: its
#: aggregation function gds.graph.project registers itself outside the allowlist and keeps
#: a graph on the heap after the transaction (measured; docs/security.md).
PLUGIN_ALLOWLIST = (
    # Neo4j's own procedures: the allowlist hides some of them too (db.checkpoint)
    "db.*",
    "dbms.*",
    "tx.*",
    "apoc.version",
    "apoc.coll.sum",
    "apoc.coll.avg",
    "apoc.coll.min",
    "apoc.coll.max",
    "apoc.coll.toSet",
    "apoc.coll.sort",
    "apoc.coll.contains",
    "apoc.coll.flatten",
    "apoc.map.fromPairs",
    "apoc.map.merge",
    "apoc.convert.toJson",
    "apoc.text.join",
    "apoc.text.clean",
    "apoc.text.levenshteinDistance",
    "apoc.date.format",
    "apoc.date.parse",
)

#: Transaction logs kept no longer than Neo4j needs for recovery, rotated at a small size,
#: and a checkpoint (which prunes them) within seconds of a write: an erasure
#: (services/steering/privacy.py) then pushes the erased values out of the logs with one
#: rotation (docs/privacy.md). Community has no procedure to checkpoint on demand.
TX_LOG_ROTATION_SIZE = 128 * 1024
CHECKPOINT_SECONDS = 10
ERASURE_LOG_SETTINGS = [
    "db.tx_log.rotation.retention_policy=keep_none",
    f"db.tx_log.rotation.size={TX_LOG_ROTATION_SIZE}",
    f"db.checkpoint.interval.time={CHECKPOINT_SECONDS}s",
]

#: Seconds the Bolt server's network threads wait, once every database and connection has
#: stopped, for work that never comes: Neo4j's default is 5, once for each of its two
#: connectors, so every stop took 10 s more than it needed (an offline import stops the
#: server; docs/import.md). Nothing is left to run at that point of the shutdown.
BOLT_SHUTDOWN_QUIET_SECONDS = 0


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str
    home: Path
    version: str = NEO4J_VERSION
    message: str = ""


@dataclass(frozen=True)
class Jars:
    lib: Path
    plugins: Path | None


def _say(_: str) -> None:
    return None


# --- prerequisites ------------------------------------------------------------------------


def java_major_version(java: str = "java") -> int:
    """The major version of ``java`` on the PATH; LocalServerError when there is none."""
    exe = shutil.which(java)
    if exe is None:
        raise LocalServerError(
            f"Java not found: Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} "
            f"(install OpenJDK {MIN_JAVA}, e.g. `apt-get install openjdk-17-jre-headless`)"
        )
    out = subprocess.run([exe, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise LocalServerError(f"could not read the Java version from `{exe} -version`")
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def check_java() -> None:
    major = java_major_version()
    if major < MIN_JAVA or major > MAX_JAVA:
        raise LocalServerError(
            f"Java {major} found, but Neo4j {NEO4J_VERSION} runs on Java {MIN_JAVA} to "
            f"{MAX_JAVA}: put a Java {MIN_JAVA} first on the PATH or set JAVA_HOME"
        )


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return "java"


# --- the jars -----------------------------------------------------------------------------


def jar_dirs(settings: Settings) -> Jars:
    base = settings.local_cache / f"neo4j-{NEO4J_VERSION}"
    plugins = base / f"plugins-apoc-{APOC_VERSION}-gds-{GDS_VERSION}"
    return Jars(lib=base / "lib", plugins=plugins if settings.local_plugins else None)


def _complete(folder: Path) -> bool:
    return (folder / ".complete").exists()


def _maven_copy(pom: str, target: Path, extra: list[str], say: Callable[[str], None]) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalServerError(
            "Maven not found: it fetches the Neo4j jars from Maven Central "
            "(install it, e.g. `apt-get install maven`)"
        )
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with resources.as_file(resources.files("graph_service.store") / "neo4j_local" / pom) as p:
        cmd = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(p),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={tmp}",
            "-DincludeScope=runtime",
            f"-Dneo4j.version={NEO4J_VERSION}",
            f"-Dapoc.version={APOC_VERSION}",
            f"-Dgds.version={GDS_VERSION}",
            *extra,
        ]
        say(f"fetching {pom.split('-')[0]} jars from Maven Central into {target}")
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        errors = [line for line in done.stdout.splitlines() if "[ERROR]" in line]
        reason = errors[0].replace("[ERROR]", "").strip() if errors else done.stderr.strip()
        raise LocalServerError(f"download of the Neo4j jars failed: {reason[:300]}")
    (tmp / ".complete").write_text(NEO4J_VERSION)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def ensure_jars(settings: Settings, say: Callable[[str], None] = _say) -> Jars:
    """Fetch the server (and plugin) jars once; later calls find them in the cache."""
    jars = jar_dirs(settings)
    if not _complete(jars.lib):
        _maven_copy("server-pom.xml", jars.lib, [], say)
    if jars.plugins is not None and not _complete(jars.plugins):
        _maven_copy("plugins-pom.xml", jars.plugins, [], say)
    return jars


# --- the server's home --------------------------------------------------------------------


def _pid_file(settings: Settings) -> Path:
    return settings.local_home / "run" / "graph-service-neo4j.pid"


def _conf_text(settings: Settings, jars: Jars) -> str:
    home = settings.local_home
    lines = [
        "# Written by graph-service at every start; edit the settings, not this file.",
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{settings.local_bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{settings.local_bolt_port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.import={home / 'import'}",
        f"server.memory.pagecache.size={settings.local_pagecache}",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "db.transaction.timeout=0",
    ]
    lines += ERASURE_LOG_SETTINGS
    lines.append(
        f"internal.dbms.bolt.netty_server_shutdown_quiet_period={BOLT_SHUTDOWN_QUIET_SECONDS}"
    )
    lines.append(f"server.directories.plugins={home / 'plugins'}")
    if jars.plugins is not None:
        lines.append("dbms.security.procedures.allowlist=" + ",".join(PLUGIN_ALLOWLIST))
    return "\n".join(lines) + "\n"


def _env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["NEO4J_HOME"] = str(settings.local_home)
    env["NEO4J_CONF"] = str(settings.local_home / "conf")
    return env


def _link_plugins(settings: Settings, jars: Jars) -> None:
    """The server's plugins folder: links to the APOC jars and their libraries when
    plugins are on (the GDS jars stay out, see PLUGIN_ALLOWLIST), empty otherwise."""
    folder = settings.local_home / "plugins"
    for old in folder.glob("*.jar"):
        old.unlink()
    if jars.plugins is None:
        return
    for jar in jars.plugins.glob("*.jar"):
        if not jar.name.endswith(f"-{GDS_VERSION}.jar"):
            (folder / jar.name).symlink_to(jar)


def _classpath(settings: Settings, jars: Jars) -> str:
    parts = [f"{jars.lib}/*"]
    if jars.plugins is not None:
        # Neo4j's launcher also puts the plugins on the class path
        parts.append(f"{settings.local_home / 'plugins'}/*")
    return os.pathsep.join(parts)


def _set_initial_password(
    settings: Settings, jars: Jars, say: Callable[[str], None] = _say
) -> None:
    auth = settings.local_home / "data" / "dbms" / "auth.ini"
    if auth.exists():
        return
    say("setting the initial password of the local Neo4j (first start)")
    if settings.neo4j_password is not None:
        password = settings.neo4j_password.get_secret_value()
    else:
        password = secrets.token_hex(18)
    if len(password) < 8:
        raise LocalServerError("NEO4J_PASSWORD must have at least 8 characters")
    cmd = [_java(), "-cp", _classpath(settings, jars), ADMIN_TOOL, "dbms", "set-initial-password"]
    # "--" ends the options: a password may start with "-" (picocli would take it for one)
    done = subprocess.run(
        [*cmd, "--", password], capture_output=True, text=True, env=_env(settings), check=False
    )
    if done.returncode != 0:
        raise LocalServerError(f"could not set the initial password: {done.stderr.strip()[:300]}")
    pw_file = settings.local_password_file
    pw_file.write_text(password + "\n")
    pw_file.chmod(0o600)


# --- process control ----------------------------------------------------------------------


def _read_pid(settings: Settings) -> int | None:
    try:
        pid = int(_pid_file(settings).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    return pid if ENTRY_POINT in cmdline and str(settings.local_home) in cmdline else None


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def _store_locked(settings: Settings) -> bool:
    """True when another process holds Neo4j's lock on this data directory."""
    lock = settings.local_home / "data" / "databases" / "store_lock"
    if not lock.exists():
        return False
    with open(lock, "r+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN)
    return False


def _log_tail(settings: Settings, lines: int = 200) -> str:
    text = ""
    for name in ("neo4j.log", "console.log"):
        path = settings.local_home / "logs" / name
        if path.exists():
            text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
    return text


def _failure_reason(settings: Settings) -> str:
    tail = _log_tail(settings)
    if "locked by another process" in tail or "Lock file has been locked" in tail:
        return f"the data directory {settings.local_home / 'data'} is locked by another process"
    if "Address already in use" in tail:
        return f"port {settings.local_bolt_port} on 127.0.0.1 is in use by another process"
    causes = [line.strip() for line in tail.splitlines() if "Caused by:" in line]
    if causes:
        return causes[-1][:300]
    errors = [line.strip() for line in tail.splitlines() if " ERROR " in line]
    return errors[-1][:300] if errors else "see " + str(settings.local_home / "logs")


def status(settings: Settings) -> ServerStatus:
    pid = _read_pid(settings)
    running = pid is not None and _port_open(settings.local_bolt_port)
    msg = "running" if running else ("starting" if pid else "stopped")
    return ServerStatus(running, pid, settings.bolt_uri, settings.local_home, message=msg)


def _bolt_ready(settings: Settings) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    try:
        with GraphDatabase.driver(
            settings.bolt_uri,
            auth=(settings.neo4j_user, settings.password()),
            connection_timeout=2,
        ) as driver:
            driver.verify_connectivity()
            return True
    except AuthError as exc:
        raise LocalServerError(
            "the local Neo4j server rejected the password: NEO4J_PASSWORD differs from the "
            f"one set at its first start (kept in {settings.local_password_file})"
        ) from exc
    except (DriverError, Neo4jError, OSError):
        return False


def start(
    settings: Settings,
    say: Callable[[str], None] = _say,
    on_progress: OnProgress = no_progress,
) -> ServerStatus:
    """Start the local server unless it runs already; return once Bolt answers.

    ``say`` hears each phase as it begins (fetching jars, starting, waiting for Bolt);
    ``on_progress(seconds, timeout)`` hears the wait for Bolt, about twice a second."""
    current = status(settings)
    if current.running:
        return ServerStatus(
            True, current.pid, current.bolt_uri, current.home, message="already running"
        )
    if current.pid is not None:  # started, not yet answering: wait for it
        return _wait(settings, current.pid, say, on_progress)
    check_java()
    if not _port_free(settings.local_bolt_port):
        raise LocalServerError(
            f"port {settings.local_bolt_port} on 127.0.0.1 is in use by another process "
            "(set NEO4J_LOCAL_BOLT_PORT to another port, or stop that process)"
        )
    if _store_locked(settings):
        raise LocalServerError(
            f"the data directory {settings.local_home / 'data'} is locked by another "
            "process (another Neo4j uses it)"
        )
    jars = ensure_jars(settings, say)
    home = settings.local_home
    for sub in ("conf", "data", "logs", "run", "import", "plugins"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    (home / "conf" / "neo4j.conf").write_text(_conf_text(settings, jars))
    _link_plugins(settings, jars)
    _set_initial_password(settings, jars, say)
    heap = settings.local_heap
    cmd = [
        _java(),
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *JVM_FLAGS,
        "-cp",
        _classpath(settings, jars),
        ENTRY_POINT,
        f"--home-dir={home}",
        f"--config-dir={home / 'conf'}",
    ]
    say(f"starting Neo4j {NEO4J_VERSION} on {settings.bolt_uri} (home {home})")
    with open(home / "logs" / "console.log", "ab") as console:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            env=_env(settings),
            start_new_session=True,  # survives the command that started it
        )
    _pid_file(settings).write_text(str(proc.pid))
    return _wait(settings, proc.pid, say, on_progress)


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        waited = 0
    if waited == pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        if state == "Z":
            return False
    return True


def _log_excerpt(settings: Settings, lines: int = 8) -> list[dict[str, Any]]:
    """Where the server's log is and its last lines, for the error that ends a failed start
    (``errors`` entries with a message only: the command line prints them under it)."""
    logs = settings.local_home / "logs"
    path = next(
        (logs / n for n in ("neo4j.log", "console.log") if (logs / n).exists()), logs / "neo4j.log"
    )
    tail = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
    return [{"message": f"log: {path} (last lines below)"}] + [
        {"message": "  " + line[:200]} for line in tail
    ]


def _wait(
    settings: Settings, pid: int, say: Callable[[str], None], on_progress: OnProgress
) -> ServerStatus:
    say(f"waiting for Neo4j to answer on {settings.bolt_uri}")
    started = time.monotonic()
    deadline = started + settings.local_start_timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            _pid_file(settings).unlink(missing_ok=True)
            raise LocalServerError(
                f"Neo4j did not start: {_failure_reason(settings)}",
                errors=_log_excerpt(settings),
            )
        if _port_open(settings.local_bolt_port) and _bolt_ready(settings):
            return ServerStatus(
                True, pid, settings.bolt_uri, settings.local_home, message="started"
            )
        on_progress(int(time.monotonic() - started), int(settings.local_start_timeout))
        time.sleep(0.5)
    _terminate(pid, grace=20)
    _pid_file(settings).unlink(missing_ok=True)
    raise LocalServerError(
        f"Neo4j was not ready within {settings.local_start_timeout:.0f} s "
        f"(NEO4J_LOCAL_START_TIMEOUT); last log line: {_failure_reason(settings)}",
        errors=_log_excerpt(settings),
    )


def _terminate(pid: int, grace: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.25)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)


def stop(settings: Settings, say: Callable[[str], None] = _say) -> bool:
    """Stop the local server; False when none was running."""
    pid = _read_pid(settings)
    if pid is None:
        _pid_file(settings).unlink(missing_ok=True)
        return False
    say(f"stopping Neo4j (pid {pid})")
    _terminate(pid, grace=60)
    _pid_file(settings).unlink(missing_ok=True)
    return True


# --- the admin tool on a stopped server ---------------------------------------------------


def run_admin_tool(settings: Settings, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin`` (``args`` follow the tool's name) with the server's own jars,
    configuration and heap; the caller stops the server first when the command needs it."""
    jars = ensure_jars(settings)
    cmd = [_java(), f"-Xmx{settings.local_heap}", "-cp", _classpath(settings, jars), ADMIN_TOOL]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, env=_env(settings), check=False
    )


def remove_database(settings: Settings, database: str) -> None:
    """Delete the store and transaction logs of ``database`` on a stopped server: it
    starts with that database empty (Neo4j creates the default database's files anew)."""
    if _read_pid(settings) is not None:
        raise LocalServerError("the local Neo4j runs: stop it before removing a database")
    data = settings.local_home / "data"
    for folder in (data / "databases" / database, data / "transactions" / database):
        shutil.rmtree(folder, ignore_errors=True)
