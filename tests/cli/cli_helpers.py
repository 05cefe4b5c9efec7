"""Shared corpora and helpers for the command-line tests (imported by name: a second conftest.py
would shadow tests/conftest.py for the modules that import from it).

``tiny_corpus``: two clips that are copies of each other, one unrelated clip, a truncated
MP4 (libav: "moov atom not found"; decord: "ERROR opening ...") and a text file named .mp4.
``tiny_catalog``: that corpus ingested in-process (seconds).  ``demo_catalog``: the
`vidfp demo` corpus ingested as the demo does (4 frames/s, in-process; ≈ 1 min, slow tests only).
"""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_tiny_corpus(root) -> str:
    from conftest import write_pan_and_copy

    from vidfp.corpus.media import write_video

    src = os.path.join(str(root), "videos")
    os.makedirs(src)
    write_pan_and_copy(src, copy_span=(2, 34))
    rng = np.random.default_rng(0)
    rng.integers(0, 255, (16, 24, 3), dtype=np.uint8)  # the pan's texture: `other` stays the texture it was
    other = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    write_video(os.path.join(src, "other.mp4"), np.stack([np.roll(other, -2 * t, axis=0) for t in range(36)]), 12.0)
    data = open(os.path.join(src, "a.mp4"), "rb").read()
    with open(os.path.join(src, "broken_truncated.mp4"), "wb") as f:
        f.write(data[: len(data) // 3])  # the moov atom sits at the end: gone
    with open(os.path.join(src, "broken_text.mp4"), "w") as f:
        f.write("not a video\n")
    return src


def env_for_subprocess(tmp_path, **extra) -> dict:
    """This checkout's code first, no Prefect API configured, nothing from the user's Prefect home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "VIDFP_"))}
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env["PREFECT_HOME"] = str(tmp_path / "prefect_home")
    env.update(extra)
    return env


def run_vidfp(args, tmp_path, timeout=300, **kw) -> subprocess.CompletedProcess:
    env = kw.pop("env", None) or env_for_subprocess(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "vidfp.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, **kw
    )


@pytest.fixture(scope="module")
def tiny_catalog(tmp_path_factory):
    """(source folder, catalog path) of the tiny corpus after one in-process ingest."""
    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.encoders import get_encoder
    from vidfp.pipeline import run_ingest

    root = tmp_path_factory.mktemp("tiny")
    src = make_tiny_corpus(root)
    db = str(root / "cat.duckdb")
    run_ingest(src, db, get_encoder("baseline"), IngestConfig(decode=DecodeConfig(fps=4.0)))
    return src, db


@pytest.fixture(scope="session")
def demo_catalog(tmp_path_factory):
    """(corpus folder, catalog path) as `vidfp demo` makes them."""
    from vidfp.cli import main

    out = tmp_path_factory.mktemp("demo") / "vidfp-demo"
    assert main(["demo", "--out", str(out)]) == 0
    return str(out / "corpus"), str(out / "demo.duckdb")


def duckdb_shell() -> str | None:
    here = os.path.join(os.path.dirname(sys.executable), "duckdb")
    return here if os.path.exists(here) else shutil.which("duckdb")
