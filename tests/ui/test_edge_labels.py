"""Edge labels go where they cover the least, and step back where they can't."""
from bpsim.paths import examples_dir
from bpsim.ui.canvas.labels import CANDIDATES, label_boxes, place_labels

SIZE = ((60.0, 15.0), (90.0, 15.0))


def overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def test_a_fan_out_spreads_its_labels_along_the_edges():
    """Four edges leaving one node: at one fixed fraction their labels would
    pile up; placed, no two boxes overlap."""
    segments = [(0.0, 0.0, 400.0, y) for y in (-300.0, -100.0, 100.0, 300.0)]
    placed = place_labels(segments, [SIZE] * 4, [])
    boxes = []
    for segment, (t, clear) in zip(segments, placed):
        assert clear and t in CANDIDATES
        first, second = label_boxes(segment, [t], SIZE)
        boxes += [first[0], second[0]]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert overlap(boxes[i], boxes[j]) == 0.0
    assert place_labels(segments, [SIZE] * 4, []) == placed      # the same every time


def test_labels_avoid_nodes_and_say_when_no_place_is_clear():
    segment = (0.0, 0.0, 300.0, 0.0)
    node = (130.0, -20.0, 170.0, 20.0)              # a node sitting on the middle of the edge
    (t, clear), = place_labels([segment], [SIZE], [node])
    assert t in (0.24, 0.76) and clear
    for box in label_boxes(segment, [t], SIZE):
        assert overlap(box[0], node) == 0.0
    wall = (-50.0, -100.0, 350.0, 100.0)                               # covered everywhere
    (t, clear), = place_labels([segment], [SIZE], [wall])
    assert t == 0.5 and not clear


def test_on_the_canvas_shown_edge_labels_do_not_cover_each_other(window):
    window.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.workspace.session.train(5)
    window.workspace.stepper.after_run()
    window.refresh()
    labels = [label for e in window.scene.edges.values() for label in (e.label, e.grad_label)
              if label.text()]
    assert len(labels) >= 12          # most of the 12 edges keep their numbers
    rects = [label.sceneBoundingRect() for label in labels]
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            common = rects[i].intersected(rects[j])
            assert common.width() * common.height() <= 0.15 * min(
                r.width() * r.height() for r in (rects[i], rects[j]))


def test_nodes_on_top_of_each_other_place_without_fault():
    """A file without positions puts nodes at one point: edges of no length."""
    nan = float("nan")
    placed = place_labels([(0.0, 0.0, 0.0, 0.0), (nan, nan, nan, nan), (0.0, 0.0, 100.0, 0.0)],
                          [SIZE] * 3, [])
    assert [t for t, _ in placed][:2] == [0.5, 0.5] and len(placed) == 3


def test_a_file_without_positions_opens_laid_out(window, tmp_path):
    import json
    data = json.loads((examples_dir() / "xor-2-2-1.bpsim.json").read_text(encoding="utf-8"))
    for node in data["nodes"]:
        node.pop("pos", None)
    path = tmp_path / "no-positions.bpsim.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert window.open_path(path)
    places = {(item.pos().x(), item.pos().y()) for item in window.scene.nodes.values()}
    assert len(places) == len(data["nodes"])          # no two nodes on one spot
    assert all(e.line.length() > 0 for e in window.scene.edges.values())
    assert not window.isWindowModified()              # laying out is not an edit


def test_the_output_node_says_so_and_follows_the_outputs_section(window):
    from bpsim.document.edits import SetSection
    window.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
    outputs = list(window.workspace.document.outputs)
    for nid, item in window.scene.nodes.items():
        assert ("output" in item.name.text()) == (nid in outputs), nid
    other = next(nid for nid, item in window.scene.nodes.items()
                 if item.kind == "op" and nid not in outputs)
    assert window.push(SetSection("outputs", [other]))
    assert "output" in window.scene.nodes[other].name.text()
    assert all("output" not in window.scene.nodes[nid].name.text() for nid in outputs)
    window.undo.stack.undo()
    assert all("output" in window.scene.nodes[nid].name.text() for nid in outputs)
