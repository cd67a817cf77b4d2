"""Which fault a chaos request means, and at what.

Phrases name faults (``lexicon.FAULT_PHRASES``, most specific first); a generic destructive verb
("kill", "take down", "knock out") means what it would do to the kind of thing named: a zone
goes out, an external dependency becomes unavailable, a database loses its primary.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engine.faults import fault_names

from .lexicon import FAULT_PHRASES
from .slots import Refusal, component, unknown_words

if TYPE_CHECKING:
    from .tokens import Analysis
    from .context import ParseContext

__all__ = ["detect_fault"]

_COMPILED = [(fault, [re.compile(rf"(?<![\w-]){p}(?![\w-])") for p in phrases])
             for fault, phrases in FAULT_PHRASES.items()]
_GENERIC = {"instance-kill", "crash-loop"}
_BY_KIND = {"zone": "zone-outage", "ext": "dependency-outage", "database": "db-primary-failure"}
_TARGETS = ("service", "database", "cache", "queue", "ext", "zone")


def detect_fault(an: Analysis, ctx: ParseContext) -> tuple[str, str]:
    fault = next((t.text for t in an.tokens if t.text in fault_names()), None)
    if fault is None:
        fault = next((name for name, patterns in _COMPILED
                      if any(p.search(an.pattern) for p in patterns)), None)
    if fault == "traffic-spike":
        named = [t.value[0] for t in an.tokens if t.kind == "name" and t.value[1] == "service"]
        return fault, named[0] if named else (ctx.names.entry[0] if ctx.names.entry else "")
    target = component(an, ctx, _TARGETS, role="target", required=fault is not None,
                       example="add 300ms of latency to search")
    kind = ctx.names.kind(target) if target else None
    if (fault is None or fault in _GENERIC) and kind in _BY_KIND:
        fault = _BY_KIND[kind]
    if fault is None:
        unknown = unknown_words(an)
        what = f"unknown fault {unknown[0]!r}; " if unknown else "which fault? "
        raise Refusal(f"{what}faults: {', '.join(fault_names())}",
                      ["list faults", "add 300ms of latency to search for 10 minutes"])
    if target is None:
        raise Refusal(f"inject {fault} into what? e.g. 'inject {fault} into checkout'")
    return fault, target
