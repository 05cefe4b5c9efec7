"""A temporary Prefect API server for ``vidfp ingest --engine prefect`` when none is configured.

Prefect's own ephemeral server has two faults that bite on a new machine:
its first start creates and migrates the SQLite database, which takes longer
than the fixed 20 s it waits (``RuntimeError: Timed out while attempting to
connect to ephemeral Prefect API server``), and it is a plain child process,
so ``kill -9`` of vidfp leaves it running for good.  vidfp starts the same
server itself (the same uvicorn command Prefect uses), waits as long as a
first start needs, and ties the server's life to its own
(:mod:`vidfp.lifeline`).  The caller must run this *before* importing Prefect,
so that ``PREFECT_API_URL`` is in place when Prefect reads its settings.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from vidfp.lifeline import popen_dying_with_parent

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = float(os.environ.get("VIDFP_PREFECT_STARTUP_TIMEOUT", "240"))


class TemporaryServer:
    """``with TemporaryServer(): ...`` runs a Prefect server on 127.0.0.1 and points PREFECT_API_URL at it."""

    def __init__(self, timeout_s: float = STARTUP_TIMEOUT_S):
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self._saved: str | None = None
        self._err = None

    def __enter__(self) -> TemporaryServer:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api"
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        env.pop("PREFECT_API_URL", None)
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]
        log.info("starting a temporary Prefect server on %s", self.url)
        self._err = tempfile.TemporaryFile()  # a file, not a pipe: nobody drains a pipe during the run
        self.proc = popen_dying_with_parent(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self._err)
        t0 = time.monotonic()
        while time.monotonic() - t0 < self.timeout_s:
            if self.proc.poll() is not None:
                self._err.seek(0)
                err = self._err.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"the temporary Prefect server exited with {self.proc.returncode}: {err}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.__exit__()
            raise RuntimeError(
                f"the temporary Prefect server did not answer within {self.timeout_s:.0f} s "
                "(set VIDFP_PREFECT_STARTUP_TIMEOUT, or start one with `prefect server start`)"
            )
        log.info("temporary Prefect server up after %.1f s", time.monotonic() - t0)
        self._saved = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = self.url
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = self._saved
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._err is not None:
            self._err.close()
            self._err = None


def api_configured() -> bool:
    """Is a Prefect API configured (env, or the active profile in PREFECT_HOME/profiles.toml)?

    Read without importing Prefect (≈ 2 s), so the in-process engine starts fast.
    """
    if os.environ.get("PREFECT_API_URL"):
        return True
    home = os.environ.get("PREFECT_HOME") or os.path.join(os.path.expanduser("~"), ".prefect")
    path = os.path.join(home, "profiles.toml")
    if not os.path.exists(path):
        return False
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return False
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, ValueError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    return bool(data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))
