"""A throwaway PostgreSQL cluster for tests, the concurrency bench and trying the server backend locally.

initdb + pg_ctl in a private temporary folder, listening on a Unix socket in that folder only (no TCP port), trust
authentication for that socket (permissions 0700, so only this OS user, or root, can reach it). Never a real server:
docs/server.md says how to set one up. PostgreSQL refuses to run as root, so as root the cluster runs as the
``postgres`` system user (created by the Debian package) through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SEARCH_DIRS = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"


class NoPostgres(RuntimeError):
    """PostgreSQL server binaries are not installed (or cannot run here)."""


def find_bin_dir() -> Path | None:
    """Folder holding initdb/pg_ctl: $PATHWAYS_PG_BIN, then the Debian locations, then PATH."""
    candidates = [os.environ.get("PATHWAYS_PG_BIN", ""), *SEARCH_DIRS]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable_reason() -> str | None:
    """Why a throwaway cluster cannot be started here, or None when it can."""
    if find_bin_dir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql-15"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: PostgreSQL cannot run as root"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return "running as root and there is no 'postgres' system user to run PostgreSQL as"
    return None


@dataclass(frozen=True)
class Cluster:
    data_dir: Path
    socket_dir: Path

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        """A SQLAlchemy URL for psycopg 3 over the cluster's Unix socket."""
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        return f"postgresql+psycopg://{auth}@/{quote(database, safe='')}?host={quote(str(self.socket_dir), safe='')}"


def _as_cluster_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", SUPERUSER, "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a fresh cluster; stop it and delete every file when the block ends."""
    reason = unavailable_reason()
    if reason:
        raise NoPostgres(reason)
    bin_dir = find_bin_dir()
    assert bin_dir is not None
    root = Path(tempfile.mkdtemp(prefix="pathways-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, user=SUPERUSER)
        shutil.chown(sock, user=SUPERUSER)
    log = root / "server.log"
    try:
        subprocess.run(
            _as_cluster_user([str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                              "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]),
            check=True, capture_output=True,
        )
        options = (f"-c listen_addresses='' -c unix_socket_directories={sock} -c unix_socket_permissions=0700 "
                   "-c fsync=off -c max_connections=60 -c shared_buffers=32MB")
        subprocess.run(
            _as_cluster_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
                              "start"]),
            check=True, capture_output=True,
        )
        try:
            yield Cluster(data, sock)
        finally:
            subprocess.run(_as_cluster_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                             "stop"]), capture_output=True)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        raise NoPostgres(f"could not start a throwaway PostgreSQL: {detail[-1] if detail else exc}") from None
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover - a developer convenience: `python -m desktop.store.throwaway_pg`
    import signal

    with running_cluster() as cluster:
        print(f"throwaway PostgreSQL running; superuser URL:\n  {cluster.url()}\nCtrl+C stops it and deletes it.")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
