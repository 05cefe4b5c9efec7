"""``vidfp search``, ``vidfp review``, ``vidfp report`` and ``vidfp eval --queries``.

vidfp/cli.py calls :func:`register` from ``build_parser``; the commands live here so
that the main CLI stays small.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from vidfp.config import DEFAULT_EXTENSIONS


def expand_queries(items: list[str]) -> list[str]:
    """Files and URIs as given; a local folder becomes its video files (sorted, recursive)."""
    out: list[str] = []
    for it in items:
        if "://" not in it and os.path.isdir(it):
            for root, _, files in sorted(os.walk(it)):
                out += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(DEFAULT_EXTENSIONS)]
        else:
            out.append(it)
    return out


def _user_error(e: Exception) -> int:
    print(f"vidfp: {e}", file=sys.stderr)
    return 2


def cmd_search(args) -> int:
    from vidfp.search import CatalogUnreadable, IncompatibleQuery, search
    from vidfp.search.text import format_results

    try:
        results = search(expand_queries(args.queries), args.db, top=args.top, weights=args.weights, device=args.device)
    except (CatalogUnreadable, IncompatibleQuery) as e:
        return _user_error(e)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=1))
    else:
        print(format_results(results))
    return 1 if any(r.error for r in results) else 0


def cmd_eval_queries(args) -> int:
    from vidfp.eval.queries import evaluate_queries
    from vidfp.search import CatalogUnreadable, IncompatibleQuery

    try:
        res = evaluate_queries(args.truth, args.db, expand_queries(args.queries), top=args.top)
    except (CatalogUnreadable, IncompatibleQuery) as e:
        return _user_error(e)
    print(json.dumps(res, indent=1))
    return 0


def cmd_review(args) -> int:
    from vidfp.review.server import serve
    from vidfp.search import CatalogUnreadable

    try:
        serve(args.db, host=args.host, port=args.port, open_browser=not args.no_browser, weights=args.weights)
    except CatalogUnreadable as e:
        return _user_error(e)
    return 0


def cmd_report(args) -> int:
    from vidfp.review.static import write_report
    from vidfp.search import CatalogUnreadable

    try:
        out = write_report(args.db, args.out, max_clusters=args.max_clusters, max_pairs=args.max_pairs)
    except CatalogUnreadable as e:
        return _user_error(e)
    print(f"report written: {out}")
    return 0


def _eval(args) -> int:
    """``vidfp eval``: with --queries the query retrieval metrics, else the catalog's own command."""
    if args.queries:
        return cmd_eval_queries(args)
    from vidfp.cli import COMMANDS

    return COMMANDS["eval"](args)


def register(sub: argparse._SubParsersAction, formatter_class=None, parents=()) -> None:
    """Add search, review and report, and ``--queries`` to an existing ``eval`` sub-command.

    Each parser's ``fn`` default is its command (vidfp.cli.main calls ``args.fn`` when set)."""
    kw = {"formatter_class": formatter_class, "parents": list(parents)} if formatter_class else {}

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, **kw)

    p = cmd("search", "find where query clips appear in a catalog: ranked videos with matched moments (read-only)")
    p.add_argument("queries", nargs="+", help="video files, folders or fsspec URIs (need not be in the catalog)")
    p.add_argument("--db", required=True, help="DuckDB catalog file (required)")
    p.add_argument("--top", type=int, default=10, help="catalog videos per query")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--weights", help="DINOv3 weights, when the catalog was made with them (default: none)")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda[:N] for the query encoder")
    p.set_defaults(fn=cmd_search)

    p = cmd("review", "review clusters and pairs in a local web app (writes only verdicts)")
    p.add_argument("--db", required=True, help="DuckDB catalog file (required)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--weights", help="DINOv3 weights for the search box (default: none)")
    p.set_defaults(fn=cmd_review)

    p = cmd("report", "write the review pages as static read-only HTML")
    p.add_argument("--db", required=True, help="DuckDB catalog file (required)")
    p.add_argument("--out", required=True, help="folder for index.html and its pages (required)")
    p.add_argument("--max-clusters", type=int, default=500, help="clusters with copies to include (largest first)")
    p.add_argument("--max-pairs", type=int, default=500, help="pair pages to write (most similar first)")
    p.set_defaults(fn=cmd_report)

    ev = sub.choices.get("eval")
    if ev is not None:
        ev.add_argument(
            "--queries",
            nargs="+",
            help="query clips (files or folders) named in --truth: search --db with each and report "
            "P@1, P@10, mAP, the right moment counted at IoU >= 0.5 (default: none)",
        )
        ev.add_argument("--top", type=int, default=10, help="catalog videos per query (with --queries)")
        ev.set_defaults(fn=_eval)
