"""The plot docks and how the window keeps them live."""
from __future__ import annotations

import threading
import time

import shiboken6

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QLabel, QStackedWidget

from .. import export, style
from ...engine import EdgeKey, ParamName
from ...session.events import Watch
from ...session.process_run import warm_up
from ..canvas.items import EdgeItem
from ..actions import leave_keys_to_the_canvas
from ..style import flatten
# While training runs, the costlier views redraw at most this often.
SLOW_VIEW_S = 0.25
SLOW_EVERY = 8           # while running, one frame in this many shows a slow view


OVER_PARAMETERS = ("loss", "landscape", "tangent")    # views of training, over parameters


def _note(text: str) -> QLabel:
    note = QLabel(text)
    note.setAlignment(Qt.AlignCenter)
    note.setWordWrap(True)
    note.setStyleSheet(f"color: {style.MUTED.name()}")
    return note


class Plots:
    """The plot docks of a window, and refreshing the ones on screen.

    The docks exist from the start (the saved layout names them); the plots
    inside are built once the window has painted, so the window shows without
    waiting for pyqtgraph.
    """

    NAMES = ("loss", "landscape", "tangent", "data", "gradients")

    @staticmethod
    def titles(tr) -> dict[str, str]:
        # short: four share a tab bar, which at 1024 px wide cut "Loss landscape"
        # and "Gradient flow" to "Loss landsc…" and "Gradient fl…"
        return {"loss": tr("Loss curve"), "landscape": tr("Landscape"),
                "tangent": tr("Tangent"), "data": tr("Data"), "gradients": tr("Gradients")}

    def __init__(self, window, docks: dict):
        """``docks``: name → the dock each plot is built into (``Arrangement.add_plots``)."""
        self.window = window
        self.built = False
        self.widgets: dict = {}
        self.docks = docks
        for name, dock in docks.items():
            dock.visibilityChanged.connect(
                lambda visible, n=name: visible and QTimer.singleShot(0, lambda: self._raised(n)))
        self._slow_shown = 0.0
        self.thumbnails = False         # View ▸ Neuron thumbnails
        self._thumbnails_of = None      # the neurons whose thumbnails show
        self._thumbnails_moved = Watch("iteration_changed", "rebuilt")
        # while running, which frame and whose turn it is (refresh)
        self._frame = self._turn = self._slow_turn = self._live_turn = -1
        self._refreshed: tuple = ()      # the plots the last refresh changed (flush)

    def build_after_first_paint(self, viewport) -> None:
        """Build the plots once ``viewport`` (the canvas) has painted, so the
        window shows its network before the plots' cost; and start the
        training process Run will want."""
        _FirstPaint(self, viewport)

    def build(self) -> None:
        """Make the plots (once) and show the current network in them."""
        if self.built:
            return
        from .landscape import LandscapePlot
        from .loss import LossPlot
        from .data import DataPlot
        from .gradients import GradientFlowPlot
        from .tangent import TangentPlot
        window = self.window
        self.loss = LossPlot()
        self.landscape = LandscapePlot(window)
        self.tangent = TangentPlot(window)
        self.data = DataPlot(window)
        self.gradients = GradientFlowPlot(window)
        self.widgets = {"loss": self.loss, "landscape": self.landscape,
                        "tangent": self.tangent, "data": self.data,
                        "gradients": self.gradients}
        self._stacks = {}
        for name, widget in self.widgets.items():
            # one unclipped paint of the whole plot: a grid replayed through a
            # clip of many small dirty rectangles costs several ms a frame
            widget.plot.setViewportUpdateMode(QGraphicsView.FullViewportUpdate)
            # A network that cannot run has nothing to plot: a note in place of
            # the plot, not the last network's landscape left standing.
            stack = self._stacks[name] = QStackedWidget()
            stack.addWidget(widget)
            stack.addWidget(_note(window.tr("Nothing to plot: the network cannot run yet "
                                            "(the explanation says why).")))
            if name in OVER_PARAMETERS:
                # a circuit's cost never changes: empty axes said nothing
                stack.addWidget(_note(window.tr(
                    "Nothing to plot: this network has no parameters to train (a circuit). "
                    "Its gradients are on the canvas and in the explanation.")))
            self.docks[name].setWidget(stack)
        flatten(window)
        leave_keys_to_the_canvas(window)
        window.scene.hover_changed.connect(self._on_hover)
        window.scene.selectionChanged.connect(self._on_canvas_selection)
        window.params.table.selectionModel().selectionChanged.connect(
            lambda *_: self._on_table_selection())
        self.built = True
        if window.workspace is not None:
            if window.workspace.session is not None and \
                    len(window.workspace.session.param_names) < 2:
                self.docks["tangent"].raise_()
            window.refresh()

    def shown(self, name: str) -> bool:
        """On screen: a dock behind another's tab is still isVisible() (Qt
        moves it off-screen), so ask for the part of it that can be seen."""
        widget = self.widgets.get(name)
        return widget is not None and widget.isVisible() and \
            not widget.visibleRegion().isEmpty()

    def refresh(self) -> None:
        """The views the user can see; while running, the loss curve every frame
        and the others in turn (see below)."""
        if not self.built:
            return
        session = self.window.workspace.session if self.window.workspace else None
        for name, stack in self._stacks.items():
            stack.setCurrentIndex(1 if session is None else
                                  2 if name in OVER_PARAMETERS and not session.param_names else 0)
        if session is None:
            self.refresh_thumbnails()
            self._refreshed = ()
            return
        now = time.perf_counter()
        running = self.window.running
        slow_due = not running or now - self._slow_shown > SLOW_VIEW_S
        if slow_due:
            self._slow_shown = now
        live = [n for n in ("landscape", "data") if self.shown(n)]
        slow = [n for n in ("gradients", "tangent") if self.shown(n)]
        names = live + slow
        loss = self.shown("loss")
        if running and names:
            # While running, a frame pays for one plot: the loss curve every
            # other frame, and in between one other view — the path on the
            # landscape and the decision boundary in turn, and at every
            # SLOW_EVERY-th turn the gradient flow or the tangent (whose
            # curve is a pass over all rows) — so each keeps moving and no
            # frame pays for two.
            self._frame += 1
            if loss and self._frame % 2 == 0:
                names = []
            else:
                loss = False
                self._turn += 1
                if slow and (self._turn % SLOW_EVERY == 0 or not live):
                    self._slow_turn += 1
                    names = [slow[self._slow_turn % len(slow)]]
                else:
                    self._live_turn += 1
                    names = [live[self._live_turn % len(live)]]
        if loss:
            self.loss.refresh(session)
        for name in names:
            self.widgets[name].refresh()
        if slow_due:
            self.refresh_thumbnails()
        self._refreshed = (*(("loss",) if loss else ()), *names)

    def close_views(self) -> None:
        """The window closes: no grid computes behind it, and the views stop
        listening to its network."""
        self.landscape.stop()
        self.data.close_view()
        self.tangent.close_view()
        self._thumbnails_moved.close()

    def flush(self) -> None:
        """Have the plots just refreshed take their changes now.  A scene hands
        them to its view in a queued call; taken here, the views paint once,
        instead of in paint passes of their own after the window's."""
        for name in self._refreshed:
            QCoreApplication.sendPostedEvents(self.widgets[name].plot.scene(), QEvent.MetaCall)
        self._refreshed = ()

    def show_thumbnails(self, on: bool) -> None:
        self.thumbnails = on
        self.refresh_thumbnails()

    def refresh_thumbnails(self) -> None:
        """Each hidden neuron's output over the input plane, on the canvas."""
        win = self.window
        ws = win.workspace
        if self.thumbnails:
            self.build()
        show = self.thumbnails and ws.session is not None and len(ws.session.dataset.inputs) == 2
        hidden = [n.id for n in ws.document.nodes if n.kind == "neuron"]
        if not show:
            if self._thumbnails_of is not None:
                for item in win.scene.nodes.values():
                    item.set_thumbnail(None)
                self._thumbnails_of = None
            return
        if not self._thumbnails_moved.changed(ws.events) and hidden == self._thumbnails_of:
            return
        self._thumbnails_of = hidden
        for nid, image in thumbnails(ws.session, hidden).items():
            if nid in win.scene.nodes:
                win.scene.nodes[nid].set_thumbnail(image)

    def _raised(self, name: str) -> None:
        if self.built and self._alive() and self.shown(name):
            widget = self.widgets[name]
            if name == "loss":
                widget.refresh(self.window.workspace.session if self.window.workspace else None)
            else:
                widget.refresh()

    def _alive(self) -> bool:
        """False while the window is being torn down (its scene may go first
        and still announce a last selection change)."""
        return shiboken6.isValid(self.window) and shiboken6.isValid(self.window.scene)

    def _on_hover(self, item) -> None:
        if not self._alive():
            return
        node = getattr(item, "node_id", None)
        if node != self.data.hovered:
            self.data.hovered = node
            if self.data.isVisible():
                self.data.refresh()

    def _on_canvas_selection(self) -> None:
        if not self._alive():
            return
        edges = [i for i in self.window.scene.selectedItems()
                 if isinstance(i, EdgeItem) and i.dst.kind == "neuron"]
        if len(edges) == 2:
            self.landscape.choose(*(ParamName.weight(*EdgeKey(e.key).ends) for e in edges))

    def _on_table_selection(self) -> None:
        names = self.window.params.selected_names()
        if len(names) == 2:
            self.landscape.choose(*names)

    # --- export --------------------------------------------------------------------

    def export_plot(self, name: str) -> None:
        self.build()
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.window.tr("Export plot"), f"{name}.png",
            self.window.tr("PNG image (*.png);;SVG drawing (*.svg)"))
        if path:
            export.plot_to_file(self.widgets[name].plot, path)
            self.window.say(self.window.tr("Wrote {0}").format(path), 5000)


THUMBNAIL_POINTS = 32


def thumbnails(session, node_ids: list[str]) -> dict:
    """QImages of each node's output over the data's input plane, one pass."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtGui import QImage

    from ...engine.landscape import outputs_over
    X = session.dataset.X
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.2 * (hi - lo) + 1e-9
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], THUMBNAIL_POINTS)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], THUMBNAIL_POINTS)
    mx, my = np.meshgrid(gx, gy)
    outs = outputs_over(session.trainer, session.state.theta,
                        np.column_stack([mx.ravel(), my.ravel()]), node_ids)
    lut = pg.colormap.get("CET-D1A").getLookupTable(nPts=256, alpha=False)
    images = {}
    for nid, values in outs.items():
        v = values.reshape(THUMBNAIL_POINTS, THUMBNAIL_POINTS)[::-1]   # y up
        span = np.ptp(v)
        index = np.zeros(v.shape, dtype=np.intp) if not np.isfinite(span) or span == 0 else \
            np.clip(((v - v.min()) / span * 255).astype(np.intp), 0, 255)
        rgb = np.ascontiguousarray(lut[index].astype(np.uint8))
        image = QImage(rgb.data, THUMBNAIL_POINTS, THUMBNAIL_POINTS, 3 * THUMBNAIL_POINTS,
                       QImage.Format_RGB888).copy()
        images[nid] = image
    return images


class _FirstPaint(QObject):
    """Plots.build_after_first_paint's watch on the canvas."""

    def __init__(self, plots: Plots, viewport):
        super().__init__(viewport)
        self.plots = plots
        viewport.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.plots.build)
            threading.Thread(target=warm_up, name="bpsim-warm-up", daemon=True).start()
        return False
