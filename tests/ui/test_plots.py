"""Each plot shows the numbers the engine produced."""
import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from bpsim.engine.landscape import outputs_over
from bpsim.paths import examples_dir
from bpsim.ui import export
from bpsim.session.numbers import number
from bpsim.ui.plots import SLOW_EVERY
from bpsim.ui.plots.views import param_title

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def trained(window, steps=40):
    window.files.open_path(XOR)
    window.workspace.session.train(steps)
    window.workspace.stepper.after_run()
    window.refresh()
    return window.workspace.session


def test_loss_curve_plots_the_history(window):
    session = trained(window)
    arrays = window.plots.loss.arrays()
    np.testing.assert_array_equal(arrays["costs"], session.history.costs)
    x, y = window.plots.loss.train.getData()
    np.testing.assert_array_equal(y, session.history.costs)
    assert window.plots.loss.marker.value() == session.iteration
    window.actions.history_slider.setValue(10)            # rewind, then step anew: the curve follows
    window.stepping.step("iteration")
    np.testing.assert_array_equal(window.plots.loss.arrays()["costs"], session.history.costs)
    assert len(session.history.costs) == 11


def test_first_steps_are_dots_in_a_readable_range(window):
    """One step is a dot, not an invisible line, on an axis whose labels
    read like the cost (not a range of 1e-9); a long curve is a plain line."""
    trained(window, steps=1)
    loss = window.plots.loss
    assert loss.train.opts["symbol"] == "o"
    cost = window.workspace.session.history.costs[0]
    low, high = loss.plot.plotItem.vb.viewRange()[1]
    assert low <= cost <= high and high - low >= 0.05 * cost
    window.workspace.session.train(60)
    window.refresh()
    assert loss.train.opts["symbol"] is None


def test_loss_axis_holds_the_curve_and_moves_rarely(window):
    """Every step's cost stays inside the y range shown, and a falling cost
    moves the range a few times, not at every step (each move redraws the
    axes and the grid)."""
    window.files.open_path(XOR)
    loss = window.plots.loss
    ranges = []
    for _ in range(60):
        window.stepping.step("iteration")
        (_, _), (y0, y1) = loss.plot.plotItem.vb.viewRange()
        costs = window.workspace.session.history.costs
        assert y0 <= min(costs) and max(costs) <= y1
        if not ranges or ranges[-1] != (y0, y1):
            ranges.append((y0, y1))
    assert len(ranges) <= 4, ranges     # following every bucket of the cost moved it 5 times
    # a test split's cost is inside the range too
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    for _ in range(30):
        window.stepping.step("iteration")
    (_, _), (y0, y1) = loss.plot.plotItem.vb.viewRange()
    tests = window.workspace.session.history.test_costs
    assert y0 <= min(tests) and max(tests) <= y1


def test_while_running_every_visible_view_moves_in_turn(window, monkeypatch):
    """One plot a frame: the loss curve every other frame, and in between
    one other view: the landscape and the data map in turn, the gradient
    flow and the tangent at every SLOW_EVERY-th turn, so each keeps moving."""
    window.files.open_path(XOR)
    plots = window.plots
    calls = {name: 0 for name in plots.widgets}
    for name, widget in plots.widgets.items():
        real = widget.refresh
        monkeypatch.setattr(widget, "refresh",
                            lambda *a, name=name, real=real: (calls.__setitem__(
                                name, calls[name] + 1), real(*a)))
    monkeypatch.setattr(plots, "shown", lambda name: True)
    monkeypatch.setattr(type(window), "running", property(lambda self: True))
    frames = 8 * SLOW_EVERY
    for _ in range(frames):
        before = sum(calls.values())
        plots.refresh()
        assert sum(calls.values()) == before + 1          # one plot a frame
    turns = frames // 2
    slow = turns // SLOW_EVERY
    assert calls == {"loss": frames // 2, "gradients": slow // 2, "tangent": slow // 2,
                     "landscape": (turns - slow) // 2, "data": (turns - slow) // 2}


def test_landscape_at_the_current_point_is_the_engine_cost(window, qtbot):
    session = trained(window, 5)
    plot = window.plots.landscape
    plot.resolution.setValue(21)           # odd: the centre of the grid is the current point
    plot.choose("w:h1->o", "b:o")
    params = session.parameters()
    qtbot.waitUntil(lambda: plot._computed_at is not None
                    and plot._computed_at[1] == ("w:h1->o", "b:o"), timeout=30000)
    va, vb = plot.last_request["values"]
    assert va[10] == pytest.approx(params["w:h1->o"], abs=1e-15)
    assert vb[10] == pytest.approx(params["b:o"], abs=1e-15)
    # the iteration shown is complete: the current point is after its update
    assert plot.grid[10, 10] == pytest.approx(session.preview().cost, rel=1e-12)
    path = plot.path.getData()
    assert len(path[0]) == session.iteration + 1          # every state, start included
    assert plot.point.position() == (params["w:h1->o"], params["b:o"])   # the current point
    assert path[0][-1] == params["w:h1->o"]
    window.actions.history_slider.setValue(2)
    assert len(plot.path.getData()[0]) == 3               # the path follows the rewind


def test_tangent_slope_is_the_gradient(window):
    trained(window, 3)
    window.plots.docks["tangent"].raise_()
    tangent = window.plots.tangent
    tangent.param.setCurrentText("w:x1->h1")
    tangent.refresh(force=True)
    g = window.workspace.session.preview().steps[-1]      # the next update, full batch
    g = g.grads[g.names.index("w:x1->h1")]
    assert tangent.slope == pytest.approx(g, rel=1e-12)
    xs, ys = tangent.tangent.getData()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(g, rel=1e-9, abs=1e-15)
    # written as the canvas writes numbers: a minus sign, not a hyphen
    assert f"slope ∂C/∂{param_title('w:x1->h1')} = {number(g, 6)};" in tangent.status.text()
    assert "-" not in tangent.status.text().replace("->", "")


def test_data_view_and_gradient_flow(window):
    session = trained(window, 30)
    window.plots.docks["data"].raise_()
    data = window.plots.data
    data.refresh()
    expected = outputs_over(session.trainer, session.state.theta, data.plane, ["o"])["o"]
    np.testing.assert_array_equal(data.values.ravel(), expected)
    assert data.plane[:, 0].min() < 0 and data.plane[:, 0].max() > 1   # the data, with room
    window.plots.docks["gradients"].raise_()
    flow = window.plots.gradients
    flow.refresh()
    assert flow.norms.shape == (30, 2)
    last = session.history.grad_norms[-1]
    np.testing.assert_array_equal(flow.norms[-1], last)
    # and the norms are those of the trace's gradients, layer by layer
    window.actions.history_slider.setValue(29)
    window.stepping.step("iteration")
    update = window.workspace.stepper.trace.steps[-1]
    g = dict(zip(update.names, update.grads))
    hidden = np.sqrt(sum(v * v for k, v in g.items() if k.endswith("h1") or k.endswith("h2")))
    assert session.history.grad_norms[-1][0] == pytest.approx(hidden, rel=1e-12)


def test_the_gradient_flows_readout_follows_the_iteration_shown(window):
    """Rewound, the readout stayed at the last step's ratio."""
    session = trained(window, 30)
    window.plots.docks["gradients"].raise_()
    flow = window.plots.gradients
    flow.refresh()
    norms = session.history.grad_norms

    def said(k: int) -> str:
        row = norms[k - 1]
        return f"iteration {k}: first layer / last layer = {row[0] / row[-1]:.3g}"
    assert flow.status.text() == said(30)
    window.stepping.rewind_to(12)
    flow.refresh()
    assert flow.status.text() == said(12) and said(12) != said(30)
    window.stepping.rewind_to(0)
    flow.refresh()
    assert flow.status.text() == ""


def test_gradient_flow_of_a_circuit_says_why_it_is_empty(window):
    window.files.open_path(examples_dir() / "single-weight-regression.bpsim.json")
    window.workspace.session.train(5)
    window.refresh()
    window.plots.docks["gradients"].raise_()
    flow = window.plots.gradients
    flow.refresh()
    assert flow.curves == [] and not flow.legend.isVisible()
    assert "No neuron has weights" in flow.status.text()


def test_exports_write_valid_files(window, tmp_path, monkeypatch):
    trained(window, 10)
    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    assert export.scene_to_png(window.scene, str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert export.scene_to_svg(window.scene, str(svg))
    assert b"<svg" in svg.read_bytes()[:400]
    for name in ("loss", "landscape"):
        for ext in ("png", "svg"):
            out = tmp_path / f"{name}.{ext}"
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, o=out, **k: (str(o), ""))
            window.plots.export_plot(name)
            data = out.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" if ext == "png" else b"<svg" in data[:600]
    history = export.history_csv(window.workspace.session).splitlines()
    assert history[0] == "iteration,epoch,cost,test_cost,shown" and len(history) == 11
    assert float(history[1].split(",")[2]) == window.workspace.session.history.costs[0]
    trace = export.trace_csv(window.workspace.stepper.trace).splitlines()
    assert trace[0].startswith("micro_step,phase,name")
    assert sum(1 for row in trace if ",update," in row) == 9


def test_hover_and_thumbnails_show_a_neurons_own_output(window):
    session = trained(window, 20)
    window.plots.docks["data"].raise_()
    window.scene.hovered(window.scene.nodes["h1"])
    data = window.plots.data
    expected = outputs_over(session.trainer, session.state.theta, data.plane, ["h1"])["h1"]
    np.testing.assert_array_equal(data.values.ravel(), expected)
    assert "h1's output" in data.status.text()
    window.scene.hovered(None)
    assert "o's output" in data.status.text()
    window.actions["thumbnails"].trigger()
    for nid in ("h1", "h2", "o"):
        item = window.scene.nodes[nid].thumbnail
        assert item.isVisible() and item.pixmap().width() == 32
    assert not window.scene.nodes["x1"].thumbnail.isVisible()
    window.actions["thumbnails"].trigger()
    assert not window.scene.nodes["h1"].thumbnail.isVisible()


def test_two_parameters_picked_in_the_table_or_on_the_canvas(window, qtbot):
    trained(window, 3)
    window.docks["params"].raise_()                 # where the table can be seen
    qtbot.wait(1)
    table = window.params.table
    names = window.params.model.names
    table.selectRow(names.index("w:h1->o"))
    from PySide6.QtCore import QItemSelectionModel
    table.selectionModel().select(window.params.model.index(names.index("b:h2"), 0),
                                  QItemSelectionModel.Select | QItemSelectionModel.Rows)
    plot = window.plots.landscape
    assert {plot.a.currentText(), plot.b.currentText()} == {"w:h1->o", "b:h2"}
    window.scene.clearSelection()
    window.scene.edges["x1->h1"].setSelected(True)
    window.scene.edges["x2->h2"].setSelected(True)
    assert {plot.a.currentText(), plot.b.currentText()} == {"w:x1->h1", "w:x2->h2"}


def test_parameter_table_shows_and_edits_values(window, qtbot):
    session = trained(window, 2)
    window.docks["params"].raise_()
    qtbot.wait(1)
    panel = window.params
    k = panel.model.names.index("w:x1->h1")
    assert panel.text(k, 1) == number(session.parameters()["w:x1->h1"], 6)
    window.stepping.step("forward")                          # a new iteration: no gradients shown yet
    assert panel.text(k, 2) == ""
    window.stepping.step("iteration")
    update = window.workspace.stepper.trace.steps[-1]
    assert panel.text(k, 2) == number(update.grads[k], 4)
    assert panel.text(k, 4) == number(update.after[k] - update.before[k], 4)
    panel.model.setData(panel.model.index(k, 1), "1/4")
    assert window.workspace.document.edge("x1", "h1").weight == 0.25
    assert window.workspace.session.parameters()["w:x1->h1"] == 0.25
    panel.compute_numeric()
    analytic = window.workspace.session.gradient_check()["w:x1->h1"][0]
    assert panel.text(k, 3) == number(panel._numeric["w:x1->h1"], 4)
    # beside the gradient it checks, in view without scrolling in the dock as shipped
    window.docks["params"].raise_()
    table = panel.table
    header = table.horizontalHeader()
    assert header.sectionViewportPosition(3) + header.sectionSize(3) <= table.viewport().width()
    assert panel._numeric["w:x1->h1"] == pytest.approx(analytic, rel=1e-6, abs=1e-10)


def test_parameter_table_numbers_are_never_cut_short(window):
    """Columns stretched to a narrow dock elided every gradient ("0.00038…"):
    a student comparing with a hand computation needs every digit shown."""
    from bpsim.paths import examples_dir
    for name, digits in (("xor-2-2-1", 4), ("circle-with-test-split", 6)):
        window.set_digits(digits)
        window.files.open_path(examples_dir() / f"{name}.bpsim.json")
        window.stepping.step("iteration")
        window.params.compute_numeric()
        table = window.params.table
        metrics = table.fontMetrics()
        cells = 0
        for row in range(window.params.model.rowCount()):
            for column in range(5):
                text = window.params.text(row, column)
                if text:
                    cells += 1
                    assert metrics.horizontalAdvance(text) + 6 <= table.columnWidth(column), \
                        (name, row, column, text)
        assert cells >= 5 * 9


def test_the_numeric_check_of_a_completed_iteration_checks_that_iterations_gradient(window):
    """Once an iteration's update is shown, the session is past it: the check
    must still difference the cost at the parameters the gradients shown
    were taken at, or the two columns disagree for a correct backprop."""
    trained(window, 3)
    window.stepping.step("iteration")
    stepper = window.workspace.stepper
    assert stepper.complete
    panel = window.params
    panel.compute_numeric()
    update = stepper.trace.steps[-1]
    for k, name in enumerate(panel.model.names):
        assert panel._numeric[name] == pytest.approx(update.grads[k], rel=1e-5, abs=1e-9)
    assert float(panel.summary.text().rsplit(" ", 1)[1]) < 1e-5
    # and mid-iteration, the same step's
    window.stepping.step("forward")
    panel.compute_numeric()
    preview = window.workspace.stepper.trace.steps[-1]
    for k, name in enumerate(panel.model.names):
        assert panel._numeric[name] == pytest.approx(preview.grads[k], rel=1e-5, abs=1e-9)
    assert not np.allclose(preview.grads, update.grads)


def test_contours_lie_on_their_level():
    from bpsim.engine.landscape import contour_segments
    y, x = np.mgrid[0:40, 0:50]
    f = (x - 20.0) ** 2 + (y - 15.0) ** 2          # circles around (20, 15)
    xs, ys = contour_segments(f, [100.0, 400.0])
    assert len(xs) % 2 == 0 and len(xs) > 0
    r2 = (xs - 20) ** 2 + (ys - 15) ** 2
    # every end point lies on one of the two circles (linear interpolation: ~1 % off)
    near = np.minimum(np.abs(r2 - 100) / 100, np.abs(r2 - 400) / 400)
    assert near.max() < 0.02


def test_axis_titles_get_their_room_at_once(window):
    """Set with the titles, the axes grow before the next paint: else that
    paint draws a title over the tick labels (a screenshot, say)."""
    from bpsim.ui.plots.views import plot_widget, set_titles
    plot = plot_widget(grid=False)
    window.plots.docks["data"].setWidget(plot)   # somewhere on screen, laid out
    window.plots.docks["data"].raise_()
    axis = plot.getAxis("bottom")
    bare = axis.geometry().height()
    set_titles(plot, "w:x1->h1", "w:x2->h1")
    assert axis.geometry().height() > bare + 5


def test_a_grid_finished_after_its_plot_is_gone_is_dropped_quietly(qapp):
    """A window closed while its landscape grid is computing: the job ends
    without an error from a deleted receiver."""
    import shiboken6
    from bpsim.ui.plots.landscape import GridJob, _Done
    done = _Done()
    job = GridJob({"trainer": None}, done)        # fails at once: the error is the grid
    shiboken6.delete(done)
    job.run()                                     # raised "Signal source has been deleted"
    assert not shiboken6.isValid(done)


def test_pause_shows_the_landscape_of_the_iteration_paused_at(window, qtbot):
    """While running, the grid is coarse and at most one a second; Pause
    brought back neither the chosen resolution nor the paused iteration
    (seen on a real display: "30×30 grid; others held at iteration 258"
    after pausing at 314)."""
    from bpsim.paths import examples_dir
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    plot = window.plots.landscape
    window.plots.docks["landscape"].raise_()
    window.runner.toggle()
    qtbot.waitUntil(lambda: window.workspace.session.iteration > 30, timeout=20000)
    qtbot.wait(300)
    window.runner.toggle()
    assert not window.running
    plot.settle()
    session = window.workspace.session
    key = plot._computed_at
    assert key[0] == session.iteration and key[3] == plot.resolution.value()
    assert plot.grid.shape == (plot.resolution.value(), plot.resolution.value())


def test_the_input_plane_keeps_its_shape_and_shows_the_map_between_points(window):
    """Squeezed into a wide, low dock a circle of points was an ellipse, and
    300 points of 11 px covered the decision boundary."""
    from bpsim.paths import examples_dir
    data = window.plots.data
    for name, locked, biggest in (("circle-with-test-split", True, 6),
                                  ("xor-2-2-1", True, 11),
                                  ("single-weight-regression", False, 11)):
        window.files.open_path(examples_dir() / f"{name}.bpsim.json")
        window.plots.docks["data"].raise_()
        window.plots.refresh()
        box = data.plot.getViewBox()
        assert bool(box.state["aspectLocked"]) == locked, name
        sizes = data.train_points.data["size"]
        assert len(sizes) and sizes.max() <= biggest, name
        if locked:
            x0, x1 = box.viewRange()[0]
            y0, y1 = box.viewRange()[1]
            w, h = box.width(), box.height()
            assert (x1 - x0) / w == pytest.approx((y1 - y0) / h, rel=1e-6)   # 1:1


def test_a_closed_window_starts_no_grid(window, qtbot):
    """A grid delivered to a closed window (its events run on while the
    application lives) started the one waiting, which could then still run
    at the process's exit: OpenBLAS hung that exit, one test run in three."""
    trained(window, 5)
    plot = window.plots.landscape
    plot.settle()
    plot.choose("w:h1->o", "b:o")
    plot.choose("w:x1->h1", "b:o")          # asked while the first computes: it waits
    assert plot.busy and plot.pending is not None
    before = plot._computed_at
    window.close()
    assert plot.pool.activeThreadCount() == 0       # the one computing was ended, not waited for
    qtbot.wait(200)                                 # its end is delivered
    assert not plot.busy and plot.pending is None and plot.pool.activeThreadCount() == 0
    assert plot._computed_at == before              # neither it nor the one waiting was shown
    assert plot._computed_at[1] != ("w:x1->h1", "b:o")    # the one waiting never started
    window.show()
    qtbot.waitExposed(window)
    plot.choose("w:x1->h1", "b:o")                  # shown again, it computes again
    assert plot.busy
    plot.settle()
    assert plot._computed_at[1] == ("w:x1->h1", "b:o")


def test_a_slowly_falling_cost_is_drawn_smooth(window):
    """Without antialiasing a near-flat cost was a staircase of one-pixel
    steps (seen on a real display): the curve's edges are blended."""
    from bpsim.ui import style
    trained(window, 280)            # XOR's plateau: the cost falls by 1e-5 a step
    window.plots.docks["loss"].raise_()
    window.plots.refresh()
    image = window.plots.loss.plot.grab().toImage()
    pure = style.FORWARD.rgb() & 0xFFFFFF
    reddish = blended = 0
    for y in range(image.height()):
        for x in range(0, image.width()):
            c = image.pixelColor(x, y)
            if c.red() - c.green() > 40 and c.red() - c.blue() > 40 and c.green() < 150:
                reddish += 1
                blended += (c.rgb() & 0xFFFFFF) != pure
    assert reddish > 200                 # the curve is there
    assert blended > 0.3 * reddish


def test_the_loss_legend_names_only_the_curves_drawn(window):
    from bpsim.paths import examples_dir

    def names():
        return [label.text for _, label in window.plots.loss.legend.items]
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")          # full batch, no test rows
    window.stepping.step("iteration")
    window.stepping.step("iteration")
    window.plots.refresh()
    assert names() == ["cost per step"]
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.stepping.step("iteration")
    window.plots.refresh()
    assert "test cost" in names()
    window.files.open_path(examples_dir() / "sgd-versus-full-batch.bpsim.json")
    for _ in range(3):
        window.stepping.step("iteration")
    window.plots.refresh()
    batch = window.workspace.session.settings.batch
    assert ("epoch mean" in names()) == (batch != "full")


def test_the_first_epoch_means_are_dots(window):
    """An epoch mean named in the legend was nowhere: one point, and no line."""
    from bpsim.paths import examples_dir
    window.files.open_path(examples_dir() / "sgd-versus-full-batch.bpsim.json")
    for _ in range(3):
        window.stepping.step("iteration")
    window.plots.refresh()
    loss = window.plots.loss
    x, _ = loss.epoch.getData()
    assert len(x) == 1 and loss.epoch.opts["symbol"] == "s"
    window.workspace.session.train(2000)
    window.workspace.stepper.after_run()
    window.refresh()
    assert len(loss.epoch.getData()[0]) > 40 and loss.epoch.opts["symbol"] is None


def test_after_a_reset_the_landscape_fits_the_new_path(window, qtbot):
    """The auto range kept the old run's wide range and path after Reset."""
    session = trained(window, 400)
    plot = window.plots.landscape
    plot.choose("w:x1->h1", "w:x2->h1")
    window.refresh()
    trained_range = plot._range
    assert len(plot.path.getData()[0]) > 50
    window.stepping.step("reset")
    window.refresh()
    assert len(plot.path.getData()[0]) == 1 == session.history.kept()
    start = session.parameters()
    assert plot._range != trained_range
    lo_a, hi_a, lo_b, hi_b = plot._range             # centred on the start again
    assert (lo_a + hi_a) / 2 == pytest.approx(start["w:x1->h1"])
    assert (lo_b + hi_b) / 2 == pytest.approx(start["w:x2->h1"])
    window.undo.stack.undo()                        # the training back: its range too
    window.refresh()
    assert len(plot.path.getData()[0]) > 50
    assert plot._range == trained_range


def test_axes_name_parameters_as_the_notes_write_them(window):
    """The axes read "w:x1->h1", the file's own key, where the notes write w with x1→h1 below."""
    from bpsim.ui.plots.views import param_title
    assert param_title("w:x1->h1") == "w<sub>x1→h1</sub>"
    assert param_title("b:h1") == "b<sub>h1</sub>" and param_title("p:w") == "w"
    trained(window, 3)
    plot = window.plots.landscape
    plot.choose("w:x1->h1", "b:o")
    plot.settle()
    axes = plot.plot.plotItem
    assert axes.getAxis("bottom").labelText == "w<sub>x1→h1</sub>"
    assert axes.getAxis("left").labelText == "b<sub>o</sub>"
    window.plots.docks["tangent"].raise_()
    tangent = window.plots.tangent
    tangent.refresh()                              # its choices, once shown
    tangent.param.setCurrentText("b:h1")
    tangent.refresh(force=True)
    assert tangent.plot.plotItem.getAxis("bottom").labelText == "b<sub>h1</sub>"
    assert "∂C/∂b<sub>h1</sub>" in tangent.status.text()


def test_the_next_iterations_first_micro_step_leaves_the_landscape_as_drawn(window, monkeypatch):
    """A complete iteration's landscape already shows the next update's
    arrow; the next iteration's first micro-step traces that same update
    anew, and redrawing the same picture cost 3 ms at every iteration."""
    window.files.open_path(XOR)
    plot = window.plots.landscape
    window.plots.docks["landscape"].raise_()
    window.stepping.step("iteration")
    arrow = [list(v) for v in plot.arrow_line.getData()]
    drawn = []
    monkeypatch.setattr(plot.path, "setData", lambda *a, **k: drawn.append(a))
    window.stepping.step("forward")
    assert window.workspace.stepper.index == 1 and drawn == []
    assert [list(v) for v in plot.arrow_line.getData()] == arrow
    window.stepping.step("iteration")            # the update moves the point: drawn again
    assert len(drawn) == 1


def test_curves_with_nothing_to_draw_are_emptied_once(window, monkeypatch):
    """The test cost of a run without test rows, and the epoch means of a
    full batch, stay empty without a setData at every step (~0.4 ms each);
    a curve drawn for the file before is emptied all the same."""
    loss = window.plots.loss
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.stepping.step("iteration")
    window.stepping.step("iteration")
    assert len(loss.test.getData()[0]) == 2
    window.files.open_path(XOR)
    window.stepping.step("iteration")
    assert loss.test.getData()[0] is None and loss.epoch.getData()[0] is None
    calls = []
    for curve in (loss.test, loss.epoch):
        monkeypatch.setattr(curve, "setData", lambda *a, **k: calls.append(a))
    for _ in range(3):
        window.stepping.step("iteration")
    assert calls == [] and len(loss.train.getData()[0]) == 4


def test_the_loss_legend_keeps_out_of_the_curves_way(window):
    """Top right, where a falling cost leaves room; a climbing cost ran
    behind it there, its latest steps hidden."""
    from PySide6.QtCore import QPointF
    loss = window.plots.loss
    window.files.open_path(XOR)
    for _ in range(30):
        window.stepping.step("iteration")
    assert loss.legend_corner == "top right"
    window.files.open_path(examples_dir() / "single-weight-regression.bpsim.json")
    window.training.lr_entry.setText("0.05")       # each step doubles the error
    window.training.lr_entry.editingFinished.emit()
    for _ in range(8):
        window.stepping.step("iteration")
    window.plots.refresh()
    assert loss.legend_corner != "top right"
    vb = loss.plot.plotItem.vb
    costs = window.workspace.session.history.costs
    for k, cost in enumerate(costs, start=1):
        point = vb.mapViewToScene(QPointF(k, cost))
        assert not loss.legend.sceneBoundingRect().contains(point), k


def test_the_data_view_says_what_its_colours_mean(window):
    """White and black dots, rings, blue and red: a student alone had no
    key to them."""
    data = window.plots.data
    window.plots.docks["data"].raise_()
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.stepping.step("iteration")
    data.refresh()
    text = data.status.text()
    low, high = data.values.min(), data.values.max()
    assert f"{number(low, 3)} (blue) to {number(high, 3)} (red)" in text
    assert "white dots: target 1, black: 0" in text and "rings: test rows" in text
    window.files.open_path(XOR)
    window.stepping.step("iteration")
    data.refresh()
    assert "white dots: target 1, black: 0" in data.status.text()
    assert "rings" not in data.status.text()
    window.files.open_path(examples_dir() / "single-weight-regression.bpsim.json")
    window.stepping.step("iteration")
    data.refresh()
    assert "line: its output; dots: the rows" in data.status.text()


def test_the_parameter_table_behind_its_tab_waits_until_it_is_raised(window, qtbot):
    """Refreshed at every micro-step, seen or not, a big network's table cost
    milliseconds a step."""
    window.files.open_path(XOR)
    window.docks["plot_loss"].raise_()             # the table's tab is behind it
    qtbot.wait(1)
    panel = window.params
    window.stepping.step("iteration")
    before = list(panel.model.columns[0])
    window.stepping.step("iteration")
    assert list(panel.model.columns[0]) == before     # not refreshed while hidden
    window.docks["params"].raise_()
    qtbot.waitUntil(lambda: not panel._stale)
    values = window.workspace.session.parameters()
    assert list(panel.model.columns[0]) == [values[n] for n in panel.model.names]
    window.stepping.step("iteration")                          # seen: refreshed at once
    values = window.workspace.session.parameters()
    assert list(panel.model.columns[0]) == [values[n] for n in panel.model.names]


def test_a_legend_goes_to_the_corner_its_curves_leave_free(qapp):
    """Shared by the loss curve and the gradient flow (exploding gradients
    climbed behind a legend fixed at the top right)."""
    import pyqtgraph as pg
    from bpsim.ui.plots.views import add_legend, place_legend, plot_widget
    plot = plot_widget()
    plot.resize(400, 300)
    legend = add_legend(plot)
    plot.plot([1, 2], [1, 2], name="layer 1")
    plot.plotItem.vb.setRange(xRange=(0, 100), yRange=(-4, 2), padding=0)
    plot.show()
    qapp.processEvents()
    xs = np.arange(1, 101, dtype=float)
    rising = [10.0 ** np.linspace(-4, 2, 100)]          # log axis: -4 to 2 decades
    falling = [10.0 ** np.linspace(2, -4, 100)]
    assert place_legend(plot, legend, xs, falling, log_y=True) == "top right"
    corner = place_legend(plot, legend, xs, rising, log_y=True, corner_now="top right")
    assert corner == "top left"
    assert legend.pos().x() < plot.plotItem.vb.width() / 2       # anchored there
    assert place_legend(plot, legend, np.zeros(0), []) == "top right"
    plot.close()


def test_a_legend_counts_only_the_points_beside_it_and_finds_the_same_corner(qapp):
    """Placed at every frame of a run, the legend looked at every point of a
    100 000-step curve, and took each one's logarithm: it now looks only at
    the points near its corners, and chooses as counting every one did."""
    from bpsim.ui.plots.views import LEGEND_CORNERS, add_legend, place_legend, plot_widget
    plot = plot_widget()
    plot.resize(400, 300)
    legend = add_legend(plot)
    plot.plot([1, 2], [1, 2], name="cost per step")
    plot.show()
    qapp.processEvents()
    vb, rng = plot.plotItem.vb, np.random.default_rng(7)

    def every_point(xs, ys, log_y):
        (x0, x1), (y0, y1) = vb.viewRange()
        box, size = vb.boundingRect(), legend.boundingRect()
        fx = (size.width() + 20) / box.width() * (x1 - x0)
        fy = (size.height() + 20) / box.height() * (y1 - y0)
        counts = dict.fromkeys(LEGEND_CORNERS, 0)
        for values in ys:
            with np.errstate(all="ignore"):
                v = np.log10(values) if log_y else values
            for name, x_in, y_in in (("top right", xs >= x1 - fx, v >= y1 - fy),
                                     ("top left", xs <= x0 + fx, v >= y1 - fy),
                                     ("bottom left", xs <= x0 + fx, v <= y0 + fy),
                                     ("bottom right", xs >= x1 - fx, v <= y0 + fy)):
                counts[name] += int(np.count_nonzero(x_in & y_in))
        return min(LEGEND_CORNERS, key=lambda name: counts[name])

    chosen = set()
    for case in range(60):
        n, log_y = int(rng.integers(5, 400)), bool(case % 2)
        xs = np.sort(rng.uniform(0, 100, n))
        ys = [10.0 ** rng.uniform(-4, 2, n) if log_y else rng.uniform(-4, 2, n)
              for _ in range(int(rng.integers(1, 3)))]
        if case % 5 == 0:
            ys[0][rng.integers(0, n, 3)] = [0.0, np.inf, np.nan] if log_y else np.nan
        lo, hi = sorted(rng.uniform(-1, 101, 2))
        vb.setRange(xRange=(lo, hi), yRange=(-4, 2), padding=0)
        corner = place_legend(plot, legend, xs, ys, log_y)
        assert corner == every_point(xs, ys, log_y), case
        chosen.add(corner)
    assert len(chosen) >= 3            # the cases put it in several corners
    plot.close()


def test_the_landscape_is_computed_outside_the_windows_interpreter(window, qtbot, monkeypatch):
    """A grid on a thread of the window's process held the interpreter the
    window's thread needs at each Qt call: a micro-step took half again as
    long while one computed.  Here the window's process cannot compute one."""
    import bpsim.session.grid_process as grid_process

    def not_here(*args, **kwargs):
        raise AssertionError("a landscape grid was computed in the window's process")
    monkeypatch.setattr(grid_process, "landscape", not_here)
    session = trained(window, 3)
    plot = window.plots.landscape
    plot.resolution.setValue(11)
    plot.choose("w:h1->o", "b:o")
    qtbot.waitUntil(lambda: plot._computed_at is not None
                    and plot._computed_at[1] == ("w:h1->o", "b:o") and not plot.busy,
                    timeout=30000)
    assert "cannot compute" not in plot.status.text()
    assert plot.grid[5, 5] == pytest.approx(session.preview().cost, rel=1e-12)
    assert plot.contours[0].path().elementCount() > 0       # its contour lines came too


def test_axes_write_negative_numbers_with_a_minus_sign(qapp):
    from bpsim.ui.plots.views import plot_widget
    plot = plot_widget()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        texts = axis.tickStrings([-1.5, 0.0, 2.5], 1.0, 0.5)
        assert texts[0] == "−1.5" and "-" not in "".join(texts), (name, texts)
        axis.setLogMode(True)
        assert all("-" not in t for t in axis.tickStrings([-3.0, -2.0], 1.0, 1.0))
    plot.close()


def test_the_first_test_cost_is_a_dot_as_the_first_cost_is(window):
    """One iteration into the circle example the legend named "test cost",
    and its single point, a line of no length, was nowhere to be seen."""
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.stepping.step("iteration")
    window.refresh()
    loss = window.plots.loss
    assert loss.test.opts["symbol"] is not None and loss.train.opts["symbol"] is not None
    xs, ys = loss.test.getData()
    assert len(xs) == 1 and np.isfinite(ys).all()
    for _ in range(50):
        window.stepping.step("iteration")
    window.refresh()
    assert loss.test.opts["symbol"] is None        # a line, once there are many


def test_the_iteration_marker_shows_once_an_iteration_is_done(window):
    window.files.open_path(XOR)
    loss = window.plots.loss
    window.stepping.step("forward")
    window.refresh()
    assert not loss.marker.isVisible()           # on the axis, it looked like a fault
    window.stepping.step("iteration")
    window.refresh()
    assert loss.marker.isVisible() and loss.marker.value() == 1
    window.actions.history_slider.setValue(0)            # rewound to the start
    window.refresh()
    assert not loss.marker.isVisible()


def test_the_landscapes_status_sits_beside_auto_range_and_the_range_boxes_come_with_it_off(
        window, qtbot):
    """A row for "auto range" alone, under the plot, left the heatmap 60 px
    high at 1024x768."""
    window.files.open_path(XOR)
    window.plots.docks["landscape"].raise_()
    qtbot.wait(20)
    plot = window.plots.landscape
    assert plot.auto.isChecked() and not plot.range_row.isVisible()
    assert abs(plot.status.geometry().top() - plot.auto.geometry().top()) <= 4
    assert plot.status.geometry().left() > plot.auto.geometry().right()
    plot.auto.setChecked(False)
    qtbot.wait(20)
    assert plot.range_row.isVisible() and all(s.isEnabled() for s in plot.ranges)
    assert plot.range_row.geometry().bottom() <= plot.auto.geometry().top()
    plot.auto.setChecked(True)
    assert not plot.range_row.isVisible() and not any(s.isEnabled() for s in plot.ranges)
