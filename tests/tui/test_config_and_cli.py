"""The console's settings file, its CLI errors, and ``devsim serve`` on the loopback."""

from __future__ import annotations

import os
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


@pytest.mark.parametrize(("text", "line"), [
    ('thme = "nord"\n', "config.toml:1:1: thme: unknown setting; did you mean 'theme'?"),
    ("speed = 'fast'\n", "config.toml:1:1: speed: expected a number, got 'fast'"),
    ("speed = 5000\n", "config.toml:1:1: speed: must be above 0 and at most 1000, got 5000"),
    ('theme = "nrod"\n', "config.toml:1:1: theme: unknown theme 'nrod'; did you mean 'nord'?"),
    ('theme = "zzzz"\n', "config.toml:1:1: theme: unknown theme 'zzzz' (e.g. textual-dark, "
                         "nord, gruvbox, ansi-dark)"),
    ("[keymap]\npause = 3\n", 'config.toml:2:1: keymap.pause: expected a key such as "p", got 3'),
    ('[keymap]\npasue = "p"\n',
     "config.toml:2:1: keymap.pasue: unknown binding id; did you mean 'pause'?"),
    ('\n[keymap]\n  "bar.complet" = "ctrl+t"\n',
     "config.toml:3:3: keymap.bar.complet: unknown binding id; did you mean 'bar.complete'?"),
    ('[keymap]\npause = "esc"\n',
     "config.toml:2:1: keymap.pause: unknown key 'esc'; did you mean 'escape'?"),
    ('[keymap]\npause = "ctl+p"\n',
     "config.toml:2:1: keymap.pause: unknown modifier 'ctl' in 'ctl+p'; did you mean 'ctrl'?"),
    ('[keymap]\npause = "spcae"\n',
     "config.toml:2:1: keymap.pause: unknown key 'spcae'; did you mean 'space'?"),
    ('[keymap]\npause = "p,,q"\n', "config.toml:2:1: keymap.pause: an empty key between commas"),
    ('[keymap]\npause = ""\n', "config.toml:2:1: keymap.pause: no key given"),
    ("theme = \n", "config.toml:1:9: invalid value"),
    ('theme = "nord"\n[keymap\n', "config.toml:2:8: expected ']' at the end of a table"),
    ('theme = "nord"\ntheme = "gruvbox"\n', "config.toml:2:18: cannot overwrite a value"),
])
def test_each_mistake_is_one_line_naming_the_file_the_place_and_the_key(
        tmp_path: Path, text: str, line: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path}{os.sep}{line}"), message
    assert "\n" not in message and "Traceback" not in message


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    text = 'theme = "nrod"\nspeed = 0\n[keymap]\npasue = "p"\nhelp = "f1"\nquit = "ctrl+Q"\n'
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert [p.split(": ")[1] for p in caught.value.problems] == [
        "theme", "speed", "keymap.pasue", "keymap.quit"]
    assert str(caught.value).count("\n") == 3  # one line each


@pytest.mark.parametrize("keys", ["p", "P", "+", "f1", "f12", "space", "escape", "ctrl+x",
                                  "ctrl+shift+up", "shift+tab", "question_mark", "plus",
                                  "equals_sign", "comma", "p,f5", "alt+enter"])
def test_keys_textual_reads_are_accepted(tmp_path: Path, keys: str) -> None:
    config = load_config(write(tmp_path, f'[keymap]\npause = "{keys}"\n'))
    assert config.keymap == {"pause": keys}


def test_a_dotted_binding_id_may_be_written_as_toml_dotted_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[keymap]\nbar.complete = "ctrl+t"\n'
                                         '"detail.window" = "W"\n'))
    assert config.keymap == {"bar.complete": "ctrl+t", "detail.window": "W"}


def test_the_binding_ids_read_from_the_source_are_the_declared_ones() -> None:
    import importlib
    import inspect
    import pkgutil

    import devsim_tui
    from devsim_tui.keys import binding_ids

    declared: set[str] = set()
    for module in pkgutil.walk_packages(devsim_tui.__path__, "devsim_tui."):
        if module.name.endswith("__main__"):
            continue  # runs the CLI
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if cls.__module__ == loaded.__name__:
                declared |= {b.id for b in getattr(cls, "BINDINGS", ()) if getattr(b, "id", None)}
    assert binding_ids() == declared
    assert {"pause", "bar.complete", "table.open", "detail.window"} <= declared


def test_checking_a_keymap_imports_neither_the_app_nor_the_engine(tmp_path: Path) -> None:
    path = write(tmp_path, '[keymap]\npause = "p"\n')
    code = ("import sys; from pathlib import Path; from devsim_tui.config import load_config; "
            f"load_config(Path({str(path)!r})); "
            "print('textual.app' in sys.modules, 'engine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


def devsim(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "devsim_tui", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def test_console_arguments_fail_before_the_screen_is_taken(tmp_path: Path) -> None:
    bad = devsim("tui", "--scenario", "shopfrnt")
    assert bad.returncode == 2 and "did you mean 'shopfront'" in bad.stderr
    env = {**os.environ, "DEVSIM_CONFIG": str(write(tmp_path, 'scenari = "x"\n'))}
    broken = devsim("tui", env=env)
    assert broken.returncode == 2 and "did you mean 'scenario'" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1
    env["DEVSIM_CONFIG"] = str(write(tmp_path, '[keymap]\npasue = "p"\n'))
    keymap = devsim("tui", env=env)  # a wrong setting is refused like any other: exit 2
    assert keymap.returncode == 2 and keymap.stderr.strip().splitlines() == [
        f"devsim: {tmp_path}{os.sep}config.toml:2:1: keymap.pasue: unknown binding id; "
        "did you mean 'pause'?"]


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


async def test_the_console_applies_the_keymap_and_names_a_theme_typo_in_one_line() -> None:
    from devsim_tui.app import make_app
    from devsim_tui.widgets.chat_log import ChatLog

    config = Config(theme="nrod", keymap={"pause": "p"}, path="config.toml")
    app = make_app("shopfront", seed=7, speed=60, autostart=False, config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#services").table.focus()
        await pilot.press("p")
        assert app.sim.paused
        notes = [line.text.strip() for line in app.query_one(ChatLog).lines]
        assert "config.toml: theme: unknown theme 'nrod'; did you mean 'nord'?" in notes
