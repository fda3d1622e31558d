"""How the plots use a small dock: the loss legend never covers a curve, and
the decision map fills the data dock, square."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from bpsim.paths import examples_dir

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def curve_segments(curve) -> tuple[np.ndarray, float]:
    """The lines and dots ``curve`` (a PlotDataItem) draws, in scene
    coordinates: each segment's two ends (the same point twice for a dot),
    and how far a dot reaches around its point (px).  Read from the items
    that paint them, after pyqtgraph's log scale, downsampling and clipping."""
    ends = []
    x, y = curve.curve.getData()
    if x is not None and len(x) > 1 and curve.opts["pen"] is not None:
        xy = np.array([curve.curve.mapToScene(QPointF(float(a), float(b))).toTuple()
                       if np.isfinite(a) and np.isfinite(b) else (np.nan, np.nan)
                       for a, b in zip(x, y)])
        ends.append(np.stack([xy[:-1], xy[1:]], axis=1))
    reach = 0.0
    if curve.opts["symbol"] is not None:
        points = curve.scatter.data
        xy = np.array([curve.scatter.mapToScene(QPointF(float(a), float(b))).toTuple()
                       for a, b in zip(points["x"], points["y"])]).reshape(-1, 2)
        ends.append(np.stack([xy, xy], axis=1))
        # a dot's size: its own, or (-1) the size all of them are drawn at
        sizes = np.where(points["size"] < 0, curve.scatter.opts["size"], points["size"])
        reach = float(np.max(sizes, initial=0)) / 2
    segments = np.concatenate(ends) if ends else np.zeros((0, 2, 2))
    return segments[np.isfinite(segments).all(axis=(1, 2))], reach


def crossing(segments: np.ndarray, rect) -> np.ndarray:
    """Which segments (``curve_segments``) pass through ``rect``, a QRectF
    (Liang-Barsky: each segment clipped against the rectangle's four sides)."""
    p0, d = segments[:, 0], segments[:, 1] - segments[:, 0]
    low, high = np.zeros(len(segments)), np.ones(len(segments))
    inside = np.ones(len(segments), dtype=bool)
    for p, q in ((-d[:, 0], p0[:, 0] - rect.left()), (d[:, 0], rect.right() - p0[:, 0]),
                 (-d[:, 1], p0[:, 1] - rect.top()), (d[:, 1], rect.bottom() - p0[:, 1])):
        parallel = p == 0
        inside &= ~(parallel & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(parallel, np.nan, q / np.where(parallel, 1, p))
        low = np.where(~parallel & (p < 0), np.fmax(low, t), low)
        high = np.where(~parallel & (p > 0), np.fmin(high, t), high)
    return inside & (low <= high)


def test_crossing_finds_a_line_through_a_rectangle_without_a_point_in_it():
    from PySide6.QtCore import QRectF
    rect = QRectF(10, 10, 20, 10)
    segments = np.array([[[0, 0], [40, 30]],        # through it, both ends outside
                         [[0, 25], [40, 25]],       # below it
                         [[15, 15], [15, 15]],      # a dot inside
                         [[35, 0], [35, 30]]],      # right of it
                        dtype=float)
    assert crossing(segments, rect).tolist() == [True, False, True, False]


def covered(loss) -> list:
    """The places where the loss plot's legend covers one of its curves: a
    line passing under it, or a dot within its reach of it."""
    legend = loss.legend.sceneBoundingRect()
    hits = []
    for curve in (loss.train, loss.epoch, loss.test):
        if not curve.isVisible():
            continue
        segments, reach = curve_segments(curve)
        rect = legend.adjusted(-reach, -reach, reach, reach)
        hits += [(curve.name(), tuple(s[0])) for s in segments[crossing(segments, rect)]]
    return hits


@pytest.mark.parametrize("name, steps", [("sgd-versus-full-batch", 400),
                                         ("learning-rate-too-large", 30)])
def test_the_loss_legend_never_covers_a_curve_in_a_small_dock(window, name, steps):
    """At 1024x768 (the lecturer's projector) a noisy SGD cost and a cost
    doubling at each step ran behind the legend; looked at as training goes."""
    window.resize(1024, 768)
    window.files.open_path(examples_dir() / f"{name}.bpsim.json")
    window.plots.docks["loss"].raise_()
    loss = window.plots.loss
    looked = 0
    for step in range(1, steps + 1):
        window.stepping.step("iteration")
        if step % 10 and step != steps:
            continue
        window.plots.refresh()
        QApplication.processEvents()         # a layout the legend asked for
        assert loss.plot.width() < 400 and loss.plot.height() < 300     # a small dock
        drawn = sum(len(curve_segments(c)[0]) for c in (loss.train, loss.epoch, loss.test))
        assert drawn >= min(step, 100)       # the curves are there to be covered
        assert covered(loss) == [], (step, loss.legend_corner)
        looked += 1
    assert looked == steps // 10
    if name == "learning-rate-too-large":
        assert loss.log.isChecked()          # the cost grows a millionfold and more


def test_a_legend_above_the_view_is_whole_and_a_new_run_brings_it_back(window):
    """Out of the way above the view: whole, its entries side by side where
    they fit, clear of the view and of the top number of the cost axis; a
    new run starts it in a corner again, where one is free."""
    from bpsim.ui.plots.views import LEGEND_CORNERS, TOP_ROOM
    window.resize(1024, 768)
    window.files.open_path(examples_dir() / "sgd-versus-full-batch.bpsim.json")
    window.plots.docks["loss"].raise_()
    loss = window.plots.loss
    for _ in range(200):
        window.stepping.step("iteration")
    window.plots.refresh()
    QApplication.processEvents()
    assert loss.legend_corner == "above"
    legend = loss.legend.sceneBoundingRect()
    view = loss.plot.plotItem.vb.sceneBoundingRect()
    assert loss.plot.plotItem.sceneBoundingRect().contains(legend)
    assert view.top() - legend.bottom() >= TOP_ROOM
    assert [label.text for _, label in loss.legend.items] == ["cost per step", "epoch mean"]
    first, second = (label.sceneBoundingRect() for _, label in loss.legend.items)
    assert not first.intersects(second)
    if first.top() != second.top():        # one under the other: side by side they do not fit
        samples = sum(sample.width() for sample, _ in loss.legend.items)
        assert first.width() + second.width() + samples > loss.plot.plotItem.width()
    # in a plot wide enough for a corner (at 1024x768 here, a legend in a
    # corner spans the whole width of the view)
    window.resize(1400, 900)
    QApplication.processEvents()
    window.files.open_path(XOR)
    for _ in range(30):
        window.stepping.step("iteration")
    window.plots.refresh()
    QApplication.processEvents()
    assert loss.legend_corner in LEGEND_CORNERS
    assert loss.plot.plotItem.vb.sceneBoundingRect().contains(loss.legend.sceneBoundingRect())
    assert loss.plot.plotItem.layout.getContentsMargins()[1] == TOP_ROOM
    assert covered(loss) == []


def map_rect(data):
    """The decision map's rectangle on screen, in the plot widget's pixels."""
    return data.plot.mapFromScene(data.image.sceneBoundingRect()).boundingRect()


def show_map(window, qtbot, name):
    window.files.open_path(examples_dir() / f"{name}.bpsim.json")
    window.stepping.step("iteration")
    window.plots.docks["data"].raise_()
    data = window.plots.data
    data.refresh()
    QApplication.processEvents()
    return data


@pytest.mark.parametrize("name", ["xor-2-2-1", "circle-with-test-split"])
@pytest.mark.parametrize("size", [(500, 300), (300, 500)])
def test_the_decision_map_fills_its_dock_square(window, qtbot, name, size):
    """A wide, low dock drew the map as a small square in the middle of a
    long axis."""
    dock = window.plots.docks["data"]
    dock.setFloating(True)
    dock.resize(*size)
    qtbot.waitUntil(lambda: dock.size().toTuple() == size)
    data = show_map(window, qtbot, name)
    plot = data.plot
    rect = map_rect(data)
    # square: the circle's points span 2 % more in x2 than in x1, and the
    # map is drawn at the same scale both ways
    span = data.plane.max(axis=0) - data.plane.min(axis=0)
    assert rect.width() / rect.height() == pytest.approx(span[0] / span[1], abs=0.02)
    assert abs(rect.width() - rect.height()) <= 0.025 * max(rect.width(), rect.height()) + 1
    assert min(rect.width(), rect.height()) >= 0.7 * min(plot.width(), plot.height()), \
        (rect, plot.size())
    box = plot.getViewBox()
    assert box.state["aspectLocked"]
    (x0, x1), (y0, y1) = box.viewRange()
    assert (x1 - x0) / box.width() == pytest.approx((y1 - y0) / box.height(), rel=1e-6)
    # the axes run along the map, not beyond it
    view = plot.mapFromScene(box.sceneBoundingRect()).boundingRect()
    for edge in ("left", "top", "right", "bottom"):
        assert abs(getattr(view, edge)() - getattr(rect, edge)()) <= 1, (edge, view, rect)
    # the data on it
    scene = data.image.sceneBoundingRect()
    for points in (data.train_points, data.test_points):
        for spot in points.data:
            assert scene.contains(points.mapToScene(QPointF(spot["x"], spot["y"])))
    # each axis numbers the map at two ticks at least, the numbers whole on screen
    axis = plot.getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(x0, x1, view.width()) for v in values]
    assert len(ticks) >= 2
    last = max(t for t in ticks if t <= x1)
    text = axis.tickStrings([last], 1.0, ticks[1] - ticks[0] if len(ticks) > 1 else 1.0)[0]
    half = plot.fontMetrics().horizontalAdvance(text) / 2
    right = box.mapViewToScene(QPointF(last, y0)).x() + half
    assert right <= plot.width(), (text, right, plot.width())
    axis = plot.getAxis("left")
    assert len([v for _, values in axis.tickValues(y0, y1, view.height()) for v in values]) >= 2


def test_in_a_wide_low_dock_the_map_takes_most_of_its_height(window, qtbot):
    """The lecturer's projector at 1024x768: the data dock, 330x219 px,
    shares the bottom of the window; the map was 72 px high in it, in the
    middle of a long axis, under a row for the node and over two lines of
    status."""
    dock = window.plots.docks["data"]
    dock.setFloating(True)
    dock.resize(330, 219)
    qtbot.waitUntil(lambda: dock.size().toTuple() == (330, 219))
    data = show_map(window, qtbot, "xor-2-2-1")
    rect = map_rect(data)
    assert abs(rect.width() - rect.height()) <= 1
    assert rect.height() >= 0.55 * dock.height(), (rect, dock.size())
    # the node chosen and the key to the colours beside the map, whole
    assert data.status.geometry().left() >= data.plot.geometry().right()
    assert data.node.geometry().left() >= data.plot.geometry().right()
    assert data.status.heightForWidth(data.status.width()) <= data.status.height()
    assert data.status.text().startswith("o's output at iteration 1")
