"""The user's settings: ``config.toml`` in the config directory (theme, keymap, defaults).

Looked up at ``$DEVSIM_CONFIG``, else ``$XDG_CONFIG_HOME/devsim/config.toml``, else
``~/.config/devsim/config.toml``. A missing file means defaults; a wrong one is refused with
the file, the key and a did-you-mean — never a traceback.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Config", "ConfigError", "config_path", "load_config"]

EXAMPLE = """\
# devsim console settings
theme = "textual-dark"      # any Textual theme, e.g. "nord", "gruvbox", "ansi-dark"
scenario = "shopfront"      # the scenario `devsim` opens
speed = 10                  # simulated seconds per wall second at start

[keymap]                    # binding id = key(s); see F1 for the ids
pause = "p"
"""


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Config:
    theme: str = "textual-dark"
    scenario: str = "shopfront"
    speed: float = 10.0
    keymap: dict[str, str] = field(default_factory=dict)
    path: str | None = None


def config_path() -> Path:
    explicit = os.environ.get("DEVSIM_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "devsim" / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file (defaults when there is none).

    Raises:
        ConfigError: unreadable TOML, unknown keys or wrong types.
    """
    path = path or config_path()
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    known = {"theme": str, "scenario": str, "speed": (int, float), "keymap": dict}
    for key, value in data.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{path}: unknown key {key!r}{hint} (keys: {', '.join(known)})")
        if not isinstance(value, known[key]) or isinstance(value, bool):
            raise ConfigError(f"{path}: {key}: expected {_kind(known[key])}, got {value!r}")
    keymap = data.get("keymap", {})
    for key, value in keymap.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: keymap.{key}: expected a key such as \"p\", got {value!r}")
    speed = float(data.get("speed", 10.0))
    if not 0 < speed <= 1000:
        raise ConfigError(f"{path}: speed: must be above 0 and at most 1000, got {speed:g}")
    return Config(data.get("theme", "textual-dark"), data.get("scenario", "shopfront"), speed,
                  dict(keymap), str(path))


def _kind(kind: type | tuple[type, ...]) -> str:
    return {str: "text", dict: "a table", (int, float): "a number"}.get(kind, "a value")  # type: ignore[call-overload]
