"""bpsim export: a standalone script that trains as bpsim train does."""
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from bpsim.cli.main import main
from bpsim.paths import examples_dir

XOR = str(examples_dir() / "xor-2-2-1.bpsim.json")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_exported_script_runs_alone_and_prints_trains_costs(capsys, tmp_path):
    script = tmp_path / "xor.py"
    code, out, err = run(capsys, "export", XOR, "--to", "numpy", "-o", str(script))
    assert code == 0 and not out and not err
    text = script.read_text()
    imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", text, re.M)
    assert set(imports) == {"numpy"}                         # standalone: no bpsim
    done = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("step 1 cost ")
    costs = [float(line.split()[-1]) for line in lines]
    code, out, _ = run(capsys, "train", XOR, "--format", "json")
    np.testing.assert_allclose(costs, json.loads(out)["costs"], rtol=1e-9)


def test_without_out_the_code_goes_to_standard_output(capsys):
    code, out, _ = run(capsys, "export", XOR, "--to", "notebook")
    assert code == 0 and json.loads(out)["nbformat"] == 4


def test_a_bad_file_or_target_is_refused_in_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "export", str(tmp_path / "none.json"), "--to", "numpy")
    assert code == 2 and not out and "no such file" in err
    with pytest.raises(SystemExit) as exit_:
        main(["export", XOR, "--to", "matlab"])
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err
    code, _, err = run(capsys, "export", XOR, "--to", "numpy", "-o", str(tmp_path / "no" / "x.py"))
    assert code == 2 and "no such folder" in err
