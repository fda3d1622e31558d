"""Benchmark of the bpsim window: how responsive stepping, running and starting are.

What it measures, and why:

* **Micro-step latency, repaint included.**  A lecture walks a network one
  node at a time (→ or PageDown); each press must show its numbers at once.
  The XOR example and net B of ``bench_engine.py`` (2-8-8-1, tanh hidden,
  sigmoid out, 1000 rows, full batch, mse, gd, lr 0.1, written as a file with
  its ``network_document()``) are opened in a ``MainWindow`` shown at
  1400x900.  One timed micro-step is ``window.step("forward")``, then
  ``QApplication.processEvents()`` (the queued scene and layout updates, and
  the partial repaint they ask for), then ``window.repaint()`` (a forced,
  synchronous repaint of the whole window).  Median and p95 over a few
  hundred micro-steps, after a short warm-up, with the time split into the
  three parts.

* **Run mode** (Space) on net B, at speed "max" (as many iterations per
  frame as fit the window's training budget): the application's own event
  loop runs for a few seconds.  Frames are the ``QEvent.Paint`` events of the
  canvas viewport; training steps are the session's iteration count.  The
  frame rate (mean, and the lowest over any 0.5 s window) shows whether the
  canvas animates smoothly; the training rate is compared with the headless
  engine's on the same net in this same process (``Trainer.run`` from a
  ``Session``, as ``bench_engine.py`` measures it).  The default speed of one
  iteration per frame is run too, for information.

* **Cold start**: from launching a fresh interpreter to the first ``Paint``
  event of the main window, for a runner that starts the app as ``bpsim``
  does (``MainWindow``, the XOR example, 1400x900), against a bare
  ``QMainWindow`` holding one pyqtgraph ``PlotWidget``, measured the same way
  and interleaved with it; median of several launches each, after one
  unmeasured launch of each to warm the file cache.  The bpsim runner also
  reports whether torch was loaded: bpsim must never import it.

Everything runs under ``QT_QPA_PLATFORM=offscreen`` (set here, before Qt is
imported) with BLAS pinned to one thread (environment variables for this
process and its children, and bpsim's own ``pin_blas_to_one_thread``), so the
figures are per core and need no display.  Net B, its data and the timing
helpers come from ``scripts/bench_engine.py``, loaded with torch hidden so
this process never imports it.  Settings go to a temporary ini file, and the
"save changes?" question is answered Discard.

The last lines are one per target: ``target NAME: FIGURE UNIT (goal OP VALUE)
ok`` or ``... MISS``.  ``--quick`` does a short smoke run (fewer micro-steps,
a shorter run, fewer launches); its figures are rougher.

    .venv/bin/python scripts/bench_gui.py [--quick]
"""
from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"        # before anything imports Qt
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"                         # before numpy loads its BLAS

import argparse
import bisect
import importlib.util
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from threadpoolctl import threadpool_info

from bpsim.engine.threads import pin_blas_to_one_thread
from bpsim.paths import examples_dir
from bpsim.ui.main_window import MainWindow

SCRIPTS = Path(__file__).resolve().parent
XOR = examples_dir() / "xor-2-2-1.bpsim.json"
WINDOW_SIZE = (1400, 900)
WARMUP_MICRO_STEPS = 20
FRAME_WINDOW_S = 0.5


# --- net B, from bench_engine.py -------------------------------------------------

def load_bench_engine():
    """scripts/bench_engine.py as a module, with torch hidden: it imports torch
    when it can, and this process must not (bpsim never does)."""
    hidden = "torch" not in sys.modules
    if hidden:
        sys.modules["torch"] = None          # makes ``import torch`` raise ImportError
    try:
        spec = importlib.util.spec_from_file_location("bench_engine", SCRIPTS / "bench_engine.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module      # its dataclasses look themselves up there
        spec.loader.exec_module(module)
    finally:
        if hidden:
            del sys.modules["torch"]
    return module


def net_b(bench):
    spec = next(net for net in bench.NETS if net.name == "B")
    x, t = bench.make_data(spec)
    return spec, x, t


def write_net_b(bench, folder: Path) -> Path:
    """Net B as a bpsim file: every edge, no weights (drawn from the seed)."""
    spec, x, t = net_b(bench)
    path = folder / "bench-B.bpsim.json"
    path.write_text(json.dumps(bench.network_document(spec, x, t)), encoding="utf-8")
    return path


def headless_rate(bench, target_s: float, repeats: int) -> float:
    """Net B's steps/s with Trainer.run from a Session, as bench_engine.py does."""
    spec, x, t = net_b(bench)
    return bench.measure(bench.bpsim_runner(bench.build_bpsim(spec, x, t)),
                         target_s, repeats).rate


# --- the window -------------------------------------------------------------------

def quiet_offscreen_chatter() -> None:
    """Drop the offscreen plugin's "This plugin does not support ..." warnings
    (not a bpsim problem, as pyproject's qt_log_ignore says); print the rest."""
    def handler(mode, context, message: str) -> None:
        if not message.startswith("This plugin does not support"):
            print(message, file=sys.stderr)
    qInstallMessageHandler(handler)


def make_window(folder: Path) -> MainWindow:
    """A main window shown at 1400x900, settings in a temporary ini file."""
    settings = QSettings(str(folder / "bpsim.ini"), QSettings.IniFormat)
    window = MainWindow(settings)
    window.ask_to_save = lambda: QMessageBox.Discard     # never a blocking dialog
    window.resize(*WINDOW_SIZE)
    window.show()
    if not QTest.qWaitForWindowExposed(window):
        raise RuntimeError("the window was never exposed")
    return window


def open_network(app: QApplication, window: MainWindow, path: Path) -> None:
    if not window.open_path(path, quiet=True):
        raise RuntimeError(f"cannot open {path}: {window.last_error}")
    app.processEvents()
    window.repaint()


class PaintClock(QObject):
    """Records the time of every Paint event (or other ``kind``) of a widget."""

    def __init__(self, widget, kind=QEvent.Paint):
        super().__init__()
        self.times: list[float] = []
        self.widget = widget
        self.kind = kind
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == self.kind:
            self.times.append(time.perf_counter())
        return False

    def close(self) -> None:
        self.widget.removeEventFilter(self)


# --- 1. micro-step latency ------------------------------------------------------

@dataclass
class Latency:
    step: list[float]          # window.step("forward"), seconds
    events: list[float]        # QApplication.processEvents()
    repaint: list[float]       # window.repaint()
    viewport_paints: int       # canvas Paint events seen in the timed micro-steps

    @property
    def total(self) -> list[float]:
        return [a + b + c for a, b, c in zip(self.step, self.events, self.repaint)]


def micro_step_latency(app: QApplication, window: MainWindow, steps: int) -> Latency:
    """Time ``steps`` micro-steps, each shown in full, after a warm-up."""
    clock = PaintClock(window.view.viewport())
    out = Latency([], [], [], 0)
    for i in range(WARMUP_MICRO_STEPS + steps):
        if i == WARMUP_MICRO_STEPS:
            clock.times.clear()
        t0 = time.perf_counter()
        window.step("forward")
        t1 = time.perf_counter()
        app.processEvents()
        t2 = time.perf_counter()
        window.repaint()
        t3 = time.perf_counter()
        if i >= WARMUP_MICRO_STEPS:
            out.step.append(t1 - t0)
            out.events.append(t2 - t1)
            out.repaint.append(t3 - t2)
    out.viewport_paints = len(clock.times)
    clock.close()
    return out


def median_ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def p95_ms(values: list[float]) -> float:
    return 1000 * statistics.quantiles(values, n=100, method="inclusive")[94]


def describe_latency(name: str, lat: Latency, window: MainWindow) -> str:
    st = window.stepper
    parts = ", ".join(f"{label} {median_ms(v):.2f}/{p95_ms(v):.2f}"
                      for label, v in (("step", lat.step), ("processEvents", lat.events),
                                       ("repaint", lat.repaint)))
    return (f"  {name}: {len(lat.total)} micro-steps ({st.total} per iteration, reached "
            f"iteration {st.iteration}); median {median_ms(lat.total):.2f} ms, "
            f"p95 {p95_ms(lat.total):.2f} ms, max {1000 * max(lat.total):.2f} ms\n"
            f"    median/p95 ms by part: {parts}; canvas paints {lat.viewport_paints}")


# --- 2. run mode ---------------------------------------------------------------

@dataclass
class RunFigures:
    seconds: float
    frames: list[float]        # canvas Paint times, relative to the start
    ticks: int                 # run-timer timeouts (_run_tick calls)
    window_passes: int         # UpdateRequest events of the window: its paint passes
    steps: int                 # training iterations done

    @property
    def fps(self) -> float:
        return len(self.frames) / self.seconds

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.seconds

    def min_fps(self, window_s: float = FRAME_WINDOW_S, stride_s: float = 0.01) -> float:
        """The fewest frames in any ``window_s`` window (slid by ``stride_s``), per second."""
        if self.seconds < window_s:
            return self.fps
        counts = []
        start = 0.0
        while start + window_s <= self.seconds + 1e-9:
            counts.append(bisect.bisect_left(self.frames, start + window_s)
                          - bisect.bisect_left(self.frames, start))
            start += stride_s
        return min(counts) / window_s


def run_mode(app: QApplication, window: MainWindow, seconds: float, speed: int) -> RunFigures:
    """Space pressed, the app's event loop for ``seconds``, Space again."""
    window.step("reset")
    window.speed.setValue(speed)
    app.processEvents()
    session = window.workspace.session
    clock = PaintClock(window.view.viewport())
    passes = PaintClock(window, QEvent.UpdateRequest)
    ticks = []

    def count_tick() -> None:
        ticks.append(time.perf_counter())
    window._run_timer.timeout.connect(count_tick)
    stopped = {}

    def stop() -> None:
        stopped["t"] = time.perf_counter()
        window.stop_running()
        app.exit(0)       # not quit(): in Qt 6 that also closes the windows

    first_iteration = session.iteration
    QTimer.singleShot(round(seconds * 1000), stop)
    start = time.perf_counter()
    window.toggle_run()
    app.exec()
    window._run_timer.timeout.disconnect(count_tick)
    clock.close()
    passes.close()
    frames = [t - start for t in clock.times if t <= stopped["t"]]
    return RunFigures(stopped["t"] - start, frames, len(ticks),
                      sum(t <= stopped["t"] for t in passes.times),
                      window.workspace.session.iteration - first_iteration)


def describe_budget() -> str:
    budget = getattr(sys.modules[MainWindow.__module__], "RUN_BUDGET_S", None)
    return "unknown" if budget is None else f"{1000 * budget:g} ms"


def describe_run(label: str, run: RunFigures, headless: float | None) -> str:
    line = (f"  {label}: {run.seconds:.2f} s, {len(run.frames)} canvas frames = {run.fps:.1f}/s "
            f"(lowest over a {FRAME_WINDOW_S:g} s window {run.min_fps():.1f}/s), "
            f"{run.ticks} run ticks, {run.window_passes} window paint passes, "
            f"{run.steps} steps = {run.steps_per_s:.1f} steps/s")
    if headless:
        line += f" = {run.steps_per_s / headless:.3f} of headless"
    return line


# --- 3. cold start ---------------------------------------------------------------

RUNNER = r'''
"""Start a window in a fresh interpreter; print when its first Paint arrived."""
import json, os, sys, time
now = lambda: time.clock_gettime(time.CLOCK_MONOTONIC)
kind, example, ini = sys.argv[1:4]
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
times = {}

class FirstPaint(QObject):
    """The first Paint event of the window or any widget in it."""
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint and "paint" not in times and \
                obj.isWidgetType() and obj.window() is window:
            times["paint"] = now()
            QTimer.singleShot(0, done)     # runs once this frame is painted and shown
        return False

def done():
    times["frame"] = now()
    times["torch"] = "torch" in sys.modules
    print(json.dumps(times), flush=True)
    os._exit(0)

if kind == "bpsim":          # as bpsim.ui.app.run_gui starts the app
    from bpsim.engine.threads import pin_blas_to_one_thread
    from bpsim.ui.main_window import MainWindow
    pin_blas_to_one_thread()
    app = QApplication(sys.argv[:1])
    app.setApplicationName("bpsim")
    app.setOrganizationName("bpsim")
    window = MainWindow(QSettings(ini, QSettings.IniFormat))
    window.open_path(example)
else:                        # the yardstick: a bare window with one plot
    import pyqtgraph as pg
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(pg.PlotWidget())
window.resize(1400, 900)
watcher = FirstPaint()
app.installEventFilter(watcher)
window.show()
app.exec()
'''


@dataclass
class Launch:
    paint: float               # s from launch to the window's first Paint event
    frame: float               # s from launch to that first frame done
    torch: bool


def launch(runner: Path, kind: str, folder: Path) -> Launch:
    ini = folder / f"cold-{kind}-{time.monotonic_ns()}.ini"     # fresh settings each time
    start = time.clock_gettime(time.CLOCK_MONOTONIC)
    done = subprocess.run([sys.executable, str(runner), kind, str(XOR), str(ini)],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"cold-start runner ({kind}) failed:\n{done.stderr}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return Launch(times["paint"] - start, times["frame"] - start, times["torch"])


def cold_starts(folder: Path, runs: int) -> dict[str, list[Launch]]:
    """``runs`` launches of each kind, interleaved, after one unmeasured each."""
    runner = folder / "cold_start_runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    out: dict[str, list[Launch]] = {"bpsim": [], "bare": []}
    for i in range(runs + 1):
        for kind in out:
            result = launch(runner, kind, folder)
            if i:
                out[kind].append(result)
    return out


def describe_cold(kind: str, runs: list[Launch]) -> str:
    paints = [r.paint for r in runs]
    return (f"  {kind:5}: first Paint of the window {1000 * statistics.median(paints):.0f} ms "
            f"median (min {1000 * min(paints):.0f}, max {1000 * max(paints):.0f}); that first "
            f"frame done {1000 * statistics.median(r.frame for r in runs):.0f} ms median")


# --- report ----------------------------------------------------------------------

def target(name: str, figure: float, unit: str, op: str, goal: float, fmt: str = ".2f") -> str:
    met = {">=": figure >= goal, "<=": figure <= goal, "==": figure == goal}[op]
    return (f"target {name}: {figure:{fmt}} {unit} (goal {op} {goal:g}) "
            f"{'ok' if met else 'MISS'}")


def describe_threads() -> str:
    libs = ", ".join(f"{p['internal_api']} ({p['num_threads']} thread)" for p in threadpool_info())
    return f"threads: bpsim pin_blas_to_one_thread() -> {libs or 'no BLAS found'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: fewer micro-steps, a shorter run, fewer launches")
    args = parser.parse_args(argv)
    micro_steps, run_s, launches = (60, 1.0, 3) if args.quick else (300, 3.0, 5)
    repeats, target_s = (3, 0.1) if args.quick else (5, 0.4)

    pin_blas_to_one_thread()
    quiet_offscreen_chatter()
    bench = load_bench_engine()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"bpsim GUI benchmark ({'quick' if args.quick else 'full'})")
    print(f"python {platform.python_version()}, PySide6 {PYSIDE_VERSION}, Qt platform "
          f"{app.platformName()}, {platform.machine()}, {os.cpu_count()} cores")
    print(describe_threads())
    print()

    with tempfile.TemporaryDirectory(prefix="bpsim-bench-gui-") as tmp:
        folder = Path(tmp)
        net_b_path = write_net_b(bench, folder)
        window = make_window(folder)
        print(f"1. micro-step latency, window {window.width()}x{window.height()}: one micro-step "
              f"= window.step('forward') + QApplication.processEvents() + window.repaint() "
              f"(synchronous, whole window); {WARMUP_MICRO_STEPS} warm-up micro-steps first")
        latency = {}
        for name, path in (("xor", XOR), ("net-B", net_b_path)):
            open_network(app, window, path)
            latency[name] = micro_step_latency(app, window, micro_steps)
            print(describe_latency(name, latency[name], window))
        print()

        headless = headless_rate(bench, target_s, repeats)
        print(f"2. run mode on net B ({net_b(bench)[0].describe()}), the app's event loop "
              f"(app.exec()), frames = Paint events of the canvas viewport; run timer "
              f"{window._run_timer.interval()} ms, training budget per tick "
              f"{describe_budget()}")
        print(f"  headless: Trainer.run from a Session, {headless:.1f} steps/s "
              f"(median of {repeats} repeats of ~{target_s:g} s)")
        runs = {}
        for speed, label in ((0, "speed max"), (1, "speed 1 it/frame")):
            runs[speed] = run_mode(app, window, run_s, speed)
            print(describe_run(label, runs[speed], headless))
        window.close()
        window.settings.sync()       # written now, not into the removed folder at exit
        print()

        print(f"3. cold start: launch of a fresh interpreter to the first Paint event of the "
              f"window, median of {launches} each, interleaved, after one warm-up launch each")
        cold = cold_starts(folder, launches)
        for kind, results in cold.items():
            print(describe_cold(kind, results))
        torch_loaded = any(r.torch for r in cold["bpsim"])
        print(f"  torch in sys.modules of the bpsim runner: {'yes' if torch_loaded else 'no'}")
        print()

    bpsim_s = statistics.median(r.paint for r in cold["bpsim"])
    bare_s = statistics.median(r.paint for r in cold["bare"])
    run = runs[0]
    for name, lat in latency.items():
        print(target(f"{name}-micro-step-median", median_ms(lat.total), "ms", "<=", 8))
        print(target(f"{name}-micro-step-p95", p95_ms(lat.total), "ms", "<=", 16))
    print(target("run-frames-mean", run.fps, "frames/s", ">=", 60, ".1f"))
    print(target("run-frames-min-0.5s", run.min_fps(), "frames/s", ">=", 30, ".1f"))
    print(target("run-training-vs-headless", run.steps_per_s / headless, "x", ">=", 0.5, ".3f"))
    print(target("cold-start-vs-bare", bpsim_s / bare_s, "x", "<=", 1.3))
    print(target("cold-start-without-torch", float(torch_loaded), "loaded", "==", 0, ".0f"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
