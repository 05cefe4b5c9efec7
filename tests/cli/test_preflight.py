"""Configuration errors are found first: one line each, within 5 s, exit 2, before Prefect is
imported, a server starts, torch loads or any file is decoded."""

import math
import os
import socket
import subprocess
import sys
import time

import pytest
from cli_helpers import env_for_subprocess, make_tiny_corpus

from vidfp import preflight

# Runs the CLI in a fresh interpreter, then reports which heavy modules it imported.
_PROBE = (
    "import sys; from vidfp.cli import main; rc = main(sys.argv[1:]); "
    "print('imported:', *sorted(m for m in ('prefect', 'torch', 'decord', 'av') if m in sys.modules)); "
    "sys.exit(rc)"
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_tiny_corpus(tmp_path_factory.mktemp("pf"))


def _unwritable_folder(tmp_path) -> str:
    if os.geteuid() == 0:  # root writes through permission bits; /proc takes no new files
        return "/proc"
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    return str(d)


CASES = {
    "dinov3 without weights, offline": (["--encoder", "dinov3"], {"HF_HUB_OFFLINE": "1"}, "no DINOv3 weights"),
    "dinov3 without weights, Hub unreachable": (
        ["--encoder", "dinov3"],
        {"HF_ENDPOINT": "http://127.0.0.1:{port}"},
        "cannot be reached",
    ),
    "dinov3 with a missing weights file": (["--encoder", "dinov3", "--weights", "nope.pth"], {}, "does not exist"),
    "unknown encoder": (["--encoder", "clip"], {}, "invalid choice: 'clip'"),
    "fps zero": (["--fps", "0"], {}, "--fps must be a positive number"),
    "fps negative": (["--fps", "-2"], {}, "--fps must be a positive number"),
    "fps nan": (["--fps", "nan"], {}, "--fps must be a positive number"),
    "missing source": (["SRC=/nonexistent/videos"], {}, "source '/nonexistent/videos' does not exist"),
    "unwritable --db folder": (["DB=UNWRITABLE"], {}, "is not writable"),
    "--db in a missing folder": (["DB=/nonexistent/dir/c.duckdb"], {}, "does not exist"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_configuration_error_first_in_one_line(case, source, tmp_path):
    extra, env_extra, expect = CASES[case]
    src, db = source, str(tmp_path / "c.duckdb")
    opts = []
    for a in extra:
        if a.startswith("SRC="):
            src = a[4:]
        elif a.startswith("DB="):
            db = os.path.join(
                _unwritable_folder(tmp_path) if a == "DB=UNWRITABLE" else os.path.dirname(a[3:]), "c.duckdb"
            )
        else:
            opts.append(a)
    env = env_for_subprocess(
        tmp_path, HF_HOME=str(tmp_path / "hf"), **{k: v.format(port=_closed_port()) for k, v in env_extra.items()}
    )
    if "HF_HUB_OFFLINE" not in env_extra:
        env.pop("HF_HUB_OFFLINE", None)
    # --engine prefect: were the check not first, a Prefect server would start
    argv = ["ingest", src, "--db", db, "--engine", "prefect", *opts]
    t = time.monotonic()
    r = subprocess.run([sys.executable, "-c", _PROBE, *argv], env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - t
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert elapsed < 5.0, elapsed
    if "invalid choice" not in expect:  # argparse exits before the probe line
        assert r.stdout.strip() == "imported:", r.stdout  # no Prefect, torch, decord or PyAV
    assert not os.path.exists(db)  # nothing written
    assert not os.path.exists(tmp_path / "prefect_home")  # no server was started


def test_check_numbers_names_each_bad_value():
    assert preflight.check_numbers(2.0, 600, 3600.0, 2, 0.65, 0.0) == []
    assert preflight.check_numbers(1e-3, 1, 1e-3, 0, None, 0.0) == []
    bad = preflight.check_numbers(-1.0, 0, 0.0, -1, 1.5, -1.0)
    assert [p.split()[0] for p in bad] == ["--fps", "--max-frames", "--timeout", "--workers", "--threshold", "--wait"]
    assert preflight.check_numbers(math.inf)[0].startswith("--fps")
    assert preflight.check_numbers(math.nan)[0].startswith("--fps")


def test_check_run_accepts_a_good_configuration(source, tmp_path):
    assert preflight.check_run(source, str(tmp_path / "c.duckdb")) == []
    assert preflight.check_run(source, str(tmp_path / "c.duckdb"), shards=str(tmp_path / "new" / "shards")) == []
    assert preflight.check_source("memory://bucket/videos") == []


def test_check_run_reports_uris_and_folders(source, tmp_path):
    assert "unknown protocol 'nosuch'" in preflight.check_source("nosuch://x/y")[0]
    assert "local DuckDB file" in preflight.check_db("s3://bucket/c.duckdb")[0]
    assert "is a folder" in preflight.check_db(str(tmp_path))[0]
    f = tmp_path / "file"
    f.write_text("x")
    assert "is not a folder" in preflight.check_db(str(f / "c.duckdb"))[0]
    assert "is not a folder" in preflight.check_shards(str(f))[0]
    assert preflight.check_catalog_exists(str(tmp_path / "none.duckdb")) == [
        f"catalog {str(tmp_path / 'none.duckdb')!r} does not exist"
    ]


def test_dinov3_weights_in_the_cache_pass(tmp_path, monkeypatch):
    """The Hub copy in the Hugging Face cache counts as weights (no network needed)."""
    import huggingface_hub.constants as c  # imported first: its paths come from the environment at import

    from vidfp.encoders.dinov3_models import hub_repo

    repo = hub_repo("vits16")
    snap = tmp_path / "hub" / f"models--{repo.replace('/', '--')}" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    (snap / "model.safetensors").write_bytes(b"x")
    refs = snap.parent.parent / "refs"
    refs.mkdir()
    (refs / "main").write_text("abc")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path / "empty"))
    assert "not in the Hugging Face cache" in preflight.check_encoder("dinov3", None, "vits16")[0]
    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert preflight.check_encoder("dinov3", None, "vits16") == []
    assert "unknown DINOv3 --model" in preflight.check_encoder("dinov3", None, "vit_huge")[0]
