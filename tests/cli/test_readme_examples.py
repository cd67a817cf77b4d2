"""The README's headless examples name files that ship with the project, and they work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def devsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "devsim_tui", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def test_every_file_the_readme_names_in_its_examples_is_shipped() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"scenarios/examples/[\w.-]+", readme))
    assert named >= {"scenarios/examples/drill.txt", "scenarios/examples/my-estate.yaml",
                     "scenarios/examples/cpu.csv"}
    assert all((ROOT / path).is_file() for path in named)
    assert "../shared" not in readme and "DESIGN.md" not in readme


def test_the_example_scenario_and_script_validate() -> None:
    for path in ("scenarios/examples/my-estate.yaml", "scenarios/examples/drill.txt"):
        done = devsim("validate", path)
        assert done.returncode == 0, done.stderr
        assert ": ok" in done.stdout


def test_the_example_export_has_its_runaway_found() -> None:
    done = devsim("detect", "scenarios/examples/cpu.csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert '"timestamp": "1700120000"' in done.stdout or "1700120000" in done.stdout
