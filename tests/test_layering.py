"""engine, document, session and cli import no Qt (design.md), and the engine
imports no torch."""
import subprocess
import sys
from pathlib import Path


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


ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    """pyproject.toml's import-linter contracts: the layers, Qt under ui only,
    no torch (a runtime test cannot see an upward import that is not run)."""
    from importlinter.cli import lint_imports
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                        no_logo=True)
    assert code == 0


def test_no_module_imports_itself_through_others():
    """No import cycles between bpsim's modules (imports inside functions count)."""
    import grimp
    graph = grimp.build_graph("bpsim")
    cycles = [sorted(component) for component in strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def strongly_connected(graph) -> list[set[str]]:
    """Tarjan's components of the import graph, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.find_modules_directly_imported_by(nxt)))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found
