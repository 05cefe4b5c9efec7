"""The command line explains itself: --version, every option's meaning and default, exit codes."""

import argparse
import re
import subprocess
import sys

import pytest
from cli_helpers import env_for_subprocess

from vidfp import __version__
from vidfp.cli import EXIT_BUSY, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, main
from vidfp.cli_parser import EXIT_CODES, Formatter, build_parser


def _subparsers(parser: argparse.ArgumentParser, path=("vidfp",)):
    """(command path, parser) for every command and sub-command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield path + (name,), sub
                yield from _subparsers(sub, path + (name,))


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"vidfp {__version__}"


def test_every_option_shows_its_meaning_and_default():
    parsers = list(_subparsers(build_parser()))
    assert {" ".join(p) for p, _ in parsers} >= {
        "vidfp ingest",
        "vidfp rescan",
        "vidfp demo",
        "vidfp sql",
        "vidfp eval",
        "vidfp bench make",
        "vidfp verdict",
        "vidfp serve",
    }
    checked = 0
    for path, sub in parsers:
        fmt = Formatter(" ".join(path))
        for action in sub._actions:
            if not action.option_strings or isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                continue
            text = fmt._expand_help(action)
            assert len(text) > 15, f"{' '.join(path)} {action.option_strings}: no meaning"
            assert "default" in text or (action.required and "(required)" in text), (
                f"{' '.join(path)} {action.option_strings}: no default in {text!r}"
            )
            checked += 1
    assert checked > 40


def test_help_shows_the_defaults_the_run_uses(capsys):
    from vidfp.config import DecodeConfig

    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert f"sampled frames per second of video (default: {DecodeConfig().fps})" in text  # what the demo runs at
    assert "else local (default: local)" in text
    args = build_parser().parse_args(["demo"])
    assert (args.fps, args.engine) == (DecodeConfig().fps, "local")
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    text = re.sub(r"\s+", " ", capsys.readouterr().out).split("options:", 1)[1]
    assert f"(default: {DecodeConfig().fps})" in text
    entries = {e.split()[0]: e for e in re.split(r" (?=--[a-z])", text) if e.startswith("--")}
    for opt in ("--encoder", "--engine", "--workers", "--max-frames", "--timeout"):
        assert "(default: " in entries[opt], entries[opt]


def test_exit_codes_are_documented_as_implemented(capsys):
    documented = {int(c) for c in re.findall(r"^\s+(\d+)\s", EXIT_CODES, re.M)}
    assert documented == {EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BUSY, EXIT_INTERRUPTED} == {0, 1, 2, 75, 130}
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "exit codes:" in capsys.readouterr().out


def test_usage_error_is_one_line_with_exit_2(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "vidfp.cli", "ingest", "--fps", "fast"],
        capture_output=True,
        text=True,
        env=env_for_subprocess(tmp_path),
        timeout=60,
    )
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vidfp ingest: error:"), r.stderr


def test_verbose_after_the_command_counts():
    assert build_parser().parse_args(["ingest", "x", "--db", "c", "-v"]).verbose is True
    assert build_parser().parse_args(["-v", "ingest", "x", "--db", "c"]).verbose is True
    assert build_parser().parse_args(["ingest", "x", "--db", "c"]).verbose is False


def test_framing_is_on_by_default_and_no_framing_turns_both_steps_off():
    from flows.ingest import build_config
    from vidfp.cli_run import run_config as _config

    on = _config(build_parser().parse_args(["ingest", "x", "--db", "c"]))
    off = _config(build_parser().parse_args(["ingest", "x", "--db", "c", "--no-framing"]))
    assert on.decode.blurred_fill and on.decode.find_inset
    assert not off.decode.blurred_fill and not off.decode.find_inset and off.decode.remove_borders
    assert on.fingerprint_key("e") != off.fingerprint_key("e")  # switching re-fingerprints
    flow_off = build_config(2.0, 2, None, 600, framing=False)
    assert flow_off.fingerprint_key("e") == off.fingerprint_key("e")
    assert build_config(2.0, 2, None, 600).fingerprint_key("e") == on.fingerprint_key("e")
