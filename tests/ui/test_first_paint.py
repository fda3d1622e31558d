"""The window paints before pyqtgraph is imported: the plots are built once
it has painted, and nothing the window needs first brings pyqtgraph in (an
import of it at the top of the canvas's dense-lines module cost a sixth of
the cold start)."""
import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from bpsim.ui.main_window import MainWindow
    window = MainWindow(QSettings(sys.argv[1], QSettings.IniFormat))
    seen = []

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and not seen:
                seen.append("pyqtgraph" in sys.modules)
            return False

    probe = FirstPaint()
    window.installEventFilter(probe)
    window.show()
    while not seen:
        app.processEvents()
    print("imported before the first paint:", seen[0])
""")


def test_the_window_paints_before_pyqtgraph_is_imported(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "s.ini")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert "imported before the first paint: False" in done.stdout, done.stdout + done.stderr
