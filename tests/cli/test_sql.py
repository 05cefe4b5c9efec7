"""`vidfp sql`: -c and -f modes, read-only by default, output formats, the interactive prompt
(the duckdb shell when it can open the catalog, else vidfp's own)."""

import csv
import io
import json
import re
import shutil

import cli_helpers
import duckdb
import pytest
from cli_helpers import duckdb_shell, run_vidfp

from vidfp.cli import main

tiny_catalog = cli_helpers.tiny_catalog  # the fixture


def _rows(db, q):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(q).fetchall()
    finally:
        con.close()


def test_c_prints_a_table(tiny_catalog, capsys):
    _, db = tiny_catalog
    q = "SELECT status, count(*) AS n FROM videos GROUP BY status ORDER BY status"
    assert main(["sql", "--db", db, "-c", q]) == 0
    out = capsys.readouterr().out
    assert "│ status" in out and "│ failed" in out and "│ ok" in out  # a box table
    for status, n in _rows(db, "SELECT status, count(*) FROM videos GROUP BY status"):
        assert any(status in ln and f" {n} " in ln for ln in out.splitlines()), (status, n, out)


def test_csv_and_json_formats_equal_the_query(tiny_catalog, capsys):
    _, db = tiny_catalog
    q = "SELECT uri, status, duration_s FROM videos ORDER BY uri"
    ref = _rows(db, q)
    assert main(["sql", "--db", db, "-c", q, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["uri", "status", "duration_s"]
    assert [(u, s, float(d) if d else None) for u, s, d in rows[1:]] == ref
    assert main(["sql", "--db", db, "-c", q, "--format", "json"]) == 0
    objs = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [(o["uri"], o["status"], o["duration_s"]) for o in objs] == ref


def test_f_runs_a_file_with_state_between_statements(tiny_catalog, tmp_path, capsys):
    _, db = tiny_catalog
    f = tmp_path / "q.sql"
    f.write_text(
        "-- comment\nSET VARIABLE want = 'failed';\n"
        "SELECT count(*) AS n FROM videos WHERE status = getvariable('want');\n"
        "SELECT 'second' AS which;\n"
    )
    assert main(["sql", "--db", db, "-f", str(f), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    n = _rows(db, "SELECT count(*) FROM videos WHERE status = 'failed'")[0][0]
    assert out == ["n", str(n), "which", "second"]


def test_tables_from_statements_with_trailing_comments(tiny_catalog, tmp_path, capsys):
    """The table rendering wraps each statement: its ';' and closing comments must not break it."""
    f = tmp_path / "q.sql"
    f.write_text(
        "SELECT ';' AS semi -- a comment; with a semicolon\n;\n\n-- the next one\n"
        "SELECT count(*) AS n FROM videos -- trailing comment, no semicolon"
    )
    assert main(["sql", "--db", tiny_catalog[1], "-f", str(f)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"│\s+semi\s+│", out) and "│ ;" in out and re.search(r"│\s+5 │", out), out


def test_read_only_unless_write(tiny_catalog, tmp_path, capsys):
    db = str(tmp_path / "c.duckdb")
    shutil.copy(tiny_catalog[1], db)
    assert main(["sql", "--db", db, "-c", "CREATE TABLE notes (t VARCHAR)"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "read-only" in err[0] and "--write" in err[0], err
    assert _rows(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'notes'") == [(0,)]
    q = "CREATE TABLE notes (t VARCHAR); INSERT INTO notes VALUES ('x')"
    assert main(["sql", "--db", db, "--write", "-c", q]) == 0
    assert _rows(db, "SELECT * FROM notes") == [("x",)]


def test_bad_query_is_one_line_exit_1(tiny_catalog, capsys):
    assert main(["sql", "--db", tiny_catalog[1], "-c", "SELECT nope FROM videos"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("vidfp: ") and "nope" in err[0]


def test_views_appear_on_a_catalog_that_predates_them(tiny_catalog, tmp_path, capsys):
    db = str(tmp_path / "old.duckdb")
    shutil.copy(tiny_catalog[1], db)
    con = duckdb.connect(db)
    for v in ("duplicate_segments", "duplicate_pairs", "cluster_members", "failed_files"):
        con.execute(f"DROP VIEW {v}")
    con.close()
    assert main(["sql", "--db", db, "-c", "SELECT count(*) AS n FROM duplicate_pairs", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "1"]
    assert _rows(db, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'duplicate_pairs'") == [(0,)]  # untouched


def test_vidfps_own_prompt_reads_statements_from_stdin(tiny_catalog, tmp_path):
    _, db = tiny_catalog
    script = "SELECT 6 * 7\n  AS answer;\n.tables\nSELECT broken syntax;\nSELECT 'after' AS still;\n.quit\nSELECT 1;\n"
    r = run_vidfp(["sql", "--db", db, "--shell", "python", "--format", "csv"], tmp_path, input=script, timeout=60)
    assert r.returncode == 1  # one statement failed; the others ran
    out = r.stdout.splitlines()
    assert out[:2] == ["answer", "42"] and "videos" in out and out[-2:] == ["still", "after"]
    assert [ln.split(":")[0] for ln in r.stderr.splitlines()] == ["Error"]


@pytest.mark.skipif(duckdb_shell() is None, reason="the duckdb shell (duckdb-cli) is not installed")
def test_interactive_mode_opens_the_duckdb_shell_read_only(tiny_catalog, tmp_path):
    """On a catalog the shell can read it is the shell (it knows .mode); read-only (writes refused)."""
    db = str(tmp_path / "v14.duckdb")
    con = duckdb.connect()
    con.execute("ATTACH ? AS src (READ_ONLY)", [tiny_catalog[1]])
    con.execute(f"ATTACH '{db}' AS dst (STORAGE_VERSION 'v1.4.0')")  # path from tmp_path, not user input
    con.execute("COPY FROM DATABASE src TO dst")
    con.close()
    r = run_vidfp(
        ["sql", "--db", db],
        tmp_path,
        input=".mode csv\nSELECT count(*) AS n FROM videos;\nCREATE TABLE x (a INT);\n",
        timeout=60,
    )
    assert "n\n5" in r.stdout, (r.stdout, r.stderr)
    assert "read-only" in r.stderr
