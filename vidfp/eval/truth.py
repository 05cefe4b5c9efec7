"""Read and check a corpus ``truth.json`` (the layout ``vidfp.corpus.build`` writes).

A truth file in another layout (a list of groups, a VSC22 CSV, ...) used to
fail deep inside the evaluation with a Python traceback; here every problem
becomes one ``TruthFileError`` whose message names the file and the field, so
the command line can print it on one line.

Layout checked (files named by basename)::

    groups:              {group: [file, ...]}        required
    hard_negative_pairs: [[file, file], ...]         optional, default []
    segments:            [{a, b, a_start_s, a_end_s, b_start_s, b_end_s}]   optional, default []
    broken:              {file: kind}                optional, default {}
"""

from __future__ import annotations

import json
from typing import Any

SEGMENT_FIELDS = ("a_start_s", "a_end_s", "b_start_s", "b_end_s")


class TruthFileError(ValueError):
    """The truth file is missing, not JSON, or not in vidfp's truth.json layout."""


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _check(path: str, truth: Any) -> None:
    def bad(what: str) -> TruthFileError:
        return TruthFileError(
            f"truth file {path}: {what} (expected vidfp's truth.json layout, as written by `vidfp bench make`)"
        )

    if not isinstance(truth, dict):
        raise bad(f"top level is a JSON {type(truth).__name__}, not an object")
    groups = truth.get("groups")
    if groups is None:
        raise bad('no "groups" field')
    if not isinstance(groups, dict) or not all(
        isinstance(m, list) and all(isinstance(f, str) for f in m) for m in groups.values()
    ):
        raise bad('"groups" must map each group name to a list of file names')
    hard = truth.get("hard_negative_pairs", [])
    if not isinstance(hard, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(f, str) for f in p) for p in hard
    ):
        raise bad('"hard_negative_pairs" must be a list of [file, file] pairs')
    segs = truth.get("segments", [])
    if not isinstance(segs, list):
        raise bad('"segments" must be a list')
    for i, s in enumerate(segs):
        if not (
            isinstance(s, dict)
            and isinstance(s.get("a"), str)
            and isinstance(s.get("b"), str)
            and all(_is_num(s.get(k)) for k in SEGMENT_FIELDS)
        ):
            raise bad(f'segment {i} must have string "a", "b" and numbers {", ".join(SEGMENT_FIELDS)}')
    broken = truth.get("broken", {})
    if not isinstance(broken, dict):
        raise bad('"broken" must map file names to failure kinds')


def load_truth(path: str) -> dict[str, Any]:
    """Parse and check ``path``; return it with the optional fields filled in.

    Raises ``TruthFileError`` (a ``ValueError``) with a one-line message for a
    missing or unreadable file, invalid JSON or a wrong layout.
    """
    try:
        with open(path, encoding="utf-8") as f:
            truth = json.load(f)
    except OSError as e:
        raise TruthFileError(f"cannot read truth file {path}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise TruthFileError(f"truth file {path} is not UTF-8 text") from e
    except json.JSONDecodeError as e:
        raise TruthFileError(f"truth file {path} is not JSON: {e.msg} at line {e.lineno}") from e
    _check(path, truth)
    truth.setdefault("hard_negative_pairs", [])
    truth.setdefault("segments", [])
    truth.setdefault("broken", {})
    return truth
