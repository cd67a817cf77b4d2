"""The user's settings: ``config.toml`` in the config directory (theme, keymap, defaults).

Looked up at ``$DEVSIM_CONFIG``, else ``$XDG_CONFIG_HOME/devsim/config.toml``, else
``~/.config/devsim/config.toml``. A missing file means defaults. A wrong one is refused as a
whole — nothing half-applied — with one line per mistake, ``file:line:col: key.path: what is
wrong; did you mean …?``, never a traceback: an unknown setting, a value of the wrong type, a
theme Textual does not have, a keymap entry naming no binding of the console, a key Textual
cannot bind, or TOML that does not parse. ``devsim`` prints them and exits with 2, as it does
for a bad scenario, before the screen is taken over.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Config", "ConfigError", "config_path", "load_config", "theme_problem"]

EXAMPLE = """\
# devsim console settings
theme = "textual-dark"      # any Textual theme, e.g. "nord", "gruvbox", "ansi-dark"
scenario = "shopfront"      # the scenario `devsim` opens
speed = 10                  # simulated seconds per wall second at start

[keymap]                    # binding id = key(s); see F1 for the ids
pause = "p"                 # a letter, a named key (f5, space, escape), ctrl+x; "p,f5" for both
"""
SETTINGS = {"theme": str, "scenario": str, "speed": (int, float), "keymap": dict}


class ConfigError(Exception):
    """A config file that cannot be used: one line per mistake (``problems``), each naming the
    file, where in it, the key and what would be right."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


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


def load_config(path: Path | None = None, *, themes: Collection[str] | None = None,
                binding_ids: Collection[str] | None = None) -> Config:
    """Read the config file (defaults when there is none).

    Args:
        path: the file (default: ``config_path()``).
        themes: the theme names to accept (default: Textual's built-in themes).
        binding_ids: the keymap ids to accept (default: every binding id of the console).

    Raises:
        ConfigError: unreadable TOML, unknown settings, wrong values; every mistake found.
    """
    path = path or config_path()
    if not path.is_file():
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_problem(path, text, exc)) from None
    where = _Locator(path, text)
    problems = [where(key, problem) for key, problem in _problems(data, themes, binding_ids)]
    if problems:
        raise ConfigError(problems)
    return Config(data.get("theme", "textual-dark"), data.get("scenario", "shopfront"),
                  float(data.get("speed", 10.0)), _flat(data.get("keymap", {})), str(path))


def theme_problem(theme: str, themes: Collection[str]) -> str | None:
    """Why ``theme`` cannot be used (one line, a did-you-mean, never the whole list)."""
    if theme in themes:
        return None
    close = difflib.get_close_matches(theme.lower(), sorted(themes), n=1, cutoff=0.5)
    if close:
        return f"unknown theme {theme!r}; did you mean {close[0]!r}?"
    examples = [t for t in ("textual-dark", "nord", "gruvbox", "ansi-dark") if t in themes]
    return f"unknown theme {theme!r} (e.g. {', '.join(examples or sorted(themes)[:3])})"


# -- checks ------------------------------------------------------------------------------------
def _problems(data: dict[str, Any], themes: Collection[str] | None,
              binding_ids: Collection[str] | None) -> Iterable[tuple[str, str]]:
    """(key path, what is wrong) for every mistake, in the file's order."""
    for key, value in data.items():
        if key not in SETTINGS:
            yield key, f"unknown setting{_did_you_mean(key, SETTINGS)} " \
                       f"(settings: {', '.join(SETTINGS)})"
        elif not isinstance(value, SETTINGS[key]) or isinstance(value, bool):
            yield key, f"expected {_kind(SETTINGS[key])}, got {value!r}"
        elif key == "speed" and not 0 < value <= 1000:
            yield key, f"must be above 0 and at most 1000, got {value:g}"
        elif key == "theme":
            problem = theme_problem(value, _themes() if themes is None else themes)
            if problem:
                yield key, problem
        elif key == "keymap":
            yield from _keymap_problems(_flat(value, keep_values=True), binding_ids)


def _keymap_problems(keymap: dict[str, Any],
                     binding_ids: Collection[str] | None) -> Iterable[tuple[str, str]]:
    if not keymap:
        return
    if binding_ids is None:
        from .keys import binding_ids as declared

        binding_ids = declared()
    from .keys import key_problem

    for binding, keys in keymap.items():
        path = f"keymap.{binding}"
        if binding_ids and binding not in binding_ids:  # (none found: no source to read)
            yield path, f"unknown binding id{_did_you_mean(binding, binding_ids)}"
        elif not isinstance(keys, str):
            yield path, f"expected a key such as \"p\", got {keys!r}"
        else:
            problem = key_problem(keys)
            if problem:
                yield path, problem


def _flat(table: dict[str, Any], prefix: str = "", keep_values: bool = False) -> dict[str, Any]:
    """``[keymap] bar.complete = "x"`` is TOML for a nested table; a binding id has dots in
    it, so nested tables are read back as dotted ids."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}.", keep_values))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _themes() -> Collection[str]:
    from textual.theme import BUILTIN_THEMES  # only when a theme is set

    return BUILTIN_THEMES


def _kind(kind: type | tuple[type, ...]) -> str:
    return {str: "text", dict: "a table", (int, float): "a number"}.get(kind, "a value")  # type: ignore[call-overload]


# -- where in the file -------------------------------------------------------------------------
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


def _toml_problem(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """``file:line:col: message`` from tomllib's "message (at line L, column C)"."""
    message = str(exc)
    at = _TOML_AT.search(message)
    if at:
        line, col = at.groups()
    elif _TOML_END.search(message):
        lines = text.splitlines() or [""]
        line, col, at = str(len(lines)), str(len(lines[-1]) + 1), _TOML_END.search(message)
    else:
        return f"{path}: {_lower_first(message)}"
    return f"{path}:{line}:{col}: {_lower_first(message[:at.start()])}"


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:] if message[1:2].islower() else message


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_ASSIGN = re.compile(r"""^(\s*)((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|"""
                     r"""[A-Za-z0-9_-]+))*)\s*=""")


class _Locator:
    """Finds the line and column where a key path is set, for ``file:line:col:`` (a plain
    reading of the file: tables and dotted keys, quoted or bare; enough for a settings file)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.where: dict[str, tuple[int, int]] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            header = _HEADER.match(line)
            if header:
                table = _key_path(header.group(1))
                self.where.setdefault(table, (number, line.index("[") + 1))
                continue
            assign = _ASSIGN.match(line)
            if assign:
                key = _key_path(assign.group(2))
                self.where.setdefault(f"{table}.{key}" if table else key,
                                      (number, len(assign.group(1)) + 1))

    def __call__(self, key: str, problem: str) -> str:
        at = self.where.get(key)
        return f"{self.path}:{at[0]}:{at[1]}: {key}: {problem}" if at else \
            f"{self.path}: {key}: {problem}"


def _key_path(written: str) -> str:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', written)
    return ".".join(next(p for p in part if p) if any(part) else "" for part in parts)
