"""Training in a process of its own while a window shows it (Run at full speed).

A worker thread shares the interpreter with the window: every millisecond
of Python the window spends on a frame is a millisecond the training waits,
and the two hand the interpreter to and fro hundreds of times a frame.  A
process has an interpreter of its own, on the other core.  It is started
once and serves one run after another (a new interpreter takes a few tenths
of a second to start; ``warm_up`` starts it before the first Run).

The worker compiles the same graph with the same data (the numbers are the
same, bit for bit: the same float64 arithmetic in the same order) and
trains from the session's state, sending every step back in batches: its
cost, its test cost, the state after it, its gradient norms per layer.  The
window's thread records them into the session's history under the
workspace lock (``pump``, a couple of µs a step), so rewinding, the plots
and saving see exactly what an inline run would have made.  When the
window asks, the worker takes the next step traced and sends its record
too, reduced to batch means: that is the step a frame shows.

A run stops when told to, after the worker has sent its last step, or by
the session's own rules: a diverged step, an update below epsilon, or the
steps it was allowed (max_steps) taken.  Work that changes what the next
step would compute (a settings change, an edit) interrupts it first (``interrupt``), so no step taken under the old
settings is recorded after the change.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass

import numpy as np

from ..engine import Settings, TrainState
from ..engine.data import BatchPosition, Dataset
from ..engine.graph import GraphSpec
from ..engine.optimizers import OptimizerState
from ..engine.trace import TraceRecord, assemble
from ..engine.training import StopReason, stop_reason
from . import lifeline
from .session import LayerNorms, Session

CHUNK_S = 0.004          # the worker sends what it has this often


@dataclass
class _Job:
    """What the worker needs, picklable: the graph and the data as the
    session compiled them (not the document: parsing and checking it again
    would delay the first step)."""

    spec: GraphSpec
    dataset: Dataset
    state: TrainState
    settings: Settings
    use_epsilon: bool
    limit: int | None = None     # steps this run may take (max_steps), None: no end


def _pack(states: list[TrainState]) -> dict:
    """A batch of states as arrays (one row per step)."""
    def stack(get):
        values = [get(s) for s in states]
        return None if values[0] is None else np.array(values)
    return {"theta": np.array([s.theta for s in states]),
            "velocity": stack(lambda s: s.optimizer.velocity),
            "m": stack(lambda s: s.optimizer.m),
            "v": stack(lambda s: s.optimizer.v),
            "t": [s.optimizer.t for s in states],
            "position": [(s.position.epoch, s.position.row) for s in states],
            "step": [s.step for s in states]}    # small ints: lists load fastest


def _unpack(packed: dict, first: int, every: int) -> list[TrainState]:
    """The batch's states; the ``first`` one is the session's step number
    ``first``.  States the history keeps for good (one in ``every``) own
    their arrays; the others are rows of the batch's (states
    are never changed in place), which live as long as a recent step does."""
    theta, velocity, m, v = (packed[k] for k in ("theta", "velocity", "m", "v"))
    plain = OptimizerState() if velocity is None and m is None else None   # gd: one for all
    states = []
    for k, ((epoch, row), step, t) in enumerate(zip(packed["position"], packed["step"],
                                                  packed["t"])):
        own = (first + k) % every == 0
        def at(a):
            return None if a is None else (a[k].copy() if own else a[k])
        states.append(TrainState(at(theta), plain or OptimizerState(at(velocity), at(m), at(v), t),
                                 BatchPosition(epoch, row), step))
    return states


class _Sender:
    """Sends from a thread of its own: a pipe holds 64 KB, and the window
    reads once a frame, so a training loop that sent itself would wait."""

    def __init__(self, conn):
        self.conn = conn
        self.queue: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def send(self, message) -> None:
        self.queue.put(message)

    def _run(self) -> None:
        while True:
            self.conn.send(self.queue.get())


def _serve(jobs, results, want_trace, stop) -> None:
    """The training process: one run after another, until the window's
    process closes the job pipe (or dies)."""
    lifeline.die_with_parent()      # even in the middle of a run
    from ..engine.threads import pin_blas_to_one_thread
    pin_blas_to_one_thread()
    if hasattr(os, "nice"):
        os.nice(5)      # on a busy machine the window's frames come before more steps
    out = _Sender(results)
    while True:
        try:
            job = jobs.recv()
        except EOFError:
            return
        try:
            _train(job, out, want_trace, stop)
        except BaseException as exc:  # shown by the window; the process serves on
            out.send(("error", f"{type(exc).__name__}: {exc}"))
            out.send(("done", StopReason.ERROR))


def _train(job: _Job, out: _Sender, want_trace, stop) -> None:
    """One run: train and send, until stopped or a stopping rule holds; the
    last message is always ("done", why)."""
    from ..engine import Trainer, record_trace
    stopped = None
    try:
        trainer = Trainer(job.spec, job.dataset)
        norms_of = LayerNorms(trainer.compiled)
        state, settings = job.state, job.settings
        epsilon = settings.epsilon if job.use_epsilon else None
        step_cost = 1e-4
        left = job.limit            # steps still allowed, or None
        while stopped is None and not stop.is_set():
            costs, tests, states, norms, epochs = [], [], [], [], []
            traced = None

            def keep(result) -> None:
                if result.after is None:
                    return          # diverged: nothing to record, the run ends
                costs.append(result.evaluation.cost)
                tests.append(result.test_cost)
                norms.append(norms_of(result.evaluation.grad))
                epochs.append(result.before.position.epoch)
                states.append(result.after)
            began = time.perf_counter()
            while stopped is None and time.perf_counter() - began < CHUNK_S:
                if want_trace.is_set():
                    # the step a frame shows: send it at once
                    want_trace.clear()
                    result = trainer.step(state, settings)
                    if left is not None:
                        left -= 1
                    stopped = stop_reason(result, epsilon, left)
                    if not result.diverged:
                        traced = record_trace(trainer, result, settings)
                        keep(result)
                        state = result.after
                    break
                n = max(1, int(CHUNK_S / 4 / step_cost))   # a trace is asked for at any time
                if left is not None:
                    n = min(n, left)
                t0 = time.perf_counter()
                run = trainer.run(state, settings, n, job.use_epsilon, keep)
                step_cost = 0.7 * step_cost + 0.3 * (time.perf_counter() - t0) / len(run.costs)
                state = run.state
                if run.stopped != StopReason.MAX_STEPS:
                    stopped = run.stopped
                elif left is not None:       # the steps allowed, over chunks
                    left -= len(run.costs)
                    stopped = StopReason.MAX_STEPS if left <= 0 else None
            if states:
                # arrays, not lists of small arrays: each pickled object costs
                # the window's thread microseconds to load
                out.send(("steps", np.array(costs),
                          None if tests[0] is None else np.array(tests),   # no test split
                          _pack(states), None if norms[0] is None else np.array(norms),
                          np.array(epochs)))
            if traced is not None:
                # batch means: what a running frame shows, a few small arrays
                # (a whole trace of a 1000-row batch is megabytes, and a
                # trace's hundreds of objects cost milliseconds to pickle)
                out.send(("trace", traced.means()))
        if stopped == StopReason.DIVERGED:
            out.send(("diverged",))
    except BaseException as exc:
        out.send(("error", f"{type(exc).__name__}: {exc}"))
        stopped = StopReason.ERROR
    out.send(("done", stopped))


PIPE_BYTES = 1 << 20      # a frame's steps and its trace, with room to spare


def _widen(conn) -> None:
    """Give the results pipe room for a frame's worth of messages (Linux:
    64 KB by default, a single trace of a 1000-row batch is near that).  In a
    full pipe the worker's sender waits, and the trace a frame asked for
    comes a frame late, behind the steps."""
    try:
        import fcntl
        fcntl.fcntl(conn.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError, ValueError):
        pass        # another system, or a lower limit: the default pipe serves, slower


class _Server:
    """The training process and its pipes: one per window process."""

    _instance: "_Server | None" = None
    _guard = threading.Lock()

    def __init__(self):
        ctx = mp.get_context("spawn")   # a fresh interpreter: no Qt, no threads copied
        jobs_out, self.jobs = ctx.Pipe(duplex=False)
        self.results, results_in = ctx.Pipe(duplex=False)
        _widen(results_in)
        self.want_trace = ctx.Event()
        self.stop = ctx.Event()
        self.current: ProcessRun | None = None     # the run being served
        self.process = ctx.Process(target=_serve, name="bpsim-train", daemon=True,
                                   args=(jobs_out, results_in, self.want_trace, self.stop))
        lifeline.start(self.process)
        jobs_out.close()
        results_in.close()

    @classmethod
    def get(cls) -> "_Server":
        with cls._guard:
            if cls._instance is None or not cls._instance.process.is_alive():
                cls._instance = _Server()
            return cls._instance


def warm_up() -> None:
    """Start the training process ahead of the first run (call it from a
    thread: a new interpreter takes a few tenths of a second).  A process
    that cannot start is met again by the first run, which says so and
    trains in a thread instead: nothing to report from here."""
    try:
        _Server.get()
    except (OSError, RuntimeError):
        pass


class ProcessRun:
    """The window's handle on a run in the training process; the same
    interface as :class:`~bpsim.session.background.BackgroundRun`."""

    def __init__(self, session: Session, lock: threading.RLock, use_epsilon: bool = True,
                 limit: int | None = None):
        self.session = session
        self.lock = lock
        self.steps = 0
        self.stopped: StopReason | None = None
        self.error: str | None = None
        self._traced: TraceRecord | None = None
        self._done = False
        self._job = _Job(session.trainer.compiled.spec, session.dataset, session.state,
                         session.settings, use_epsilon, limit)
        self._server: _Server | None = None

    @staticmethod
    def usable(session: Session) -> bool:
        """The process knows only the settings in force now: after going back,
        with changes planned ahead, the run stays in the window's process."""
        return session.history.next_change_after(session.iteration) is None and \
            not session.diverged

    # --- the window's side ------------------------------------------------------

    def start(self) -> None:
        server = self._server = _Server.get()
        if server.current is not None and server.current.running:
            server.current.stop()       # one run at a time: the last one ends first
        server.current = self
        server.stop.clear()
        server.want_trace.set()
        server.jobs.send(self._job)

    @property
    def running(self) -> bool:
        return not self._done

    def reading(self):
        return self.lock

    def pump(self) -> None:
        """Record what the worker has sent.  Call it holding the lock."""
        results = self._server.results
        while not self._done and results.poll():
            self._receive_next()

    def take(self):
        """Record what has come, and hand over the traced step since the last
        call (or None): its micro-steps with the batch means of its numbers
        (the full trace is rebuilt when the run stops).  Ask for the next one."""
        self.pump()
        record, self._traced = self._traced, None
        if not self._done:
            self._server.want_trace.set()
        if record is None:
            return None
        # only the latest step sent is assembled: of two in a frame, one is shown
        return None, assemble(self.session.trainer.compiled, record)

    def stop(self) -> None:
        """Stop the run and record every step it took."""
        if self._done:
            return
        self._server.stop.set()
        with self.lock:
            while not self._done:
                if self._server.results.poll(0.05):
                    self._receive_next()
                elif not self._server.process.is_alive():
                    self._finish(StopReason.ERROR, "the training process ended unexpectedly")

    interrupt = stop

    # --- recording ------------------------------------------------------------------

    def _receive_next(self) -> None:
        try:
            message = self._server.results.recv()
        except (EOFError, OSError):
            self._finish(StopReason.ERROR, "the training process ended unexpectedly")
            return
        kind = message[0]
        if kind == "steps":
            _, costs, tests, packed, norms, epochs = message
            session = self.session
            count = len(costs)
            session.record_steps(costs.tolist(), [None] * count if tests is None else tests.tolist(),
                                 _unpack(packed, session.iteration + 1, session.history.every),
                                 [None] * count if norms is None else list(norms), epochs.tolist())
            self.steps += count
        elif kind == "trace":
            self._traced = message[1]
        elif kind == "diverged":
            self.session.diverged = True
        elif kind == "error":
            self.error = message[1]
        elif kind == "done":
            self._finish(message[1], None)

    def _finish(self, stopped: StopReason | None, error: str | None) -> None:
        self._done = True
        self.stopped = stopped
        if error is not None:
            self.error = error
            self.stopped = StopReason.ERROR
