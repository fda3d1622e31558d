"""The tangent view: the cost against one parameter, and the tangent whose
slope is the gradient the descent follows."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ...engine.landscape import landscape
from ...engine.network import Network
from ...session.events import Watch
from .. import style
from ...session.numbers import number
from .views import drawable, frame, param_title, plot_widget, set_titles

CURVE_POINTS = 61       # a smooth curve at any plot width; its cost grows with this
RUN_CURVE_POINTS = 25   # while training runs: a frame's budget, the curve moves on anyway


class TangentPlot(QWidget):
    """The cost against one parameter, the current point and the tangent whose
    slope is ∂cost/∂p over all training rows — the notes' picture of the
    derivative — and where the next step lands."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.param = QComboBox()
        self.param.setSizeAdjustPolicy(QComboBox.AdjustToContents)   # "w:x1->h1_1", whole
        self.param.activated.connect(lambda _: self.refresh(force=True))
        self.plot = plot_widget()
        self.curve = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=2.5))
        self.tangent = self.plot.plot(pen=pg.mkPen(style.BACKWARD, width=2,
                                                   style=pg.QtCore.Qt.DashLine))
        self.point = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(style.CURRENT),
                                        pen=pg.mkPen("k"))
        self.landing = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(style.UPDATE), pen=None)
        self.plot.addItem(self.point)
        self.plot.addItem(self.landing)
        self.status = QLabel()
        self.status.setTextFormat(Qt.RichText)       # the parameter's subscript
        frame(self, [QLabel(self.tr("parameter:")), self.param], self.plot, self.status)
        self.slope = None
        self._shown = None      # the parameter drawn
        # the next update's numbers move with these (not with a micro-step:
        # within an iteration's walk the update is the same one)
        self._moved = Watch("iteration_changed", "settings_changed", "rebuilt")
        self._network = None
        self._labelled = None

    def close_view(self) -> None:
        self._moved.close()

    def _network_for(self, trainer) -> Network:
        """The curve's own network, kept while the trainer is: its buffers
        for a hundred copies of the data are tens of MB, slow to make."""
        if self._network is None or self._network[0] is not trainer:
            self._network = (trainer, Network(trainer.compiled, trainer.dataset.inputs))
        return self._network[1]

    def refresh(self, force: bool = False) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            return
        session = ws.session
        names = session.param_names
        if [self.param.itemText(i) for i in range(self.param.count())] != names:
            keep = self.param.currentText()
            self.param.clear()
            self.param.addItems(names)
            if keep in names:
                self.param.setCurrentText(keep)
        name = self.param.currentText()
        if not name:
            self.status.setText(self.tr("This network has no parameters to train (a circuit): "
                                        "its gradients are in the canvas and the explanation."))
            return
        if not self._moved.changed(ws.events) and name == self._shown and not force:
            return
        self._shown = name
        names, before, after = ws.stepper.next_update()
        k = list(names).index(name)
        p0 = float(before[k])
        theta = theta_from_named(session, before)
        full = session.trainer.evaluate(theta, np.arange(session.dataset.n_train),
                                        session.settings)
        cost0 = full.cost
        self.slope = float(session.trainer.named(full.grad)[k])
        if not np.isfinite([p0, cost0, self.slope]).all():
            for item in (self.curve, self.tangent, self.point, self.landing):
                item.setData([], [])
            self.status.setText(self.tr("The cost or its slope is not finite here: the run "
                                        "diverged. Rewind to see the curve."))
            return
        step = 0.0 if after is None else float(after[k] - p0)
        half = max(1.0, 3.0 * abs(step), 0.5 * abs(p0))
        xs = np.linspace(p0 - half, p0 + half,
                         RUN_CURVE_POINTS if self.window.running else CURVE_POINTS)
        # the curve and where the step lands, in one evaluation
        costs = landscape(session.trainer, theta, session.settings, (name,),
                          (np.append(xs, p0 + step),), self._network_for(session.trainer))
        ys, landed = costs[:-1], costs[-1]
        self.curve.setData(drawable(xs), drawable(ys))
        span = half / 2
        self.tangent.setData(drawable([p0 - span, p0 + span]),
                             drawable([cost0 - self.slope * span, cost0 + self.slope * span]))
        self.point.setData(drawable([p0]), drawable([cost0]))
        landing = drawable([p0 + step, float(landed)])
        if np.isfinite(landing).all():
            self.landing.setData(landing[:1], landing[1:])
        else:
            self.landing.setData([], [])      # a step into overflow lands nowhere to draw
        if name != self._labelled:     # a new label re-lays the axes out
            self._labelled = name
            set_titles(self.plot, param_title(name), self.tr("cost (all training rows)"))
        # at the value now, over every training row: once an update is shown,
        # the next iteration's slope, not the one on the canvas
        self.status.setText(self.tr("at {0} now, over all training rows: slope ∂C/∂{0} = "
                                    "{1}; the next update moves it by {2} (η = {3})")
                            .format(param_title(name), number(self.slope, 6), number(step, 4),
                                    number(session.settings.learning_rate, 6)))
        self.plot.scene().prepareForPaint()     # one paint, not two


def theta_from_named(session, values) -> np.ndarray:
    """The parameter vector from the named values (every other entry of
    theta is a structural zero)."""
    c = session.trainer.compiled
    theta = np.zeros(c.theta_size)
    theta[c.param_theta] = values
    return theta
