"""Child processes that die with their parent, even under ``kill -9``.

A parent killed with SIGKILL runs no cleanup (no ``atexit``, no ``finally``),
so anything it started — decode children, a temporary Prefect server — would
live on as an orphan.  On Linux the kernel can deliver a signal to a child
when its parent dies: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set in the child.
Elsewhere this is a no-op and the usual cleanup paths are all there is.

Note the kernel's rule: the signal fires when the *thread* that created the
child exits, so call :func:`popen_dying_with_parent` from a long-lived thread
(the main thread in vidfp's entry points).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL, parent_pid: int | None = None) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent dies.

    Returns True when it took effect (Linux), False elsewhere.  Call it first
    thing in a child.  With ``parent_pid``, a child whose parent already died
    before the request took effect (it has been re-parented) exits at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except OSError:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:  # parent died before prctl took effect
        os._exit(1)
    return True


def popen_dying_with_parent(args: list[str], **kwargs: Any) -> subprocess.Popen:
    """``subprocess.Popen`` whose child gets SIGKILL when this process dies."""
    parent = os.getpid()

    def _pre() -> None:
        die_with_parent(parent_pid=parent)

    return subprocess.Popen(args, preexec_fn=_pre if sys.platform.startswith("linux") else None, **kwargs)
