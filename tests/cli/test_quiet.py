"""Quiet, with progress: a default ingest on a terminal shows per-video progress and no third-party
ERROR or traceback; -v shows the decoders' own messages."""

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

import pytest
from cli_helpers import REPO, env_for_subprocess, make_tiny_corpus

_NOISE = ("ERROR", "Traceback", "moov atom")


def _run_on_a_terminal(argv, env, timeout=300) -> tuple[int, str, str]:
    """Run with stderr (and stdin) on a pseudo-terminal, as in an interactive shell; stdout captured."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows, 120 columns
    p = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=REPO)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    os.close(master)
    out = p.stdout.read().decode()
    p.stdout.close()
    rc = p.wait(timeout=30)
    return rc, out, b"".join(chunks).decode(errors="replace")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_tiny_corpus(tmp_path_factory.mktemp("quiet"))


def test_default_ingest_on_a_terminal_shows_progress_and_no_error_lines(source, tmp_path):
    db = str(tmp_path / "c.duckdb")
    rc, out, term = _run_on_a_terminal(
        [sys.executable, "-m", "vidfp.cli", "ingest", source, "--db", db], env_for_subprocess(tmp_path)
    )
    assert rc == 0, term[-3000:]
    assert "fingerprint" in term and "5/5" in term and "video" in term, term
    lines = [ln for ln in term.replace("\r", "\n").splitlines() if ln.strip()]
    assert not [ln for ln in lines if any(n in ln for n in _NOISE)], term
    # the broken files are reported by vidfp itself, as warnings
    assert sum("WARNING: failed" in ln for ln in lines) == 2, term
    assert out.startswith("run ") and "2 failed in catalog" in out


def test_verbose_shows_the_decoders_messages(source, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "vidfp.cli", "-v", "ingest", source, "--db", str(tmp_path / "c.duckdb")],
        env=env_for_subprocess(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "ERROR opening" in r.stderr and "moov atom not found" in r.stderr  # decord's C++ and its FFmpeg
    assert " INFO " in r.stderr


@pytest.mark.parametrize("setting, shown", [("null", False), ("inherit", True), (None, True)])
def test_decode_children_drop_fd2_only_when_asked(tmp_path, setting, shown):
    """What a child writes to file descriptor 2 (C++ libraries do) is dropped with VIDFP_DECODER_STDERR=null."""
    code = (
        "from vidfp.decode.isolation import run_isolated\n"
        "import noisy_jobs\n"
        "if __name__ == '__main__':\n"
        "    print(list(run_isolated(noisy_jobs.write_fd2, [('k', ('ERROR opening: x',))], 1, 30)))\n"
    )
    script = tmp_path / "job.py"
    script.write_text(code)
    env = env_for_subprocess(tmp_path)
    env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__)) + os.pathsep + env["PYTHONPATH"]
    if setting:
        env["VIDFP_DECODER_STDERR"] = setting
    r = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "('k', True, 'done')" in r.stdout
    assert ("ERROR opening: x" in r.stderr) == shown, r.stderr


@pytest.mark.slow
def test_prefect_engine_on_a_terminal_is_quiet_too(source, tmp_path):
    """The flow engine with its temporary server: per-video progress, no Prefect telemetry, no ERROR."""
    db = str(tmp_path / "c.duckdb")
    rc, out, term = _run_on_a_terminal(
        [sys.executable, "-m", "vidfp.cli", "ingest", source, "--db", db, "--engine", "prefect", "--json"],
        env_for_subprocess(tmp_path),
        timeout=600,
    )
    assert rc == 0, term[-3000:]
    assert "fingerprint" in term and "5/5" in term, term
    lines = [ln for ln in term.replace("\r", "\n").splitlines() if ln.strip()]
    assert not [ln for ln in lines if any(n in ln for n in _NOISE + ("Error logging to API",))], term
    assert json.loads(out)["files"] == 5
