"""The tuning protocol's one rule, shared by the tuning scripts: numbers are chosen on family A only."""

from __future__ import annotations

import json
import sys


def family_a_truth(path: str) -> dict:
    """The truth file at ``path``; exits when it is not family A's (B, C and D carry provenance;
    C, D and R also say so)."""
    with open(path, encoding="utf-8") as f:
        truth = json.load(f)
    if truth.get("family", "A") != "A" or "provenance" in truth:
        sys.exit("refusing: tuning looks at family A only")
    return truth
