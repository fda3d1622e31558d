"""Exporting what is on screen: the canvas and every plot to PNG and SVG, the
loss history and the trace to CSV."""
from __future__ import annotations

import csv
import io

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from ..engine.trace import BackwardStep, CostStep, ForwardStep, UpdateStep


def scene_to_png(scene, path: str, scale: float = 2.0) -> bool:
    rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    image = QImage(QSize(int(rect.width() * scale), int(rect.height() * scale)),
                   QImage.Format_ARGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image.save(path, "PNG")


def scene_to_svg(scene, path: str) -> bool:
    rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle("bpsim network")
    painter = QPainter(generator)
    scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    return painter.end()


def plot_to_file(plot_widget, path: str) -> bool:
    """A pyqtgraph plot as PNG or SVG, by the file's extension.

    SVG goes through Qt's own SVG painter: pyqtgraph's SVG exporter cannot
    read back the paths Qt 6 writes for contour lines and arrows."""
    if path.lower().endswith(".svg"):
        generator = QSvgGenerator()
        generator.setFileName(path)
        size = plot_widget.size()
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        painter = QPainter(generator)
        plot_widget.render(painter)
        return painter.end()
    import pyqtgraph.exporters as exporters
    exporter = exporters.ImageExporter(plot_widget.plotItem)
    exporter.parameters()["width"] = max(800, int(plot_widget.plotItem.width()) * 2)
    exporter.export(path)
    return True


def history_csv(session) -> str:
    """Every iteration of the history, whatever the window shows: iteration
    and epoch counted from 1 as the window counts them, cost, test cost
    (empty without a split), and ``shown`` marking the iteration on screen."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["iteration", "epoch", "cost", "test_cost", "shown"])
    h = session.history
    for k, (cost, epoch, test) in enumerate(zip(h.costs, h.epochs, h.test_costs), 1):
        w.writerow([k, int(epoch) + 1, repr(float(cost)),
                    "" if test is None else repr(float(test)),
                    1 if k == session.iteration else ""])
    return out.getvalue()


def trace_csv(trace) -> str:
    """One row per micro-step and sample (forward, backward), one for the
    cost, one per parameter for the update."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["micro_step", "phase", "name", "sample_row", "z", "out", "dz", "dout",
                "cost", "before", "grad", "after"])

    def num(x) -> str:
        return "" if x is None else repr(float(x))
    for k, m in enumerate(trace.steps, 1):
        if isinstance(m, ForwardStep):
            for i, row in enumerate(trace.rows):
                w.writerow([k, "forward", m.node, int(row),
                            num(None if m.z is None else m.z[i]), num(m.out[i])] + [""] * 6)
        elif isinstance(m, BackwardStep):
            for i, row in enumerate(trace.rows):
                w.writerow([k, "backward", m.node, int(row), "", "",
                            num(None if m.dz is None else m.dz[i]), num(m.dout[i])] + [""] * 4)
        elif isinstance(m, CostStep):
            w.writerow([k, "cost", "", "", "", "", "", "", num(m.cost), "", "", ""])
        elif isinstance(m, UpdateStep):
            after = m.after if m.after is not None else np.full(len(m.names), np.nan)
            for name, before, grad, new in zip(m.names, m.before, m.grads, after):
                w.writerow([k, "update", name] + [""] * 6 + [num(before), num(grad), num(new)])
    return out.getvalue()
