"""Render the scenario schema as the Markdown reference in ``scenarios/README.md``.

The reference is generated from ``schema.py`` so the documentation cannot drift from the checks;
``python -m engine.scenario.docs`` prints it and ``--write`` splices it into the README.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..durations import format_duration
from . import builtin_dir
from .schema import SCENARIO
from .schema_types import REQUIRED, Field, ListOf, MapOf, Record

__all__ = ["END", "START", "describe", "extract", "main", "readme_path", "splice"]

START = "<!-- schema:start -->"
END = "<!-- schema:end -->"

_KINDS = {
    "str": "text",
    "name": "name (lower-case letters, digits, '-', '_')",
    "version": "version ('2.4.0')",
    "int": "whole number",
    "float": "number",
    "bool": "true or false",
    "rate": "rate (0.08 or '8%')",
    "share": "share (0.2 or '20%', may pass 100%)",
    "duration": "duration (90s, 5m, 1h30m)",
    "size": "size in MiB ('512Mi', '2Gi')",
    "timeofday": "time of day ('09:30')",
    "names": "list of names",
    "weights": "list of names, or name: number",
}
_KEYS = {"name": "<name>", "version": "<version>"}


def readme_path() -> Path:
    """The README that holds the generated reference, next to the built-in scenarios."""
    return builtin_dir() / "README.md"


def describe(schema: Record = SCENARIO) -> str:
    """The Markdown reference for ``schema``: a table of top-level keys, then one section per
    top-level mapping or list, each nested record in its own sub-section."""
    out = [
        "## Reference",
        "",
        "Generated from `engine/scenario/schema.py` by `python -m engine.scenario.docs --write`;",
        "do not edit between the markers by hand. A default of — means the key is unset.",
        "",
        "### Top level",
        "",
    ]
    out += _table(schema, "")
    for key, sub in schema.fields.items():
        if not isinstance(sub, Field):
            out += ["", f"### {key}", ""]
            out += _section(sub, key, level=4)
    return "\n".join(out) + "\n"


def _section(schema: Record | MapOf | ListOf, path: str, level: int) -> list[str]:
    """Intro, table and sub-sections of a container at ``path``."""
    out: list[str] = []
    doc = schema.doc
    inner: Field | Record = schema.value if isinstance(schema, MapOf) else (
        schema.item if isinstance(schema, ListOf) else schema)
    inner_path = path
    if isinstance(schema, MapOf):
        placeholder = _KEYS.get(schema.key_kind, "<key>")
        inner_path = f"{path}.{placeholder}"
        lead = f"A mapping from each {placeholder[1:-1]} you choose to its settings."
        if schema.key_kind == "name":
            lead += (" Names are lower-case letters, digits, '-' or '_', starting with a letter.")
        if schema.names:
            lead += " A list of names gives each one its defaults."
        if isinstance(inner, Record) and inner.shorthand:
            short = inner.fields[inner.shorthand]
            assert isinstance(short, Field)
            lead += (f" Instead of a mapping, a {_KINDS.get(short.kind, short.kind)} alone "
                     f"stands for `{inner.shorthand}`.")
        doc = f"{_sentence(doc)} {lead}" if doc else lead
    elif isinstance(schema, ListOf):
        inner_path = f"{path}[]"
        doc = f"{_sentence(doc)} A list; each item has these keys." if doc else \
            "A list; each item has these keys."
    elif doc:
        doc = _sentence(doc)
    if doc:
        out += [_escape(doc), ""]
    if isinstance(inner, Field):
        out += _table(Record({"(each value)": inner}), inner_path)
        return out
    out += _table(inner, inner_path)
    for key, sub in inner.fields.items():
        if isinstance(sub, Field):
            continue
        out += ["", f"{'#' * level} `{inner_path}.{key}`", ""]
        out += _section(sub, f"{inner_path}.{key}", level)
    return out


def _table(record: Record, path: str) -> list[str]:
    rows = ["| Key | Type | Default | Allowed | Description |", "|---|---|---|---|---|"]
    for key, sub in record.fields.items():
        where = f"{path}.{key}" if path else key
        if isinstance(sub, Field):
            kind = _KINDS.get(sub.kind, sub.kind)
            default = _value(sub.kind, sub.default)
            allowed = _bounds(sub)
            doc = sub.doc
        else:
            kind, default, allowed, doc = _container(sub, where)
        cells = [f"`{key}`", kind, default, allowed, doc]
        rows.append("| " + " | ".join(_escape(c) for c in cells) + " |")
    return rows


def _container(sub: Record | MapOf | ListOf, where: str) -> tuple[str, str, str, str]:
    if isinstance(sub, MapOf):
        placeholder = _KEYS.get(sub.key_kind, "<key>")
        what = "settings" if isinstance(sub.value, Record) else _KINDS.get(sub.value.kind, "value")
        kind = f"mapping of {placeholder[1:-1]} → {what}"
        if sub.names:
            kind = f"list of names, or {kind}"
        default = ", ".join(f"`{k}`" for k in sub.default) if sub.default else "—"
    elif isinstance(sub, ListOf):
        kind = "list of mappings" if isinstance(sub.item, Record) else "list"
        default = "—"
    else:
        kind = "mapping"
        default = "**required**" if sub.default is REQUIRED else "—"
    see = f"see `{where}`" if "." in where else f"see [{where}](#{where})"
    return kind, default, "", f"{sub.doc}; {see}" if sub.doc else see


def _value(kind: str, value: Any) -> str:
    """A default or bound as it would be written in a scenario file."""
    if value is REQUIRED:
        return "**required**"
    if value is None or value in ("", (), {}):
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if kind == "duration":
        return format_duration(value)
    if kind in ("rate", "share"):
        return f"{value * 100:g}%"
    if kind == "size":
        return f"{value / 1024:g}Gi" if value >= 1024 and value % 1024 == 0 else f"{value:g}Mi"
    if kind == "timeofday":
        minutes = int(value) // 60_000
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value('float', v)}" for k, v in value.items())
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def _bounds(field: Field) -> str:
    if field.choices:
        return "one of " + ", ".join(f"`{c}`" for c in field.choices)
    low = _value(field.kind, field.min) if field.min is not None else None
    high = _value(field.kind, field.max) if field.max is not None else None
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"at most {high}"
    if field.kind == "rate":
        return "0% to 100%"
    return ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def extract(readme: str) -> str:
    """The generated part of ``readme``: the text between the markers, without the newline that
    follows the start marker.

    Raises:
        ValueError: the markers are missing or out of order.
    """
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README needs the markers {START} and {END}, in that order")
    return readme[start + len(START):end].removeprefix("\n")


def splice(readme: str, reference: str | None = None) -> str:
    """``readme`` with the text between the markers replaced by ``reference`` (default: now).

    Raises:
        ValueError: the markers are missing or out of order.
    """
    extract(readme)  # validates the markers
    reference = describe() if reference is None else reference
    head, rest = readme.split(START, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{START}\n{reference}{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference; ``--write`` updates the README, ``--check`` fails if it is stale."""
    parser = argparse.ArgumentParser(prog="python -m engine.scenario.docs",
                                     description="Render the scenario file reference (Markdown).")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true",
                       help=f"rewrite the part of the README between {START} and {END}")
    group.add_argument("--check", action="store_true",
                       help="exit 1 if the README's reference is out of date")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        sys.stdout.write(describe())
        return 0
    path = readme_path()
    try:
        text = path.read_text(encoding="utf-8")
        updated = splice(text)
    except (OSError, ValueError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if updated != text:
            print(f"{path}: the reference is out of date; run python -m engine.scenario.docs "
                  "--write", file=sys.stderr)
            return 1
        return 0
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"{path}: reference updated")
    else:
        print(f"{path}: reference already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
