"""Edge labels go where they cover the least, and step back where they can't."""
import pytest
from bpsim.paths import examples_dir
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtWidgets import QApplication

import numpy as np

from bpsim.session.numbers import number
from bpsim.ui.canvas.label import Label
from bpsim.ui.canvas.labels import (CANDIDATES, LINE_STEP, gradient_drop, label_boxes, lines_of,
                                    place_labels)

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
    for segment, (t, clear, _, above) in zip(segments, placed):
        assert clear and t in CANDIDATES
        first, second = label_boxes(segment, [t], SIZE, above)
        boxes += [first[0], second[0]]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert overlap(boxes[i], boxes[j]) == 0.0
    assert place_labels(segments, [SIZE] * 4, []) == placed      # the same every time


def test_labels_avoid_nodes_and_say_when_no_place_is_clear():
    segment = (0.0, 0.0, 300.0, 0.0)
    node = (130.0, -20.0, 170.0, 20.0)              # a node sitting on the middle of the edge
    (t, clear, _, above), = place_labels([segment], [SIZE], [node])
    assert t in (0.24, 0.76) and clear and not above
    for box in label_boxes(segment, [t], SIZE):
        assert overlap(box[0], node) == 0.0
    wall = (-50.0, -100.0, 350.0, 100.0)                               # covered everywhere
    (t, clear, weight_clear, _), = place_labels([segment], [SIZE], [wall])
    assert t == 0.5 and not clear and not weight_clear


def test_where_beneath_has_no_room_the_gradient_goes_above():
    segment = (0.0, 0.0, 300.0, 0.0)
    below = (-50.0, 9.0, 350.0, 60.0)       # just under the line, all along it
    place, = place_labels([segment], [SIZE], [below])
    assert place.clear and place.above
    first, second = label_boxes(segment, [place.t], SIZE, above=True)
    assert second[0][3] == first[0][1]      # touching, on top of the weight
    assert overlap(second[0], below) == 0.0 and overlap(first[0], below) == 0.0


def test_where_only_the_weight_has_room_it_goes_there_alone():
    """Nodes' numbers fill the space beneath and above the edge everywhere:
    the gradient has no room, the weight on the line has, and is placed clear."""
    segment = (0.0, 0.0, 300.0, 0.0)
    below = (-50.0, 9.0, 350.0, 60.0)       # just under the line, all along it
    over = (-50.0, -60.0, 350.0, -9.0)      # and just over it
    (t, clear, weight_clear, _), = place_labels([segment], [SIZE], [below, over])
    assert not clear and weight_clear
    (first,), _ = label_boxes(segment, [t], SIZE)
    assert overlap(first, below) + overlap(first, over) <= 0.15 * SIZE[0][0] * SIZE[0][1]


def test_a_layered_2_3_1_shows_every_weight_at_every_step(window):
    """Built with the layered builder, the two inputs' six edges share a
    narrow gap: every weight stays written (one had no room for its
    gradient too, and was hidden until its node was computed), and no
    weight prints over another."""
    from bpsim.ui import editing
    window.files.new_network()
    assert window.editor.build_layered("2-3-1", "sigmoid", "sigmoid")
    QApplication.processEvents()        # the labels are placed after the edit's burst
    edges = window.scene.edges
    assert len(edges) == 9 and window.scene._geometry is not None
    for _ in range(window.stepper.total):
        window.stepping.step("forward")
        weights = [e.label for e in edges.values()]
        assert all(label.text() for label in weights), [k for k, e in edges.items()
                                                         if not e.label.text()]
        rects = [label.sceneBoundingRect() for label in weights]
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                common = rects[i].intersected(rects[j])
                assert common.width() * common.height() <= 0.15 * rects[i].width() * \
                    rects[i].height()


def test_on_the_canvas_shown_edge_labels_do_not_cover_each_other(window):
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
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


def test_the_weight_sits_on_its_line_and_its_gradient_just_beneath():
    segment = (0.0, 0.0, 200.0, 100.0)
    (first,), (second,) = label_boxes(segment, [0.4], SIZE)
    assert ((first[0] + first[2]) / 2, (first[1] + first[3]) / 2) == (80.0, 40.0)
    assert (second[0] + second[2]) / 2 == 80.0 and second[1] == first[3]     # touching
    assert gradient_drop(SIZE) == 15.0
    gate = ((0.0, 0.0), (90.0, 15.0))          # an edge into a gate: no weight
    (_,), (only,) = label_boxes(segment, [0.4], gate)
    assert ((only[0] + only[2]) / 2, (only[1] + only[3]) / 2) == (80.0, 40.0)


def test_the_lines_points_run_along_each_line_end_to_end():
    nan = float("nan")
    points, owner = lines_of([(100.0, 0.0, 0.0, 0.0), (nan, 0.0, 1.0, 1.0), (0.0, 0.0, 0.0, 30.0)])
    assert set(owner) == {0, 2}                          # no points for a line without ends
    assert (np.diff(points[:, 0]) >= 0).all()            # by x: a box's points are a slice
    for k, (x0, y0, x1, y1) in ((0, (0.0, 0.0, 100.0, 0.0)), (2, (0.0, 0.0, 0.0, 30.0))):
        mine = points[owner == k]
        assert {tuple(p) for p in mine} >= {(x0, y0), (x1, y1)}
        along = np.sort(np.hypot(mine[:, 0] - x0, mine[:, 1] - y0))
        assert np.diff(along).max() <= LINE_STEP


def test_a_line_not_placed_still_keeps_labels_off_it():
    """A crowded network places only the labels it shows, among every line."""
    shown = (0.0, 0.0, 300.0, 0.0)
    hidden = (150.0, -60.0, 150.0, 60.0)            # crosses the middle, carries no label
    everything = lines_of([shown, hidden])
    (t, clear, _, _), = place_labels([shown], [SIZE], [], everything)
    assert t != 0.5 and clear
    assert place_labels([shown], [SIZE], [])[0][0] == 0.5    # alone, the middle


def crossing(rect, line: QLineF) -> bool:
    """Whether ``line`` passes through ``rect`` (sampled every pixel)."""
    n = max(2, int(line.length()))
    return any(rect.contains(line.pointAt(i / n)) for i in range(n + 1))


def test_crossing_edges_numbers_say_whose_they_are(window):
    """The XOR's diagonals cross: each weight is written on its own line, and
    no other line runs through it (beside the line, two negative weights
    sat about as near each other's edge as their own)."""
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    window.stepping.step("phase")
    window.stepping.step("phase")
    window.stepping.step("phase")         # through the backward pass: weights and gradients
    edges = window.scene.edges
    for key, edge in edges.items():
        assert edge.label.text() and edge.grad_label.text().startswith("∂w="), key
        box = edge.label.sceneBoundingRect()
        assert QLineF(box.center(), edge.line.pointAt(edge.label_fraction)).length() < 1.0
        assert not any(crossing(box, other.line) for k, other in edges.items() if k != key), key
        below = edge.grad_label.sceneBoundingRect()
        assert abs(below.center().x() - box.center().x()) < 1.0 and below.top() >= box.top()


def test_a_negative_weight_on_its_dashed_line_is_framed(window):
    """On a dashed line the minus sign of a weight read as one more dash:
    a negative weight's white patch is outlined; a positive one's is not."""
    from PySide6.QtCore import Qt
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for key, edge in window.scene.edges.items():
        framed = edge.label._ground.pen().style() != Qt.NoPen
        assert framed == (edge.weight < 0), key


def test_an_edges_numbers_are_part_of_it(window):
    """Hovering or clicking the gradient beneath the line finds the edge (its
    tooltip tells every number; a click selects it)."""
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for _ in range(3):
        window.stepping.step("phase")
    edge = window.scene.edges["x1->h1"]
    for label in (edge.label, edge.grad_label):
        centre = label.sceneBoundingRect().center()
        assert edge in window.scene.items(centre), label.text()
    window.stepping.step("iteration")          # the next iteration's forward pass: weights only
    window.stepping.step("forward")
    assert not edge.grad_label.text()
    below = edge.grad_label.sceneBoundingRect().center()
    assert edge not in window.scene.items(below)


def test_a_crowded_network_places_the_numbers_it_shows_among_themselves(window):
    """Past a few dozen edges only those in play carry numbers; they are
    placed as a set, so a hidden neuron's four outgoing weights do not print
    over each other (placed among all the edges, they covered up to a third
    of each other)."""
    window.files.open_path(examples_dir() / "vanishing-gradients-sigmoid-stack.bpsim.json")
    shown_any = 0
    for _ in range(window.stepper.total):
        window.stepping.step("forward")
        labels = [label for e in window.scene.edges.values()
                  for label in (e.label, e.grad_label) if label.text()]
        shown_any += bool(labels)
        rects = [label.sceneBoundingRect() for label in labels]
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                common = rects[i].intersected(rects[j])
                assert common.width() * common.height() <= 0.15 * min(
                    r.width() * r.height() for r in (rects[i], rects[j])), \
                    (labels[i].text(), labels[j].text())
    assert shown_any >= 10


def test_nodes_on_top_of_each_other_place_without_fault():
    """A file without positions puts nodes at one point: edges of no length."""
    nan = float("nan")
    placed = place_labels([(0.0, 0.0, 0.0, 0.0), (nan, nan, nan, nan), (0.0, 0.0, 100.0, 0.0)],
                          [SIZE] * 3, [])
    assert [p.t for p in placed][:2] == [0.5, 0.5] and len(placed) == 3


def test_a_file_without_positions_opens_laid_out(window, tmp_path):
    import json
    data = json.loads((examples_dir() / "xor-2-2-1.bpsim.json").read_text(encoding="utf-8"))
    for node in data["nodes"]:
        node.pop("pos", None)
    path = tmp_path / "no-positions.bpsim.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert window.files.open_path(path)
    places = {(item.pos().x(), item.pos().y()) for item in window.scene.nodes.values()}
    assert len(places) == len(data["nodes"])          # no two nodes on one spot
    assert all(e.line.length() > 0 for e in window.scene.edges.values())
    assert not window.isWindowModified()              # laying out is not an edit


def test_the_output_node_says_so_and_follows_the_outputs_section(window):
    from bpsim.document.edits import SetSection
    window.files.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
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


def test_the_current_nodes_ring_leaves_its_value_clear(window):
    """The ring round the node being computed covered the top of its value
    (seen at 1024 px, where the canvas is drawn smaller)."""
    from PySide6.QtGui import QFontMetricsF
    from bpsim.ui.canvas.items import RING_OUT
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for _ in range(3):
        window.stepping.step("forward")
    node = window.scene.nodes[window.stepper.micro.node]
    assert node.mark == "current"
    text = node.forward_text
    assert text.text()
    ink = QFontMetricsF(text.font()).tightBoundingRect(text.text())
    ink_top = text.pos().y() + QFontMetricsF(text.font()).ascent() + ink.top()
    assert ink_top >= node.body().bottom() + RING_OUT + 1


def test_an_edges_two_numbers_share_one_white_patch(window):
    """A slanting line showed beside the narrower number and through the
    seam between the two patches (h1→o of XOR, in the backward pass)."""
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    window.stepping.step("phase")
    window.stepping.step("phase")
    window.stepping.step("phase")
    both = [e for e in window.scene.edges.values() if e.label.text() and e.grad_label.text()]
    assert len(both) == 6
    for edge in both:
        patch = edge.grad_label._ground.rect()
        for text in (edge.label, edge.grad_label):
            assert patch.contains(text.mapRectToParent(text.boundingRect())), edge.key
        assert edge.label._ground.zValue() > edge.grad_label._ground.zValue()
    window.stepping.step("iteration")                     # the next iteration: weights alone again
    window.stepping.step("forward")
    for edge in window.scene.edges.values():
        if not edge.grad_label.text():
            assert not edge.grad_label._ground.isVisible()


def test_arrowheads_into_the_current_node_stop_at_its_ring(window):
    """The ring round the node being computed covered the heads of the edges
    bringing it the values it reads."""
    from PySide6.QtCore import QLineF, QPointF
    from bpsim.ui.canvas.items import RING_OUT
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    scene = window.scene
    edge = scene.edges["h1->o"]
    radius = scene.nodes["o"].body().height() / 2

    def tip_distance() -> float:
        tip = edge.mapToScene(edge.head.polygon()[0])
        return QLineF(tip, scene.nodes["o"].scenePos()).length()
    assert tip_distance() == pytest.approx(radius, abs=0.5)
    while window.stepper.micro is None or window.stepper.micro.node != "o":
        window.stepping.step("forward")
    assert scene.nodes["o"].mark == "current"
    assert tip_distance() == pytest.approx(radius + RING_OUT, abs=0.5)
    window.stepping.step("forward")                       # on to the cost: the head comes back
    assert tip_distance() == pytest.approx(radius, abs=0.5)


def _crowded_231(window):
    from bpsim.ui import editing
    window.files.new_network()
    assert window.editor.build_layered("2-3-1", "sigmoid", "sigmoid")
    QApplication.processEvents()
    for _ in range(window.stepper.total + 11):    # the next iteration's backward pass
        window.stepping.step("forward")
    return window.scene.edges


def test_no_edges_white_patch_covers_another_edges_number(window):
    """Where one edge's numbers meet another's, the numbers lie over both
    white patches (a later edge's patch cut the start off an earlier edge's
    "∂w=−0.0009483" in a 2-3-1)."""
    edges = _crowded_231(window)
    scene = window.scene
    met = 0
    for a in edges.values():
        for b in edges.values():
            if a is b:
                continue
            for text in (b.label, b.grad_label):
                for ground in (a.label._ground, a.grad_label._ground):
                    if not text.text() or not ground.isVisible():
                        continue
                    common = text.sceneBoundingRect().intersected(ground.sceneBoundingRect())
                    if common.isEmpty():
                        continue
                    met += 1
                    stack = scene.items(common.center())
                    assert stack.index(text) < stack.index(ground), (b.key, text.text(), a.key)
    assert met >= 1       # the builder's 2-3-1 has such a meeting


def test_an_edges_numbers_go_and_dim_with_it(window):
    from bpsim.ui.canvas.items import EdgeItem
    edges = _crowded_231(window)
    scene = window.scene
    edge = edges["x1->h1_2"]
    parts = [edge.label, edge.label._ground, edge.grad_label, edge.grad_label._ground]
    assert all(p.scene() is scene for p in parts)
    assert edge.label.text() and edge.grad_label.text()
    scene.set_focus_node("h1_1")                  # x1->h1_2 is not one of its edges
    assert edge.opacity() < 1 and all(p.opacity() == edge.opacity() for p in parts)
    scene.set_focus_node(None)
    assert all(p.opacity() == 1 for p in parts)
    scene.clearSelection()
    edge.setSelected(True)
    window.actions["delete"].trigger()
    assert "x1->h1_2" not in scene.edges and all(p.scene() is None for p in parts)
    texts = [i for i in scene.items() if isinstance(i, Label) and
             isinstance(getattr(i, "owner", None), EdgeItem)]
    assert len(texts) == 2 * len(scene.edges)
    window.undo.stack.undo()
    assert "x1->h1_2" in scene.edges
    texts = [i for i in scene.items() if isinstance(i, Label) and
             isinstance(getattr(i, "owner", None), EdgeItem)]
    assert len(texts) == 2 * len(scene.edges) == 18


def _node_numbers_ok(window):
    """Each node's numbers clear of the node beneath it."""
    scene = window.scene
    for item in scene.nodes.values():
        bottom = max(t.sceneBoundingRect().bottom() for t in (item.forward_text, item.backward_text)
                     if t.text())
        for other in scene.nodes.values():
            body = other.body().translated(other.pos())
            if other is not item and body.top() > item.pos().y() and \
                    abs(other.pos().x() - item.pos().x()) < 40:
                assert bottom < body.top(), (item.node_id, other.node_id)


def test_zoomed_out_the_numbers_keep_a_legible_size_where_there_is_room(window, qtbot):
    """A six-layer network fitted into a 1024x768 window wrote its numbers
    6 px high; they keep at least TEXT_AT_LEAST of their size on screen, as
    far as the room beneath each node allows, and the network still fits."""
    from bpsim.ui.canvas.view import TEXT_AT_LEAST, TEXT_GROWS_AT_MOST
    window.files.open_path(examples_dir() / "vanishing-gradients-sigmoid-stack.bpsim.json")
    view, scene = window.view, window.scene
    assert scene.text_scale == 1.0 or view.transform().m11() < TEXT_AT_LEAST
    window.resize(1024, 768)
    qtbot.wait(50)
    shrunk = view.transform().m11()
    assert shrunk < 0.7 and scene.text_scale > 1.2
    for _ in range(30):
        window.stepping.step("forward")
    label = scene.nodes["h2_3"].forward_text
    on_screen = view.transform().mapRect(label.sceneBoundingRect()).height()
    wanted = TEXT_AT_LEAST / view.transform().m11()
    assert scene.text_scale == pytest.approx(
        min(wanted, TEXT_GROWS_AT_MOST, scene._room_for_numbers()), abs=0.02)
    assert on_screen == pytest.approx(
        view.transform().m11() * scene.text_scale * label.boundingRect().height(), rel=1e-6)
    assert on_screen >= 0.6 * label.boundingRect().height()       # was under a half
    _node_numbers_ok(window)
    assert not view.horizontalScrollBar().maximum() and not view.verticalScrollBar().maximum()
    # an edge's numbers grow alike, and sit where the placement measured them
    edge = next(e for e in scene.edges.values() if e.label.text())
    assert edge.label.scale() == scene.text_scale
    box = edge.label.sceneBoundingRect()
    assert QLineF(box.center(), edge.line.pointAt(edge.label_fraction)).length() < 1.0
    window.resize(1400, 900)
    qtbot.wait(50)
    for _ in range(4):
        view.zoom_by(1.15)                     # zoomed in: their own size again
    assert scene.text_scale == 1.0 and edge.label.scale() == 1.0


def test_numbers_grow_no_further_than_the_room_beneath_a_node(window, qtbot):
    from bpsim.ui import editing
    window.files.new_network()
    assert window.editor.build_layered("2-6-1", "sigmoid", "sigmoid")
    qtbot.wait(20)
    for _ in range(8):
        window.view.zoom_by(1 / 1.15)
    scene = window.scene
    assert 1.0 <= scene.text_scale <= scene._room_for_numbers() + 1e-9
    for _ in range(window.stepper.total - 1):
        window.stepping.step("forward")
    _node_numbers_ok(window)


def test_a_hidden_number_keeps_its_text_for_when_it_shows_again(window):
    """A crowded network's weight shows while its edge is in play, in the
    forward pass and again in the backward one: hidden by its opacity (Qt
    draws nothing at 0), its text, and so its drawn pixmap, is kept for the
    next time; laying it out and drawing it anew cost a tenth of the canvas."""
    from PySide6.QtWidgets import QGraphicsSimpleTextItem
    window.files.open_path(examples_dir() / "vanishing-gradients-sigmoid-stack.bpsim.json")
    scene = window.scene
    shown_at = {}
    for _ in range(window.stepper.total):
        window.stepping.step("forward")
        for key, edge in scene.edges.items():
            if edge.label.text():
                shown_at.setdefault(key, edge.label.text())
    key = next(k for k, e in scene.edges.items() if k in shown_at and not e.label.text())
    edge = scene.edges[key]
    label = edge.label
    assert label.opacity() == 0.0 and not label._ground.isVisible()
    assert QGraphicsSimpleTextItem.text(label) == shown_at[key]     # kept, not drawn
    assert edge not in scene.items(label.sceneBoundingRect().center()) or \
        edge.shape().contains(label.sceneBoundingRect().center())   # no patch to hover
    scene.set_focus_node(edge.dst.node_id)          # dimmed or not, hidden stays hidden
    scene.set_focus_node("x1")
    assert label.opacity() == 0.0
    scene.set_focus_node(None)
    label.set(shown_at[key])                        # shown again: opaque, patch and all
    assert label.opacity() == 1.0 and label._ground.isVisible()


def test_points_in_boxes_are_counted_as_a_test_of_every_point_would():
    """Counted in each box's own x range of the sorted points (every point
    against every box made a 2-32-32-32-1's micro-step take 250 ms)."""
    from bpsim.ui.canvas.labels import PointIndex
    rng = np.random.default_rng(3)
    for n in (20000, 2000, 5, 1):
        points = np.round(rng.uniform(0, 100, (n, 2)))         # ties and points on edges
        points = points[np.argsort(points[:, 0], kind="stable")]
        corners = np.round(rng.uniform(-10, 100, (300, 2)))
        boxes = np.column_stack([corners, corners + np.round(rng.uniform(0, 60, (300, 2)))])
        x, y = points[None, :, 0], points[None, :, 1]
        every = ((boxes[:, None, 0] <= x) & (x <= boxes[:, None, 2]) &
                 (boxes[:, None, 1] <= y) & (y <= boxes[:, None, 3])).sum(axis=1)
        assert every.max() > 0
        np.testing.assert_array_equal(PointIndex(points).count(boxes), every)
    assert not PointIndex(np.zeros((0, 2))).count(boxes).any()


def test_a_number_beside_the_current_node_is_written_over_its_ring(window):
    """The ring round the node being computed was drawn with the node, over
    the edges' numbers: beside h2_3 of the sigmoid stack it hid the "∂" of
    "∂w=−0.001645".  It lies in the numbers' layer now, over their white
    patches and under their text; it goes, moves and dims with its node."""
    scene = window.scene
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for _ in range(3):
        window.stepping.step("forward")
    node = scene.nodes[window.stepper.micro.node]
    halo = node.halo
    assert node.mark == "current" and halo.isVisible() and halo.scene() is scene
    edge = next(e for e in node.edges if e.src is node)
    # the edge's weight set down on the ring, right of the node
    ring = node.mapToScene(node.body().right() + 5, 0)
    edge.label.set("0.1234", ring)
    stack = scene.items(ring)
    assert stack.index(edge.label) < stack.index(halo) < stack.index(edge.label._ground)
    assert stack.index(node) < stack.index(edge.label)      # the body still covers numbers
    node.setPos(node.pos() + QPointF(30, 10))
    assert halo.pos() == node.pos()
    node.setOpacity(0.2)                # as a focus on another node dims it
    assert halo.opacity() == pytest.approx(0.2)
    window.stepping.step("forward")              # the next node: this one is read, or nothing
    assert halo.isVisible() == (node.mark in ("current", "read"))
    window.scene.clearSelection()
    node.setSelected(True)
    window.actions["delete"].trigger()
    assert halo.scene() is None


def test_a_nodes_numbers_lie_on_white_patches_over_the_lines_beneath(window, tmp_path):
    """In the gates' sigmoid neuron laid out in one row, the line from w2 to
    s runs under m1: it crossed the digits of m1's value and gradient."""
    import json
    scene = window.scene
    net = json.loads((examples_dir() / "sigmoid-neuron-gates.bpsim.json").read_text())
    one_row = {"w2": [0, 480], "m1": [150, 300], "s": [300, 240]}
    for node in net["nodes"]:
        node["pos"] = one_row.get(node["id"], node["pos"])
    path = tmp_path / "one-row.bpsim.json"
    path.write_text(json.dumps(net))
    window.files.open_path(path)
    window.stepping.step("phase")
    window.stepping.step("phase")
    window.stepping.step("phase")                     # to the backward pass: both numbers shown
    node = scene.nodes["m1"]
    line = scene.edges["w2->s"].shaft
    met = 0
    for text in (node.forward_text, node.backward_text):
        assert text.text() and text._ground.isVisible()
        box = text.sceneBoundingRect()
        stack = scene.items(box.center())
        assert stack.index(text) < stack.index(text._ground)
        assert text._ground.sceneBoundingRect().contains(box.adjusted(1, 1, -1, -1))
        for y in np.linspace(box.top() + 1, box.bottom() - 1, 9):
            for x in np.linspace(box.left() + 1, box.right() - 1, 9):
                stack = scene.items(QPointF(x, y))
                if line in stack:
                    met += 1
                    assert stack.index(text._ground) < stack.index(line)
    assert met      # the line does run beneath the numbers


def test_ringed_boxes_cover_a_node_and_its_ring_not_the_corners_between_edges():
    from bpsim.ui.canvas.labels import ringed_boxes

    def covered(boxes, x, y):
        return sum(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    boxes = ringed_boxes(-30, -30, 30, 30, 9, disk=True)
    for i, a in enumerate(boxes):       # disjoint: an overlap is counted once
        for b in boxes[i + 1:]:
            assert overlap(a, b) == 0.0
    for angle in np.linspace(0, 2 * np.pi, 72, endpoint=False):
        for r in (0, 20, 29, 33, 38):   # the body, its outline, the ring out to 39
            x, y = r * np.cos(angle), r * np.sin(angle)
            assert covered(boxes, x, y) >= 1, (angle, r)
    assert not covered(boxes, 34, 34)   # the corner of the square grown by the ring: free
    rect = ringed_boxes(0, 0, 80, 40, 9, disk=False)
    assert covered(rect, -4, 20) and covered(rect, 40, 47) and not covered(rect, -4, -4)


def test_in_a_crowded_network_a_selected_edge_carries_its_numbers(window):
    """Past a few dozen edges only those in play, selected or in focus are
    labelled (the selection is asked once per micro-step, not per edge)."""
    window.files.open_path(examples_dir() / "vanishing-gradients-sigmoid-stack.bpsim.json")
    scene = window.scene
    edge = scene.edges["h1_1->h2_1"]
    window.refresh()
    assert not edge.label.text()
    edge.setSelected(True)
    window.refresh()
    assert edge.label.text() == number(edge.weight, window.digits)
    edge.setSelected(False)
    window.refresh()
    assert not edge.label.text()


def test_a_gates_name_keeps_the_product_sign_for_products(window):
    """"h = x·w · output" read as the product of x, w and the output."""
    window.files.open_path(examples_dir() / "single-weight-regression.bpsim.json")
    assert window.scene.nodes["h"].name.text() == "h = x·w (output)"
    window.files.open_path(examples_dir() / "sigmoid-neuron-gates.bpsim.json")
    assert window.scene.nodes["f"].name.text() == "f (output)"


def test_each_backward_step_shows_the_weight_gradients_it_computes(qtbot, tmp_path):
    """At 1024x768 the numbers of the builder's 2-3-1 grow, and x1->h1_3's
    found no clear place: its ∂w was computed in h1_3's backward step, and
    written nowhere on the canvas."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox
    from bpsim.ui import editing
    from bpsim.ui.main_window import MainWindow
    win = MainWindow(QSettings(str(tmp_path / "bpsim.ini"), QSettings.IniFormat))
    win.files.ask_to_save = lambda: QMessageBox.Discard
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    qtbot.waitExposed(win)
    assert win.editor.build_layered("2-3-1", "sigmoid", "sigmoid")
    QApplication.processEvents()
    seen = 0
    for _ in range(win.stepper.total):
        win.stepping.step("forward")
        micro = win.stepper.micro
        if micro.phase != "backward" or not micro.grads:
            continue
        for g in micro.grads:
            if g.source is not None:
                edge = win.scene.edges[f"{g.source}->{micro.node}"]
                assert edge.grad_label.text() == f"∂w={number(g.value, win.digits)}", edge.key
                assert edge.label.text(), edge.key
                seen += 1
    assert seen == 9
