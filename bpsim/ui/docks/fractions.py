"""Stacked fractions in the explanation: ∂C over ∂w, as the board has them.

Qt's rich text has no inline stacking (a table is a block of its own), so a
derivative ∂A/∂B is drawn once into a small image — its numerator over a
rule over its denominator, each laid out as rich text with its subscripts —
and the text shows the image in the line, centred on it.  Images are made
at the screen's pixel ratio and kept by what they show: a lecture steps
through the same fractions every iteration.
"""
from __future__ import annotations

import functools
import re

from PySide6.QtCore import QPointF, QRectF, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QTextBrowser

SCHEME = "fraction"
# ∂ then an atom: a name (with a subscript in rich text), or a group in parentheses
_ATOM = r"(?:\([^()]*\)|[^\s/·=+−(),\[\]<>…]+(?:<sub>[^<]*</sub>)?)"
DERIVATIVE = re.compile(rf"∂({_ATOM})/∂({_ATOM})")
_POWER = re.compile(r"\^(\([^()]*\)|[\w.−]+)")


def raise_powers(html: str) -> str:
    """A power raised, as the board writes it: e^n, 0.9^3, e^(−1)."""
    return _POWER.sub(r"<sup>\1</sup>", html) if "^" in html else html


class FractionBrowser(QTextBrowser):
    """A text browser that draws ``fraction:`` images from its own store."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._images: dict[str, QImage] = {}
        self._urls: dict[tuple, str] = {}

    def stacked(self, html: str, point_size: float, color: QColor = QColor("#222")) -> str:
        """``html`` with each derivative ∂A/∂B an image of A over B."""
        if "∂" not in html:
            return html
        return DERIVATIVE.sub(lambda m: self._image(m.group(1), m.group(2), point_size, color),
                              html)

    def _image(self, top: str, bottom: str, point_size: float, color: QColor) -> str:
        ratio = self.devicePixelRatioF() or 1.0
        key = (top, bottom, round(point_size, 2), ratio, color.name())
        url = self._urls.get(key)
        if url is None:
            if len(self._urls) > 2000:        # a long lecture of many networks
                self._urls.clear()
                self._images.clear()
            url = f"{SCHEME}:{len(self._urls)}"
            self._urls[key] = url
            self._images[url] = _draw(raise_powers(f"∂{top}"), raise_powers(f"∂{bottom}"),
                                      point_size, ratio, color)
        image = self._images[url]
        width = round(image.width() / ratio)
        height = round(image.height() / ratio)
        # the text of the fraction, for copying and for reading aloud
        alt = f"∂{re.sub('<[^>]+>', '', top)}/∂{re.sub('<[^>]+>', '', bottom)}"
        return (f"<img src='{url}' width='{width}' height='{height}' "
                f"style='vertical-align:middle' alt='{alt}'>")

    def loadResource(self, kind, name: QUrl):
        image = self._images.get(name.toString())
        return image if image is not None else super().loadResource(kind, name)


@functools.lru_cache(maxsize=512)
def _laid_out(html: str, point_size: float, color: str) -> QTextDocument:
    """A fraction's part laid out, kept: most numerators are the same ∂C
    (a network's first walk draws a hundred fractions or more)."""
    font = QFont()
    font.setPointSizeF(point_size * 0.85)        # as a fraction's parts are set: a little smaller
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(font)
    doc.setHtml(f"<span style='white-space:pre;color:{color}'>{html}</span>")
    doc.setTextWidth(doc.idealWidth())
    return doc


def _draw(top: str, bottom: str, point_size: float, ratio: float, color: QColor) -> QImage:
    upper = _laid_out(top, point_size, color.name())
    lower = _laid_out(bottom, point_size, color.name())
    width = max(upper.idealWidth(), lower.idealWidth()) + 6
    gap = 2.0
    height = upper.size().height() + lower.size().height() + 2 * gap + 1
    image = QImage(round(width * ratio), round(height * ratio), QImage.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    painter.save()
    painter.translate(QPointF((width - upper.idealWidth()) / 2, 0))
    upper.drawContents(painter)
    painter.restore()
    y = upper.size().height() + gap
    painter.setPen(QPen(color, 1.0))
    painter.drawLine(QPointF(1, y + 0.5), QPointF(width - 1, y + 0.5))
    painter.save()
    painter.translate(QPointF((width - lower.idealWidth()) / 2, y + 1 + gap))
    lower.drawContents(painter, QRectF(0, 0, lower.idealWidth(), lower.size().height()))
    painter.restore()
    painter.end()
    return image
