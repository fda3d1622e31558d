"""Training on a worker thread while a window shows it (Run at full speed).

The worker trains the session in short chunks, each under the workspace's
lock, and ends a chunk with a traced step whenever the window has asked for
one: that is the step the next frame shows, with all its numbers.  The
window takes the lock only to read (one refresh a frame); its painting, the
larger part of a frame and mostly C++, runs beside the training on the
other core.

Stopping rules are the session's own: a diverged step, an update smaller
than epsilon, or max_steps reached ends the run, and ``stopped`` says which.  Nothing here knows
about Qt.
"""
from __future__ import annotations

import sys
import threading
import time

from ..engine import StopReason, stop_reason
from .session import Session

CHUNK_S = 0.0015          # how long the worker holds the lock at a time
SWITCH_INTERVAL_S = 0.0005


class BackgroundRun:
    def __init__(self, session: Session, lock: threading.RLock, limit: int | None = None):
        self.session = session
        self.lock = lock
        self.limit = limit              # steps this run may take (max_steps), None: no end
        self.steps = 0                  # iterations taken by this run
        self.stopped: StopReason | None = None
        self.error: BaseException | None = None
        self._traced = None             # (StepResult, IterationTrace) not yet shown
        self._want_trace = threading.Event()
        self._want_trace.set()
        self._ui_waiting = threading.Event()
        self._stop = threading.Event()
        self._step_cost = 1e-4
        self._switch = None
        self._thread = threading.Thread(target=self._loop, name="bpsim-run", daemon=True)

    # --- the window's side ------------------------------------------------------

    def start(self) -> None:
        # The window's Python (a refresh, pyqtgraph's paint methods) waits for
        # the interpreter while the worker holds it; a short switch interval
        # bounds each wait.
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the chunk in progress (a few ms) and wait for it."""
        self._stop.set()
        self._ui_waiting.clear()
        if self._thread.is_alive():
            self._thread.join()
        if self._switch is not None:
            sys.setswitchinterval(self._switch)
            self._switch = None

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def take(self):
        """The traced step taken since the last call (or None), and ask for
        the next one.  Call it holding the lock."""
        traced, self._traced = self._traced, None
        self._want_trace.set()
        return traced

    def reading(self):
        """``with run.reading():`` holds the lock, ahead of the worker's next chunk."""
        return _Reading(self)

    # --- the worker's side --------------------------------------------------------

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                while self._ui_waiting.is_set() and not self._stop.is_set():
                    time.sleep(0.0002)       # the window is about to read: let it
                with self.lock:
                    if self._stop.is_set():
                        break
                    if self._want_trace.is_set():
                        self._traced_step()
                    else:
                        self._chunk()
                time.sleep(0)
        except BaseException as exc:      # shown by the window, never lost in a thread
            self.error = exc
            self.stopped = StopReason.ERROR

    def _traced_step(self) -> None:
        result, trace = self.session.step_traced()
        self._traced = (result, trace)
        self._want_trace.clear()
        self.steps += 1
        stopped = stop_reason(result, self.session.settings.epsilon, self._left())
        if stopped is not None:
            self._finish(stopped)

    def _left(self) -> int | None:
        return None if self.limit is None else self.limit - self.steps

    def _chunk(self) -> None:
        n = max(1, int(CHUNK_S / self._step_cost))
        if self.limit is not None:
            n = min(n, self.limit - self.steps)
        began = time.perf_counter()
        run = self.session.train(n)
        taken = len(run.costs)
        self._step_cost = 0.7 * self._step_cost + 0.3 * (time.perf_counter() - began) / max(taken, 1)
        self.steps += taken
        # the run's own rule for its last step; the steps allowed, over chunks
        if run.stopped != StopReason.MAX_STEPS:
            self._finish(run.stopped)
        elif self._left() is not None and self._left() <= 0:
            self._finish(StopReason.MAX_STEPS)

    def _finish(self, why: StopReason) -> None:
        self.stopped = why
        self._stop.set()


class _Reading:
    def __init__(self, run: BackgroundRun):
        self.run = run

    def __enter__(self):
        self.run._ui_waiting.set()
        self.run.lock.acquire()
        self.run._ui_waiting.clear()
        return self

    def __exit__(self, *exc):
        self.run.lock.release()
        return False
