"""A network built by hand: what it starts with."""


def test_new_edges_into_a_neuron_get_weights_drawn_from_the_seed_not_all_alike(window):
    """Every new edge at 0.5 made a hand-built network symmetric: its hidden
    neurons learned alike."""
    import math
    from bpsim.document.building import new_edge_weight
    window.files.new_network()
    ed = window.editor
    x1, x2 = ed.add_node("input"), ed.add_node("input")
    h1, h2 = ed.add_node("neuron"), ed.add_node("neuron")
    doc = window.workspace.document
    expected = new_edge_weight(doc, h1)
    ed.connect_nodes(x1, h1)
    assert doc.edge(x1, h1).weight == expected and abs(expected) <= 1.0
    for a, b in ((x2, h1), (x1, h2), (x2, h2)):
        ed.connect_nodes(a, b)
    weights = [e.weight for e in doc.edges]
    assert len(set(weights)) == 4
    assert abs(doc.edge(x2, h1).weight) <= 1 / math.sqrt(2)     # ±1/√fan_in


def test_a_relu_neuron_dead_on_all_the_data_is_said_before_the_walk(window, tmp_path):
    import json
    from bpsim.paths import examples_dir
    net = json.loads((examples_dir() / "xor-2-2-1.bpsim.json").read_text())
    for node in net["nodes"]:
        if node["kind"] == "neuron":
            node["activation"] = "relu"
    net["nodes"][2]["bias"] = 0.5           # h1 alive on every row
    net["nodes"][3]["bias"] = -5.0          # h2: z ≤ 0 on every XOR row
    path = tmp_path / "dead.bpsim.json"
    path.write_text(json.dumps(net))
    window.files.open_path(path)
    assert window.workspace.session.dead_relus() == ["h2"]
    text = window.explanation.text.toPlainText()
    assert "h2 (ReLU): 0 on every row of the data" in text and "positive bias" in text
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    assert "every row of the data" not in window.explanation.text.toPlainText()


def choose(box, text: str) -> None:
    """As a user picks an entry: activated, not only set."""
    box.setCurrentText(text)
    box.activated.emit(box.currentIndex())


def test_choosing_a_loss_that_reads_targets_brings_them_along_and_undo_takes_them_back(window):
    """mse on a network without data was refused ("needs data with targets"):
    a dead end but for editing the file."""
    window.files.new_network()
    ed = window.editor
    x = ed.add_node("input")
    h = ed.add_node("neuron")
    ed.connect_nodes(x, h)
    doc = window.workspace.document
    assert doc.loss.kind == "none" and doc.data is None
    choose(window.training.loss, "mse")
    assert doc.loss.kind == "mse"
    assert doc.data.targets == [h] and doc.data.rows == [[0.0, 0.0]]
    assert window.stepper is not None                  # it runs
    choose(window.training.loss, "none")
    assert doc.loss.kind == "none" and doc.data.targets == [] and doc.data.rows == [[0.0]]
    window.undo.stack.undo()
    assert doc.loss.kind == "mse" and doc.data.targets == [h]
    window.undo.stack.undo()
    assert doc.loss.kind == "none" and doc.data is None


def test_a_csv_with_targets_under_the_loss_none_brings_the_squared_error_along(
        window, tmp_path, monkeypatch):
    """Refused before ("loss none takes no targets"): a dead end."""
    from PySide6.QtWidgets import QFileDialog
    window.files.new_network()
    ed = window.editor
    x = ed.add_node("input")
    h = ed.add_node("neuron")
    ed.connect_nodes(x, h)
    assert window.files.save_to(tmp_path / "mine.bpsim.json")
    csv = tmp_path / "points.csv"
    csv.write_text(f"{x},{h}\n0,1\n1,3\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv), ""))
    doc = window.workspace.document
    assert doc.loss.kind == "none"
    window.training.import_csv()
    assert doc.data.csv == "points.csv" and doc.data.targets == [h]
    assert doc.loss.kind == "mse" and window.stepper is not None
    assert "the loss is mse now" in window.statusBar().currentMessage()
    window.undo.stack.undo()                                # one step: both undone
    assert doc.loss.kind == "none" and doc.data is None
    # and one without the output's column, under a loss that reads targets
    choose(window.training.loss, "mse")
    csv.write_text(f"{x}\n0\n1\n", encoding="utf-8")
    window.training.import_csv()
    assert doc.data.csv == "points.csv" and doc.data.targets == [] and doc.loss.kind == "none"
    assert window.stepper is not None
