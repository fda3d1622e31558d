"""Run mode: the window trains, and shows a frame of it at the screen's pace.

At speed "max" the engine trains beside the window (a process of its own,
or a thread where no process can start) and each frame shows the latest
step it traced; at a set number of iterations a frame the window trains
them itself, then shows the last one.
"""
from __future__ import annotations

import gc
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..engine import StopReason, stop_reason
from ..session.background import BackgroundRun
from ..session.process_run import ProcessRun

# Run mode shows a frame this often: a little faster than a 60 Hz screen
# refreshes, so that, unsynchronized with it, no refresh finds the last
# frame again (and a frame that comes late still leaves one for the next).
FRAME_MS = 15


class Runner(QObject):
    """Run, Pause and the frames between.  It holds the workspace it trains
    (``follow``) and reaches the window only through what it is given: a
    way to say something in the status bar, to show a frame (under the
    workspace's lock) and to paint it, and the speed chosen."""

    #: True when a run starts, False when it stops
    running_changed = Signal(bool)

    def __init__(self, parent: QObject, say: Callable[[str, int], None],
                 show_frame: Callable[[], None], paint: Callable[[], None],
                 refresh: Callable[[], None], speed: Callable[[], int]):
        super().__init__(parent)
        self.workspace = None
        self._say, self._show_frame, self._paint = say, show_frame, paint
        self._refresh, self._speed = refresh, speed
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._background: BackgroundRun | ProcessRun | None = None
        self._process_problem: str | None = None     # why no training process could start
        self._restart = False        # a change interrupted the training process
        self._gc_threshold: tuple | None = None    # held while running

    def follow(self, workspace) -> None:
        """Train ``workspace`` from now on (the run of another one stops)."""
        self.stop()
        self.workspace = workspace
        workspace.before_session_change.append(self._interrupt)

    @property
    def stepper(self):
        return self.workspace.stepper if self.workspace is not None else None

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def timer(self) -> QTimer:
        """The frames' timer (a benchmark counts its ticks)."""
        return self._timer

    @property
    def background(self):
        """The run training beside the window (speed "max"), or None."""
        return self._background

    def toggle(self) -> None:
        if self.running:
            self.stop()
        elif self.stepper is not None:
            if not self.stepper.session.param_names:
                # a run would count iterations of the same numbers
                self._say(self.tr(
                    "Nothing to train: this network has no parameters (a circuit). → and ← "
                    "step through its passes."), 10000)
                self.running_changed.emit(False)
                return
            if self._steps_left() == 0:
                self._say(self.tr(
                    "Max steps ({0}) reached: raise or clear Max steps in the Training "
                    "settings to train on (→ still steps).").format(
                        self.workspace.session.settings.max_steps), 10000)
                self.running_changed.emit(False)
                return
            session = self.workspace.session
            if session.iteration < session.history.length:
                self.say_history_replaced(session.iteration, session.history.length)
            if self._speed() == 0:
                # as fast as it goes: the engine trains beside the window and
                # each frame shows the latest step
                self._background = self._start_run()
            self._hold_full_collections(True)
            self._timer.start()
            self.running_changed.emit(True)

    def stop(self) -> StopReason | None:
        """Pause; why a background run had stopped by itself, if it had."""
        stopped = None
        self._restart = False
        if self._timer.isActive():
            self._timer.stop()
            self._hold_full_collections(False)
            stopped = self._end_background()
            self.running_changed.emit(False)
            self._refresh()           # the text panels, paused while running
        return stopped

    def say_history_replaced(self, start: int, length: int, what: str = "") -> None:
        """Stepping on (or changing something) at a rewound iteration starts a
        new history there: the iterations recorded after it go."""
        first = start + 1
        dropped = (self.tr("the history's iteration {0} is dropped").format(first)
                   if first == length else
                   self.tr("the history's iterations {0}–{1} are dropped").format(first, length))
        self._say(self.tr(
            "{0} from iteration {1}: {2}; stepping or running on computes them again.")
            .format(what or self.tr("Training on"), first, dropped), 10000)

    def _hold_full_collections(self, hold: bool) -> None:
        """No full garbage collection while running: with a long history a
        pass over every object takes tens of ms, a stutter of several
        frames.  The young generations are still collected as usual; the
        old one waits for Pause."""
        if hold:
            self._gc_threshold = gc.get_threshold()
            gc.set_threshold(self._gc_threshold[0], self._gc_threshold[1], 1 << 30)
        elif self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None

    def _end_background(self) -> StopReason | None:
        """Stop the worker (never while holding the lock: it may be waiting for
        it) and show where the session stands; the reason it stopped, if any."""
        run, self._background = self._background, None
        if run is None:
            return None
        run.stop()
        stepper = self.stepper
        traced = run.take()
        if traced is not None:
            stepper.show_trace(traced[1])
        last = stepper.trace
        if run.stopped == StopReason.DIVERGED and not last.diverged:
            stepper.show_diverged()     # it diverged inside a chunk
        elif run.stopped != StopReason.DIVERGED and (last.step != stepper.session.iteration or
                                             isinstance(run, ProcessRun)):
            # the run went on past the last step shown, or that step came thinned
            # (batch means only): show where the session is, every sample
            stepper.after_run()
        if run.stopped == StopReason.ERROR:
            self._say(self.tr("Training stopped: {0}").format(run.error), 10000)
        return run.stopped

    def _tick(self) -> None:
        if self._background is not None:
            self._background_tick()
        else:
            self._paced_tick()

    def _steps_left(self) -> int | None:
        """How many iterations Run may still take: up to the settings' max
        steps, counted from the start (None: no limit)."""
        session = self.workspace.session
        limit = session.settings.max_steps if session is not None else None
        return None if limit is None else max(0, limit - session.iteration)

    def _new_run(self):
        """A training process where it can take the run (the settings in
        force now are all it needs to know), else a worker thread."""
        session = self.workspace.session
        if ProcessRun.usable(session) and self._process_problem is None:
            return ProcessRun(session, self.workspace.lock, limit=self._steps_left())
        return BackgroundRun(session, self.workspace.lock, limit=self._steps_left())

    def _start_run(self):
        run = self._new_run()
        try:
            run.start()
        except (OSError, RuntimeError) as exc:
            # No training process (a system out of processes, an embedding
            # program without a main guard): the run trains in a thread of
            # this one instead, a little slower, and later runs do too.
            self._process_problem = str(exc).strip().splitlines()[0] if str(exc).strip() \
                else type(exc).__name__
            self._say(self.tr(
                "Training in the window's process: the training process could not start "
                "({0}).").format(self._process_problem), 10000)
            run = self._new_run()
            run.start()
        return run

    def _interrupt(self) -> None:
        """A change is about to reach the session: the training process
        records its steps and stops; the next frame starts it anew."""
        run = self._background
        if isinstance(run, ProcessRun) and run.running:
            run.interrupt()
            self._restart = True

    def _background_tick(self) -> None:
        """Show the latest step the worker traced, with its numbers."""
        run = self._background
        if not run.running and self._restart and run.stopped is None:
            self._restart = False
            if self.workspace.session is None:      # the edit left the network incomplete
                self.stop()
                return
            with run.reading():
                traced = run.take()
                if traced is not None:
                    self.stepper.show_trace(traced[1])
            self._background = run = self._start_run()
        if not run.running:
            stopped = self.stop()
            if stopped not in (None, StopReason.ERROR):
                self._say_why_stopped(stopped)
            return
        with run.reading():
            traced = run.take()
            if traced is not None:
                self.stepper.show_trace(traced[1])
            self._show_frame()
        self._paint()            # painting, beside the training

    def _say_why_stopped(self, stopped: StopReason) -> None:
        self._say({
            StopReason.DIVERGED: self.tr("Diverged: training stopped at the last finite "
                                         "parameters."),
            StopReason.EPSILON: self.tr("Converged: the update was smaller than epsilon."),
            StopReason.MAX_STEPS: self.tr("Stopped after max steps ({0}).").format(
                self.workspace.session.settings.max_steps),
        }[stopped], 10000)

    def _paced_tick(self) -> None:
        """A set number of iterations a frame (the speed control): train them,
        then show the last one taken, with its numbers."""
        stepper = self.stepper
        if stepper is None:
            self.stop()
            return
        session = stepper.session
        left = self._steps_left()
        if left == 0:
            self.stop()
            self._say_why_stopped(StopReason.MAX_STEPS)
            return
        steps = self._speed() if left is None else min(self._speed(), left)
        stopped = None
        if steps > 1:
            run = session.train(steps - 1)
            if run.stopped != StopReason.MAX_STEPS:
                stopped = run.stopped
        if stopped == StopReason.DIVERGED:
            stepper.show_diverged()
        elif stopped == StopReason.EPSILON:
            stepper.after_run()     # met inside the run
        else:
            result, trace = session.step_traced()   # the frame shows this step's numbers
            stepper.show_trace(trace)
            stopped = stop_reason(result, session.settings.epsilon, self._steps_left())
        if stopped is not None:
            self.stop()
            self._say_why_stopped(stopped)
        self._refresh()

