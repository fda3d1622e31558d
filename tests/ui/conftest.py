"""A main window per test, with its settings in a temporary folder."""
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from bpsim.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "bpsim.ini"), QSettings.IniFormat)
    win = MainWindow(settings)
    win.files.ask_to_save = lambda: QMessageBox.Discard     # never a blocking dialog in a test
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.plots.build()          # built after the first paint; the tests want them now
    yield win
