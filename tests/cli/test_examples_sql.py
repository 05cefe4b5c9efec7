"""sql/examples.sql on the demo catalog: every query returns rows, in the Python package and in
the real `duckdb` shell (duckdb-cli), read-only, from any working folder (shard locations come
from the catalog)."""

import json
import os
import re
import subprocess

import cli_helpers
import duckdb
import pytest
from cli_helpers import REPO, duckdb_shell

from vidfp.cli import main

pytestmark = pytest.mark.slow

EXAMPLES = os.path.join(REPO, "sql", "examples.sql")
demo_catalog = cli_helpers.demo_catalog  # the fixture


def _statements():
    return duckdb.extract_statements(open(EXAMPLES).read())


def test_examples_take_shards_from_the_catalog():
    text = open(EXAMPLES).read()
    assert ".shards" not in text and "vidfp-demo" not in text.split("\n\n", 1)[1]
    assert "shard_uri" in text


def test_every_example_returns_rows_in_python(demo_catalog):
    _, db = demo_catalog
    con = duckdb.connect(db, read_only=True)
    queries = 0
    for st in _statements():
        if st.type.name == "SELECT":
            rows = con.sql(st.query).fetchall()
            assert rows, st.query
            queries += 1
        else:
            con.execute(st.query)
    con.close()
    assert queries == 7


def _shell() -> str:
    shell = duckdb_shell()
    if shell is None:
        pytest.fail("the duckdb shell is not installed: duckdb-cli is a vidfp dependency")
    return shell


def _examples_in_shell(shell: str, db: str, cwd) -> None:
    """The whole file as the README says (from another folder), then each query on its own
    (after the statements before it that set state) with its rows as JSON."""
    r = subprocess.run(
        [shell, "-readonly", db], stdin=open(EXAMPLES), capture_output=True, text=True, timeout=120, cwd=cwd
    )
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    setup, queries = [], 0
    for st in _statements():
        if st.type.name != "SELECT":
            setup.append(st.query)
            continue
        r = subprocess.run(
            [shell, "-readonly", "-json", db],
            input="\n".join(setup + [st.query]),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=cwd,
        )
        assert r.returncode == 0, (st.query, r.stderr)
        assert len(json.loads(r.stdout or "[]")) >= 1, st.query
        queries += 1
    assert queries == 7


def test_every_example_returns_rows_in_the_duckdb_shell(demo_catalog, tmp_path):
    shell = _shell()
    _, db = demo_catalog
    probe = subprocess.run([shell, "-readonly", db, "-c", "SELECT 1"], capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    _examples_in_shell(shell, db, tmp_path)


def test_examples_are_sql_the_shell_runs(demo_catalog, tmp_path):
    """Independent of the storage version the catalog is written in: the same catalog copied into
    storage version v1.4.0 (which the 1.4 and 1.5 shells read) answers every example in the shell."""
    shell = _shell()
    _, db = demo_catalog
    copy = str(tmp_path / "v14.duckdb")
    con = duckdb.connect()
    con.execute("ATTACH ? AS src (READ_ONLY)", [db])
    con.execute(f"ATTACH '{copy}' AS dst (STORAGE_VERSION 'v1.4.0')")  # a tmp_path name, not user input
    con.execute("COPY FROM DATABASE src TO dst")
    con.close()
    _examples_in_shell(shell, copy, tmp_path)


def test_vidfp_sql_runs_the_examples(demo_catalog, capsys):
    _, db = demo_catalog
    assert main(["sql", "--db", db, "-f", EXAMPLES]) == 0
    out = capsys.readouterr().out
    assert out.count("┌") == 7 and not re.search(r"^\s*0 rows", out, re.M), out


def test_the_views_are_in_the_demo_catalog(demo_catalog):
    _, db = demo_catalog
    con = duckdb.connect(db, read_only=True)
    n = {
        v: con.execute(f"SELECT count(*) FROM {v}").fetchone()[0]
        for v in ("duplicate_pairs", "duplicate_segments", "cluster_members", "failed_files")
    }
    dup = con.execute("SELECT count(*) FROM pair_scores WHERE is_duplicate").fetchone()[0]
    con.close()
    assert n["duplicate_pairs"] == dup > 0 and n["duplicate_segments"] >= dup
    assert n["failed_files"] == 6 and n["cluster_members"] > 0


def test_eval_json_is_one_object_equal_to_the_library_result(demo_catalog, capsys):
    from vidfp.eval.report import evaluate_catalog

    corpus, db = demo_catalog
    truth = os.path.join(corpus, "truth.json")
    assert main(["eval", "--truth", truth, "--db", db, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out) == json.loads(json.dumps(evaluate_catalog(truth, db), default=str))
