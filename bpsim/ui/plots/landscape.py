"""The loss landscape of two parameters, with the path gradient descent took.

The cost over a grid around the two parameters' current values (the others
held where they are) as a heatmap with contour lines, the path of the two
over the history, the current point, and the arrow to where the next step
lands.  The grid is computed in a process of its own, waited for on a
worker thread; the newest request wins.
"""
from __future__ import annotations

import time
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, \
    QSpinBox, QVBoxLayout, QWidget

from ...engine.landscape import contour_lines
from ...session.events import Watch
from ...session.grid_process import abandon_grids, grid_surface
from .. import style
from .views import DRAW_LIMIT, Marker, drawable, image_item, param_title, plot_widget, set_titles, \
    status_line


PATH_DOTS = 300     # the path's points get a dot each up to this many
PATH_POINTS = 800   # points of the path drawn at most
RUN_GRID_INTERVAL_S = 1.0
RUN_GRID_POINTS = 30        # grid points per axis at most while running


class _Done(QObject):
    finished = Signal(object, object)    # (request, grid) — delivered on the UI thread


class GridJob(QRunnable):
    """The cost over a grid, away from the UI thread (and from its
    interpreter: see ``grid_process``).  It only reads the trainer's compiled
    network and data, which never change."""

    def __init__(self, request: dict, done: _Done):
        super().__init__()
        self.request = request
        self.done = done

    def run(self) -> None:
        r = self.request
        try:
            # in the grid process: this thread only waits for it
            found = grid_surface(r["trainer"], r["theta"], r["settings"], r["names"],
                                 r["values"])
            grid = found.grid
            r["shown"], r["contours"] = contour_path(found.shown, found.logged, found.x, found.y)
        except Exception as exc:   # reported in the dock, never a crash of the app
            grid = exc
        try:
            self.done.finished.emit(self.request, grid)
        except RuntimeError:      # the window closed meanwhile: no one to show it to
            pass


def contours(grid: np.ndarray):
    """(what the image shows, one QPainterPath of its 10 contour lines in
    image pixel coordinates)."""
    return contour_path(*contour_lines(grid))


def contour_path(finite, logged, x, y):
    """The lines as one path: the image's pixel (i, j) holds finite[j, i],
    its centre at (i + 0.5, j + 0.5)."""
    return (finite, logged), pg.arrayToQPath(x + 0.5, y + 0.5, connect="pairs")


def auto_range(centre: float, path: np.ndarray, step: float) -> tuple[float, float]:
    """A window that holds the path and the next step, at least ±1 wide
    (within ±2·DRAW_LIMIT: a weight typed as 1e308 has no finite window
    around it otherwise)."""
    centre = float(drawable(centre))
    if not np.isfinite(centre):
        centre = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        far = drawable(np.abs(path - centre)) if len(path) else np.zeros(0)
        spread = np.nanmax([1.0, 1.3 * np.nanmax(far) if np.isfinite(far).any() else 1.0,
                            3.0 * float(drawable(abs(step)))])
    spread = min(float(spread), DRAW_LIMIT)
    return centre - spread, centre + spread


class DescentPath:
    """Two parameters at every state a history keeps, in the order of the
    iterations, kept up to date a frame at a time: a frame reads the states
    kept since the last and checks the few that fell far enough behind to be
    thinned out (``History.settled``), not every state of a long history
    (some 12 000 at a million iterations).  Anything else that forgets states
    (``thin``) leaves a count that no longer matches: ``update`` says so, and
    the path is read again."""

    def __init__(self, history, positions: tuple[int, int]):
        self._history = weakref.ref(history)     # a path keeps no run alive
        self.version = history.version
        self.positions = positions
        kept = sorted(history.kept_items(), key=lambda item: item[0])
        self._k = np.zeros(max(len(kept), 64), dtype=np.int64)     # room to grow
        self._xy = np.zeros((len(self._k), 2))
        self._n = 0
        self._newest = None                # the state of the last point
        self._append(kept)
        self._settled = history.settled()  # the states up to here stay as they are

    def follows(self, history) -> bool:
        """Whether this is ``history``'s path, as far as it was read (no step
        forgotten since, no new start)."""
        return self._history() is history and history.version == self.version

    def update(self, history) -> bool:
        """Take in the states kept since the last update and drop those
        thinned out since; False if the states no longer add up (they were
        forgotten some other way: read the path again)."""
        settled = history.settled()
        if settled > self._settled:
            self._drop_thinned(history, settled)
        newest = int(self._k[self._n - 1]) if self._n else 0
        fresh = history.kept_from(newest)
        if self._n and fresh and fresh[0][0] == newest:
            if fresh[0][1] is self._newest:
                del fresh[0]          # read already
            else:                     # replaced: a value set by hand at that iteration
                self._n -= 1
        self._append(fresh)
        return self._n == history.kept()

    def up_to(self, iteration: int) -> np.ndarray:
        """The points of the states after at most ``iteration`` steps."""
        return self._xy[:int(np.searchsorted(self._k[:self._n], iteration, side="right"))]

    def _append(self, kept: list) -> None:
        if not kept:
            return
        n, end = self._n, self._n + len(kept)
        if end > len(self._k):
            size = max(end, len(self._k) * 3 // 2)
            self._k = np.resize(self._k, size)
            self._xy = np.resize(self._xy, (size, 2))
        a, b = self.positions
        self._k[n:end] = [k for k, _ in kept]
        self._xy[n:end] = [(state.theta[a], state.theta[b]) for _, state in kept]
        self._n = end
        self._newest = kept[-1][1]

    def _drop_thinned(self, history, settled: int) -> None:
        """Forget the points of the states thinned out as they fell from
        after ``self._settled`` to ``settled`` or before."""
        k = self._k[:self._n]
        lo = int(np.searchsorted(k, self._settled, side="right"))
        hi = int(np.searchsorted(k, settled, side="right"))
        self._settled = settled
        gone = [i for i in range(lo, hi) if not history.has_state(int(k[i]))]
        if gone:
            keep = np.ones(self._n - lo, dtype=bool)
            keep[np.array(gone) - lo] = False
            end = lo + int(keep.sum())
            self._k[lo:end] = self._k[lo:self._n][keep]
            self._xy[lo:end] = self._xy[lo:self._n][keep]
            self._n = end


class LandscapePlot(QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.a, self.b = QComboBox(), QComboBox()
        for combo in (self.a, self.b):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.resolution = QSpinBox()
        self.resolution.setRange(10, 200)
        self.resolution.setValue(60)
        self.resolution.setToolTip(self.tr("Grid points per axis"))
        self.auto = QCheckBox(self.tr("auto range"))
        self.auto.setChecked(True)
        self.ranges = [QDoubleSpinBox() for _ in range(4)]
        for spin, tip in zip(self.ranges, ("x from", "x to", "y from", "y to")):
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(4)
            spin.setToolTip(self.tr(tip))
            spin.setMinimumWidth(50)
            spin.setEnabled(False)
            spin.editingFinished.connect(self.request)
        # the range boxes only while the range is the user's: on a small
        # screen their row took a third of the plot's height
        self.auto.toggled.connect(lambda on: ([s.setEnabled(not on) for s in self.ranges],
                                              self.range_row.setVisible(not on)))
        self.auto.toggled.connect(lambda _: self.request())
        for w in (self.a, self.b):
            w.activated.connect(lambda _: self.choose(self.a.currentText(),
                                                      self.b.currentText()))
        self.resolution.editingFinished.connect(self.request)

        self.plot = plot_widget(grid=False)
        self.image = image_item("viridis")
        self.plot.addItem(self.image)
        self.plot.plotItem.vb.disableAutoRange()     # the range is the grid's (_show_range)
        self.contours: list[pg.IsocurveItem] = []
        self.path = self.plot.plot(pen=pg.mkPen("w", width=2), symbol="o", symbolSize=4,
                                   symbolBrush="w", symbolPen=None)
        self._path_symbols = True
        self.point = Marker(14, style.CURRENT)
        self.plot.addItem(self.point)
        self.arrow_line = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=3))
        self.arrow = pg.ArrowItem(pen=pg.mkPen(style.FORWARD), brush=pg.mkBrush(style.FORWARD),
                                  headLen=16)
        self.plot.addItem(self.arrow)
        self.status = status_line(QLabel())

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("x:")))
        top.addWidget(self.a, 1)
        top.addWidget(QLabel(self.tr("y:")))
        top.addWidget(self.b, 1)
        top.addWidget(self.resolution)
        # the status beside "auto range", not under it: at 1024x768 a row of
        # its own left the heatmap 60 px high
        bottom = QHBoxLayout()
        bottom.addWidget(self.auto, 0, Qt.AlignTop)
        bottom.addWidget(self.status, 1)
        # the range boxes in a row of their own, shown only while the range
        # is the user's
        self.range_row = QWidget()
        row = QHBoxLayout(self.range_row)
        row.setContentsMargins(0, 0, 0, 0)
        for spin in self.ranges:
            row.addWidget(spin)
        row.addStretch(1)
        self.range_row.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.range_row)
        layout.addLayout(bottom)

        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.done = _Done()
        self.done.finished.connect(self._on_grid)
        self.busy = False
        self.pending: dict | None = None
        self.stopped = False         # its window closed: no grid is started
        self.last_request: dict | None = None
        self.grid: np.ndarray | None = None
        self._names: tuple = ()
        self._labelled: tuple = ()
        self._view_rect: tuple | None = None
        self._range: tuple | None = None
        self._computed_at: tuple | None = None
        self._shown: tuple | None = None
        # what moves the surface (the other parameters, the cost), and what
        # moves the path and the point on it
        self._surface_moved = Watch("iteration_changed", "settings_changed", "rebuilt")
        self._generation = 0       # of the surface: counts its moves
        self._path_moved = Watch("iteration_changed", "history_changed", "rebuilt")
        self._started = 0.0
        self._path: DescentPath | None = None
        self._runs: list = []              # kept runs to draw (set_runs)
        self._runs_drawn: tuple | None = None
        self._run_items: list = []

    # --- choosing -------------------------------------------------------------------

    def set_names(self, names: list[str]) -> None:
        if tuple(names) == self._names:
            return
        self._names = tuple(names)
        for combo, k in ((self.a, 0), (self.b, 1)):
            keep = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentText(keep if keep in names else names[min(k, len(names) - 1)]
                                 if names else "")
            combo.blockSignals(False)
        self._range = None

    def choose(self, a: str, b: str) -> None:
        """Pick the two parameters (from the parameter table, or two edges)."""
        self.a.setCurrentText(a)
        self.b.setCurrentText(b)
        self._range = None           # a new pair: the range fits it anew
        self._shown = None           # (also when the pair was already shown)
        self.refresh()

    # --- computing -------------------------------------------------------------------

    def request(self, force_range: bool = False) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            return
        session = ws.session
        names = (self.a.currentText(), self.b.currentText())
        if len(set(names)) < 2 or "" in names:
            self.status.setText(self.tr("Pick two different parameters (a model with one "
                                        "parameter: see the tangent view)."))
            return
        here, step = self.next_step(ws.stepper, names)
        path = self.path_points(session, names)
        if self.auto.isChecked():
            if force_range or self._range is None or not self._inside(here + step):
                lo_a, hi_a = auto_range(here[0], path[:, 0], step[0])
                lo_b, hi_b = auto_range(here[1], path[:, 1], step[1])
                self._range = (lo_a, hi_a, lo_b, hi_b)
                for spin, v in zip(self.ranges, self._range):
                    spin.blockSignals(True)
                    spin.setValue(v)
                    spin.blockSignals(False)
        else:
            self._range = tuple(s.value() for s in self.ranges)
        self._show_range(self._range)
        n = self.resolution.value()
        if self.window.running:
            # a coarser grid while training runs (a quarter of the passes at
            # 60): the surface moves under the path once a second, and the
            # chosen resolution comes back with Pause
            n = min(n, RUN_GRID_POINTS)
        lo_a, hi_a, lo_b, hi_b = self._range
        if self._surface_moved.changed(ws.events):
            self._generation += 1
        request = {"trainer": session.trainer, "theta": session.state.theta.copy(),
                   "settings": session.settings, "names": names,
                   "values": (np.linspace(lo_a, hi_a, n), np.linspace(lo_b, hi_b, n)),
                   "key": (session.iteration, names, self._range, n, self._generation)}
        if self.last_request is not None and request["key"] == self.last_request["key"]:
            return
        # While training runs, a new grid a second is plenty; the worker would
        # otherwise contend with the training for the interpreter all the time.
        now = time.perf_counter()
        if self.window.running and now - self._started < RUN_GRID_INTERVAL_S:
            return
        self.last_request = request
        if self.busy:
            self.pending = request
        else:
            self._start(request)

    def settle(self, timeout_s: float = 10.0) -> None:
        """Wait until every grid asked for is computed and shown (a
        screenshot shows the surface, not "computing")."""
        deadline = time.perf_counter() + timeout_s
        while self.busy and time.perf_counter() < deadline:
            self.pool.waitForDone(max(1, int(1000 * (deadline - time.perf_counter()))))
            QCoreApplication.processEvents()      # delivers the grid; a pending one starts

    def _show_range(self, rect: tuple) -> None:
        """The view is the grid's range, set when the range changes: left to
        auto-range, the moving point and path would re-lay the axes out at
        every frame of a run."""
        if rect != self._view_rect:
            self._view_rect = rect
            self.plot.plotItem.vb.setRange(xRange=rect[:2], yRange=rect[2:], padding=0.02)

    def _inside(self, point) -> bool:
        lo_a, hi_a, lo_b, hi_b = self._range
        margin_a, margin_b = 0.1 * (hi_a - lo_a), 0.1 * (hi_b - lo_b)
        return lo_a + margin_a <= point[0] <= hi_a - margin_a and \
            lo_b + margin_b <= point[1] <= hi_b - margin_b

    def stop(self, timeout_ms: int = 3000) -> None:
        """Its window closes: drop the grid waiting, start none, and wait for
        the one being computed.  Delivered to a closed window (whose events
        run on while the application lives) a grid used to start the waiting
        one, which could then still run at the process's exit, and OpenBLAS
        hangs that exit."""
        self.pending = None
        self.last_request = self._shown = None     # asked again once shown
        self._surface_moved.close()
        self._path_moved.close()
        self.stopped = True
        if self.busy:
            abandon_grids()         # not waited for: at the lowest priority it could take seconds
        self.pool.waitForDone(timeout_ms)

    def showEvent(self, event) -> None:
        self.stopped = False
        super().showEvent(event)

    def _start(self, request: dict) -> None:
        if self.stopped:
            self.last_request = None
            return
        self._started = time.perf_counter()
        self.busy = True
        self.status.setText(self.tr("computing the landscape…"))
        self.pool.start(GridJob(request, self.done))

    def _on_grid(self, request: dict, grid) -> None:
        self.busy = False
        if self.stopped:
            return      # computed as its window closed: nothing shows it, nothing follows
        if isinstance(grid, Exception):
            self.status.setText(self.tr("cannot compute: {0}").format(grid))
        else:
            self.show_grid(request, grid)
        if self.pending is not None:
            nxt, self.pending = self.pending, None
            self._start(nxt)

    def show_grid(self, request: dict, grid: np.ndarray) -> None:
        self.grid = grid
        self._computed_at = request["key"]
        va, vb = request["values"]
        if "contours" not in request:      # traced by the job, unless it came another way
            request["shown"], request["contours"] = contours(grid)
        (finite, logged), path = request["shown"], request["contours"]
        # ImageItem takes [x, y]: the grid is [y, x]
        self.image.setImage(finite.T, autoLevels=True)
        self.image.setRect(pg.QtCore.QRectF(va[0], vb[0], va[-1] - va[0], vb[-1] - vb[0]))
        self._show_range((va[0], va[-1], vb[0], vb[-1]))
        if not self.contours:       # one item, made once: plot.removeItem() would not
            iso = pg.QtWidgets.QGraphicsPathItem()      # remove a child of the image
            iso.setPen(pg.mkPen((255, 255, 255, 110)))
            iso.setCacheMode(pg.QtWidgets.QGraphicsItem.DeviceCoordinateCache)   # as the image
            iso.setParentItem(self.image)
            self.contours.append(iso)
        self.contours[0].setPath(path)
        scale = " (log₁₀ of cost − min)" if logged else ""
        # the values after that many iterations: said so, it cannot read as
        # the status bar's "iteration n", the one being stepped through (n + 1)
        done = request["key"][0]
        after = (self.tr("others as after 1 iteration") if done == 1 else
                 self.tr("others as after {0} iterations").format(done))
        self.status.setText(self.tr("cost over {0}×{1} grid{2}; {3}").format(
            len(va), len(vb), scale, after))
        if request["names"] != self._labelled:    # a new label re-lays the axes out
            self._labelled = request["names"]
            set_titles(self.plot, *map(param_title, request["names"]))

    # --- every frame ------------------------------------------------------------------

    def path_points(self, session, names) -> np.ndarray:
        """The two parameters at every state the history has kept, up to the
        current iteration (a rewind shows the path up to there): a view of
        the points read so far (:class:`DescentPath`), valid until the next
        call."""
        h = session.history
        c = session.trainer.compiled
        positions = tuple(int(c.param_theta[session.param_names.index(n)]) for n in names)
        path = self._path
        if path is None or not path.follows(h) or path.positions != positions:
            if path is not None and not path.follows(h):
                # a new history (a reset, an edit, its undo): the range fits
                # its path, not the old run's
                self._range = None
            path = self._path = DescentPath(h, positions)
        elif not path.update(h):
            # states forgotten another way (a history an undo step held, thinned)
            path = self._path = DescentPath(h, positions)
        return path.up_to(session.iteration)

    @staticmethod
    def next_step(stepper, names) -> tuple[np.ndarray, np.ndarray]:
        """The two now, and how the next update moves them (zero if it diverges)."""
        all_names, before, after = stepper.next_update()
        k = [list(all_names).index(n) for n in names]
        now = np.array([before[i] for i in k])
        if after is None:
            return now, np.zeros(2)
        return now, np.array([after[i] for i in k]) - now

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            return
        session = ws.session
        self.set_names(session.param_names)
        names = (self.a.currentText(), self.b.currentText())
        usable = len(set(names)) == 2 and "" not in names
        start, step = self.next_step(ws.stepper, names) if usable else (None, None)
        # What is drawn, not which trace it came from: the first micro-step of
        # an iteration traces it anew, and its update is the arrow the last
        # one showed (redrawn, it cost 3 ms at the start of every iteration).
        # Running is in it too: a run's last grid was coarse, or skipped as
        # too soon after the one before; Pause asks for the grid at rest.
        key = (names, None if start is None else (*start, *step), self.window.running)
        if not self._path_moved.changed(ws.events) and key == self._shown:
            return          # nothing moved since the last frame
        self._shown = key
        for item in (self.image, self.path, self.point, self.arrow, self.arrow_line):
            item.setVisible(usable)
        if not usable:
            self.request()
            return
        path = self.path_points(session, names)
        # a dot per iteration while they can be told apart; a long run's
        # thousands of dots would be a smear, and cost a ms a frame
        symbols = len(path) <= PATH_DOTS
        if symbols != self._path_symbols:
            self._path_symbols = symbols
            self.path.setSymbol("o" if symbols else None)
        shown = path
        if len(path) > PATH_POINTS:
            # the last steps point by point, the long way there thinned out:
            # the same picture, a fraction of the lines to draw every frame
            older, recent = path[:-PATH_POINTS // 2], path[-PATH_POINTS // 2:]
            step = -(-len(older) // (PATH_POINTS // 2))
            shown = np.concatenate([older[::step], recent])
        self.path.setData(drawable(shown[:, 0]), drawable(shown[:, 1]))
        end = start + step
        self.point.move_to(start[0], start[1])
        self.arrow_line.setData([start[0], end[0]], [start[1], end[1]])
        self.arrow.setPos(end[0], end[1])
        angle = np.degrees(np.arctan2(end[1] - start[1], end[0] - start[0]))
        self.arrow.setStyle(angle=180 - angle)
        self._draw_runs(names)
        self.request()

    # --- compared runs ----------------------------------------------------------------

    def set_runs(self, runs: list) -> None:
        """Kept runs to draw beside the path taken: (name, the names of
        their parameters, their path over the iterations, the pen of their
        loss curve) each."""
        self._runs = runs
        self._runs_drawn = None
        self._draw_runs((self.a.currentText(), self.b.currentText()))

    def _draw_runs(self, names: tuple) -> None:
        """Each kept run's path over the two parameters shown, in its curve's
        colour and line style, when it has them both (drawn anew only when
        the runs or the pair change)."""
        runs = self._runs        # a new list at each set_runs
        drawn = self._runs_drawn
        if drawn is not None and drawn[0] == names and drawn[1] is runs:
            return
        self._runs_drawn = (names, runs)
        for item in self._run_items:
            self.plot.removeItem(item)
        self._run_items = []
        for name, run_names, path, pen in runs:
            if path is None or not set(names) <= set(run_names):
                continue
            i, j = run_names.index(names[0]), run_names.index(names[1])
            item = self.plot.plot(drawable(path[:, i]), drawable(path[:, j]), pen=pen)
            # over the path being taken (a dashed line on its white), which
            # they often follow: under it they were hidden
            item.setZValue(self.path.zValue() + 0.5)
            self._run_items.append(item)
