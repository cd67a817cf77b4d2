"""The wheel is complete: a non-editable install finds the built-in scenarios."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_the_scenarios_and_a_plain_install_lists_them(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(ROOT)], check=True,
                   capture_output=True, timeout=180)
    wheel = next((tmp_path / "dist").glob("devsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for scenario in ("shopfront", "devops-simulator", "smartcloudops", "ai-platform"):
        assert f"engine/_scenarios/{scenario}.yaml" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    shipped = {n.rsplit("/", 1)[-1] for n in names if n.startswith("engine/_scenarios/scripts/")}
    assert shipped == {p.name for p in (ROOT / "scenarios" / "scripts").glob("*.txt")}

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=180)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import engine, json; from devsim_tui.cli import main; "
            "print(engine.__file__); main(['scenarios', '--json'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env=env)
    first, rest = out.stdout.split("\n", 1)
    assert first.startswith(str(target))  # the installed copy, not the source tree
    listed = {row["name"] for row in json.loads(rest)}
    assert {"shopfront", "devops-simulator", "smartcloudops", "ai-platform"} <= listed
