"""The Data table dock: the rows to read and, written in the file, to edit."""
from bpsim.paths import examples_dir


def open_xor(window):
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    window.refresh()
    return window.table


def test_the_rows_show_inputs_then_targets_and_a_cell_typed_is_an_undoable_edit(window):
    table = open_xor(window)
    model = table.model
    assert model.columns == ["x1", "x2", "target o"]
    assert model.rowCount() == 4 and model.data(model.index(1, 2)) == "1"
    assert model.setData(model.index(1, 2), "1/2")
    doc = window.workspace.document
    assert doc.data.rows[1] == [0, 1, 0.5]
    window.refresh()
    assert model.data(model.index(1, 2)) == "0.5"
    assert window.workspace.session.dataset.T[1, 0] == 0.5          # what training reads
    window.undo.stack.undo()
    assert doc.data.rows[1][2] == 1
    assert not model.setData(model.index(1, 2), "abc")               # refused, said
    assert "not a number" in window.statusBar().currentMessage()


def test_rows_are_added_and_removed_and_the_last_is_kept(window):
    table = open_xor(window)
    doc = window.workspace.document
    table.add_row()
    assert len(doc.data.rows) == 5 and doc.data.rows[4] == doc.data.rows[3]
    window.refresh()
    table.table.selectRow(0)
    table.remove_rows()
    assert len(doc.data.rows) == 4 and doc.data.rows[0] == [0, 1, 1]
    window.refresh()
    table.table.selectAll()
    table.remove_rows()
    assert len(doc.data.rows) == 4                                   # not the last one


def test_generated_rows_are_shown_and_copied_into_the_file_to_edit(window):
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.refresh()
    table = window.table
    doc = window.workspace.document
    assert doc.data.generator == "circle" and not table.model.editable
    n = table.model.rowCount()
    assert n == doc.data.samples and "held out" in table.source.text()
    assert table.model.headerData(n - 1, 2).endswith("test")
    before = window.workspace.session.dataset.X.copy()
    table.make_editable()
    assert doc.data.generator is None and len(doc.data.rows) == n
    assert (window.workspace.session.dataset.X == before).all()      # the same rows
    window.refresh()
    assert table.model.editable and not table.add.isHidden() and table.own.isHidden()


def test_rows_are_generated_or_imported_from_the_rows_dock_too(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QPushButton
    table = open_xor(window)
    buttons = {b.text(): b for b in table.findChildren(QPushButton)}
    window.training.generator.setCurrentText("circle")
    buttons["Generate"].click()
    doc = window.workspace.document
    assert doc.data.generator == "circle"
    window.refresh()
    assert table.model.rowCount() == doc.data.samples
    assert window.files.save_to(tmp_path / "mine.bpsim.json")
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,o\n0,0,0\n1,1,1\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv), ""))
    buttons["Import CSV…"].click()
    window.refresh()
    assert doc.data.csv == "points.csv" and table.model.rowCount() == 2


def test_generating_rows_the_network_cannot_read_is_said_and_nothing_changes(window):
    """Generate on an empty canvas wrote a data section without inputs and
    said nothing; on one input, xor's two left the network unable to run."""
    window.files.new_network()
    window.training.generator.setCurrentText("xor")
    window.training.use_generator()
    assert window.workspace.document.data is None
    assert "has 0 input node(s)" in window.statusBar().currentMessage()
    ed = window.editor
    x = ed.add_node("input")
    h = ed.add_node("neuron")
    ed.connect_nodes(x, h)
    window.training.use_generator()
    assert window.workspace.document.data is None and "choose line or sine" in \
        window.statusBar().currentMessage()
    window.training.generator.setCurrentText("line")
    window.training.use_generator()
    assert window.workspace.document.data.generator == "line" and window.stepper is not None
