"""When loading may hand work to forked processes (parse workers, the parse cache's writer), and how many.

Only on Linux (fork is the cheap, safe way to share a large text or tree there) and only from a process
with a single thread: a fork copies no other thread, and a lock one of them held would stay held.
"""

from __future__ import annotations

import os
import sys
import threading


def forkable() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


def worker_count() -> int:
    """Forked parse workers for one large file: one fewer than the cores this process may use, at most 3;
    ``CSIAC_PARSE_WORKERS`` sets the number (0: everything in this process)."""
    wanted = os.environ.get("CSIAC_PARSE_WORKERS")
    if wanted is not None:
        count = int(wanted) if wanted.isdigit() else 0
    else:
        count = min(len(os.sched_getaffinity(0)) - 1, 3) if hasattr(os, "sched_getaffinity") else 0
    return count if count > 0 and forkable() else 0
