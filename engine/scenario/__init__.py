"""Scenario files: YAML in, a validated ``ScenarioSpec`` out, or every problem at once.

Errors read ``file:line:col: key.path: message``; nothing here ever raises anything but
``ScenarioError`` for a bad file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .checks import cross_check
from .schema import SCENARIO
from .schema_types import Validator
from .spec import ScenarioSpec
from .yaml_source import Problem, YamlSyntaxError, read_yaml

__all__ = [
    "ScenarioError", "ScenarioSpec", "builtin_dir", "builtin_scenarios", "load_scenario",
    "parse_scenario", "resolve_scenario",
]


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` lists everything wrong, in file order."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = sorted(problems, key=lambda p: (p.line, p.col))
        super().__init__("\n".join(p.format(file) for p in self.problems))


def builtin_dir() -> Path:
    """Where the built-in scenarios live: inside the wheel, or the source tree's scenarios/."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_scenarios"
    return packaged if packaged.is_dir() else here.parent / "scenarios"


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario names and their files, sorted by name."""
    return {p.stem: p for p in sorted(builtin_dir().glob("*.yaml"))}


def resolve_scenario(name_or_path: str) -> Path:
    """A built-in scenario's file, or a path to a file.

    Raises:
        ScenarioError: neither a built-in name nor a readable file.
    """
    builtins = builtin_scenarios()
    if name_or_path in builtins:
        return builtins[name_or_path]
    path = Path(name_or_path)
    if path.is_file():
        return path
    import difflib

    close = difflib.get_close_matches(name_or_path, list(builtins), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ScenarioError(name_or_path, [Problem((), f"no such scenario or file; {hint}"
                                               f"built-in scenarios: {', '.join(builtins)}")])


def parse_scenario(text: str, file: str = "<scenario>") -> ScenarioSpec:
    """Validate scenario YAML text.

    Raises:
        ScenarioError: with every problem found, each located.
    """
    try:
        located = read_yaml(text)
    except YamlSyntaxError as exc:
        raise ScenarioError(file, [exc.problem]) from None
    if located.data is None:  # nothing at all, or a top-level value that was refused
        raise ScenarioError(file, located.duplicates
                            or [Problem((), "the scenario file is empty", 1, 1)])
    validator = Validator(located)
    spec = validator.check(SCENARIO, located.data)
    if spec is None:
        raise ScenarioError(file, validator.problems or [Problem((), "invalid scenario", 1, 1)])
    stem = Path(file).stem if file and not file.startswith("<") else "scenario"
    spec = dataclasses.replace(spec, name=spec.name or stem, source=file)
    problems = validator.problems + [located.problem(path, message, key=key) for
                                     path, message, key in cross_check(spec)]
    if problems:
        raise ScenarioError(file, problems)
    return spec


def load_scenario(name_or_path: str | Path) -> ScenarioSpec:
    """Load a built-in scenario by name, or a scenario file by path.

    Raises:
        ScenarioError: unknown name, unreadable file, or an invalid scenario.
    """
    path = resolve_scenario(str(name_or_path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(str(path), [Problem((), f"cannot read the file: {reason}")]) from None
    return parse_scenario(text, _display_path(path))


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
