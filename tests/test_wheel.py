"""The built wheel holds every module and every resource of the source tree.

An editable install imports straight from the checkout, so a package left out
of the packaging only shows once bpsim is installed from a wheel."""
import ast
import configparser
import py_compile
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tree_files(top: Path) -> set[str]:
    return {p.relative_to(top).as_posix() for p in top.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def _setuptools_version() -> str:
    try:
        return version("setuptools")
    except PackageNotFoundError:  # a Python 3.12 venv ships none
        return "0 (none)"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Without build isolation the installed setuptools builds; an older one
    # fails on pyproject.toml with a message that hides the cause.
    found = _setuptools_version()
    assert int(found.split(".")[0]) >= 77, (
        f"setuptools {found} cannot build bpsim; "
        "pip install -e '.[test]' brings setuptools>=77")
    tmp = tmp_path_factory.mktemp("wheel")
    # setuptools writes build/ and bpsim.egg-info next to pyproject.toml, and
    # the checkout is a shared working tree: build from a copy.
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("bpsim", "resources"):
        shutil.copytree(ROOT / name, src / name)
    # A checkout that has imported bpsim.resources holds its bytecode, which
    # the resources' catch-all pattern must not ship.
    py_compile.compile(str(src / "resources" / "__init__.py"), doraise=True)
    out = tmp / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    [built] = out.glob("bpsim-*.whl")
    with zipfile.ZipFile(built) as whl:
        yield whl


def test_every_module_is_in_the_wheel(wheel):
    expected = {f"bpsim/{f}" for f in _tree_files(ROOT / "bpsim") if f.endswith(".py")}
    assert "bpsim/ui/canvas/scene.py" in expected  # an empty walk would pass
    missing = sorted(expected - set(wheel.namelist()))
    assert not missing, f"modules left out of the wheel: {missing}"


def test_every_resource_is_in_the_wheel_as_bpsim_resources(wheel):
    expected = {f"bpsim/resources/{f}" for f in _tree_files(ROOT / "resources")}
    assert "bpsim/resources/bpsim.schema.json" in expected
    missing = sorted(expected - set(wheel.namelist()))
    assert not missing, f"resources left out of the wheel: {missing}"


def test_the_wheel_carries_no_bytecode(wheel):
    assert not [n for n in wheel.namelist() if "__pycache__" in n or n.endswith(".pyc")]


def test_the_bpsim_command_is_declared_and_its_target_is_in_the_wheel(wheel):
    [entry_points] = [n for n in wheel.namelist()
                      if n.endswith(".dist-info/entry_points.txt")]
    parser = configparser.ConfigParser()
    parser.read_string(wheel.read(entry_points).decode())
    target = parser.get("console_scripts", "bpsim", fallback=None)
    assert target, "the wheel declares no `bpsim` command"
    module, _, function = target.partition(":")
    source = wheel.read(module.replace(".", "/") + ".py")
    defined = {node.name for node in ast.parse(source).body
               if isinstance(node, ast.FunctionDef)}
    assert function in defined
