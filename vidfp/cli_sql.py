"""``vidfp sql``: query a catalog from the command line, read-only unless asked.

Three modes:

- ``-c QUERY`` runs one or more statements and prints each result;
- ``-f FILE`` runs a file of statements (e.g. ``sql/examples.sql``);
- neither: an interactive prompt.  That is the ``duckdb`` shell installed with vidfp (the
  ``duckdb-cli`` package) when it can open the catalog, started with ``-readonly``;
  otherwise (no shell, or a catalog in a storage format the shell cannot read) a minimal
  prompt of vidfp's own on the Python package: statements end with ``;``, ``.tables``
  lists tables and views, ``.quit`` leaves.

Results print as a table (DuckDB's box rendering, ``--max-rows`` rows), or as CSV or
JSON lines (``--format``) for scripts.  Only statements that return rows print anything.
The analyst views (vidfp/store/views.sql) are in every catalog a current vidfp wrote;
for an older one they are added as temporary views of this session.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from typing import IO, Any

import duckdb

_ROW_TYPES = ("SELECT", "PRAGMA", "EXPLAIN", "CALL")


class SqlError(RuntimeError):
    """A statement failed; the message is DuckDB's first line."""


def connect(db: str, write: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(db, read_only=not write)
    _ensure_views(con)
    return con


def _ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary copies of the analyst views when the catalog predates them (best effort)."""
    from vidfp.store.catalog import views_sql

    have = {n for (n,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    if "duplicate_pairs" in have:
        return
    try:
        con.execute(views_sql().replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP VIEW"))
    except duckdb.Error:
        pass  # a catalog without the tables the views need (not a vidfp catalog): plain SQL still works


def _returns_rows(stmt: Any) -> bool:
    return stmt.type.name in _ROW_TYPES


def _bare(query: str) -> str:
    """The statement without its trailing comments and ';': DuckDB's table rendering wraps the text
    in a subquery, where a ';' or a closing line comment would break it."""
    toks = duckdb.tokenize(query)
    end = len(query)
    while toks and toks[-1][1] == duckdb.token_type.comment:
        end = toks.pop()[0]
    if toks and toks[-1][1] == duckdb.token_type.operator and query[toks[-1][0]] == ";":
        end = toks[-1][0]
    return query[:end].rstrip()


def print_relation(
    rel: duckdb.DuckDBPyRelation, fmt: str = "table", max_rows: int = 100, out: IO[str] | None = None
) -> None:
    """Print a result: a box table (at most ``max_rows`` rows), CSV with a header, or JSON lines."""
    out = out or sys.stdout
    if fmt == "table":
        out.write(_render(rel, max_rows if max_rows > 0 else 2**62))
        out.flush()
        return
    cols = rel.columns
    rows = rel.fetchall()
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        w.writerows(rows)
    else:
        for r in rows:
            out.write(json.dumps(dict(zip(cols, r, strict=True)), default=str, ensure_ascii=False) + "\n")
    out.flush()


def _render(rel: duckdb.DuckDBPyRelation, max_rows: int) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):  # show() prints through Python's print to sys.stdout
        rel.show(max_rows=max_rows, max_width=shutil.get_terminal_size((160, 40)).columns)
    return buf.getvalue()


def run_statements(
    con: duckdb.DuckDBPyConnection, sql: str, fmt: str = "table", max_rows: int = 100, out: IO[str] | None = None
) -> int:
    """Run every statement in ``sql`` in order; print the results of those that return rows.

    Returns the number of result sets printed.  Raises :class:`SqlError` at the first failure.
    """
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise SqlError(_first_line(e)) from None
    shown = 0
    for stmt in statements:
        try:
            if _returns_rows(stmt):
                print_relation(con.sql(_bare(stmt.query)), fmt, max_rows, out)
                shown += 1
            else:
                con.execute(stmt.query)
        except duckdb.Error as e:
            msg = _first_line(e)
            if "read-only" in msg:
                msg += " (vidfp sql opens catalogs read-only; --write allows changes)"
            raise SqlError(msg) from None
    return shown


def _first_line(e: Exception) -> str:
    lines = [ln for ln in str(e).splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def find_shell() -> str | None:
    """The ``duckdb`` shell installed next to this Python (the venv's), else one on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), "duckdb")
    if os.path.isfile(here) and os.access(here, os.X_OK):
        return here
    return shutil.which("duckdb")


def shell_refusal(shell: str, db: str) -> str | None:
    """None if ``shell`` opens ``db`` read-only, else its first error line (e.g. a storage version it cannot read)."""
    try:
        r = subprocess.run([shell, "-readonly", db, "-c", "SELECT 1"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    if r.returncode == 0:
        return None
    lines = [ln for ln in (r.stderr + r.stdout).splitlines() if ln.strip()]
    return lines[0] if lines else f"exit code {r.returncode}"


def repl(
    con: duckdb.DuckDBPyConnection,
    fmt: str = "table",
    max_rows: int = 100,
    inp: IO[str] | None = None,
    out: IO[str] | None = None,
) -> int:
    """A minimal SQL prompt: statements end with ';'. Returns 0, or 1 if any statement failed."""
    inp, out = inp or sys.stdin, out or sys.stdout
    interactive = inp.isatty() and out.isatty()
    if interactive:
        try:
            import readline  # noqa: F401 - line editing and history for input()
        except ImportError:
            pass
        out.write("vidfp SQL prompt (DuckDB). End statements with ';'. .tables lists tables, .quit leaves.\n")
    failed, buf = False, []

    def run(sql: str) -> None:
        nonlocal failed
        try:
            run_statements(con, sql, fmt, max_rows, out)
        except SqlError as e:
            failed = True
            sys.stderr.write(f"Error: {e}\n")

    while True:
        if interactive:
            try:
                line = input("vidfp> " if not buf else "  ...> ")
            except EOFError:
                break
            except KeyboardInterrupt:
                buf = []
                out.write("\n")
                continue
        else:
            line = inp.readline()
            if line == "":
                break
            line = line.rstrip("\n")
        stripped = line.strip()
        if not buf:
            if not stripped:
                continue
            if stripped in (".quit", ".exit"):
                break
            if stripped == ".tables":
                line = stripped = "SHOW TABLES;"
            elif stripped.startswith("."):
                out.write("only .tables and .quit are known here; everything else is SQL ending with ';'\n")
                continue
        buf.append(line)
        if stripped.endswith(";"):
            run("\n".join(buf))
            buf = []
    if "".join(buf).strip():
        run("\n".join(buf))
    return 1 if failed else 0


def add_parser(sub: Any, formatter: type, **kw: Any) -> None:
    """The ``sql`` subcommand on the CLI's subparsers (``kw``: parents, epilog)."""
    p = sub.add_parser(
        "sql",
        help="query a catalog with SQL (read-only): a prompt, -c QUERY or -f FILE",
        description=__doc__,
        formatter_class=formatter,
        **kw,
    )
    p.add_argument("--db", required=True, help="DuckDB catalog file (required)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "-c",
        "--command",
        metavar="QUERY",
        help="run these SQL statements and print their results (default: an interactive prompt)",
    )
    mode.add_argument(
        "-f",
        "--file",
        metavar="FILE",
        help="run the SQL statements in FILE, e.g. sql/examples.sql (default: a prompt, or -c)",
    )
    p.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="how results print: a table, CSV with a header, or one JSON object per row",
    )
    p.add_argument("--max-rows", type=int, default=100, help="rows shown per table (format table; 0: all)")
    p.add_argument("--write", action="store_true", help="open the catalog for writing (default: read-only)")
    p.add_argument(
        "--shell",
        choices=["auto", "duckdb", "python"],
        default="auto",
        help="interactive prompt: the duckdb shell (auto: when it can open the catalog) or vidfp's own",
    )


def cmd_sql(args: Any) -> int:
    from vidfp.preflight import ConfigError, check_catalog_exists

    problems = check_catalog_exists(args.db)
    if problems:
        raise ConfigError(problems)
    if args.command is None and args.file is None and args.format == "table" and args.shell != "python":
        shell = find_shell()
        why = shell_refusal(shell, args.db) if shell else "no duckdb shell installed (pip install duckdb-cli)"
        if why is None:
            return 0 if subprocess.call([shell] + ([] if args.write else ["-readonly"]) + [args.db]) == 0 else 1
        if args.shell == "duckdb":
            raise SqlError(f"the duckdb shell cannot open {args.db}: {why}")
        if sys.stdin.isatty():
            sys.stderr.write(f"vidfp: the duckdb shell cannot open this catalog ({why}); using vidfp's prompt\n")
    if args.file is not None:
        with open(args.file, encoding="utf-8") as f:
            sql = f.read()
    else:
        sql = args.command
    con = connect(args.db, write=args.write)
    try:
        if sql is None:
            return repl(con, args.format, args.max_rows)
        run_statements(con, sql, args.format, args.max_rows)
        return 0
    finally:
        con.close()
