"""The local Neo4j server's runtime: its file layout, the jars (fetched by Maven from Maven
Central), a Java it runs on, and neo4j-admin (org.neo4j.cli.AdminTool) from the same jars."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kubeatlas import settings
from kubeatlas.errors import ServerSetupError

NEO4J_VERSION = "5.26.30"
ARTIFACTS = ("org.neo4j:neo4j", "org.neo4j:neo4j-bolt")
JAVA_MAJORS = (17, 21)
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
JVM_FLAGS = ("-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+DisableExplicitGC",
             "-Djdk.nio.maxCachedBufferSize=1024", "-Dio.netty.tryReflectionSetAccessible=true",
             "-Dlog4j2.disable.jmx=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
             "--add-opens=java.base/java.io=ALL-UNNAMED",
             "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")


@dataclass(frozen=True, slots=True)
class ServerLayout:
    """Where the local server keeps its files."""

    home: Path

    @property
    def jars(self) -> Path:
        return self.home / f"lib-{NEO4J_VERSION}"

    @property
    def conf(self) -> Path:
        return self.home / "conf"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def state_file(self) -> Path:
        return self.home / "run" / "server.json"

    @property
    def password_file(self) -> Path:
        return self.home / "password"


def layout(cache_dir: Path | None = None) -> ServerLayout:
    """The server's files under `cache_dir` (default: the KUBEATLAS_CACHE setting)."""
    return ServerLayout(Path(cache_dir or settings.cache_dir()) / "neo4j")


# --- fetch ---------------------------------------------------------------------------
def is_fetched(where: ServerLayout) -> bool:
    return (where.jars / ".complete").is_file()


def fetch(where: ServerLayout, *, log: Callable[[str], None] = lambda line: None) -> Path:
    """Download the server jars with Maven into where.jars (once; later calls return at once)."""
    if is_fetched(where):
        return where.jars
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerSetupError("Maven (`mvn`) is not on PATH; it fetches the Neo4j jars "
                               "(apt-get install maven)", step="fetch")
    build = where.home / "maven"
    build.mkdir(parents=True, exist_ok=True)
    (build / "pom.xml").write_text(_pom(), encoding="utf-8")
    staging = where.home / f".lib-{NEO4J_VERSION}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    log(f"fetching Neo4j {NEO4J_VERSION} jars with Maven into {where.jars} …")
    proc = subprocess.run(
        [mvn, "-B", "-q", "-f", str(build / "pom.xml"), f"{_DEPENDENCY_PLUGIN}:copy-dependencies",
         f"-DoutputDirectory={staging}", "-DincludeScope=runtime"],
        capture_output=True, text=True)
    jars = sorted(staging.glob("*.jar")) if staging.is_dir() else []
    if proc.returncode != 0 or not any(j.name.startswith("neo4j-bolt-") for j in jars):
        shutil.rmtree(staging, ignore_errors=True)
        tail = " ".join((proc.stdout + proc.stderr).strip().splitlines()[-3:])[:400]
        raise ServerSetupError(f"Maven could not fetch org.neo4j:neo4j {NEO4J_VERSION}: {tail}",
                               step="fetch")
    (staging / ".complete").write_text("\n".join(j.name for j in jars) + "\n")
    shutil.rmtree(where.jars, ignore_errors=True)
    staging.rename(where.jars)
    log(f"fetched {len(jars)} jars")
    return where.jars


def _pom() -> str:
    deps = "".join(
        f"<dependency><groupId>{a.split(':')[0]}</groupId><artifactId>{a.split(':')[1]}"
        f"</artifactId><version>{NEO4J_VERSION}</version></dependency>" for a in ARTIFACTS)
    return ('<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
            "<groupId>kubeatlas</groupId><artifactId>neo4j-server</artifactId><version>1</version>"
            f"<dependencies>{deps}</dependencies></project>\n")


# --- java ----------------------------------------------------------------------------
def find_java() -> str:
    """A java binary of a version Neo4j 5.26 runs on: JAVA_HOME, PATH, then /usr/lib/jvm."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path))
    candidates += sorted(Path("/usr/lib/jvm").glob("*17*/bin/java"))
    seen = []
    for java in candidates:
        major = _java_major(java)
        seen.append(f"{java} ({major or '?'})")
        if major in JAVA_MAJORS:
            return str(java)
    raise ServerSetupError("Neo4j 5.26 needs Java 17 or 21; found "
                           + (", ".join(seen) or "no java") + " — set JAVA_HOME", step="java")


def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True,
                             timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2)) if major == 1 and found.group(2) else major


def run_admin(where: ServerLayout, *args: str, timeout: float = 300) -> str:
    """Run `neo4j-admin ARGS` (org.neo4j.cli.AdminTool) against this server's home and conf."""
    env = {**os.environ, "NEO4J_HOME": str(where.home), "NEO4J_CONF": str(where.conf)}
    proc = subprocess.run([find_java(), *JVM_FLAGS, "-cp", str(where.jars / "*"),
                           "org.neo4j.cli.AdminTool", *args],
                          capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=where.home)  # `database import` leaves import.report in its cwd
    if proc.returncode != 0:
        tail = " ".join((proc.stdout + proc.stderr).strip().splitlines()[-4:])[:600]
        raise ServerSetupError(f"neo4j-admin {' '.join(args[:3])} failed: {tail}",
                               step="admin")
    return proc.stdout
