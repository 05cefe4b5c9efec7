"""Run the review app with uvicorn: ``vidfp review`` (foreground) or in a thread (tests, notebooks)."""

from __future__ import annotations

import logging
import socket
import threading
import time
import webbrowser

from vidfp.review.app import LOOPBACK_HOSTS, create_app
from vidfp.search.settings import read_only

log = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _config(db: str, host: str, port: int, weights: str | None, token: str | None = None):
    import uvicorn

    with read_only(db):  # a missing or unreadable catalog fails here, with its reason, before binding
        pass
    hosts = LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else None
    app = create_app(db, token=token, allowed_hosts=hosts, weights=weights)
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False), app


def serve(
    db: str, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True, weights: str | None = None
) -> None:
    """Serve until Ctrl-C; opens the cluster list in the default browser unless told not to."""
    import uvicorn

    port = port or free_port(host)
    config, _ = _config(db, host, port, weights)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"vidfp review: {url}  (catalog {db}; Ctrl-C to stop)", flush=True)
    if host not in LOOPBACK_HOSTS:
        print("warning: reachable from other machines; anyone who can load a page can record verdicts", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    uvicorn.Server(config).run()


class BackgroundServer:
    """The app on a free loopback port in a daemon thread: ``with BackgroundServer(db) as url: ...``."""

    def __init__(self, db: str, host: str = "127.0.0.1", token: str | None = None):
        import uvicorn

        self.port = free_port(host)
        config, self.app = _config(db, host, self.port, None, token)
        self.server = uvicorn.Server(config)
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("review server did not start")
            time.sleep(0.05)
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
