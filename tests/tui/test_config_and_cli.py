"""The console's settings file, its CLI errors, and ``devsim serve`` on the loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devsim_tui.config import EXAMPLE, Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


def test_the_documented_example_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EXAMPLE))
    assert config.keymap == {"pause": "p"} and config.speed == 10


@pytest.mark.parametrize(("text", "fragment"), [
    ('thme = "nord"\n', "unknown key 'thme'; did you mean 'theme'?"),
    ("speed = 'fast'\n", "speed: expected a number"),
    ("speed = 5000\n", "at most 1000"),
    ("[keymap]\npause = 3\n", "keymap.pause: expected a key"),
    ("theme = \n", "line 1"),
])
def test_bad_settings_are_named(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert fragment in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def devsim(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "devsim_tui", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def test_console_arguments_fail_before_the_screen_is_taken(tmp_path: Path) -> None:
    bad = devsim("tui", "--scenario", "shopfrnt")
    assert bad.returncode == 2 and "did you mean 'shopfront'" in bad.stderr
    import os

    env = {**os.environ, "DEVSIM_CONFIG": str(write(tmp_path, 'scenari = "x"\n'))}
    broken = devsim("tui", env=env)
    assert broken.returncode == 2 and "did you mean 'scenario'" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_the_loopback_only() -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "devsim_tui", "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = None
        for _ in range(100):  # bounded: at most ~10 s
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert page is not None and page.status_code == 200
        assert "devsim" in page.text
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_runs_the_console_with_the_given_options() -> None:
    import argparse

    from devsim_tui.serve_command import console_command

    line = console_command(argparse.Namespace(scenario="ai-platform", seed=3, speed=None))
    assert line.endswith("-m devsim_tui tui --scenario ai-platform --seed 3")
