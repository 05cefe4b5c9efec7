"""Per-video progress on the terminal, shared by both engines.

The in-process engine and the Prefect flow fingerprint videos in different places (a
loop in vidfp.pipeline.run; mapped tasks on runner threads), but in the same process
when vidfp is started from the command line.  So the progress bar is process state:
the CLI calls :func:`enable` (on a terminal, or with ``--progress``), the engine calls
:func:`start` with the number of videos to fingerprint, each finished video calls
:func:`advance` (thread-safe), and :func:`close` ends the bar.  Disabled (the default,
and in worker processes of other machines) every call is a no-op.

The bar (tqdm) writes to stderr, so ``--json`` output on stdout stays one clean object.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_enabled = False
_bar: Any = None


def enable(on: bool = True) -> None:
    """Show progress bars in this process from now on (or stop showing them)."""
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def start(total: int, desc: str = "fingerprint") -> None:
    """Open a bar of ``total`` videos (nothing when disabled or when there is no work)."""
    global _bar
    with _lock:
        if _bar is not None:
            _bar.close()
            _bar = None
        if _enabled and total > 0:
            from tqdm import tqdm

            _bar = tqdm(total=total, desc=desc, unit="video", dynamic_ncols=True)


def advance(*_: Any, n: int = 1) -> None:
    """One more video done; accepts and ignores positional arguments, so it serves as an
    ``on_result(video_id, ok)`` callback."""
    with _lock:
        if _bar is not None:
            _bar.update(n)


def close() -> None:
    global _bar
    with _lock:
        if _bar is not None:
            _bar.close()
            _bar = None
