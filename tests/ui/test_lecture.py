"""Lecture mode: presenting (F5), and the keys a presentation clicker sends."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QDockWidget, QToolBar

from bpsim.paths import examples
from bpsim.ui.canvas.view import LEAST_POINTS
from bpsim.ui.presentation import LINES_ON_SCREEN


def example(name: str):
    return next(p for p in examples() if p.name.startswith(name))


@pytest.fixture
def window(window):
    """Within the offscreen screen (800x800), as a window is on a real one:
    one larger is made smaller when its geometry is restored."""
    window.resize(780, 700)
    return window


def canvas_text_px(window) -> float:
    """The height on screen of the canvas's smallest text (its numbers')."""
    view, scene = window.view, window.scene
    return LEAST_POINTS * view.logicalDpiY() / 72 * scene.item_scale * scene.text_scale * \
        view.transform().m11()


def shown(window) -> dict:
    return {"menu": window.menuBar().isVisible(), "status": window.statusBar().isVisible(),
            "bars": sorted(b.objectName() for b in window.findChildren(QToolBar)
                           if b.isVisible()),
            "docks": sorted(d.objectName() for d in window.findChildren(QDockWidget)
                            if d.isVisible())}


def test_f5_presents_the_canvas_and_the_explanation_alone_and_esc_gives_the_window_back(
        window, qtbot):
    window.files.open_path(example("sigmoid-neuron.bpsim"))
    before = shown(window)
    assert before["menu"] and before["bars"] and len(before["docks"]) > 3
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_F5)
    assert window.presentation.presenting and window.isFullScreen()
    now = shown(window)
    assert not now["menu"] and not now["status"] and not now["bars"]
    assert now["docks"] == ["dock_explanation"]
    assert window.actions["present"].isChecked()
    for _ in range(10):        # the lesson's notes, read to their end, then its first step
        qtbot.keyClick(window.view, Qt.Key_Right)
        if window.stepper.index:
            break
    assert window.stepper.index == 1
    assert window.presentation.line.isVisible()
    assert window.presentation.line.text() == "iteration 1 · forward 1/8"
    qtbot.keyClick(window.view, Qt.Key_Escape)
    assert not window.presentation.presenting and not window.isFullScreen()
    assert shown(window) == before
    assert window.scene.item_scale == 1.0 and window.explanation.presented is None
    assert not window.presentation.line.isVisible()
    assert not window.actions["leave_presentation"].isEnabled()   # Esc is the editors' again


@pytest.mark.parametrize("key", [(Qt.Key_F5, Qt.NoModifier), (Qt.Key_F5, Qt.ShiftModifier)])
def test_a_clickers_show_button_leaves_as_it_entered(window, qtbot, key):
    """A clicker's show button sends F5 or Shift+F5 each time it is pressed."""
    window.files.open_path(example("sigmoid-neuron.bpsim"))
    window.view.setFocus()
    qtbot.keyClick(window.view, *key)
    assert window.presentation.presenting
    qtbot.keyClick(window.view, *key)
    assert not window.presentation.presenting


@pytest.mark.parametrize("name", ["sigmoid-neuron.bpsim", "single-weight", "logistic"])
def test_presenting_a_small_lesson_draws_every_text_for_the_back_row(window, qtbot, name):
    """Canvas numbers and the explanation at least a 28th of the screen's
    height (27 px at 768): they were about 15 px and at most 16 pt."""
    window.files.open_path(example(name))
    for _ in range(3):
        window.stepping.read_on(1)
    outside = canvas_text_px(window)
    window.presentation.enter()
    least = window.screen().geometry().height() / LINES_ON_SCREEN
    assert canvas_text_px(window) >= 0.98 * least > outside
    # the explanation: every paragraph's font at least that high
    doc = window.explanation.text.document()
    block = doc.begin()
    sizes = []
    while block.isValid():
        for fragment_it in _fragments(block):
            sizes.append(QFontInfo(fragment_it.charFormat().font()).pixelSize())
        block = block.next()
    assert sizes and min(sizes) >= 0.98 * least
    window.presentation.leave()
    qtbot.waitUntil(lambda: canvas_text_px(window) == pytest.approx(outside))


def _fragments(block):
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        if fragment.isValid() and fragment.text().strip():
            yield fragment
        it += 1


def test_presenting_a_bigger_lesson_grows_it_as_far_as_its_room_allows(window):
    """No outline, name or number reaches another node's."""
    window.files.open_path(example("sigmoid-neuron-gates"))
    outside = canvas_text_px(window)
    window.presentation.enter()
    scene = window.scene
    assert canvas_text_px(window) >= outside
    assert scene.item_scale <= max(1.0, scene.room_to_grow() * 1.01)
    bodies = [item.scene_body() for item in scene.nodes.values()]
    for i, a in enumerate(bodies):
        for b in bodies[i + 1:]:
            assert not a.intersects(b)


def test_an_edit_while_presenting_fits_the_network_again(window, qtbot):
    window.files.open_path(example("xor"))
    window.presentation.enter()
    fitted = window.view.transform().m11()
    window.actions["add_neuron"].trigger()     # placed beside the network: it needs room
    qtbot.waitUntil(lambda: window.view.transform().m11() != fitted)
    assert window.view.mapFromScene(window.scene.extent().bottomRight()).x() <= \
        window.view.viewport().width()


def test_black_and_white_screens_while_presenting(window, qtbot):
    window.files.open_path(example("xor"))
    window.presentation.enter()
    qtbot.keyClick(window.view, Qt.Key_B)
    assert window.blank.shown == "black"
    assert window.blank.geometry() == window.rect()
    qtbot.keyClick(window.blank, Qt.Key_PageDown)     # returns, and does not step
    assert window.blank.shown is None and window.stepper.index == 0
    assert window.presentation.presenting


@pytest.mark.parametrize("focus", ["explanation", "canvas"])
def test_the_clickers_keys_step_whatever_part_has_the_focus(window, qtbot, focus):
    window.files.open_path(example("xor"))
    widget = window.explanation.text if focus == "explanation" else window.view
    widget.setFocus()
    st = window.stepper
    for key, index in ((Qt.Key_PageDown, 1), (Qt.Key_Down, 2), (Qt.Key_Right, 3),
                       (Qt.Key_PageUp, 2), (Qt.Key_Up, 1), (Qt.Key_Left, 0),
                       (Qt.Key_End, st.total), (Qt.Key_Home, 0)):
        qtbot.keyClick(widget, key)
        assert st.index == index, key


def test_the_wheel_over_the_training_dock_changes_no_box_it_passes(window, qtbot):
    """A list box or number box takes the wheel only once it has the focus."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    window.files.open_path(example("xor"))
    panel = window.training
    loss, activation = panel.loss.currentText(), panel.activation.currentText()

    def wheel(widget):
        centre = QPointF(widget.rect().center())
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(),
                            QPoint(0, 120), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)

    for box in (panel.loss, panel.activation, window.actions.speed):
        wheel(box)
    assert (panel.loss.currentText(), panel.activation.currentText()) == (loss, activation)
    assert window.actions.speed.value() == 1
    window.actions.speed.setFocus()
    wheel(window.actions.speed)            # focused: it takes it
    assert window.actions.speed.value() != 1


def test_the_speed_box_has_max_above_1000_and_takes_it_typed(window, qtbot):
    from bpsim.ui.actions import SpeedBox
    box = SpeedBox()
    qtbot.addWidget(box)
    box.setValue(1)
    box.stepBy(-1)
    assert box.value() == 1                  # max no longer sits below 1
    box.setValue(1000)
    box.stepBy(1)
    assert box.value() == 0 and box.text() == "max"      # 0: as many as fit
    box.stepBy(1)
    assert box.value() == 0
    box.stepBy(-1)
    assert box.value() == 1000
    box.show()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "max")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert box.value() == 0
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "12")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert box.value() == 12


def test_presenting_a_wide_network_spreads_its_rows_into_the_empty_height_and_back(window):
    window.files.open_path(example("xor"))
    doc = window.workspace.document
    window.presentation.enter()
    scene = window.scene
    assert scene.spread > 1.0
    for node in doc.nodes:
        item = scene.nodes[node.id]
        assert scene.unplace(item.pos().x(), item.pos().y()) == pytest.approx(node.pos)
    window.presentation.leave()
    assert scene.spread == 1.0
    for node in doc.nodes:
        assert (scene.nodes[node.id].pos().x(), scene.nodes[node.id].pos().y()) == node.pos


def test_presenting_leaves_each_weight_room_on_its_line(window):
    """Grown as far as the nodes' room alone allowed, a presented 2-2-1's
    weights and gradients lay over its nodes, or found no place and were
    not shown."""
    from PySide6.QtGui import QFontMetricsF
    from bpsim.session.numbers import number
    window.files.open_path(example("xor"))
    window.presentation.enter()
    scene = window.scene
    assert scene.item_scale > 1.0
    for edge in scene.edges.values():
        width = edge.label.scale() * QFontMetricsF(edge.label.font()).horizontalAdvance(
            number(-0.123456789, scene.digits))
        assert edge.line.length() >= 0.99 * width, edge.key
    assert all(edge.label.text() for edge in scene.edges.values())   # each weight shown


def test_the_corner_line_stays_in_the_canvas_corner_as_the_canvas_scrolls(window):
    """A child of the canvas's viewport, it was scrolled with the scene as
    the network was fitted, out of sight (seen in a real window)."""
    window.files.open_path(example("xor"))
    window.presentation.enter()
    line, viewport = window.presentation.line, window.view.viewport()
    viewport.scroll(40, 60)              # what the view does as it scrolls its scene
    corner = viewport.geometry()
    assert corner.contains(line.geometry())
    assert line.geometry().left() - corner.left() < 20
    assert corner.bottom() - line.geometry().bottom() < 20


def test_a_presented_network_of_a_dozen_edges_numbers_only_the_edges_read(window):
    """Grown for the back row, a 2-4-1's twelve weights lay over each other."""
    window.files.new_network()
    window.editor.build_layered("2-4-1", "sigmoid", "sigmoid", replace=True)
    assert not window.scene.crowded
    window.presentation.enter()
    scene = window.scene
    assert scene.crowded
    window.stepping.step("forward")
    window.stepping.step("forward")                 # the inputs: no edge read
    for _ in range(4):                              # each hidden neuron's
        window.stepping.step("forward")
        numbered = {key for key, edge in scene.edges.items() if edge.label.text()}
        read = {key for key, edge in scene.edges.items() if edge.mark is not None}
        assert numbered == read and len(read) == 2
    window.presentation.leave()
    assert not scene.crowded


def test_escape_while_presenting_closes_a_number_being_typed_first(window, qtbot):
    """The window's Esc left the presentation with the editor open."""
    window.files.open_path(example("xor"))
    window.presentation.enter()
    window.view.edit_edge(window.scene.edges["x1->h1"])
    editor = window.view.editor
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor, "abc")
    qtbot.keyClick(editor, Qt.Key_Escape)
    assert not editor.isVisible() and window.presentation.presenting
    qtbot.keyClick(window.view, Qt.Key_Escape)
    assert not window.presentation.presenting


def test_a_weight_typed_while_presenting_leaves_the_canvas_as_it_is(window, qtbot):
    """Fitted again after the edit, the presented network came out smaller
    each time (the zoomed-out numbers' growth fed back into its room)."""
    from bpsim.document.edits import SetEdgeWeight
    window.files.open_path(example("xor"))
    window.presentation.enter()
    qtbot.wait(50)                  # the full screen's size, fitted to
    before = (window.scene.item_scale, window.view.transform().m11())
    window.push(SetEdgeWeight("x1", "h1", -3.0))
    qtbot.wait(20)
    assert (window.scene.item_scale, window.view.transform().m11()) == before
    window.view.fit()                          # and fitted again: the same
    assert window.scene.item_scale == pytest.approx(before[0])
    assert window.view.transform().m11() == pytest.approx(before[1])


@pytest.mark.parametrize("focus", ["lr_entry", "loss"])
def test_the_clickers_page_keys_step_from_a_text_field_and_a_list_box(window, qtbot, focus):
    """A clicker sends PageDown and PageUp whatever has the focus: in the
    learning-rate field or the loss's list box they step the walk (the
    arrows stay the field's, to move its cursor, and B and . its letters)."""
    window.files.open_path(example("xor"))
    widget = getattr(window.training, focus)
    widget.setFocus()
    st = window.stepper
    for key, index in ((Qt.Key_PageDown, 1), (Qt.Key_PageDown, 2), (Qt.Key_PageUp, 1)):
        qtbot.keyClick(widget, key)
        assert st.index == index, key
    if focus == "lr_entry":
        return
    qtbot.keyClick(widget, Qt.Key_B)
    assert window.blank.shown == "black"
    qtbot.keyClick(window.blank, Qt.Key_PageDown)
    assert window.blank.shown is None


from bpsim.session.numbers import number  # noqa: E402


def page_down_until(window, qtbot, done) -> None:
    """PageDown until ``done()``: a long text is read to its end first."""
    for _ in range(12):
        qtbot.keyClick(window.view, Qt.Key_PageDown)
        if done():
            return
    raise AssertionError("PageDown never got there")


def canvas_numbers(window, node: str) -> tuple[str, str]:
    item = window.scene.nodes[node]
    return item.forward_text.text(), item.backward_text.text()


@pytest.mark.parametrize("presenting", [False, True])
def test_asking_hides_a_steps_numbers_on_the_canvas_and_in_the_dock_until_the_next_click(
        window, qtbot, presenting):
    window.files.open_path(example("xor"))
    if presenting:
        window.presentation.enter()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_A)          # View ▸ Ask before revealing
    assert window.actions["ask"].isChecked()
    st = window.stepper
    while st.index < 3:                            # x1 and x2 are given, h1 is asked
        qtbot.keyClick(window.view, Qt.Key_PageDown)
    assert st.veiled
    text = window.explanation.text.toPlainText()
    # the canvas shows the batch's mean, the dock each sample's value
    mean, first = number(st.micro.out.mean(), 4), number(st.micro.out[0], 4)
    assert canvas_numbers(window, "h1")[0] == "?"
    assert "?" in text and first not in text
    if presenting:
        assert window.presentation.line.text().endswith("asking")
    # revealed, not moved on (once the explanation is read to its end)
    page_down_until(window, qtbot, lambda: not st.veiled)
    assert st.index == 3
    assert canvas_numbers(window, "h1")[0] == mean
    assert first in window.explanation.text.toPlainText()
    qtbot.keyClick(window.view, Qt.Key_PageUp)     # asked again
    assert st.index == 3 and canvas_numbers(window, "h1")[0] == "?"
    qtbot.keyClick(window.view, Qt.Key_A)          # asking off: revealed
    assert not st.veiled and canvas_numbers(window, "h1")[0] == mean
    page_down_until(window, qtbot, lambda: st.index != 3)
    assert st.index == 4 and not st.veiled


def test_the_lessons_menu_lists_every_example_in_the_courses_order_and_opens_each_at_its_start(
        window, qtbot):
    from bpsim.paths import examples, lessons
    listed = lessons()
    assert {lesson.path for lesson in listed} == set(examples())      # none left out
    order = [lesson.path.name.split(".")[0] for lesson in listed]
    assert order[:3] == ["circuit-x-plus-y-times-z", "sigmoid-neuron-gates", "sigmoid-neuron"]
    assert order.index("single-weight-one-point") < order.index("logistic-regression") < \
        order.index("xor-2-2-1") < order.index("learning-rate-too-large") < \
        order.index("circle-with-test-split")
    menu = window.actions.lessons_menu
    titles = [a.text() for a in menu.actions()]
    assert titles[0].startswith("1. (x + y)·z")
    assert len(titles) == len(listed) and len(set(titles)) == len(titles)
    vectorized = [a for a, lesson in zip(menu.actions(), listed) if lesson.vectorized]
    assert len(vectorized) == 1 and "vectorized" in vectorized[0].text()
    vectorized[0].trigger()
    assert window.explanation.vectorized.isChecked()
    assert window.workspace.path.name == "xor-2-2-1.bpsim.json"
    window.stepping.step("forward")
    menu.actions()[0].trigger()                    # from mid-walk, the first lesson
    assert window.workspace.path.name.startswith("circuit") and window.stepper.index == 0
    assert not window.explanation.vectorized.isChecked()
    assert "(x + y)·z" in window.explanation.text.toPlainText()        # its notes


@pytest.mark.parametrize("name, lr", [("single-weight-one-point", 0.02),
                                      ("single-weight-regression", 0.001)])
def test_the_single_weight_lessons_look_different_at_epochs_0_10_and_100(name, lr):
    """The notes draw the model at epochs 0, 10 and 100: three different
    lines, not one already settled by epoch 10."""
    from bpsim.document import load
    from bpsim.session import Session
    session = Session.from_loaded(load(example(name)))
    assert session.document.training.learning_rate == lr
    seen = {}
    for epoch in (0, 10, 100):
        while session.iteration < epoch:
            session.step()
        seen[epoch] = session.parameters()["p:w"]
    best = 2.0 if "one-point" in name else 59.7 / 30
    assert seen[0] == 0
    assert 0.25 * best < seen[10] < 0.6 * best         # on its way
    assert abs(seen[100] - best) < 0.02 * best          # there


def test_a_learning_rate_too_large_diverges_from_side_to_side():
    from bpsim.document import load
    from bpsim.session import Session
    session = Session.from_loaded(load(example("learning-rate-too-large")))
    ws = []         # w's distance from the best w, after each step
    for _ in range(6):
        session.step()
        ws.append(session.parameters()["p:w"] - 59.7 / 30)
    assert all(a * b < 0 and abs(b) > abs(a) for a, b in zip(ws, ws[1:]))


def test_the_spotlight_dims_all_but_the_node_computed_what_it_reads_and_the_lines_between(
        window, qtbot):
    window.files.open_path(example("xor"))
    scene, st = window.scene, window.stepper
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_S)
    assert window.actions["spotlight"].isChecked()
    for _ in range(3):
        st.forward()                               # forward h1 reads x1 and x2
    window.refresh()
    lit = {n for n, item in scene.nodes.items() if item.opacity() == 1.0}
    assert lit == {"h1", "x1", "x2"}
    assert {k for k, e in scene.edges.items() if e.opacity() == 1.0} == {"x1->h1", "x2->h1"}
    while not (st.micro.phase == "backward" and st.micro.node == "h2"):
        st.forward()                               # backward h2 reads δ_o along h2->o
    window.refresh()
    assert {n for n, item in scene.nodes.items() if item.opacity() == 1.0} == {"h2", "o"}
    assert {k for k, e in scene.edges.items() if e.opacity() == 1.0} == \
        {"h2->o", "x1->h2", "x2->h2"}           # and the ∂C/∂w it computes on its lines in
    st.to_end()                                    # the update: nothing is being computed
    window.refresh()
    assert all(item.opacity() == 1.0 for item in scene.nodes.values())
    st.to_start()
    for _ in range(3):
        st.forward()
    window.refresh()
    qtbot.keyClick(window.view, Qt.Key_S)          # off: all shown again
    assert all(item.opacity() == 1.0 for item in scene.nodes.values())
    assert all(item.opacity() == 1.0 for item in scene.edges.values())


def test_presenting_a_key_shows_a_plot_large_in_the_explanations_place_and_again_hides_it(
        window, qtbot):
    window.files.open_path(example("xor"))
    before = shown(window)
    window.presentation.enter()
    window.stepping.step("iteration")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_1)                  # the loss curve
    assert shown(window)["docks"] == ["dock_plot_loss"]
    loss = window.plots.widgets["loss"].plot
    px = window.presentation.text_px()
    assert loss.getAxis("left").style["tickFont"].pixelSize() == round(0.8 * px)
    assert f"font-size:{round(px)}px" in loss.getAxis("bottom").label.toHtml().replace(" ", "")
    qtbot.waitUntil(lambda: window.plots.docks["loss"].width() >= 0.45 * window.width(),
                    timeout=2000)
    qtbot.keyClick(window.view, Qt.Key_PageDown)           # the walk goes on beside it
    assert window.stepper.index == 1
    qtbot.keyClick(window.view, Qt.Key_4)                  # another plot in its place
    assert shown(window)["docks"] == ["dock_plot_data"]
    assert loss.getAxis("left").style["tickFont"] is None  # the one hidden, as it was
    qtbot.keyClick(window.view, Qt.Key_4)                  # again: the explanation back
    assert shown(window)["docks"] == ["dock_explanation"]
    qtbot.keyClick(window.view, Qt.Key_2)
    qtbot.keyClick(window.view, Qt.Key_Escape)
    assert shown(window) == before
    assert window.plots.widgets["landscape"].plot.getAxis("left").style["tickFont"] is None


def test_outside_presentation_a_plot_key_shows_and_raises_its_dock(window, qtbot):
    window.files.open_path(example("xor"))
    window.plots.docks["tangent"].hide()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_3)
    assert window.plots.docks["tangent"].isVisible()
    assert window.docks["explanation"].isVisible()


def test_presenting_draws_in_the_high_contrast_palette_and_leaving_in_the_own(window):
    from bpsim.ui import style
    window.files.open_path(example("xor"))
    own = style.FORWARD.name(), style.BACKWARD.name(), style.MUTED.name()
    window.stepping.step("phase")
    item = window.scene.nodes["h1"]
    assert item.forward_text.brush().color().name() == own[0]
    window.presentation.enter()
    window.refresh()
    item = window.scene.nodes["h1"]             # drawn anew, in the presented palette
    assert (style.FORWARD.name(), style.BACKWARD.name(), style.MUTED.name()) == \
        (style.HIGH_CONTRAST["FORWARD"], style.HIGH_CONTRAST["BACKWARD"],
         style.HIGH_CONTRAST["MUTED"])
    assert item.forward_text.brush().color().name() == style.HIGH_CONTRAST["FORWARD"]
    assert item.forward_text.text()              # its number written again
    assert style.HIGH_CONTRAST["BACKWARD"] in window.explanation.text.document().defaultStyleSheet()
    window.presentation.leave()
    window.refresh()
    assert (style.FORWARD.name(), style.BACKWARD.name(), style.MUTED.name()) == own
    assert window.scene.nodes["h1"].forward_text.brush().color().name() == own[0]


def test_asking_the_parameter_table_keeps_the_gradients_and_the_update_being_asked(window):
    window.files.open_path(example("xor"))
    window.stepping.ask = True
    st, params = window.stepper, window.params
    params.refresh(force=True)
    row = params.model.names.index("w:h1->o")
    while not (st.veiled and st.phase == "backward"):      # backward o: ∂C/∂w of h1->o
        window.stepping.step("next")
    params.refresh(force=True)
    assert params.text(row, 2) == ""
    window.stepping.step("next")
    params.refresh(force=True)
    assert params.text(row, 2) == number(st.trace.steps[-1].grads[row], window.digits)
    before = params.text(row, 1)
    while not (st.veiled and st.complete):
        window.stepping.step("next")
    params.refresh(force=True)
    assert params.text(row, 1) == before and params.text(row, 4) == ""
    window.stepping.step("next")
    params.refresh(force=True)
    assert params.text(row, 1) != before and params.text(row, 4) != ""


def test_asking_and_the_spotlight_are_kept_for_the_next_lecture(window, qtbot):
    from bpsim.ui.main_window import MainWindow
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_A)
    qtbot.keyClick(window.view, Qt.Key_S)
    window.settings.sync()
    again = MainWindow(window.settings)
    qtbot.addWidget(again)
    assert again.actions["ask"].isChecked() and again.stepping.ask
    assert again.actions["spotlight"].isChecked() and again.scene.spotlight
