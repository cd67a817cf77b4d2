"""A small declarative schema: fields, records and maps that validate *and* document themselves.

The scenario format is declared once (``schema.py``); this module checks data against it,
collecting every problem with its key path instead of stopping at the first, fills defaults,
and builds the frozen spec dataclasses. ``docs.py`` renders the same declarations as the
reference in ``scenarios/README.md`` so the documentation cannot drift from the checks.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..durations import DurationError, parse_duration
from .yaml_source import Located, Path, Problem

__all__ = ["REQUIRED", "Field", "ListOf", "MapOf", "Record", "Validator"]

REQUIRED: Any = object()
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_KEYS = {"name": (_NAME, "must be lower-case letters, digits, '-' or '_', starting with a letter"),
         "label": (re.compile(r"^[A-Za-z_]\w*$", re.A), "must be letters, digits or '_', not "
                   "starting with a digit (as Prometheus names)")}  # what keys may be
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(mi|mib|mb|m|gi|gib|gb|g|ki|kib|kb|k)?$", re.I)
_SIZE_MIB = {"": 1, "mi": 1, "mib": 1, "mb": 1, "m": 1, "gi": 1024, "gib": 1024, "gb": 1024,
             "g": 1024, "ki": 1 / 1024, "kib": 1 / 1024, "kb": 1 / 1024, "k": 1 / 1024}


@dataclass(frozen=True)
class Field:
    """A leaf value.

    Kinds: ``str``, ``name`` (lower-case identifier), ``version``, ``int``, ``float``, ``bool``,
    ``rate`` (0..1, or ``"8%"``), ``duration`` (ms), ``size`` (MiB, or ``"512Mi"``/``"2Gi"``),
    ``timeofday`` (``"09:30"`` → ms after midnight), ``names`` (list of names),
    ``weights`` (a list of names, or a map name → number).
    """

    kind: str
    default: Any = REQUIRED
    doc: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    """A mapping with known keys; builds ``cls(**values)`` when a class (or factory) is given.

    With ``shorthand``, a value that is not a mapping stands for that one key (a ``Field``) and
    every other key takes its default: ``payments: 2`` reads as ``payments: {weight: 2}``.
    """

    fields: dict[str, Field | Record | MapOf | ListOf]
    cls: Callable[..., Any] | None = None
    doc: str = ""
    default: Any = REQUIRED
    name_field: str | None = None
    checks: tuple[Callable[[dict[str, Any]], list[tuple[str, str]]], ...] = ()
    shorthand: str | None = None


@dataclass(frozen=True)
class MapOf:
    """A mapping from names the author chooses to values of one schema.

    With ``names``, a list of names (or one name) also reads as a mapping that gives each name
    its defaults: ``[api, search]`` is ``{api: {}, search: {}}`` (for ``Record`` values).
    """

    value: Field | Record
    doc: str = ""
    default: Any = field(default_factory=dict)
    key_kind: str = "name"
    names: bool = False


@dataclass(frozen=True)
class ListOf:
    """A list of values of one schema."""

    item: Field | Record
    doc: str = ""
    default: Any = field(default_factory=tuple)


Schema = Field | Record | MapOf | ListOf


class Validator:
    """Checks a located document against a schema, collecting problems."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.problems: list[Problem] = list(located.duplicates)
        self.unreadable = {p.path for p in located.duplicates}

    def report(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.located.problem(path, message, key=key))

    def check(self, schema: Schema, value: Any, path: Path = ()) -> Any:
        if value is None and path in self.unreadable:  # refused by the reader, already reported
            return None
        if isinstance(schema, Record):
            return self._record(schema, value, path)
        if isinstance(schema, MapOf):
            return self._map(schema, value, path)
        if isinstance(schema, ListOf):
            return self._list(schema, value, path)
        return self._field(schema, value, path)

    # -- containers -------------------------------------------------------------------------
    def _record(self, schema: Record, value: Any, path: Path, name: str | None = None) -> Any:
        if value is None:
            value = {}
        out: dict[str, Any] = {}
        if schema.shorthand is not None and not isinstance(value, dict):
            short = self._shorthand(schema, value, path)
            if short is None:
                return None
            out[schema.shorthand], value = short, {}
        if not isinstance(value, dict):
            self.report(path, f"expected a mapping of keys, got {_kind_of(value)}")
            return None
        for key in value:
            if key not in schema.fields:
                close = difflib.get_close_matches(key, list(schema.fields), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                known = ", ".join(sorted(schema.fields))
                self.report((*path, key), f"unknown key {key!r}{hint} (known: {known})", key=True)
        before = len(self.problems)
        for key, sub in schema.fields.items():
            if key in out:  # given by the shorthand
                continue
            if key in value:
                out[key] = self.check(sub, value[key], (*path, key))
            else:
                default = sub.default
                if default is REQUIRED:
                    self.report(path, f"missing required key {key!r}")
                    out[key] = None
                elif isinstance(sub, Record | MapOf) and isinstance(default, dict):
                    out[key] = self.check(sub, dict(default), (*path, key))
                else:
                    out[key] = default
        if len(self.problems) == before:  # checks may compare fields, so only when all are valid
            for check in schema.checks:
                for key, message in check(out):
                    self.report((*path, key) if key else path, message)
        if schema.name_field is not None:
            out[schema.name_field] = name
        if schema.cls is None:
            return out
        try:
            return schema.cls(**out)
        except TypeError:  # a failed field left None where the class needs a value
            return None

    def _shorthand(self, schema: Record, value: Any, path: Path) -> Any:
        """The shorthand key's value for a record written as a bare value, or None (reported)."""
        assert schema.shorthand is not None
        sub = schema.fields[schema.shorthand]
        assert isinstance(sub, Field), "a shorthand names a leaf field"
        try:
            _COERCE[sub.kind](value, self.located.raw.get(path))
        except ValueError:
            noun = _NOUNS.get(sub.kind, sub.kind)
            meaning = f" ({sub.doc})" if sub.doc else ""
            self.report(path, f"expected {noun}{meaning} or a mapping of keys "
                        f"({', '.join(sorted(schema.fields))}), got {_kind_of(value)}")
            return None
        return self._field(sub, value, path)  # bounds and choices, reported at ``path``

    def _map(self, schema: MapOf, value: Any, path: Path) -> dict[str, Any]:
        if value is None:
            return {}
        if schema.names and isinstance(value, str | list):
            value = self._names_as_map(value, path)
        if not isinstance(value, dict):
            what = "a list of names or a mapping of names" if schema.names else \
                "a mapping of names"
            self.report(path, f"expected {what}, got {_kind_of(value)}")
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            raw_key = self.located.raw.get((*path, key), key)
            rule = _KEYS.get(schema.key_kind)
            if rule is not None and not rule[0].match(str(key)):
                self.report((*path, key), f"name {raw_key!r} {rule[1]}", key=True)
                continue
            sub = schema.value
            if isinstance(sub, Record) and sub.name_field:
                out[key] = self._record(sub, item, (*path, key), name=key)
            else:
                out[key] = self.check(sub, item, (*path, key))
        return out

    def _names_as_map(self, value: str | list[Any], path: Path) -> dict[str, Any]:
        """``[a, b]`` (or ``a``) as ``{a: None, b: None}``: each name with its defaults."""
        listed = [value] if isinstance(value, str) else value
        out: dict[str, Any] = {}
        for i, item in enumerate(listed):
            try:
                out[_name(item, None)] = None
            except ValueError as exc:
                self.report((*path, i) if isinstance(value, list) else path, str(exc))
        return out

    def _list(self, schema: ListOf, value: Any, path: Path) -> tuple[Any, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(path, f"expected a list, got {_kind_of(value)}")
            return ()
        return tuple(self.check(schema.item, item, (*path, i)) for i, item in enumerate(value))

    # -- leaves -----------------------------------------------------------------------------
    def _field(self, schema: Field, value: Any, path: Path) -> Any:
        try:
            result = _COERCE[schema.kind](value, self.located.raw.get(path))
        except ValueError as exc:
            self.report(path, str(exc))
            return None
        if schema.choices and result not in schema.choices:
            close = difflib.get_close_matches(str(result), schema.choices, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.report(path, f"{result!r} is not one of {', '.join(schema.choices)}{hint}")
            return None
        if isinstance(result, int | float) and not isinstance(result, bool):
            if schema.min is not None and result < schema.min:
                self.report(path, f"must be at least {_num(schema.min, schema.kind)}, "
                            f"got {_num(result, schema.kind)}")
                return None
            if schema.max is not None and result > schema.max:
                self.report(path, f"must be at most {_num(schema.max, schema.kind)}, "
                            f"got {_num(result, schema.kind)}")
                return None
        return result


_NOUNS = {"int": "a whole number", "float": "a number", "rate": "a rate such as 0.08 or '8%'",
          "share": "a share such as 0.2 or '20%' (may pass 100%)",
          "duration": "a duration such as 90s", "size": "a size in MiB", "bool": "true or false",
          "str": "text", "name": "a name", "version": "a version"}


def _num(value: float, kind: str) -> str:
    if kind == "duration":
        from ..durations import format_duration

        return format_duration(value)
    if kind in ("rate", "share"):
        return f"{value:.4g} ({value * 100:.4g}%)"
    return f"{value:g}"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"a number ({value})"
    return f"text ({str(value)!r})"


def _str(value: Any, raw: str | None) -> str:
    if isinstance(value, dict | list) or value is None:
        raise ValueError(f"expected text, got {_kind_of(value)}")
    return raw if raw is not None else str(value)


def _name(value: Any, raw: str | None) -> str:
    text = _str(value, raw)
    if not _NAME.match(text):
        raise ValueError(f"{text!r} is not a valid name (lower-case letters, digits, '-', '_')")
    return text


def _version(value: Any, raw: str | None) -> str:
    text = _str(value, raw).strip()
    text = text[1:] if text[:1] in "vV" and text[1:2].isdigit() else text
    if not text:
        raise ValueError("expected a version such as 2.4.0, got an empty value")
    return text


def _int(value: Any, raw: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_kind_of(value)}")
    return value


def _float(value: Any, raw: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_kind_of(value)}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return float(value)


def _bool(value: Any, raw: str | None) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_kind_of(value)}")
    return value


def _rate(value: Any, raw: str | None) -> float:
    number = _share(value, raw)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"a rate must lie between 0 and 1 (0% and 100%), got {value}")
    return number


def _share(value: Any, raw: str | None) -> float:
    """A proportion written as a number (0.2) or a percentage ('20%'), not limited to 100 %."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1]) / 100
        except ValueError:
            raise ValueError(f"expected a rate such as 0.08 or '8%', got {value!r}") from None
    else:
        try:
            number = _float(value, raw)
        except ValueError:
            raise ValueError(f"expected a rate such as 0.08 or '8%', got {_kind_of(value)}") from None
    return number


def _duration(value: Any, raw: str | None) -> int:
    if isinstance(value, dict | list | bool) or value is None:
        raise ValueError(f"expected a duration such as 90s, 5m or 1h30m, got {_kind_of(value)}")
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise ValueError(str(exc)) from None
    except (OverflowError, ValueError):  # .inf, .nan, 1e308 (as a number or as text)
        raise ValueError(f"expected a finite duration such as 90s, 5m or 1h30m, "
                         f"got {value!r}") from None


def _size(value: Any, raw: str | None) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _float(value, raw)
    match = _SIZE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a size in MiB such as 512, '512Mi' or '2Gi', got {_kind_of(value)}")
    return float(match.group(1)) * _SIZE_MIB[(match.group(2) or "").lower()]


def _timeofday(value: Any, raw: str | None) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and raw and ":" in raw:
        value = raw  # YAML 1.1 reads 09:30 as a sexagesimal number; use the written text
    text = str(value).strip() if isinstance(value, str | int) else ""
    match = re.match(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?$", text)
    if not match or int(match.group(1)) > 23:
        raise ValueError(f"expected a time of day such as '09:30', got {_kind_of(value)}")
    h, m, s = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    return (h * 3600 + m * 60 + s) * 1000


def _names(value: Any, raw: str | None) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list of names, got {_kind_of(value)}")
    return tuple(_name(v, None) for v in value)


def _weights(value: Any, raw: str | None) -> dict[str, float]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return {_name(v, None): 1.0 for v in value}
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            number = _float(v, None)
            if number < 0:
                raise ValueError(f"calls per request to {k!r} cannot be negative, got {v}")
            out[_name(k, None)] = number
        return out
    raise ValueError(f"expected a list of names or a mapping name: calls per request, "
                     f"got {_kind_of(value)}")


_COERCE: dict[str, Callable[[Any, str | None], Any]] = {
    "str": _str, "name": _name, "version": _version, "int": _int, "float": _float,
    "bool": _bool, "rate": _rate, "share": _share, "duration": _duration, "size": _size,
    "timeofday": _timeofday, "names": _names, "weights": _weights,
}
