"""What reaches the terminal from ``vidfp``: its own warnings and progress, not third-party noise.

Called once by the CLI before anything else is imported, because Prefect reads its
settings (and decide whether to phone home) at import, and decode child processes
inherit their environment:

- telemetry stays off unless the user turned it on: ``PREFECT_SERVER_ANALYTICS_ENABLED``
  defaults to false and, unless that is set to true, ``DO_NOT_TRACK=1`` (the variable
  Prefect's client-side analytics honour) and Prefect Cloud orchestration telemetry off;
- Prefect's console shows warnings only (``PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL``); its
  API handler still receives INFO, so a configured server's UI keeps the whole flow log;
- decode child processes drop what decord and its FFmpeg print to fd 2
  (``VIDFP_DECODER_STDERR=null``, vidfp.decode.isolation): the same failures are recorded,
  with their reason, in the catalog and in vidfp's own warning line.

``-v`` keeps all of it on the terminal (INFO logs with timestamps and logger names).
Settings the user made in the environment always win (``setdefault``).
"""

from __future__ import annotations

import logging
import os

_TRUE = ("1", "true", "yes", "on")


def configure(verbose: bool) -> None:
    env = os.environ
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if env["PREFECT_SERVER_ANALYTICS_ENABLED"].strip().lower() not in _TRUE:
        env.setdefault("DO_NOT_TRACK", "1")
        env.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    level = logging.INFO if verbose else logging.WARNING
    env.setdefault("VIDFP_DECODER_STDERR", "inherit" if verbose else "null")
    if not verbose:
        env.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    handler = logging.StreamHandler()
    # The handler's own level matters: records of loggers below root that allow INFO (Prefect's flow and
    # task run loggers) reach root's handlers whatever root's level is.
    handler.setLevel(level)
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose else "vidfp: %(levelname)s: %(message)s"
        )
    )
    logging.basicConfig(level=level, handlers=[handler])
