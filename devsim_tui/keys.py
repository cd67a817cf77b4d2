"""What a ``[keymap]`` entry may say: the console's binding ids, and the key names Textual reads.

The ids are read from the package's source — every ``Binding(..., id="...")`` — so checking a
settings file imports neither Textual's app machinery nor the engine (a test keeps the list
equal to the ``BINDINGS`` of the imported classes). A key is what Textual would call the key
pressed: a character (``p``, ``P``, ``+``), a named key (``f1``, ``space``, ``escape``,
``question_mark``), either after modifiers (``ctrl+x``, ``ctrl+shift+up``); several
alternatives are separated by commas (``p,f5``).
"""

from __future__ import annotations

import ast
import difflib
import functools
from pathlib import Path

__all__ = ["MODIFIERS", "NAMED_KEYS", "binding_ids", "key_problem"]

PACKAGE = Path(__file__).resolve().parent
MODIFIERS = ("ctrl", "shift", "alt", "super", "hyper", "meta")
NAMED_KEYS = frozenset(
    {"escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
     "pageup", "pagedown", "up", "down", "left", "right"}
    | {f"f{n}" for n in range(1, 25)})
# spellings people reach for first, pointed at Textual's names
_SAID_INSTEAD = {"esc": "escape", "return": "enter", "del": "delete", "ins": "insert",
                 "pgup": "pageup", "pgdn": "pagedown", "page_up": "pageup",
                 "page_down": "pagedown", "spacebar": "space", "bksp": "backspace",
                 "control": "ctrl", "ctl": "ctrl", "cmd": "super", "command": "super",
                 "option": "alt", "opt": "alt", "win": "super"}


@functools.cache
def binding_ids() -> frozenset[str]:
    """Every binding id the console declares (the app, its widgets and its screens)."""
    ids: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "Binding(" not in source:
            continue
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.Call) and _called(node) == "Binding":
                for keyword in node.keywords:
                    if keyword.arg == "id" and isinstance(keyword.value, ast.Constant) and \
                            isinstance(keyword.value.value, str):
                        ids.add(keyword.value.value)
    return frozenset(ids)


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""


def key_problem(keys: str) -> str | None:
    """Why ``keys`` (one key or comma-separated alternatives) is not a key Textual can bind,
    with a did-you-mean; None when it is."""
    if not keys.strip():
        return "no key given (e.g. \"p\", \"f5\", \"ctrl+p\")"
    if not keys.replace(",", "").strip():
        return "the comma key is written \"comma\" (a comma separates alternatives)"
    for key in keys.split(","):
        problem = _one_key_problem(key.strip())
        if problem:
            return problem
    return None


def _one_key_problem(key: str) -> str | None:
    if not key:
        return "an empty key between commas (alternatives are written \"p,f5\")"
    if len(key) == 1:
        return None if key.isprintable() and not key.isspace() else \
            f"{key!r} is not a key (a space is written \"space\")"
    *modifiers, name = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"unknown modifier {modifier!r} in {key!r}{_hint(modifier, MODIFIERS)} " \
                   f"(modifiers: {', '.join(MODIFIERS)})"
    if len(set(modifiers)) != len(modifiers):
        return f"a modifier is repeated in {key!r}"
    if not name:
        return f"{key!r} ends with '+': name the key, e.g. \"{key}p\" (the + key is \"plus\")"
    if len(name) == 1:
        if modifiers and name.isupper():
            return f"{key!r}: with a modifier a letter is lower case, e.g. " \
                   f"{'+'.join([*modifiers, name.lower()])!r}"
        return None
    if name in NAMED_KEYS or name in _character_names():
        return None
    written = "+".join([*modifiers, name])
    return f"unknown key {written!r}{_hint(name, sorted(NAMED_KEYS | _character_names()))}"


def _hint(word: str, options: tuple[str, ...] | list[str]) -> str:
    meant = _SAID_INSTEAD.get(word.lower()) or next(
        iter(difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.5)), None)
    return f"; did you mean {meant!r}?" if meant else ""


@functools.cache
def _character_names() -> frozenset[str]:
    """Textual's names of the printable ASCII characters that are not letters or digits."""
    from textual.keys import _character_to_key  # a small module: no app, no widgets

    return frozenset(_character_to_key(chr(c)) for c in range(33, 127)
                     if not chr(c).isalnum()) | {"space"}

