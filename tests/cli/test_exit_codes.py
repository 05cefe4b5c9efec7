"""Exit codes as documented (0 done, 1 error, 2 usage, 75 busy, 130 interrupted), one line on
stderr each; --json prints one result object; runs.kind says what ran."""

import json

import duckdb
import pytest
from cli_helpers import make_tiny_corpus

import vidfp.cli as cli
from vidfp.cli import main


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_tiny_corpus(tmp_path_factory.mktemp("ec"))


def _err_lines(capsys) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


def test_busy_catalog_exits_75_in_one_line(source, tmp_path, capsys):
    from vidfp.store.lock import CatalogLock

    db = str(tmp_path / "c.duckdb")
    with CatalogLock(db):
        assert main(["ingest", source, "--db", db, "--engine", "local"]) == 75
    lines = _err_lines(capsys)
    assert len(lines) == 1 and lines[0].startswith("vidfp: ") and "c.duckdb" in lines[0], lines


def test_unexpected_error_exits_1_in_one_line_and_v_adds_the_traceback(source, tmp_path, capsys, monkeypatch):
    def boom(args, kind):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "run_command", boom)
    argv = ["ingest", source, "--db", str(tmp_path / "c.duckdb")]
    assert main(argv) == 1
    lines = _err_lines(capsys)
    assert lines == ["vidfp: RuntimeError: disk on fire (run with -v for the traceback)"]
    assert main(argv + ["-v"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("vidfp: RuntimeError: disk on fire\n") and "Traceback (most recent call last)" in err


def test_interrupt_exits_130(source, tmp_path, capsys, monkeypatch):
    def interrupted(args, kind):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_command", interrupted)
    assert main(["ingest", source, "--db", str(tmp_path / "c.duckdb")]) == 130
    assert _err_lines(capsys) == ["vidfp: interrupted"]


def test_missing_catalog_is_a_usage_error(tmp_path, capsys):
    db = str(tmp_path / "none.duckdb")
    for argv in (
        ["sql", "--db", db, "-c", "SELECT 1"],
        ["eval", "--truth", db, "--db", db],
        ["verdict", "a", "b", "duplicate", "--db", db],
    ):
        assert main(argv) == 2, argv
        lines = _err_lines(capsys)
        assert lines[0] == f"vidfp: catalog {db!r} does not exist", lines
    assert not (tmp_path / "none.duckdb").exists()


def test_ingest_json_is_one_object_matching_the_catalog(source, tmp_path, capsys):
    db = str(tmp_path / "c.duckdb")
    assert main(["ingest", source, "--db", db, "--engine", "local", "--fps", "4", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    res = json.loads(out)
    con = duckdb.connect(db, read_only=True)
    run = con.execute("SELECT run_id, kind, n_files, n_new, n_failed, n_pairs FROM runs").fetchall()
    ok, failed = con.execute(
        "SELECT count(*) FILTER (status = 'ok'), count(*) FILTER (status = 'failed') FROM videos"
    ).fetchone()
    dup = con.execute("SELECT count(*) FROM pair_scores WHERE is_duplicate").fetchone()[0]
    con.close()
    assert run == [(res["run_id"], "ingest", res["files"], res["new"], res["failed"], res["pairs"])]
    assert (res["command"], res["catalog"], res["videos_ok"], res["videos_failed"], res["duplicate_pairs"]) == (
        "ingest",
        db,
        ok,
        failed,
        dup,
    )
    assert (res["files"], ok, failed) == (5, 3, 2)
    assert res["elapsed_s"] > 0

    # rescan: recorded as what ran
    assert main(["rescan", source, "--db", db, "--engine", "local", "--fps", "4", "--json"]) == 0
    res2 = json.loads(capsys.readouterr().out)
    con = duckdb.connect(db, read_only=True)
    kinds = dict(con.execute("SELECT run_id, kind FROM runs").fetchall())
    con.close()
    assert kinds == {res["run_id"]: "ingest", res2["run_id"]: "rescan"}


def test_rescan_reaches_the_prefect_flow_as_rescan(source, tmp_path, monkeypatch):
    """The flow engine gets kind='rescan' too (the flow is replaced: this checks the CLI's call)."""
    from contextlib import nullcontext

    import flows.ingest

    seen = {}

    class FakeFlow:
        def with_options(self, **kw):
            return self

        def __call__(self, **kw):
            seen.update(kw)
            return {"run_id": "r1", "files": 0}

    monkeypatch.setattr(flows.ingest, "ingest_flow", FakeFlow())
    monkeypatch.setattr("flows.tempserver.TemporaryServer", lambda: nullcontext())
    assert main(["rescan", source, "--db", str(tmp_path / "c.duckdb"), "--engine", "prefect"]) == 0
    assert seen["kind"] == "rescan" and seen["source"] == source
