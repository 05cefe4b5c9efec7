"""User verdicts name real pairs: both videos are resolved against the catalog first.

A video may be named by its id, by a URI exactly as the ``files`` table lists
it, or by a local path as typed (relative, ``./``, ``file://``, through a
symlink), which is made absolute the way the scan made it.  Unknown videos and
self-pairs are refused before anything is written.
"""

from __future__ import annotations

import os

from vidfp.discover import display_name
from vidfp.pipeline.match import cluster_catalog
from vidfp.store.catalog import Catalog
from vidfp.store.snapshot import RunRefused
from vidfp.store.writer import open_writer


class VerdictRefused(RunRefused):
    pass


def candidate_names(ref: str) -> list[str]:
    """The forms under which the catalog may list ``ref``, most literal first."""
    names = [ref]
    path = ref.removeprefix("file://")
    if "://" not in path:
        for p in (os.path.abspath(path), os.path.realpath(path)):
            names += [p, display_name(p)]
    return list(dict.fromkeys(names))


def resolve_video(cat: Catalog, ref: str) -> str:
    for name in candidate_names(ref):
        vid = cat.find_video(name)
        if vid:
            return vid
    raise VerdictRefused(
        f"no video in catalog {cat.publish_to or cat.path!r} matches {ref!r}: give a video_id or "
        "a file as the files table lists it (SELECT uri, video_id FROM files)"
    )


def record_verdict(
    db: str, ref_a: str, ref_b: str, verdict: str, note: str | None = None, wait_s: float = 0.0
) -> tuple[str, str]:
    """Resolve both videos, store the verdict, recluster; returns the two video ids."""
    if verdict not in ("duplicate", "not_duplicate"):
        raise VerdictRefused(f"verdict must be 'duplicate' or 'not_duplicate', not {verdict!r}")
    with open_writer(db, wait_s=wait_s) as cat:
        a, b = resolve_video(cat, ref_a), resolve_video(cat, ref_b)
        if a == b:
            raise VerdictRefused(f"{ref_a!r} and {ref_b!r} are the same video ({a}): a verdict needs two videos")
        cat.set_verdict(a, b, verdict, note)
        cluster_catalog(cat)
    return a, b
