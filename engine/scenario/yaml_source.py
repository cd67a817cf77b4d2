"""Read YAML safely into plain Python while remembering where every key and value was written.

Scenario errors must name ``file:line:col``; PyYAML's constructed objects forget positions, so we
compose the node graph with the *safe* loader and walk it ourselves, recording marks by key
path. Duplicate keys (which PyYAML silently overwrites) are reported here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..text_safety import first_control_character

__all__ = ["Located", "Problem", "YamlSyntaxError", "read_yaml"]

Path = tuple[str | int, ...]

MAX_VALUES = 200_000
"""More keys and values than this (after expanding aliases) is refused rather than walked."""
_STD = "tag:yaml.org,2002:"
_MAP, _SEQ = _STD + "map", _STD + "seq"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, located by key path and (when known) line and column."""

    path: Path
    message: str
    line: int = 0
    col: int = 0

    def format(self, file: str) -> str:
        where = f"{file}:{self.line}:{self.col}" if self.line else file
        dotted = dotted_path(self.path)
        return f"{where}: {dotted}: {self.message}" if dotted else f"{where}: {self.message}"


def dotted_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class YamlSyntaxError(Exception):
    """The text is not YAML at all; carries one located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(slots=True)
class Located:
    """The plain data of a YAML document plus the positions of its keys and values (1-based)."""

    data: Any
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The closest known position for ``path``, walking up to a parent when needed."""
        marks = self.key_marks if key else self.value_marks
        probe = path
        while True:
            if probe in marks:
                return marks[probe]
            if probe in self.value_marks:
                return self.value_marks[probe]
            if not probe:
                return (1, 1)
            probe = probe[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(path, message, line, col)


def read_yaml(text: str) -> Located:
    """Parse one YAML document with the safe loader, keeping positions.

    Raises:
        YamlSyntaxError: the text is not well-formed YAML (or holds several documents).
    """
    bad = first_control_character(text)
    if bad is not None:
        raise YamlSyntaxError(Problem((), bad[2], bad[0], bad[1]))
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            message = (exc.problem or exc.context or "invalid YAML").strip()
            raise YamlSyntaxError(Problem((), f"YAML syntax error: {message}", line, col)) from None
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(Problem((), f"YAML error: {exc}")) from None
        located = Located(data=None)
        if node is not None:
            located.data = _walk(loader, node, (), located)
        return located
    finally:
        loader.dispose()


def _walk(loader: yaml.SafeLoader, node: yaml.Node, path: Path, out: Located,
          active: frozenset[int] = frozenset()) -> Any:
    mark = (node.start_mark.line + 1, node.start_mark.column + 1)
    out.value_marks[path] = mark
    if len(out.value_marks) > MAX_VALUES:  # aliases can make a short text expand exponentially
        raise YamlSyntaxError(Problem(path, f"the document expands to more than {MAX_VALUES} "
                                      "values; are aliases (*name) nested too deeply?", *mark))
    collection = isinstance(node, yaml.MappingNode | yaml.SequenceNode)
    known = node.tag in (_MAP, _SEQ) if collection else node.tag in loader.yaml_constructors
    if not known:  # e.g. !!python/object/apply: never constructed, always refused
        out.duplicates.append(Problem(path, f"YAML tag {_short_tag(node.tag)!r} is not allowed "
                                      "in a scenario", *mark))
        return None
    if collection:
        if id(node) in active:
            out.duplicates.append(Problem(path, "an alias refers to a value that contains it "
                                          "(a recursive alias)", *mark))
            return None
        active = active | {id(node)}
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                out.duplicates.append(
                    Problem(path, "mapping keys must be plain names", key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1)
                )
                continue
            key = str(key_node.value)
            child = (*path, key)
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                out.duplicates.append(Problem(child, f"duplicate key {key!r}", *key_mark))
            out.key_marks[child] = key_mark
            result[key] = _walk(loader, value_node, child, out, active)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(loader, item, (*path, i), out, active) for i, item in enumerate(node.value)]
    out.raw[path] = str(node.value)
    try:
        return loader.construct_object(node, deep=True)
    except Exception:  # noqa: BLE001 - the safe constructors raise assorted errors for `!!int x`
        out.duplicates.append(Problem(path, f"cannot read {node.value!r} as "
                                      f"{_short_tag(node.tag)}", *mark))
        return None


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_STD) if tag.startswith(_STD) else tag
