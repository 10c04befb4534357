"""Start-up of the command line: help for every command without the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

from exhume.cli import main
from tests.cli.test_docs import command_paths

HEAVY = ("django", "numpy", "scipy", "dask", "pandas", "rich")

#: Prints the help of each command path given as JSON, then the heavy top-level packages loaded.
PROBE = """
import json, sys
from exhume.cli import main
for path in json.loads(sys.argv[1]):
    try:
        main(args=[*path, "--help"], prog_name="exhume")
    except SystemExit as exc:
        assert exc.code == 0, (path, exc.code)
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[2])))
print(json.dumps(loaded))
"""


def test_help_of_every_command_loads_neither_django_nor_numpy_scipy_or_dask() -> None:
    paths = [p.split()[1:] for p in command_paths(main)]
    assert ["kinship", "solve"] in paths
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([[], *paths]), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_python_dash_m_exhume_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "exhume", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("exhume, version ")
