"""The README's Use section, line by line, as a new user pastes it into a new shell after the set-up.

Every line of the section's ```bash blocks runs, in order, in one bash session, in a temporary folder
that looks like the repository after the set-up command (`.venv` and `sql/` there), with nothing of the
venv on PATH; lines that end in `# needs: …` (a bucket, weights, a Dask scheduler) are skipped.  Each
line must exit 0 (all run; the failures are listed).
"""

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEEDS = re.compile(r"#\s*needs:")


def use_section_commands(readme: str) -> tuple[list[str], list[str]]:
    """(commands to run, commands skipped for what they need) from the '## Use' section's bash blocks."""
    section = readme.split("\n## Use\n", 1)[1].split("\n## ", 1)[0]
    run, skipped = [], []
    for block in re.findall(r"```bash\n(.*?)```", section, re.S):
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            (skipped if NEEDS.search(line) else run).append(line)
    return run, skipped


def test_the_use_section_is_parsed_as_written():
    run, skipped = use_section_commands(open(os.path.join(REPO, "README.md")).read())
    assert run[0].split("#")[0].strip() == ". .venv/bin/activate"
    assert any(c.startswith("vidfp ingest videos") for c in run)
    assert all("needs:" not in c for c in run) and len(skipped) >= 3


def test_readme_use_lines_work_in_a_new_shell(tmp_path):
    run, _ = use_section_commands(open(os.path.join(REPO, "README.md")).read())
    if not os.path.exists(os.path.join(sys.prefix, "bin", "activate")):
        pytest.skip("tests do not run from a virtual environment (the README's set-up makes .venv)")
    work = tmp_path / "clone"
    work.mkdir()
    os.symlink(sys.prefix, work / ".venv")  # the venv the set-up command made
    os.symlink(os.path.join(REPO, "sql"), work / "sql")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "VIDFP_", "VIRTUAL_ENV")) and k != "PYTHONHOME"
    }
    env.update(
        HOME=str(tmp_path / "home"),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PYTHONPATH=REPO,  # this checkout's code, as the clone's editable install would be
        PATH=os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(sys.prefix)),
    )  # a new shell: nothing of .venv on PATH
    # one session, as pasted: every line runs; each failure is reported with its line number
    script = "".join(
        f'{cmd}\nrc=$?; [ $rc -eq 0 ] || echo "README line failed: {i} (exit $rc)" >&2\n' for i, cmd in enumerate(run)
    )
    r = subprocess.run(
        ["bash", "--norc", "--noprofile"], input=script, cwd=work, env=env, capture_output=True, text=True, timeout=1200
    )
    failed = [run[int(i)] for i in re.findall(r"README line failed: (\d+)", r.stderr)]
    assert r.returncode == 0 and os.path.exists(work / "catalog.duckdb") and os.path.exists(work / "flow.duckdb")
    assert not failed, (failed, r.stdout[-3000:], r.stderr[-3000:])
