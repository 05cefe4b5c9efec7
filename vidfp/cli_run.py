"""How ``vidfp ingest`` / ``rescan`` / ``demo`` run: the configuration from the options, the engine
(in-process, or a Prefect flow when an API is configured or asked for) and the one-line summary.

Split from vidfp.cli, which maps commands to these.  Heavy imports (Prefect, the encoders) happen
inside the functions, so ``vidfp --help`` and a refused configuration stay fast.
"""

from __future__ import annotations

import logging
import sys

from vidfp.config import encoder_for

log = logging.getLogger(__name__)


def run_config(args):
    from dataclasses import replace

    from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig

    cfg = IngestConfig(
        workers=args.workers,
        allow_removal=args.allow_removal,
        max_missing_share=args.max_missing_share,
        max_attempts=args.max_attempts,
    )
    framing = not args.no_framing
    cfg = replace(
        cfg,
        decode=DecodeConfig(
            fps=args.fps,
            max_frames=args.max_frames,
            timeout_s=args.timeout,
            blurred_fill=framing,
            find_inset=framing,
        ),
    )
    if args.threshold is not None:
        cfg = replace(cfg, scoring=replace(ScoringConfig(), duplicate_threshold=args.threshold))
    return cfg


def run_encoder(args):
    from vidfp.encoders import get_encoder

    if args.encoder == "dinov3":
        return get_encoder("dinov3", weights_path=args.weights, model=args.model, device=args.device)
    return get_encoder(args.encoder, device=args.device)


def run_engine(args) -> str:
    """``auto``: a Prefect flow when a Prefect API is configured, else the in-process engine.

    The in-process engine runs the same stages without a server, so a first run on a new
    machine needs no Prefect set-up and an unchanged re-run costs well under a second.
    """
    if args.engine != "auto":
        return args.engine
    from flows.tempserver import api_configured

    return "prefect" if api_configured() else "local"


def run_command(args, kind: str) -> dict:
    from vidfp import progress

    show = args.progress or sys.stderr.isatty()
    progress.enable(show)
    if run_engine(args) == "prefect":
        return _run_prefect(args, kind, show)
    from vidfp.pipeline import run_ingest

    with _logs_above_bar(show):
        return run_ingest(
            args.source,
            args.db,
            run_encoder(args),
            run_config(args),
            shards=args.shards,
            kind=kind,
            progress=show,
            wait_s=args.wait,
        )


def _run_prefect(args, kind: str, show: bool) -> dict:
    from contextlib import nullcontext

    from flows.tempserver import TemporaryServer, api_configured

    with nullcontext() if api_configured() else TemporaryServer():
        import flows.ingest  # noqa: F401 - Prefect reads PREFECT_API_URL and sets up its log handlers here

        with _logs_above_bar(show):
            try:
                return _run_flow(args, kind)
            finally:
                _flush_prefect_logs()


def _logs_above_bar(show: bool):
    """With a progress bar, log lines print above it instead of through it."""
    if not show:
        from contextlib import nullcontext

        return nullcontext()
    from tqdm.contrib.logging import logging_redirect_tqdm

    return logging_redirect_tqdm()


def _run_flow(args, kind: str) -> dict:
    from flows.ingest import ingest_flow
    from flows.runners import make_task_runner

    flow = ingest_flow.with_options(task_runner=make_task_runner(args.runner, args.address, args.workers))
    return flow(
        source=args.source,
        catalog=args.db,
        encoder=args.encoder,
        fps=args.fps,
        model=args.model,
        weights=args.weights,
        kind=kind,
        shards=args.shards,
        workers=args.workers,
        threshold=args.threshold,
        max_frames=args.max_frames,
        timeout_s=args.timeout,
        wait_s=args.wait,
        allow_removal=args.allow_removal,
        max_missing_share=args.max_missing_share,
        max_attempts=args.max_attempts,
        framing=not args.no_framing,
    )


def _flush_prefect_logs() -> None:
    """Send queued flow logs while the API still answers (else: '--- Error logging to API ---' at exit)."""
    try:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    except Exception as e:  # noqa: BLE001 - logs are informative only
        log.info("flow logs not flushed: %s", e)


def print_summary(s: dict, elapsed: float) -> None:
    print(
        f"run {s.get('run_id')}: {s.get('files', 0)} files, {s.get('new', 0)} newly fingerprinted, "
        f"{s.get('videos_failed', 0)} failed in catalog, {s.get('pairs', 0)} pairs scored, "
        f"{s.get('duplicate_pairs', 0)} duplicate pairs, {s.get('clusters_multi', 0)} clusters with copies "
        f"({elapsed:.1f} s)"
    )


def preflight_run(args) -> None:
    from vidfp.preflight import ConfigError, check_run

    args.encoder = encoder_for(args.db, args.encoder)
    problems = check_run(
        args.source,
        args.db,
        args.encoder,
        args.weights,
        args.model,
        args.fps,
        args.max_frames,
        args.timeout,
        args.workers,
        args.threshold,
        args.wait,
        args.shards,
    )
    if problems:
        raise ConfigError(problems)
    run_config(args)  # the rest of the run configuration (vidfp.config.IngestConfig refuses what cannot work)
