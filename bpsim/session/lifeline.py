"""The window's helper processes end with the window's process, however it ends.

A training process that outlived a killed window would go on training, a
core at 100 % and its memory growing with steps no one reads, until
someone killed it by hand.  So each child ties its life to its parent's
in two ways (``die_with_parent``):

- On Linux the kernel kills the child when its parent dies
  (``PR_SET_PDEATHSIG``).  The child needs no CPU for that, so a grid process
  starved at the lowest priority ends too.  The kernel counts the *thread* that
  started the child as its parent, not the process: started from the
  window's warm-up thread, which ends at once, or from a pool thread, which
  ends when idle, a child would be killed with that thread.  So every child
  is started from one thread that lives as long as this process
  (``start``).
- Everywhere, a thread in the child waits on multiprocessing's parent
  sentinel (on POSIX a pipe whose other end only the parent holds, on
  Windows the parent's process handle) and ends the process when it fires:
  the child notices even while its main thread is busy training.

The children are started with "spawn", so the parent is the window's
process itself (no fork server stands between them).
"""
from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
from concurrent.futures import Future
from multiprocessing.process import BaseProcess

PR_SET_PDEATHSIG = 1        # from <linux/prctl.h>
ORPHANED = 1                # the exit status of a child whose parent died

_starter: tuple[threading.Thread, queue.SimpleQueue] | None = None
_starter_guard = threading.Lock()


def start(process: BaseProcess) -> None:
    """``process.start()``, from the thread that starts every child: one that
    lives as long as this process (see above).  Raises what ``start`` raises."""
    global _starter
    with _starter_guard:
        # a starter that is not alive was made before this process was forked
        if _starter is None or not _starter[0].is_alive():
            jobs: queue.SimpleQueue = queue.SimpleQueue()
            thread = threading.Thread(target=_start_each, args=(jobs,),
                                      name="bpsim-starter", daemon=True)
            thread.start()
            _starter = thread, jobs
        jobs = _starter[1]
    started: Future = Future()
    jobs.put((process, started))
    started.result()


def _start_each(jobs: queue.SimpleQueue) -> None:
    while True:
        process, started = jobs.get()
        try:
            process.start()
        except BaseException as exc:    # the caller's to handle, not this thread's
            started.set_exception(exc)
        else:
            started.set_result(None)


def die_with_parent() -> None:
    """Make this child end when its parent process does.  Call it first
    thing in a child started by ``start``, before lowering its priority, so
    the watching thread keeps the normal one."""
    parent = mp.parent_process()
    if parent is None:
        return                   # not a child: nothing to watch
    if sys.platform.startswith("linux"):
        _killed_by_kernel_with(parent.pid)
    threading.Thread(target=_exit_after, args=(parent,), name="bpsim-lifeline",
                     daemon=True).start()


def _killed_by_kernel_with(parent_pid: int) -> None:
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return                   # no prctl here: the watching thread serves alone
    if prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0) != 0:
        return
    if os.getppid() != parent_pid:
        # the parent died before prctl: the kernel's signal has gone by
        os._exit(ORPHANED)


def _exit_after(parent: BaseProcess) -> None:
    parent.join()                # returns when the parent's sentinel fires
    # at once: no cleanup waits on a main thread busy training or starved
    os._exit(ORPHANED)
