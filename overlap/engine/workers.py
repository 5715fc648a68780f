"""Pool worker processes that live no longer than the command that started them.

A worker blocked on its task queue never learns that its parent died: it holds its own copy
of the queue's write end. So each worker asks the kernel to kill it when its parent goes
(Linux), or else watches its parent from a thread. Ctrl-C and SIGTERM are the parent's to
handle for the whole command; the parent stops its pool itself (:func:`stop_pool`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

#: Signals the command handles in its own process; held back while workers start.
PARENT_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
#: Seconds between a worker's looks at its parent where the kernel cannot watch for it.
WATCH_INTERVAL = 0.5
#: Seconds to wait for killed workers and the pool's manager thread.
STOP_TIMEOUT = 5.0
#: ``prctl`` option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def parent_death_signal(signum: int) -> bool:
    """Have the kernel send ``signum`` to this process when its parent dies; False if it cannot.

    Only Linux can. The parent is strictly the thread that started this process: pools start
    their workers from the thread that submits tasks, which lives as long as the pool does.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int, interval: float = WATCH_INTERVAL) -> threading.Thread:
    """Exit this process at once when its parent is no longer ``parent`` (it died).

    A process whose parent dies is re-parented (to init or a subreaper), so its parent id
    changes; the thread looks every ``interval`` seconds.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    thread = threading.Thread(target=watch, name="overlap-parent-watch", daemon=True)
    thread.start()
    return thread


def start_worker(owner: int | None, kernel_watch: bool = True) -> None:
    """Make this pool worker die with its parent and leave Ctrl-C and SIGTERM to it.

    Runs first in each worker. Ctrl-C reaches every process of the terminal's foreground
    group: a worker that took it would die printing a traceback, so it ignores it. SIGTERM
    gets its default action back (a forked worker inherits the parent's handler), so that
    stopping a worker stops it.

    Args:
        owner: The pid of the process that made the pool, if it is the worker's parent
            (start methods ``fork`` and ``spawn``); None under ``forkserver``, where the
            parent is the server, which exits with that process.
        kernel_watch: Whether to ask the kernel first; without it (or on other systems than
            Linux) a thread watches the parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, PARENT_SIGNALS)
    parent = os.getppid()
    if not (kernel_watch and parent_death_signal(signal.SIGKILL)):
        watch_parent(parent)
    # A parent that died before the watch began is never seen to die: the worker was already
    # re-parented.
    if os.getppid() != parent or (owner is not None and parent != owner):
        os._exit(1)


@contextlib.contextmanager
def parent_signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back in this thread while it may start workers.

    A worker starts with its parent's signal mask, so the signals stay held in the worker
    until :func:`start_worker` has chosen what they do there; here they are delivered as soon
    as the block ends.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, PARENT_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def stop_pool(pool: ProcessPoolExecutor, timeout: float = STOP_TIMEOUT) -> None:
    """Stop ``pool`` now: cancel what has not started and kill the workers, then reap them.

    For a command that is interrupted or failed: waiting for the running tasks could take
    minutes. What a killed worker leaves behind (a staged part) is what ``kill -9`` would
    leave, and the next writer of the store cleans it.
    """
    # ProcessPoolExecutor has no public way to stop its workers before Python 3.14.
    kill = getattr(pool, "kill_workers", None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    if kill is not None:
        kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()
    deadline = time.monotonic() + timeout
    for process in processes:
        with contextlib.suppress(ValueError):
            process.join(max(0.0, deadline - time.monotonic()))
    if manager is not None:
        manager.join(max(0.0, deadline - time.monotonic()))
