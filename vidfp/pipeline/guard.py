"""A missing source never empties the catalog.

A run marks every known video that has no file under the source ``missing``.
That is right for a few deleted files and wrong for an unmounted disk, an
empty bucket prefix or a typo, where it would take the whole catalog out of
the clusters.  So after planning (when every present file has its video id,
moved files included), the run compares: of the videos the catalog holds as
present (status not ``missing``), the share that no file under the source
stands for.  Above ``max_missing_share`` (default 20 %) the run stops before
changing anything, unless ``allow_removal`` says the removal is meant.
"""

from __future__ import annotations

from vidfp.pipeline.plan import PlannedFile
from vidfp.store.snapshot import RunRefused


class MassRemovalRefused(RunRefused):
    pass


def check_removal(
    videos: dict[str, dict], planned: list[PlannedFile], source: str, max_share: float, allow: bool
) -> int:
    """Raise :class:`MassRemovalRefused` when too many present videos would go missing; else
    return how many will."""
    present = {v for v, row in videos.items() if row["status"] != "missing"}
    gone = present - {p.video_id for p in planned}
    if not gone or allow:
        return len(gone)
    share = len(gone) / len(present)
    if share <= max_share:
        return len(gone)
    what = (
        "no video files are"
        if not planned
        else f"{len(gone)} of the catalog's {len(present)} videos ({share:.0%}) are not"
    )
    raise MassRemovalRefused(
        f"{what} under {source!r}, so {len(gone)} videos would be marked missing (limit {max_share:.0%}); "
        "nothing changed. Check the source (a catalog follows one source), or pass --allow-removal to accept."
    )
