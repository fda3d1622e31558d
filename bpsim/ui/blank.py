"""The clicker's black and white screens: B or "." (black), W or ","
(white) cover the window, as presentation software covers its slides, so
the class looks at the lecturer; any key or click gives the window back.
The key that brings it back does nothing else (PageDown does not step)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget


class Blank(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.hide()
        self._focus = None            # the widget the keys return to

    def cover(self, color: str) -> None:
        """Cover the window in black or white ("black", "white")."""
        palette = self.palette()
        palette.setColor(QPalette.Window, QColor(Qt.black if color == "black" else Qt.white))
        self.setPalette(palette)
        if not self.isVisible():
            self._focus = self.window().focusWidget()
        self.setGeometry(self.parentWidget().rect())
        # following the window's size while shown only: a filter on the
        # window sees each of its events, a few every micro-step
        self.parentWidget().installEventFilter(self)
        self.show()
        self.raise_()
        self.setFocus()
        self.grabKeyboard()

    @property
    def shown(self) -> str | None:
        """"black", "white", or None when the window shows."""
        if not self.isVisible():
            return None
        return "black" if self.palette().color(QPalette.Window) == QColor(Qt.black) else "white"

    def uncover(self) -> None:
        self.releaseKeyboard()
        self.parentWidget().removeEventFilter(self)
        self.hide()
        if self._focus is not None:
            self._focus.setFocus()

    def event(self, event) -> bool:
        if event.type() == QEvent.ShortcutOverride:
            event.accept()            # every key is this widget's: no shortcut fires
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Shift, Qt.Key_Control, Qt.Key_Alt, Qt.Key_Meta):
            return                    # a modifier alone is not a key pressed
        self.uncover()

    def mousePressEvent(self, event) -> None:
        self.uncover()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False
