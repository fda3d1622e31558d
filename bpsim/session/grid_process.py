"""Loss-landscape grids computed in a process of their own.

A grid is seconds of NumPy on a big network (a 60 × 60 grid of a 2-8-8-1
over 1000 rows is 3.6 million forward passes, about 0.2 s), and it is asked
for again at every iteration.  On a thread of the window's process it
holds the interpreter between its NumPy calls: the window's thread, which
gives the interpreter up at each of its hundreds of Qt calls a micro-step,
waits to get it back, and a micro-step took 9 ms instead of 6 while a grid
was computing.  A process has an interpreter of its own.

The process is started once, holds the graph and data of the last trainer
it was sent (sent again only when the trainer changes), and answers one
request at a time: the grid and its contour lines, the same numbers, bit
for bit, as :func:`~bpsim.engine.landscape.landscape` here.  When it cannot
start, or has died, the grid is computed in the caller's thread, as before.
"""
from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import threading
import weakref
from dataclasses import dataclass

import numpy as np

from ..engine import Settings
from ..engine.landscape import contour_lines, landscape
from . import lifeline


@dataclass
class Surface:
    """A landscape grid and what its heatmap shows (see ``contour_lines``)."""

    grid: np.ndarray
    shown: np.ndarray
    logged: bool
    x: np.ndarray           # contour segments' end points, in pairs
    y: np.ndarray


def surface(trainer, theta: np.ndarray, settings: Settings, names: tuple[str, ...],
            values: tuple[np.ndarray, ...], network=None) -> Surface:
    """The grid and its contours, computed here."""
    grid = landscape(trainer, theta, settings, names, values, network)
    return Surface(grid, *contour_lines(grid))


def _serve(conn) -> None:
    """The grid process: requests until the window's process closes the pipe."""
    lifeline.die_with_parent()      # before _yield_to_others: see die_with_parent
    from ..engine import Trainer
    from ..engine.network import Network
    from ..engine.threads import pin_blas_to_one_thread
    pin_blas_to_one_thread()
    _yield_to_others()
    trainer = network = None
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message[0] == "net":
            _, spec, dataset = message
            trainer = Trainer(spec, dataset)
            network = Network(trainer.compiled, dataset.inputs)   # its buffers, made once
            continue
        _, theta, settings, names, values = message
        try:
            conn.send(("surface", surface(trainer, theta, settings, names, values, network)))
        except Exception as exc:    # shown in the landscape dock; the process serves on
            conn.send(("error", str(exc)))


def _yield_to_others() -> None:
    """The lowest priority that still moves: the window and a training run
    come first, but on a machine whose every core is busy the grid still
    comes (at SCHED_IDLE it never did)."""
    if hasattr(os, "nice"):
        try:
            os.nice(19)
        except OSError:
            pass


class GridError(RuntimeError):
    """A grid the process could not compute (its message says why)."""


class _Server:
    """The grid process and its pipe: one per window process, one request
    at a time."""

    _instance: "_Server | None" = None
    _guard = threading.Lock()
    unavailable = False           # it could not start: grids are computed in-process
    closing = False               # the interpreter is exiting (see _closing)
    _exit_known = False           # _closing is registered

    def __init__(self):
        ctx = mp.get_context("spawn")   # a fresh interpreter: no Qt, no threads copied
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, name="bpsim-grids", daemon=True,
                                   args=(child,))
        lifeline.start(self.process)
        child.close()
        if not _Server._exit_known:
            # after multiprocessing's own exit handler (it ends this process),
            # so run before it: a grid waited for then is known not wanted
            _Server._exit_known = True
            atexit.register(_closing)
        self.lock = threading.Lock()
        self._trainer: weakref.ref | None = None    # whose graph the process holds
        self.abandoned = False        # given up while a grid was waited for

    @classmethod
    def get(cls) -> "_Server | None":
        with cls._guard:
            if cls.unavailable:
                return None
            if cls._instance is None or not cls._instance.process.is_alive():
                try:
                    cls._instance = _Server()
                except (OSError, RuntimeError):
                    cls.unavailable = True
                    cls._instance = None
            return cls._instance

    @classmethod
    def forget(cls, server: "_Server") -> None:
        """Stop using ``server`` and end its process.  Ended from here: at idle
        priority on a busy machine, its thread holding the interpreter lock
        got no CPU to notice the pipe close (a kill is the kernel's to do)."""
        with cls._guard:
            if cls._instance is server:
                cls._instance = None
        if server.process.is_alive():
            server.process.kill()       # first: a thread waiting on the pipe sees it end
        server.release()

    def release(self) -> None:
        """Close the pipe unless a thread is using it.  That thread sees the
        pipe end (the process is killed first), leaves the lock and comes
        back here; closed from under it, its next read would take a file
        descriptor number the system may have given to another file."""
        if self.lock.acquire(blocking=False):
            try:
                self.conn.close()
            finally:
                self.lock.release()

    def surface(self, trainer, theta, settings, names, values) -> Surface:
        with self.lock:
            if self._trainer is None or self._trainer() is not trainer:
                self._trainer = None          # until the process has it
                self.conn.send(("net", trainer.compiled.spec, trainer.dataset))
                self._trainer = weakref.ref(trainer)
            self.conn.send(("grid", theta, settings, tuple(names), tuple(values)))
            kind, body = self.conn.recv()
        if kind == "error":
            raise GridError(body)
        return body


def grid_surface(trainer, theta: np.ndarray, settings: Settings, names: tuple[str, ...],
                 values: tuple[np.ndarray, ...]) -> Surface:
    """The grid and its contours, from the grid process (started at the
    first call), or computed here when it cannot serve.  Blocks until done:
    call it from a worker thread."""
    if _Server.closing:          # no process started, nor grid computed, at the exit
        raise GridError("the window is closing")
    server = _Server.get()
    if server is not None:
        try:
            return server.surface(trainer, theta, settings, names, values)
        except (EOFError, OSError):       # the process died (or was killed)
            _Server.forget(server)
            if _Server.closing or server.abandoned:
                # ended at the exit: a grid computed here now would hold it up
                raise GridError("the window is closing") from None
    return surface(trainer, theta, settings, names, values)


def abandon_grids() -> None:
    """A window closes while a grid computes: end the grid process instead
    of waiting for it (at the lowest priority on a busy machine, seconds), and
    compute the grid waited for nowhere else.  The next grid asked for
    starts a new process."""
    with _Server._guard:
        server = _Server._instance
    if server is not None:
        server.abandoned = True
        _Server.forget(server)


def _closing() -> None:
    _Server.closing = True

