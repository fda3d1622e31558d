"""Views follow the network: after New, Open or Delete no plot shows another
network's data or a deleted node; the history export is the whole history;
the layout can be put back as shipped."""
import csv
import io

from PySide6.QtCore import Qt

from bpsim.paths import examples_dir
from bpsim.ui import export

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def test_after_new_the_data_and_gradient_plots_show_nothing_of_the_old_network(window):
    window.files.open_path(XOR)
    for _ in range(3):
        window.stepping.step("iteration")
    plots = window.plots
    plots.data.refresh()
    plots.gradients.refresh()
    assert plots.data.train_points.data.size == 4
    assert plots.gradients.curves
    window.files.new_network()
    window.refresh()
    plots.data.refresh()
    plots.gradients.refresh()
    assert plots.data.train_points.data.size == 0
    assert not plots.data.image.isVisible()
    assert "complete" in plots.data.status.text()
    assert plots.gradients.curves == [] and not plots.gradients.legend.items


def test_the_gradient_legend_names_no_deleted_node(window):
    window.files.open_path(XOR)
    window.stepping.step("iteration")
    plots = window.plots
    plots.gradients.refresh()

    def legend() -> str:
        return " ".join(label.text for _, label in plots.gradients.legend.items)
    assert "h1" in legend()
    window.scene.nodes["h2"].setSelected(True)
    window.actions["delete"].trigger()
    window.refresh()
    plots.gradients.refresh()
    assert "h1" in legend() and "h2" not in legend()


def test_the_history_export_is_the_whole_history_with_epochs_from_one(window):
    window.files.open_path(XOR)
    for _ in range(6):
        window.stepping.step("iteration")
    window.stepping.rewind_to(0)
    rows = list(csv.DictReader(io.StringIO(export.history_csv(window.workspace.session))))
    assert [int(r["iteration"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["epoch"] == "1"          # as the status bar counts (full batch: one a step)
    assert all(r["shown"] == "" for r in rows)
    window.stepping.rewind_to(4)
    rows = list(csv.DictReader(io.StringIO(export.history_csv(window.workspace.session))))
    assert len(rows) == 6 and [r["shown"] for r in rows].index("1") == 3
    assert float(rows[5]["cost"]) == window.workspace.session.history.costs[5]


def test_reset_layout_brings_back_the_docks_as_shipped(window, qtbot):
    shipped = {name: (window.dockWidgetArea(d), d.isVisible()) for name, d in window.docks.items()}
    window.docks["explanation"].setFloating(True)
    window.docks["training"].close()
    window.removeDockWidget(window.docks["inspector"])
    window.addDockWidget(Qt.LeftDockWidgetArea, window.docks["inspector"])
    window.resizeDocks([window.plots.docks["loss"]], [20], Qt.Vertical)
    window.actions["reset_layout"].trigger()
    qtbot.wait(50)
    now = {name: (window.dockWidgetArea(d), not d.isFloating()) for name, d in window.docks.items()}
    assert {name: area for name, (area, _) in now.items()} == \
        {name: area for name, (area, _) in shipped.items()}
    assert all(docked for _, docked in now.values())
    assert window.docks["training"].toggleViewAction().isChecked()
    assert window.plots.docks["loss"].height() > 100


def delivered(qtbot) -> None:
    """Every queued call and zero timer posted so far has run (the relay
    posts one queued call; a refresh it asks for is a zero timer)."""
    from PySide6.QtCore import QCoreApplication
    for _ in range(3):
        QCoreApplication.processEvents()


def test_a_step_refreshes_the_window_once(window, qtbot, monkeypatch):
    """The step's announcements reach the window too, relayed to the next
    turn of the event loop: shown by the step's own refresh, they ask for
    no second one."""
    window.files.open_path(XOR)
    delivered(qtbot)
    refreshes = []
    inner = window._refresh
    monkeypatch.setattr(window, "_refresh", lambda: (refreshes.append(1), inner()))
    for key in (Qt.Key_Right, Qt.Key_Right, Qt.Key_Left):
        qtbot.keyClick(window.view, key)
    delivered(qtbot)
    assert len(refreshes) == 3


def test_a_weight_typed_at_a_complete_iteration_moves_the_landscapes_arrow(window, qtbot):
    """The walk starts the next iteration from the weight now: the arrow
    starts at the typed value, and no view keeps the one before."""
    from bpsim.document.edits import SetEdgeWeight
    window.files.open_path(XOR)
    window.stepping.step("iteration")
    landscape = window.plots.landscape
    landscape.choose("w:x1->h1", "w:x2->h1")
    window.refresh()
    assert landscape.point.pos().x() != 0.75
    window.push(SetEdgeWeight("x1", "h1", 0.75))
    qtbot.waitUntil(lambda: landscape.point.pos().x() == 0.75)     # the relayed refresh
    names, before, _ = window.stepper.next_update()
    assert before[list(names).index("w:x1->h1")] == 0.75


def test_select_all_leaves_the_landscapes_parameters_as_they_were(window):
    """Two edges selected pick the landscape's parameters; Select All, which
    selects every edge, picked whichever two it had selected first."""
    window.files.open_path(XOR)
    landscape = window.plots.landscape
    landscape.choose("w:h1->o", "b:o")
    window.actions["select_all"].trigger()
    assert (landscape.a.currentText(), landscape.b.currentText()) == ("w:h1->o", "b:o")
    nodes, edges = window.scene.selected_ids()
    assert len(nodes) == len(window.workspace.document.nodes)
    assert len(edges) == len(window.workspace.document.edges)


def test_an_edit_its_undo_and_redo_each_refresh_once_and_paint_the_canvas_once(window, qtbot,
                                                                                 monkeypatch):
    """Refreshed as the undo stack's index changes, before the event loop
    paints: refreshed at its next turn, an undo's canvas was painted first
    without its numbers, then again with them."""
    from PySide6.QtCore import QEvent, QObject

    from bpsim.document.edits import RemoveElements

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Paint:
                self.count += 1
            return False

    window.files.new_network()
    window.editor.build_layered("9-9-9-1", "tanh", "sigmoid")
    delivered(qtbot)
    paints = Paints()
    window.view.viewport().installEventFilter(paints)
    refreshes = []
    inner = window._refresh
    monkeypatch.setattr(window, "_refresh", lambda: (refreshes.append(1), inner()))
    for act in (lambda: window.push(RemoveElements(["h1_3"])), window.undo.stack.undo,
                window.undo.stack.redo):
        paints.count, refreshes[:] = 0, []
        act()
        assert refreshes == [1]          # shown before the event loop turns
        delivered(qtbot)
        assert (len(refreshes), paints.count) == (1, 1)
    assert "h1_3" not in window.scene.nodes
