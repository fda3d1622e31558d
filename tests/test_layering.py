"""engine, document, session and cli import no Qt (design.md), and the engine
imports no torch."""
import subprocess
import sys


def test_lower_layers_import_without_qt_or_torch():
    code = ("import sys, bpsim.engine, bpsim.document, bpsim.session, bpsim.cli, "
            "bpsim.session.grid_process, bpsim.session.process_run, "
            "bpsim.cli.commands; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'pyqtgraph', 'torch')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_headless_commands_do_not_load_qt():
    code = ("import sys; from bpsim.cli.main import main; from bpsim.paths import examples; "
            "main(['trace', str(examples()[0]), '--format', 'json']); "
            "print('PySide6' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip() == "False"
