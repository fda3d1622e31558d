"""PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None on every
call that returns nothing and aborts the interpreter after a few thousand
calls; pyproject.toml excludes it.  This catches any such binding."""
import sys

from PySide6.QtWidgets import QLabel


def test_none_refcount_survives_many_void_calls(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(10_000):
        label.setText("x")
    after = sys.getrefcount(None)
    # Other threads may touch None a little; a leaking binding loses 10 000.
    assert abs(after - before) < 100
