"""Benchmark of long runs: what ``bpsim train`` and the window keep per step,
and whether a frame of Run costs more as the history grows.

What it measures, and why:

* **``bpsim train`` memory per step.**  ``max_steps`` may be huge (10^9); a
  run must not grow until memory runs out.  Each case runs ``bpsim train``
  in a fresh interpreter twice, for a short and a long step count, with its
  output to /dev/null, and reads the process's peak resident size
  (``VmHWM`` of ``/proc/self/status``) at exit; the growth per step is the
  difference over the difference in steps.  Cases: the one-weight regression
  example (no layers of neurons) as text and as JSON, XOR (two layers, so
  gradient norms per step) as JSON, and the circle example with its test
  split (a test cost per step) as JSON.

* **The window's history at 10^4, 10^5 and 10^6 iterations.**  A ``History``
  is filled with that many synthetic steps in batches, as a training
  process's steps are recorded (``History.extend``: a cost, a test cost, the
  state after it, two layers' gradient norms and the epoch, four steps an
  epoch), on a 100-parameter network.  The resident growth per iteration is
  printed (the last ``recent`` states are a fixed part of it, large at the
  smallest size: the largest size tells what an iteration costs).  Then a
  frame of Run is timed, as the window makes it at speed "max": record 100
  more steps, read what the status bar and the climbing-cost warning read
  (the cost of the iteration, its epoch, ``History.rise``), then
  ``LossPlot.refresh`` and a forced repaint of its plot (offscreen Qt).
  Medians over a few dozen frames per size, each part apart, the points
  handed to pyqtgraph, and the ratios of each size's frame, and of bpsim's
  part of it (all but Qt's painting), to the first size's, measured in this
  same run: a frame that does not depend on the history's length has ratios
  near 1.  The curve has the same shape at every size, so the paintings are
  alike (painting is the noisiest part on a shared machine).

* **The slower views at 10^4, 10^5 and 10^6 iterations.**  On the same kind
  of history, a frame records 100 steps and refreshes the gradient-flow plot
  (``GradientFlowPlot.refresh``) and the landscape (``LandscapePlot.refresh``:
  the descent path, the current point and the arrow; the grid itself is
  computed in a process of its own while the window runs on, so its request
  is dropped here), each repainted after.  Medians of each part, the points
  handed to pyqtgraph, and each refresh's ratio to the first size's, in this
  same run: a refresh that reads only what is new has ratios near 1.  And
  what the gradient flow keeps of its own once it has read the history
  (``tracemalloc``, per iteration: the fixed part dominates at 10^4, a copy
  of the norms would show at 10^6).  The window refreshes these views one
  frame in several while running; here every frame refreshes both, to time
  them.

``--quick`` does fewer steps and smaller sizes (rougher figures).
``--src DIR`` measures the bpsim package found in DIR instead (an older
checkout, say, for before-and-after figures).

    /work/venv/bin/python scripts/bench_long_run.py [--quick] [--src DIR]
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")     # before anything imports Qt
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import gc
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent

# The child runs bpsim's command line and reports its peak resident size.
CHILD = """\
import atexit, sys
sys.path.insert(0, {src!r})
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            sys.stderr.write("PEAK_KB " + line.split()[1] + "\\n")
atexit.register(peak)
from bpsim.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def rss_kb() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
    return 0


def train_peak_kb(src: str, path: Path, fmt: str, steps: int) -> tuple[int, float]:
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD.format(src=src), "train", str(path),
                           "--steps", str(steps), "--format", fmt],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks = [line for line in done.stderr.splitlines() if line.startswith("PEAK_KB")]
    if not peaks:
        raise RuntimeError(f"bpsim train failed ({done.returncode}): {done.stderr[-500:]}")
    return int(peaks[-1].split()[1]), time.perf_counter() - began


def bench_train(src: str, examples: Path, short: int, long: int) -> None:
    print(f"bpsim train: peak resident size after {short} and {long} steps")
    cases = [("single-weight-regression", "text"), ("single-weight-regression", "json"),
             ("xor-2-2-1", "json"), ("circle-with-test-split", "json")]
    for name, fmt in cases:
        path = examples / f"{name}.bpsim.json"
        small, _ = train_peak_kb(src, path, fmt, short)
        big, seconds = train_peak_kb(src, path, fmt, long)
        per_step = (big - small) * 1024 / (long - short)
        print(f"  {name:26s} {fmt:4s}  {small / 1024:7.1f} MB -> {big / 1024:7.1f} MB"
              f"   {per_step:7.1f} B/step   ({long / seconds:,.0f} steps/s)", flush=True)


# --- the window's history -------------------------------------------------------------

PARAMS = 100
LAYERS = 2
STEPS_PER_EPOCH = 4
BATCH = 10_000


def synthetic_steps(start: int, count: int, rng, length: int):
    """``count`` steps from step ``start`` + 1 on, as a training process sends
    them; a history ``length`` long makes the same picture at any length (so
    a frame paints as much)."""
    import numpy as np
    from bpsim.engine import TrainState
    from bpsim.engine.data import BatchPosition
    k = np.arange(start, start + count)
    costs = (0.2 + 1.0 / (1.0 + 20.0 * k / length) + 0.01 * rng.random(count)).tolist()
    tests = (0.3 + 1.0 / (1.0 + 10.0 * k / length) + 0.02 * rng.random(count)).tolist()
    theta = rng.standard_normal((count, PARAMS))
    # each state owns its parameters, as one the history keeps for good does
    states = [TrainState(theta[i].copy(), position=BatchPosition(int(e) // STEPS_PER_EPOCH, 0),
                         step=int(e) + 1) for i, e in enumerate(k)]
    # gradients vanishing as the cost falls, the first layer's a hundredth of
    # the last's, a little noise: as many decades on the log axis at any length
    fall = np.exp(-3.0 * k / length)[:, None] * np.logspace(-2, 0, LAYERS)
    norms = list(fall * (1.0 + 0.1 * rng.random((count, LAYERS))))
    epochs = (k // STEPS_PER_EPOCH).tolist()
    return costs, tests, states, norms, epochs


def filled_history(n: int, rng):
    import numpy as np
    from bpsim.engine import Settings, TrainState
    from bpsim.session import History
    h = History()
    h.start(TrainState(np.zeros(PARAMS)), Settings())
    done = 0
    while done < n:
        count = min(BATCH, n - done)
        h.extend(*synthetic_steps(done, count, rng, n))
        done += count
    return h


class LossPlotFrame:
    """One frame of Run, as the window makes it, for the loss curve."""

    def __init__(self, app, plot, session, length: int):
        self.app, self.plot, self.session, self.length = app, plot, session, length

    def __call__(self, rng, steps: int) -> dict[str, float]:
        session, h = self.session, self.session.history
        new = synthetic_steps(h.length, steps, rng, self.length)
        t0 = time.perf_counter()
        h.extend(*new)
        session.iteration = h.length
        t1 = time.perf_counter()
        # what the status bar and the warning under the curve read each frame
        costs = h.costs[:session.iteration]
        cost = costs[-1] if costs else None
        epoch = h.epochs[session.iteration - 1]
        rise = h.rise(session.iteration)
        t2 = time.perf_counter()
        self.plot.refresh(session)
        t3 = time.perf_counter()
        self.plot.plot.viewport().repaint()
        self.app.processEvents()
        t4 = time.perf_counter()
        assert cost is not None and epoch >= 0, (cost, epoch, rise)
        points = sum(len(c.xData) for c in (self.plot.train, self.plot.test, self.plot.epoch)
                     if c.xData is not None)
        return {"record": t1 - t0, "reads": t2 - t1, "plot": t3 - t2,
                "paint": t4 - t3, "frame": t4 - t0, "bpsim": t3 - t0, "points": points}


def bench_history(sizes: list[int], frames: int) -> None:
    import numpy as np
    from PySide6.QtWidgets import QApplication
    from bpsim.ui.plots.loss import LossPlot
    app = QApplication.instance() or QApplication([])
    print(f"\nthe window's history: {PARAMS} parameters, {LAYERS} layers, a test split, "
          f"{STEPS_PER_EPOCH} steps an epoch; a frame records 100 steps")
    print("  median ms a frame; bpsim = record + reads + plot (the rest is Qt painting the "
          "points handed to pyqtgraph); ratios against the first size")
    print(f"  {'iterations':>10s} {'B/iter':>7s} {'record':>7s} {'reads':>7s} {'plot':>7s} "
          f"{'paint':>7s} {'frame':>7s} {'points':>7s} {'ratio':>6s} {'bpsim':>6s}")
    first = None
    for n in sizes:
        rng = np.random.default_rng(n)
        gc.collect()
        before = rss_kb()
        h = filled_history(n, rng)
        gc.collect()
        per_iteration = (rss_kb() - before) * 1024 / n
        session = SimpleNamespace(history=h, iteration=h.length,
                                  trainer=SimpleNamespace(dataset=SimpleNamespace(test_count=10)))
        plot = LossPlot()
        plot.resize(700, 300)
        plot.show()
        app.processEvents()
        frame = LossPlotFrame(app, plot, session, n)
        for _ in range(3):
            frame(rng, 100)          # warm up: the first refresh reads the whole history
        parts = [frame(rng, 100) for _ in range(frames)]
        median = {k: statistics.median(p[k] for p in parts) * 1e3 for k in parts[0]}
        median["points"] = statistics.median(p["points"] for p in parts)
        first = first or median
        print(f"  {n:>10,d} {per_iteration:7.1f} {median['record']:7.3f} {median['reads']:7.3f} "
              f"{median['plot']:7.3f} {median['paint']:7.2f} {median['frame']:7.2f} "
              f"{median['points']:7.0f} {median['frame'] / first['frame']:6.2f} "
              f"{median['bpsim'] / first['bpsim']:6.2f}", flush=True)
        plot.close()
        plot.deleteLater()
        app.processEvents()
        del h, session, frame, plot
        gc.collect()


class ViewsFrame:
    """One frame of Run for the gradient flow and the landscape: the views
    read the window's workspace (a stand-in here: the history, the layers'
    and parameters' names, the current state and the next update)."""

    def __init__(self, app, gradients, landscape, workspace, length: int):
        self.app, self.gradients, self.landscape = app, gradients, landscape
        self.workspace, self.length = workspace, length

    def __call__(self, rng, steps: int) -> dict[str, float]:
        session = self.workspace.session
        h = session.history
        new = synthetic_steps(h.length, steps, rng, self.length)
        h.extend(*new)
        session.iteration, session.state = h.length, new[2][-1]
        t0 = time.perf_counter()
        self.gradients.refresh()
        t1 = time.perf_counter()
        self.gradients.plot.viewport().repaint()
        self.app.processEvents()
        t2 = time.perf_counter()
        self.landscape.refresh()
        t3 = time.perf_counter()
        self.landscape.plot.viewport().repaint()
        self.app.processEvents()
        t4 = time.perf_counter()
        flow = sum(len(c.xData) for c in self.gradients.curves if c.xData is not None)
        return {"gradients": t1 - t0, "gradients paint": t2 - t1,
                "landscape": t3 - t2, "landscape paint": t4 - t3,
                "flow points": flow, "path points": len(self.landscape.path.xData)}


def views_workspace(h):
    """What the two views read of the window's workspace, for ``h``."""
    import numpy as np
    from bpsim.engine import Settings
    names = [f"w:{k}" for k in range(PARAMS)]
    session = SimpleNamespace(
        history=h, iteration=h.length, state=h.nearest_state(h.length)[1],
        param_names=names, layer_names=["h1, h2", "o"], settings=Settings(),
        trainer=SimpleNamespace(compiled=SimpleNamespace(param_theta=np.arange(PARAMS))))

    def next_update():
        before = session.state.theta
        return names, before, before - 1e-3 * np.tanh(before)
    return SimpleNamespace(session=session, stepper=SimpleNamespace(next_update=next_update))


def bench_views(sizes: list[int], frames: int) -> None:
    import numpy as np
    from PySide6.QtWidgets import QApplication
    from bpsim.ui.plots.gradients import GradientFlowPlot
    from bpsim.ui.plots.landscape import LandscapePlot
    app = QApplication.instance() or QApplication([])
    print("\nthe gradient flow and the landscape: the same histories; a frame records 100 "
          "steps, then refreshes and repaints each view")
    print("  median ms; points handed to pyqtgraph; ratios of each refresh against the first "
          "size")
    print("  flow: the gradient flow's refresh, then its repaint, its points and the bytes it")
    print("  keeps an iteration; path: the landscape's refresh, then its repaint and points")
    print(f"  {'iterations':>10s} {'states':>7s} {'flow':>7s} {'paint':>7s} {'points':>7s} "
          f"{'B/iter':>7s} {'path':>7s} {'paint':>7s} {'points':>7s} {'flow':>6s} {'path':>6s}")
    first = None
    for n in sizes:
        rng = np.random.default_rng(n)
        gc.collect()
        h = filled_history(n, rng)
        workspace = views_workspace(h)
        window = SimpleNamespace(workspace=workspace, running=True)
        gradients, landscape = GradientFlowPlot(window), LandscapePlot(window)
        landscape._start = lambda request: None    # no grid: it is computed elsewhere
        for plot in (gradients, landscape):
            plot.resize(700, 300)
            plot.show()
        landscape.choose("w:0", "w:1")
        app.processEvents()
        # what the gradient flow keeps of its own once it has read the history
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        gradients.refresh()
        gc.collect()
        flow_kept = (tracemalloc.get_traced_memory()[0] - before) / n
        tracemalloc.stop()
        frame = ViewsFrame(app, gradients, landscape, workspace, n)
        for _ in range(3):
            frame(rng, 100)          # warm up: the first refresh reads the whole history
        parts = [frame(rng, 100) for _ in range(frames)]
        median = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
        for k in ("gradients", "gradients paint", "landscape", "landscape paint"):
            median[k] *= 1e3
        first = first or median
        print(f"  {n:>10,d} {h.kept():>7,d} {median['gradients']:7.3f} "
              f"{median['gradients paint']:7.2f} {median['flow points']:7.0f} {flow_kept:7.1f} "
              f"{median['landscape']:7.3f} {median['landscape paint']:7.2f} "
              f"{median['path points']:7.0f} {median['gradients'] / first['gradients']:6.2f} "
              f"{median['landscape'] / first['landscape']:6.2f}", flush=True)
        for plot in (gradients, landscape):
            plot.close()
            plot.deleteLater()
        app.processEvents()
        del h, workspace, window, frame, gradients, landscape
        gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short, rough run")
    parser.add_argument("--src", default=str(ROOT), help="where the bpsim package to measure is")
    parser.add_argument("--train-steps", type=int, default=1_000_000,
                        help="the long run's steps (the short one's: 20 000)")
    parser.add_argument("--skip-train", action="store_true", help="no bpsim train runs")
    parser.add_argument("--skip-history", action="store_true", help="no history frames")
    parser.add_argument("--skip-views", action="store_true",
                        help="no gradient-flow and landscape frames")
    args = parser.parse_args()
    src = str(Path(args.src).resolve())
    sys.path.insert(0, src)
    import bpsim
    print(f"bpsim from {Path(bpsim.__file__).parent}")
    examples = ROOT / "resources" / "examples"
    if not args.skip_train:
        short, long = (10_000, 100_000) if args.quick else (20_000, args.train_steps)
        bench_train(src, examples, short, long)
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    if not args.skip_history:
        bench_history(sizes, 10 if args.quick else 40)
    if not args.skip_views:
        bench_views(sizes, 10 if args.quick else 40)


if __name__ == "__main__":
    main()
