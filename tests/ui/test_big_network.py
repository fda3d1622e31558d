"""A dense network on the canvas: one item draws every edge (canvas/dense.py).

Built with the layered builder, a 2-64-64-64-1 has 8 384 edges; an item per
edge made it take seconds to appear.  Past DENSE_EDGES the edges have no
items, and the lines still show what an edge item shows: where it runs, the
weight's sign and size, the micro-step's reads, and its numbers on hover.
"""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from bpsim.document.edits import RemoveElements
from bpsim.ui import style
from bpsim.ui.canvas import items as canvas_items
from bpsim.ui.canvas.dense import distances
from bpsim.ui.canvas.scene import DENSE_EDGES


def _build(window, spec: str) -> None:
    window.files.new_network()
    window.editor.build_layered(spec, "tanh", "sigmoid")
    window.refresh()


def _keys(window) -> list[str]:
    return [str(e.key) for e in window.workspace.document.edges]


def test_a_big_layered_network_is_drawn_by_one_item_and_no_edge_items(window, monkeypatch):
    made = []
    original = canvas_items.EdgeItem.__init__

    def counted(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(canvas_items.EdgeItem, "__init__", counted)
    _build(window, "2-64-64-64-1")
    scene = window.scene
    assert len(window.workspace.document.edges) == 8384 > DENSE_EDGES
    assert scene.dense is not None and scene.edges == {}
    assert list(scene.dense.ends) == _keys(window)        # in the document's order
    assert len(scene.nodes) == 2 + 3 * 64 + 1
    # the builder's one edit never made the items it would have thrown away
    assert made == []
    assert not any(isinstance(i, canvas_items.EdgeItem) for i in scene.items())


def test_the_builders_undo_and_redo_keep_the_scene_in_step(window):
    _build(window, "2-32-32-32-1")           # 2 144 edges
    scene = window.scene
    window.undo.stack.undo()
    window.refresh()
    assert scene.dense is None and scene.edges == {} and scene.nodes == {}
    window.undo.stack.redo()
    window.refresh()
    assert scene.dense is not None and list(scene.dense.ends) == _keys(window)


def test_removing_edges_below_the_threshold_gives_every_edge_its_item_again(window):
    _build(window, "2-32-32-1")               # 64 + 1024 + 32 = 1 120 edges
    scene = window.scene
    assert scene.dense is not None
    # four neurons of the second layer take 33 edges each: 988 left
    window.push(RemoveElements([f"h2_{k}" for k in range(1, 5)]))
    window.refresh()
    assert len(window.workspace.document.edges) == 988 <= DENSE_EDGES
    assert scene.dense is None
    assert list(scene.edges) == _keys(window)
    assert not any(type(i).__name__ == "DenseLines" for i in scene.items())
    window.undo.stack.undo()
    window.refresh()
    assert scene.dense is not None and list(scene.dense.ends) == _keys(window)


def test_lines_run_from_outline_to_outline_as_an_edge_items_arrow_does(window):
    _build(window, "2-40-30-1")               # 80 + 1200 + 30 edges: dense
    scene = window.scene
    keys, seg = scene.dense.segments()
    rng = np.random.default_rng(1)
    for k in rng.choice(len(keys), 40, replace=False):
        src, dst = keys[k].split("->")
        a, b = scene.nodes[src], scene.nodes[dst]
        start = a.boundary_point(b.scenePos())
        end = b.boundary_point(a.scenePos())
        assert seg[k] == pytest.approx([start.x(), start.y(), end.x(), end.y()], abs=1e-9)


def test_a_moved_node_takes_its_lines_with_it_and_no_others(window):
    _build(window, "2-40-30-1")
    scene = window.scene
    keys, before = scene.dense.segments()
    before = before.copy()
    item = scene.nodes["h1_5"]
    item.setPos(item.pos() + QPointF(37.0, -12.0))
    _, after = scene.dense.segments()
    touching = np.array(["h1_5" in key.split("->") for key in keys])
    assert touching.sum() == 2 + 30
    assert np.all(np.any(after[touching] != before[touching], axis=1))
    assert np.array_equal(after[~touching], before[~touching])


def _pixel_on(scene, x: float, y: float) -> QColor:
    """The colour drawn at a scene point, rendered at scale 1."""
    image = QImage(21, 21, QImage.Format_ARGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, 21, 21), QRectF(x - 10, y - 10, 21, 21))
    painter.end()
    return image.pixelColor(10, 10)


def _towards(colour: QColor, ink: QColor) -> float:
    """How nearly ``colour`` is ``ink`` mixed with white (1: exactly; a
    line thinner than a pixel, or faded, is drawn as such a mix)."""
    seen = np.array([1 - colour.redF(), 1 - colour.greenF(), 1 - colour.blueF()])
    pure = np.array([1 - ink.redF(), 1 - ink.greenF(), 1 - ink.blueF()])
    return float(seen @ pure / (np.linalg.norm(seen) * np.linalg.norm(pure) + 1e-12))


def test_the_lines_a_micro_step_reads_are_drawn_over_the_rest_in_the_read_colour(window):
    _build(window, "2-40-30-1")
    scene = window.scene
    for _ in range(3):                      # x1, x2, then h1_1 reads x1 and x2
        window.stepping.step("forward")
    window.refresh()
    assert scene.dense.marked == {"x1->h1_1", "x2->h1_1"}
    keys, seg = scene.dense.segments()
    k = keys.index("x1->h1_1")
    x, y = (seg[k, :2] + seg[k, 2:]) / 2
    # where x1's forty lines fan out, the one read is the one seen
    read = QColor(style.READ)
    assert _towards(_pixel_on(scene, x, y), read) > 0.99
    assert _pixel_on(scene, x, y).lightnessF() < read.lightnessF() + 0.1     # not faded
    window.stepping.step("forward")         # h1_2 reads other lines
    window.refresh()
    assert "x1->h1_1" not in scene.dense.marked
    assert _towards(_pixel_on(scene, x, y), read) < 0.97


def test_a_lines_colour_says_its_weights_sign(window):
    _build(window, "2-40-30-1")
    scene = window.scene
    window.refresh()
    keys, seg = scene.dense.segments()
    weights = scene.dense.weights
    assert set(weights) == set(keys)
    # the output's thirty lines fan in: far from it they stand apart
    checked = 0
    for key in [k for k in keys if k.endswith("->y1")][:6]:
        k = keys.index(key)
        x, y = seg[k, :2] * 0.9 + seg[k, 2:] * 0.1
        gap = distances(np.delete(seg, k, axis=0), x, y).min()
        if gap < 4:
            continue
        colour = _pixel_on(scene, x, y)
        positive, negative = QColor(style.POSITIVE), QColor(style.NEGATIVE)
        mine, theirs = (positive, negative) if weights[key] >= 0 else (negative, positive)
        assert _towards(colour, mine) > 0.99 > _towards(colour, theirs), key
        checked += 1
    assert checked >= 3


def test_hovering_a_line_tells_its_numbers(window):
    _build(window, "2-40-30-1")
    scene = window.scene
    keys, seg = scene.dense.segments()
    k = keys.index("h1_7->h2_3")
    x, y = seg[k, :2] * 0.2 + seg[k, 2:] * 0.8
    assert scene.dense.key_at(x, y, 5.0) in {
        key for j, key in enumerate(keys) if distances(seg[j:j + 1], x, y)[0] < 1e-6}
    assert scene.dense.key_at(seg[:, 0].min() - 100, y, 5.0) is None
    tip = scene.edge_tip("h1_7->h2_3")
    weight = window.workspace.value_of("w:h1_7->h2_3")
    assert "h1_7 → h2_3" in tip and "weight w" in tip
    assert f"{weight:.6g}".replace("-", "−") in tip


def test_focus_leaves_the_nodes_lines_bright_and_fades_the_rest(window):
    _build(window, "2-40-30-1")
    scene = window.scene
    window.refresh()
    scene.set_focus_node("y1")
    keys, seg = scene.dense.segments()
    near = keys.index("h2_4->y1")
    far = keys.index("x1->h1_3")
    pens = {}
    for pen, path in scene.dense._groups():
        for k in (near, far):
            if path.elementCount() and any(
                    abs(path.elementAt(i).x - seg[k, 0]) < 1e-9 and
                    abs(path.elementAt(i).y - seg[k, 1]) < 1e-9 and
                    abs(path.elementAt(i + 1).x - seg[k, 2]) < 1e-9
                    for i in range(0, path.elementCount(), 2)):
                pens[k] = pen.color()
    assert pens[far].lightnessF() > 0.9 > pens[near].lightnessF()
    scene.set_focus_node(None)
    assert scene.dense.focus is None


def test_a_new_node_on_a_dense_network_lands_clear_of_its_lines(window):
    _build(window, "2-40-30-1")
    nid = window.editor.add_node("op", "add")
    item = window.scene.nodes[nid]
    assert distances(window.scene.edge_segments(), item.pos().x(), item.pos().y()).min() >= 45


def test_a_network_fitted_below_the_smallest_zoom_can_be_zoomed_into(window):
    _build(window, "2-64-64-64-1")
    window.view.fit()
    fitted = window.view.transform().m11()
    assert fitted < 0.15                 # the wheel's smallest zoom
    window.view.zoom_by(1.15)
    assert window.view.transform().m11() == pytest.approx(fitted * 1.15)
    window.view.zoom_by(1 / 1.15)        # and out again, to where it was fitted
    assert window.view.transform().m11() == pytest.approx(fitted)
    window.view.zoom_by(1 / 1.15)        # further out: refused
    assert window.view.transform().m11() == pytest.approx(fitted)


def test_the_hovered_line_is_drawn_apart_from_the_lines_read(window):
    _build(window, "2-40-30-1")
    scene = window.scene
    for _ in range(3):
        window.stepping.step("forward")
    window.refresh()
    dense = scene.dense
    dense.hovered = "h1_7->h2_3"
    dense.restyle()
    colours = [pen.color().name() for pen, _ in dense._groups()]
    # drawn last, over everything; the reads just beneath it
    assert colours[-1] == style.SELECTED.name() and colours[-2] == style.READ.name()
