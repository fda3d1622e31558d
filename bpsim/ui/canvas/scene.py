"""The network scene: one item per node and edge, found by id.

A dense network (past ``DENSE_EDGES`` edges) has its edges drawn by one
item instead (dense.py); they have no items of their own, so they cannot be
clicked or selected one by one, and hovering a line tells its numbers.

The scene never holds the truth: it mirrors the document through its
announcements (items added, removed or changed by id) and shows the numbers
of the stepper's position.  Gestures leave it as signals; the main window
turns them into edits.
"""
from __future__ import annotations

import html
import math
from typing import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene

from ...document import Document
from ...document.model import Change, ChangeKind
from ...engine import EdgeKey, Phase
from ...session.display import Display, EdgeDisplay
from .. import style
from .dense import DenseLines
from ...session.numbers import number
from .items import NAME_ABOVE, RING_OUT, EdgeItem, NodeItem, _arrow_style
from .labels import Place, gradient_drop, lines_of, place_labels, ringed_boxes


ASKED = "?"                  # a number the class is asked before it is revealed
CROWDED_EDGES = 30
DENSE_EDGES = 1_000          # past this many edges, one item draws them all
NUMBERS_HALF_WIDTH = 55      # half the width of a node's numbers beneath it
NUMBERS_HEIGHT = 44          # and how far down their two lines reach


class NetworkScene(QGraphicsScene):
    hover_changed = Signal(object)   # the hovered NodeItem/EdgeItem, or None
    extent_changed = Signal(QRectF)  # where the network and its numbers are (extent())

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        # A hundred items whose labels change every step: a BSP index costs
        # more to keep up than it saves.
        self.setItemIndexMethod(QGraphicsScene.NoIndex)
        self.document = document
        self.nodes: dict[str, NodeItem] = {}
        self._edges: dict[str, EdgeItem] = {}
        # edges announced and not yet given items: an edit that adds
        # thousands (the builder's) makes them at once, or none if they turn
        # the network dense (_flush)
        self._pending: dict[str, tuple[str, str]] = {}
        self.dense: DenseLines | None = None
        self.editable = True
        self.digits = 4
        self._focus: str | None = None
        self.spotlight = False          # dim all but what the current micro-step reads
        self._lit: tuple | None = None  # (nodes, edges) the spotlight keeps, or None
        self._focus_applied: tuple | None = None
        self._display = None         # what show() was given last (the tooltips say whose)
        self._placing = False        # the edge labels' placing is due (_place_soon)
        self.text_scale = 1.0        # the numbers' size, zoomed out (set_text_scale)
        self.item_scale = 1.0        # every item's size, presenting (set_item_scale)
        self.spread = 1.0            # presenting, the rows' distances grown (set_spread)
        self._least_points: float | None = None     # the least text size, presenting
        # a parameter's value now ("b:h1"), its default the document's: the
        # window gives the trained one
        self.value_of: Callable[[str, float | None], float | None] = lambda name, default: default
        self.rebuild()

    # --- mirroring the document ---------------------------------------------------

    def set_document(self, document: Document) -> None:
        self.document = document
        self.rebuild()

    @property
    def edges(self) -> dict[str, EdgeItem]:
        """The edges' items by key (none while the network is dense)."""
        self._flush()
        return self._edges

    def _flush(self) -> None:
        """Give the edges announced since the last flush their items, or
        draw the network anew when the edits made it dense or sparse.
        Called first by whatever goes through the items: the scene's
        methods, and ``edges``."""
        if (len(self.document.edges) > DENSE_EDGES) != (self.dense is not None):
            self._redraw_edges()
        elif self._pending:
            pending, self._pending = self._pending, {}
            for src, dst in pending.values():
                if src in self.nodes and dst in self.nodes:
                    self._add_edge(src, dst)

    def rebuild(self) -> None:
        self._focus_applied = None      # new items: the focus is applied anew
        self.clear()
        self.nodes.clear()
        self._edges.clear()
        self._pending.clear()
        self.dense = None
        # The edges' numbers share one parent, so that every white patch lies
        # beneath every number: as children of their own edges, a later edge's
        # patch covered the start of an earlier edge's number where they met.
        # Above the edges' lines, beneath the nodes (and their numbers).
        self.label_layer = QGraphicsRectItem()
        self.label_layer.setFlag(QGraphicsItem.ItemHasNoContents)
        self.label_layer.setZValue(1.5)
        self.addItem(self.label_layer)
        for node in self.document.nodes:
            self._add_node(node)
        self._redraw_edges()
        self.place_edge_labels()

    def redraw(self) -> None:
        """Every item made anew, in the colours of the palette now in force
        (style.high_contrast)."""
        _arrow_style.cache_clear()
        self.rebuild()

    def _redraw_edges(self) -> None:
        """Every edge of the document anew: an item each, or one for all
        of a dense network's."""
        for item in self._edges.values():
            self.removeItem(item)
        for node in self.nodes.values():
            node.edges.clear()
        self._edges.clear()
        self._pending.clear()
        if self.dense is not None:
            self.removeItem(self.dense)
            self.dense = None
        if len(self.document.edges) > DENSE_EDGES:
            self.dense = DenseLines(self)
            for e in self.document.edges:
                self.dense.ends[e.key] = (e.src, e.dst)
            self.addItem(self.dense)
            self._focus_applied = None
        else:
            for e in self.document.edges:
                self._add_edge(e.src, e.dst)

    def place_edge_labels(self) -> None:
        """Each edge's numbers where they cover the least (see labels.py);
        then where everything is, numbers included, for the view."""
        self._flush()
        self._place_edge_labels()
        self.extent_changed.emit(self.extent())

    def extent(self) -> QRectF:
        """The items and the room of each node's numbers beneath it, which
        are written only once a step computes them."""
        self._flush()
        rect = self.itemsBoundingRect()
        k = self.text_scale * self.item_scale
        for item in self.nodes.values():
            body = item.scene_body()
            rect = rect.united(QRectF(body.center().x() - k * NUMBERS_HALF_WIDTH, body.bottom(),
                                      2 * k * NUMBERS_HALF_WIDTH, k * NUMBERS_HEIGHT))
        return rect

    def _room_for_numbers(self) -> float:
        """How many times their size a node's two lines of numbers can be
        drawn before they reach the node beneath it (grown further, they
        printed over its outline)."""
        room = float("inf")
        m = self.item_scale
        bodies = [item.scene_body() for item in self.nodes.values()]
        for a in bodies:
            for b in bodies:
                if b.top() > a.bottom() and abs(b.center().x() - a.center().x()) < \
                        m * NUMBERS_HALF_WIDTH + b.width() / 2:
                    room = min(room, (b.top() - a.bottom() - 4) / (m * NUMBERS_HEIGHT))
        return room

    def room_to_grow(self) -> float:
        """How many times their size the nodes can be drawn, each round its
        own centre, before one's outline, name or numbers reach another's,
        or an edge's line is too short for its weight between its ends
        (``set_item_scale``): a presentation's text as large as the
        network's room allows."""
        items = list(self.nodes.values())
        if len(items) < 2:
            return float("inf")
        if len(items) > 400:            # a dense network keeps its size
            return 1.0
        k = self.text_scale
        # the numbers as wide as a gradient at this precision usually is
        # (NUMBERS_HALF_WIDTH is the widest, kept clear of edges' labels)
        half_number = QFontMetricsF(items[0].backward_text.font()).horizontalAdvance(
            f"Σδ {number(-0.123456789, self.digits)}") / 2 + 4
        centre = np.array([(i.pos().x(), i.pos().y()) for i in items])
        half_w = np.array([max(i.body().width() / 2, k * half_number) for i in items])
        above = np.array([i.body().height() / 2 + (NAME_ABOVE + 9 if i.kind == "op" or
                                                   i.is_output else RING_OUT) for i in items])
        below = np.array([i.body().height() / 2 + k * NUMBERS_HEIGHT for i in items])
        dx = np.abs(centre[:, None, 0] - centre[None, :, 0])
        dy = centre[None, :, 1] - centre[:, None, 1]           # > 0: j beneath i
        # apart sideways, or one above the other: whichever holds longer
        sideways = dx / (half_w[:, None] + half_w[None, :])
        tall = np.where(dy > 0, dy / (below[:, None] + above[None, :]),
                        -dy / (above[:, None] + below[None, :]))
        grow = np.maximum(sideways, tall)
        np.fill_diagonal(grow, np.inf)
        return float(min(grow.min(), self._room_for_weights()))

    def _room_for_weights(self) -> float:
        """How many times their size the edges into neurons can be drawn
        before a line is shorter than its weight's number between its
        nodes' rings (grown further, the numbers of a presented 2-2-1 lay
        over its nodes, or found no place and were not shown)."""
        edges = [e for e in self.edges.values() if e.dst.kind == "neuron"]
        if not edges:
            return float("inf")
        label = edges[0].label
        # the number's width at m = 1, as set_item_scale grows it with m
        width = label.scale() / self.item_scale * (QFontMetricsF(label.font()).horizontalAdvance(
            number(-0.123456789, self.digits)) + 6)
        room = float("inf")
        for e in edges:
            a, b = e.src.pos(), e.dst.pos()
            d = math.hypot(b.x() - a.x(), b.y() - a.y())
            if d > 0:
                # inside the two outlines, and the rings a micro-step draws round them
                ends = (d - e.line.length()) / self.item_scale + 2 * RING_OUT
                room = min(room, d / (ends + width))
        return room

    def set_item_scale(self, m: float, least_points: float | None = None) -> bool:
        """Draw every node and edge ``m`` times its size, their places kept,
        and their text at least ``least_points`` (a presentation's); True if
        that changed them."""
        self._flush()
        if abs(m - self.item_scale) < 0.01 and least_points == self._least_points:
            return False
        self.item_scale, self._least_points = m, least_points
        for item in self.nodes.values():
            item.set_item_scale(m, least_points)
        for item in self.edges.values():
            item.set_item_scale(m, least_points)
        if self.dense is not None:
            self.dense.moved()
        self.place_edge_labels()
        return True

    def set_text_scale(self, k: float) -> bool:
        """Draw the numbers on nodes and edges ``k`` times their size (the
        view, zoomed out, keeps them legible); True if that changed them."""
        self._flush()
        k = max(1.0, min(k, self._room_for_numbers()))
        if abs(k - self.text_scale) < 0.02:
            return False
        self.text_scale = k
        for item in (*self.nodes.values(), *self.edges.values()):
            item.set_text_scale(k)
        self.place_edge_labels()       # bigger labels need more room
        return True

    def _place_edge_labels(self) -> None:
        self._placing = False
        self._geometry = None
        self._subsets = {}
        self._subset_placed = None
        if not self.edges:
            return
        if self.crowded:
            # only a few carry numbers at a time: measured and placed when
            # some do (show); after an edit, at the walk's start, none do
            return
        self._measure_labels()
        self._apply_places(list(self.edges), self._places(list(self.edges)))

    def _measure_labels(self) -> None:
        """Where the labels could go: the nodes and their numbers to keep
        clear of, each edge's line, its labels' sizes, and every line's
        points (labels.lines_of)."""
        edges = list(self.edges.values())
        font = QFontMetricsF(edges[0].label.font())
        m = self.item_scale
        k = self.text_scale * m             # the nodes' numbers, drawn with their nodes
        edge_k = edges[0].label.scale()     # the edges' own: grown to a least size too
        height = edge_k * font.height() + 2
        # as wide as the numbers shown at this precision usually are
        weight_w = edge_k * font.horizontalAdvance(number(-0.123456789, self.digits)) + 6
        grad_w = edge_k * font.horizontalAdvance("∂w=" + number(-0.000123456789, self.digits)) + 6
        obstacles = []
        for item in self.nodes.values():
            body = item.scene_body()
            obstacles.extend(ringed_boxes(body.left(), body.top(), body.right(), body.bottom(),
                                          m * RING_OUT, item.kind == "neuron"))
            # its value and its gradient, in two lines beneath it
            c = body.center().x()
            obstacles.append((c - k * NUMBERS_HALF_WIDTH, body.bottom() + 3,
                              c + k * NUMBERS_HALF_WIDTH, body.bottom() + k * NUMBERS_HEIGHT))
            if item.kind == "op" or item.is_output:      # its name, above it
                obstacles.append((c - 40 * m, body.top() - m * (NAME_ABOVE + 9),
                                  c + 40 * m, body.top()))
        segments = {key: (e.line.x1(), e.line.y1(), e.line.x2(), e.line.y2())
                    for key, e in self.edges.items()}
        # an edge into a gate has no weight: its gradient goes on the line
        sizes = {key: ((weight_w, height) if e.dst.kind == "neuron" else (0.0, 0.0),
                       (grad_w, height)) for key, e in self.edges.items()}
        self._geometry = (obstacles, segments, sizes, lines_of(list(segments.values())))

    def _places(self, keys: list[str]) -> list[Place]:
        """Where the labels of the edges ``keys`` go, among the lines of all."""
        obstacles, segments, sizes, lines = self._geometry
        return place_labels([segments[k] for k in keys], [sizes[k] for k in keys], obstacles,
                            lines)

    def _apply_places(self, keys: list[str], places: list[Place]) -> None:
        sizes = self._geometry[2]
        for key, place in zip(keys, places):
            item = self.edges[key]
            drop = gradient_drop(sizes[key])
            item.place_labels_at(place.t, -drop if place.above else drop)
            item.labels_clear, item.weight_clear = place.clear, place.weight_clear

    def _place_subset(self, keys: frozenset) -> None:
        """A crowded network's labelled edges, placed among themselves (once
        per set: a lesson steps through the same sets every iteration)."""
        if keys == self._subset_placed:
            return
        self._subset_placed = keys
        if not keys:
            return
        if self._geometry is None:
            self._measure_labels()
        # in the edges' order, so the result is the same at every run; an
        # edge added since the layout was measured is placed soon
        ordered = [k for k in self.edges if k in keys and k in self._geometry[1]]
        places = self._subsets.get(keys)
        if places is None:
            places = self._subsets[keys] = self._places(ordered)
        self._apply_places(ordered, places)

    def _place_soon(self) -> None:
        """Once, after a burst of announcements (a move of many nodes)."""
        if not self._placing:
            self._placing = True
            QTimer.singleShot(0, self._place_if_due)

    def _place_if_due(self) -> None:
        if self._placing:           # not if show() has placed them since
            self.place_edge_labels()

    @property
    def crowded(self) -> bool:
        """Too many edges for each to carry its numbers: only those the
        micro-step reads, selected or in focus do.  Items drawn ``m`` times
        their size (presenting) have numbers m² times the area, so m² times
        fewer fit (a presented 2-4-1's weights lay over each other)."""
        return len(self.edges) > CROWDED_EDGES / self.item_scale ** 2

    def place(self, pos) -> QPointF:
        """Where a node at the document's ``pos`` is drawn."""
        x, y = pos or (0.0, 0.0)
        return QPointF(x, y * self.spread)

    def unplace(self, x: float, y: float) -> tuple[float, float]:
        """The document's position of a point of the scene (``place`` undone)."""
        return (x, y / self.spread)

    def rows_height(self) -> float:
        """How far apart the highest and lowest nodes are, in the document."""
        ys = [n.pos[1] for n in self.document.nodes if n.pos]
        return max(ys) - min(ys) if ys else 0.0

    def set_spread(self, k: float) -> bool:
        """Draw the nodes' rows ``k`` times as far apart as the document has
        them (a presentation's); True if that moved them."""
        if len(self.nodes) > 400:
            k = 1.0                    # a dense network keeps its places
        if abs(k - self.spread) < 0.01:
            return False
        self.spread = k
        for nid, item in self.nodes.items():
            item.setPos(self.place(self.document.node(nid).pos))
        self.place_edge_labels()
        return True

    def _add_node(self, node) -> NodeItem:
        item = NodeItem(node, self)
        if self.text_scale != 1.0:
            item.set_text_scale(self.text_scale)
        if self.item_scale != 1.0 or self._least_points:
            item.set_item_scale(self.item_scale, self._least_points)
        item.set_output(node.id in self.document.outputs)
        item.setPos(self.place(node.pos))
        self.addItem(item)
        self.nodes[node.id] = item
        return item

    def _add_edge(self, src: str, dst: str) -> EdgeItem:
        item = EdgeItem(self.nodes[src], self.nodes[dst], self)
        if self.text_scale != 1.0:
            item.set_text_scale(self.text_scale)
        if self.item_scale != 1.0 or self._least_points:
            item.set_item_scale(self.item_scale, self._least_points)
        self.addItem(item)
        self._edges[item.key] = item
        return item

    def on_change(self, change: Change) -> None:
        """Update the items named by a document announcement."""
        self._mirror(change)
        if change.what in (ChangeKind.NODE_ADDED, ChangeKind.NODE_REMOVED, ChangeKind.NODE_CHANGED,
                           ChangeKind.EDGE_ADDED, ChangeKind.EDGE_REMOVED):
            self._place_soon()

    def _mirror(self, change: Change) -> None:
        doc = self.document
        if change.what == ChangeKind.NODE_ADDED:
            self._add_node(doc.node(change.id))
        elif change.what == ChangeKind.NODE_REMOVED:
            item = self.nodes.pop(change.id, None)
            if item is not None:
                self.removeItem(item)
        elif change.what == ChangeKind.NODE_CHANGED:
            item, node = self.nodes[change.id], doc.node(change.id)
            if change.field == "pos":
                item.setPos(self.place(node.pos))
            else:
                item.update_from(node)
                self.node_moved(item)
        elif change.what == ChangeKind.SECTION_CHANGED and change.field == "outputs":
            for nid, item in self.nodes.items():
                item.set_output(nid in doc.outputs)
            self._place_soon()
        elif change.what == ChangeKind.EDGE_ADDED:
            if self.dense is not None:
                self.dense.add(change.id, *EdgeKey(change.id).ends)
            else:
                self._pending[change.id] = EdgeKey(change.id).ends
        elif change.what == ChangeKind.EDGE_REMOVED:
            if self.dense is not None:
                self.dense.remove(change.id)
            self._pending.pop(change.id, None)
            item = self._edges.pop(change.id, None)
            if item is not None:
                for end in (item.src, item.dst):
                    if item in end.edges:
                        end.edges.remove(item)
                self.removeItem(item)

    def node_moved(self, item: NodeItem) -> None:
        """A node moved or changed its shape: its edges follow."""
        for e in item.edges:
            e.adjust()
        if self.dense is not None:
            self.dense.moved()

    # --- numbers ----------------------------------------------------------------

    def show(self, display: Display | None, edge_gradients: bool = True) -> None:
        """Write the stepper's numbers into the items, in place.  Without
        ``edge_gradients`` (while training runs) edges carry their weights
        only: a gradient per edge, changing every frame, is clutter, and the
        nodes still show theirs."""
        self._place_if_due()           # an edit's new lines before their numbers
        d = self.digits
        self._display = display
        if self.dense is not None:
            self._show_dense(display)
        # Each item remembers what it shows (``shown``) and is written to only
        # when that changes: a micro-step changes a few nodes and edges, and
        # writing a hundred labels that stay the same costs milliseconds.
        for nid, item in self.nodes.items():
            nd = display.nodes.get(nid) if display else None
            item.numbers = nd
            shown = None if nd is None else (nd.out, nd.dout, nd.dz, nd.mark, d, display.summed,
                                             nd.asked)
            if shown == item.shown:
                continue
            item.shown = shown
            if nd is None:
                item.set_numbers("", "", None)
                continue
            # As the notes draw a circuit: the value in red, its gradient in
            # green beneath; for a neuron the green number is δ = ∂C/∂z.
            forward = ASKED if nd.asked == Phase.FORWARD else number(nd.out, d)
            summed = "Σ" if display.summed else ""       # a batch's gradients add up
            if nd.asked == Phase.BACKWARD:      # asked before it is revealed
                backward = f"{summed}δ {ASKED}" if item.kind == "neuron" else \
                    f"{summed} {ASKED}".lstrip()
            elif nd.dz is not None:
                backward = f"{summed}δ {number(nd.dz, d)}"
            elif nd.dout is not None:
                backward = f"{summed} {number(nd.dout, d)}".lstrip()
            else:
                backward = ""
            item.set_numbers(forward, backward, nd.mark)
        # A dense network's numbers would cover its edges: past a few dozen
        # edges, or where an edge's labels find no clear place, only the
        # edges the current micro-step reads, or selected, or in focus,
        # carry numbers (colour and width still show every weight, and
        # hovering tells all).
        crowded = self.crowded
        focus = self._focus
        # asked once, not of each of a dense network's thousands of edges
        selected = set(self.selectedItems())
        labelled = []
        for key, item in self.edges.items():
            ed = display.edges.get(key) if display else None
            item.numbers = ed
            mark = ed.mark if ed is not None else None
            shows = (not crowded and item.labels_clear) or mark is not None or \
                item in selected or \
                (focus is not None and focus in (item.src.node_id, item.dst.node_id))
            if shows:
                labelled.append(key)
            # where only the weight has room, it is shown, its gradient in play
            weight_shows = shows or (not crowded and item.weight_clear)
            weight = ed.weight if ed is not None else self._weight_of(key)
            grad = term = None
            if ed is not None and shows and edge_gradients:
                grad, term = ed.grad, ed.term
            asked = ed.asked if ed is not None else None
            shown = (weight, grad, term, mark, weight_shows, d, asked)
            if shown == item.shown:
                continue
            item.shown = shown
            weight_text = "" if weight is None or not weight_shows else number(weight, d)
            if grad is not None:
                grad_text = f"∂w={number(grad, d)}"
            else:
                grad_text = number(term, d)
            if asked == "weight":
                weight_text = ASKED if weight_text else ""
            elif asked and shows and edge_gradients:
                grad_text = f"∂w={ASKED}" if asked == "grad" else ASKED
            item.set_numbers(weight, weight_text, grad_text, mark)
        if crowded:
            self._place_subset(frozenset(labelled))
        # items made since the focus was set are dimmed like the rest
        lit = None
        if self.spotlight and display is not None and display.current is not None:
            lit = (frozenset(n for n, nd in display.nodes.items() if nd.mark is not None),
                   frozenset(k for k, ed in display.edges.items() if ed.mark is not None))
        if lit != self._lit:
            self._lit = lit
            self._focus_applied = None
        if (self._focus, len(self.nodes), len(self.edges)) != self._focus_applied:
            self._apply_focus()

    def _show_dense(self, display: Display | None) -> None:
        """A dense network's weights as its lines' colours and widths, and
        the lines the current micro-step reads."""
        dense = self.dense
        if display is not None and display.edges:
            weights = {key: ed.weight for key, ed in display.edges.items()}
            marked = frozenset(key for key, ed in display.edges.items() if ed.mark is not None)
        else:
            weights = {e.key: self.value_of(e.name, e.weight) for e in self.document.edges}
            marked = frozenset()
        if weights != dense.weights or marked != dense.marked:
            dense.weights, dense.marked = weights, marked
            dense.restyle()

    def edge_segments(self) -> np.ndarray:
        """Every edge's line (x0, y0, x1, y1), one row each."""
        if self.dense is not None:
            return self.dense.segments()[1]
        lines = [e.line for e in self.edges.values()]
        return np.array([(l.x1(), l.y1(), l.x2(), l.y2()) for l in lines], dtype=float) \
            .reshape(-1, 4)

    def _weight_of(self, key: str) -> float | None:
        try:
            edge = self.document.edge(*EdgeKey(key).ends)
        except KeyError:
            return None
        return self.value_of(edge.name, edge.weight)

    def tip_for(self, item, named: bool = True) -> str:
        """All the numbers of a node or edge, as rich text (built when asked:
        hovering, or the inspector, whose title names it: not ``named``)."""
        if isinstance(item, NodeItem):
            rows = self._node_tip(item.node_id, item.numbers)
        else:
            rows = self._edge_tip(item.key, item.numbers or
                                  EdgeDisplay(weight=self._weight_of(item.key)))
        return "<br>".join(rows if named else rows[1:])

    def edge_tip(self, key: str) -> str:
        """A dense network's edge's numbers, as rich text (it has no item)."""
        shown = self._display.edges.get(key) if self._display is not None else None
        return "<br>".join(self._edge_tip(key, shown or
                                          EdgeDisplay(weight=self._weight_of(key))))

    @property
    def shown_as(self) -> str:
        """Whose numbers the nodes show, in words ("" for a batch of one)."""
        return self._display.shown_as if self._display else ""

    def _node_tip(self, nid: str, nd) -> list[str]:
        node = self.document.node(nid)
        rows = [f"<b>{html.escape(node.label or nid)}</b> ({node.kind}"
                + (f", {node.activation or 'identity'}" if node.kind == "neuron" else "")
                + (f", {node.op}" if node.kind == "op" else "") + ")"]
        if node.kind == "neuron" and node.bias is not None:
            rows.append(f"bias b = {number(self.value_of(f'b:{nid}', node.bias), 6)}")
        elif node.kind == "param" and node.value is not None:
            rows.append(f"value = {number(self.value_of(f'p:{nid}', node.value), 6)}")
        if nd is not None:
            forward, backward = style.FORWARD.name(), style.BACKWARD.name()
            for label, value, color in (("z", nd.z, forward), ("out", nd.out, forward),
                                        ("∂C/∂out", nd.dout, backward),
                                        ("δ = ∂C/∂z", nd.dz, backward)):
                if value is not None:
                    rows.append(f"<span style='color:{color}'>{label} = {number(value, 6)}</span>")
            if self.shown_as and len(rows) > 1:
                rows.append(f"<i>{self.shown_as}</i>")
        return rows

    def _edge_tip(self, key: str, ed) -> list[str]:
        src, dst = EdgeKey(key).ends
        rows = [f"<b>{html.escape(src)} → {html.escape(dst)}</b>"]
        if ed.weight is not None:
            rows.append(f"weight w = {number(ed.weight, 6)}")
        whole = " (the batch's)" if self.shown_as else ""
        if ed.grad is not None:
            rows.append(f"<span style='color:{style.BACKWARD.name()}'>∂C/∂w = "
                        f"{number(ed.grad, 6)}{whole}</span>")
        if ed.term is not None:
            shown = self._display
            whose = "" if shown is None or shown.rows <= 1 else \
                " (the batch's sum)" if shown.summed else f" (sample {shown.sample})"
            rows.append(f"<span style='color:{style.BACKWARD.name()}'>chain-rule term sent back to "
                        f"{html.escape(src)} = {number(ed.term, 6)}{whose}</span>")
        return rows

    # --- focus and hover ------------------------------------------------------------

    def set_focus_node(self, node_id: str | None) -> None:
        """Dim everything but a node and its neighbours (None: show all)."""
        self._focus = node_id
        self._apply_focus()

    def set_spotlight(self, on: bool) -> None:
        """Dim everything but the current micro-step's node, the values it
        reads and the lines between them (at the next ``show``)."""
        self.spotlight = on
        self.show(self._display)

    def _apply_focus(self) -> None:
        self._flush()
        self._focus_applied = (self._focus, len(self.nodes), len(self.edges))
        if self.dense is not None:
            self.dense.focus = self._focus if self._focus in self.nodes else None
            self.dense.restyle()
        # the spotlight, while a node is being computed; else the focus
        keep_nodes = keep_edges = None
        if self._lit is not None and self.dense is None:
            keep_nodes, keep_edges = self._lit
        elif self._focus in self.nodes:
            keep_nodes = {self._focus}
            for e in self.nodes[self._focus].edges:
                keep_nodes |= {e.src.node_id, e.dst.node_id}
            keep_edges = {e.key for e in self.nodes[self._focus].edges}
        # set only where it changes: each change goes through the item's
        # itemChange, a Python call, and an edit re-applies the focus to all
        for nid, item in self.nodes.items():
            opacity = 1.0 if keep_nodes is None or nid in keep_nodes else 0.2
            if item.opacity() != opacity:
                item.setOpacity(opacity)
        for key, item in self.edges.items():
            opacity = 1.0 if keep_edges is None or key in keep_edges else 0.15
            if item.opacity() != opacity:
                item.setOpacity(opacity)

    def hovered(self, item) -> None:
        if item is not None:
            item.setToolTip(self.tip_for(item))
        self.hover_changed.emit(item)

    # --- selection -----------------------------------------------------------------

    def selected_ids(self) -> tuple[list[str], list[tuple[str, str]]]:
        """The selected nodes and edges the document has: while an edit
        removes several, the selection changes as each item goes, and the
        items still there may name what the document no longer holds."""
        doc = self.document
        selected = self.selectedItems()
        if not selected:
            return [], []
        live_nodes = {n.id for n in doc.nodes}
        live_edges = {(e.src, e.dst) for e in doc.edges}
        nodes = [i.node_id for i in selected
                 if isinstance(i, NodeItem) and i.node_id in live_nodes]
        edges = [(i.src.node_id, i.dst.node_id) for i in selected
                 if isinstance(i, EdgeItem) and (i.src.node_id, i.dst.node_id) in live_edges]
        return nodes, edges
