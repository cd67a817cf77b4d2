"""The builders of the commands that look and of the clock: status, explain, anomalies, the
alerts, help and time. The registry names each (``CommandSpec.build``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engine.commands import (
    Ack,
    Advance,
    Alerts,
    Anomalies,
    ChaosList,
    Command,
    Explain,
    Help,
    Pause,
    Resume,
    Rewind,
    Silence,
    Speed,
    Status,
)

from .lexicon import ALERT_STATES, VOCABULARY
from .slots import (
    ANY,
    Refusal,
    as_number,
    component,
    durations,
    env_of,
    number,
    previous_word,
    says_pronoun,
    seconds,
    unknown_words,
)

if TYPE_CHECKING:
    from .context import ParseContext
    from .tokens import Analysis

__all__ = ["ack", "advance", "alerts", "anomalies", "chaos_list", "explain", "help_", "pause",
           "resume", "rewind", "silence", "speed", "status"]



def anomalies(an: Analysis, ctx: ParseContext) -> Command:
    service = component(an, ctx, ("service", "database", "cache", "queue", "ext"),
                        role="component", required=False, example="anomalies in checkout")
    since = next((seconds(t.value) for _, t in durations(an)), None)
    return Anomalies(service, since)


def status(an: Analysis, ctx: ParseContext) -> Command:
    target = component(an, ctx, ANY, role="component", required=False, example="status checkout")
    return Status(target, env_of(an, ctx))


def explain(an: Analysis, ctx: ParseContext) -> Command:
    target = component(an, ctx, ANY, role="component", required=False,
                       example="why is checkout slow?")
    return Explain(target, env_of(an, ctx))


def alerts(an: Analysis, ctx: ParseContext) -> Command:
    words = an.pattern.split()
    if "all" in words or "every" in words or "resolved" in words or "history" in words:
        return Alerts("all")
    state = next((ALERT_STATES[w] for w in words if w in ALERT_STATES), None)
    return Alerts(state)


def _alert_name(an: Analysis, ctx: ParseContext, example: str) -> str:
    number = next((t for t in an.tokens if t.kind in ("num", "id") and float(
        str(t.value)).is_integer() and float(str(t.value)) > 0), None)
    if number is not None:  # 'ack 3': an alert's short number
        return str(int(float(str(number.value))))
    raws = [t.raw for t in an.tokens if t.kind in ("word", "name")]
    known = {t.raw for t in an.tokens if t.known}
    for raw in raws:
        for known in ctx.names.alerts:
            if raw.lower() == known.lower():
                return known
    for raw in raws:  # CamelCase or snake_case identifiers are alert names
        if raw.lower() in VOCABULARY or raw in known:
            continue
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_:-]*", raw) and (
                re.search(r"[a-z][A-Z]", raw) or "_" in raw or raw[0].isupper() and len(raw) > 3
                and raw.lower() not in {"ack", "please", "silence", "mute", "snooze"}):
            return raw
    unknown = unknown_words(an)
    if unknown:
        return unknown[0]
    if ctx.last_alert is not None and says_pronoun(an):
        ctx.notes.append(f"assuming {ctx.last_alert} from the previous command")
        return ctx.last_alert
    raise Refusal(f"which alert? e.g. '{example}' ('alerts' lists them)", [example, "alerts"])


def ack(an: Analysis, ctx: ParseContext) -> Command:
    return Ack(_alert_name(an, ctx, "ack HighErrorRate"))


def silence(an: Analysis, ctx: ParseContext) -> Command:
    alert = _alert_name(an, ctx, "silence HighErrorRate for 1h")
    durs = durations(an)
    if not durs:
        raise Refusal(f"for how long? e.g. 'silence {alert} for 1h'", [f"silence {alert} for 1h"])
    duration = seconds(durs[0][1].value)
    if duration <= 0:
        raise Refusal(f"silence {alert} for a positive time, not a negative duration "
                      f"({duration}s)", [f"silence {alert} for 1h"])
    named = any(t.raw.lower() in ctx.names.kinds for t in an.tokens)
    scope = None if alert.isdigit() or not named else component(
        an, ctx, ("service", "database", "cache", "queue", "ext"), role="component",
        required=False, example=f"silence {alert} on checkout for 1h")
    raws = [t.raw for t in an.tokens]
    cut = next((i for i, raw in enumerate(raws) if raw.lower() in ("because", "reason",
                                                                    "reason:", "since")), None)
    reason = " ".join(raws[cut + 1:]).strip(" :") if cut is not None else ""
    return Silence(alert, duration, scope, reason or None)


def speed(an: Analysis, ctx: ParseContext) -> Command:
    words = set(an.pattern.split())
    factor = next((t.value for t in an.tokens if t.kind == "x"), None)
    if factor is None:
        hit = number(an, near={"to", "at", "speed", "x"})
        factor = hit[1] if hit else None
    if factor is None:
        if words & {"realtime", "normal", "real"}:
            factor = 1.0
        elif "faster" in words or "double" in words:
            factor = ctx.speed * 2
        elif "half" in words:
            factor = ctx.speed / 2
        elif "slower" in words or "down" in words:
            factor = ctx.speed / 2
        elif words & {"max", "maximum", "fastest"}:
            factor = 1000.0
        else:
            raise Refusal("how fast? e.g. 'speed 60' (simulated seconds per second)",
                          ["speed 60", "speed 1"])
    return Speed(as_number(factor))  # type: ignore[arg-type]


def advance(an: Analysis, ctx: ParseContext) -> Command:
    durs = durations(an)
    if not durs:
        raise Refusal("how far? e.g. 'advance 10m'", ["advance 10m", "advance 1h"])
    total = seconds(sum(t.value for _, t in durs))
    if total <= 0:
        raise Refusal(f"time only moves forward: advance by a positive duration, not {total}s",
                      ["advance 10m"])
    return Advance(total)


_START = {"start", "beginning"}


def rewind(an: Analysis, ctx: ParseContext) -> Command:
    """``rewind 10m`` goes back by a duration; ``rewind to 00:09:42`` (a time since the
    start) or ``to the start`` goes back to a time."""
    durs = durations(an)
    if not durs and _START & set(an.words()):
        return Rewind(to=0)
    if not durs:
        raise Refusal("rewind how far? e.g. 'rewind 10m' or 'rewind to 00:09:42'",
                      ["rewind 10m", "rewind to 00:09:42"])
    if previous_word(an, durs[0][0]) != "to":
        total = seconds(sum(t.value for _, t in durs))
        if total <= 0:
            raise Refusal(f"rewind by a positive duration, not {total}s", ["rewind 10m"])
        return Rewind(duration=total)
    if len(durs) > 1:
        raise Refusal("rewind to one time, e.g. 'rewind to 00:09:42'", ["rewind to 00:09:42"])
    to = seconds(durs[0][1].value)
    if to < 0:
        raise Refusal(f"rewind to a time since the start, not {to}s", ["rewind to 00:09:42"])
    return Rewind(to=to)


def help_(an: Analysis, ctx: ParseContext) -> Command:
    """The topic is the command the rest of the question is about ('help with deploys')."""
    pattern = re.sub(r"\bhelp\b|^(?:\?|h)(?=\s|$)|\bhow (?:do|can|should) i\b|\bhow to\b|"
                     r"\bcommands?\b|\busage\b|\bexamples?\b", " ", an.pattern)
    if ctx.scores is None:
        return Help(None)
    scores = {k: v for k, v in ctx.scores(pattern).items() if v >= 3 and k not in ("help", "plan")}
    if scores:
        return Help(max(scores, key=scores.__getitem__))
    for t in an.tokens:  # by word stem: "scaling" → scale, "deploys" → deploy
        if t.kind == "word" and len(t.text) >= 4 and t.text not in ("help", "with", "please"):
            intent = ctx.stem_intent(t.text) if ctx.stem_intent else None
            if intent:
                return Help(intent)
    return Help(None)


def chaos_list(an: Analysis, ctx: ParseContext) -> Command:
    return ChaosList()


def pause(an: Analysis, ctx: ParseContext) -> Command:
    return Pause()


def resume(an: Analysis, ctx: ParseContext) -> Command:
    return Resume()
