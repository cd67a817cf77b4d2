"""One small function per intent: fill its arguments from the analysed text.

``BUILDERS`` maps an intent to its function; the parser looks it up, no chain of conditions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.commands import (
    Abort,
    Ack,
    Advance,
    Alerts,
    Anomalies,
    Autoscale,
    ChaosList,
    ChaosStop,
    Command,
    Deploy,
    Explain,
    Failover,
    Help,
    History,
    InjectFault,
    Pause,
    Promote,
    Restart,
    Resume,
    Rollback,
    Scale,
    Silence,
    Speed,
    Status,
)

from .faults import detect_fault
from .lexicon import ALERT_STATES, INSTANCE_WORDS, SWITCH, VOCABULARY
from .slots import (
    TRIGGER_WORDS,
    Refusal,
    component,
    count_of,
    durations,
    env_of,
    leftover_refusal,
    number,
    previous_word,
    seconds,
    unknown_words,
    version_of,
)

if TYPE_CHECKING:
    from .analysis import Analysis
    from .context import ParseContext

__all__ = ["BUILDERS"]

Builder = Callable[["Analysis", "ParseContext"], Command]
SERVICE_KINDS = ("service",)
ANY = ("service", "database", "cache", "queue", "ext", "zone")
_FOR = {"for", "during", "lasting", "over", "next"}
_UP = {"add", "more", "another", "extra", "increase", "up", "grow", "plus", "raise"}
_DOWN = {"remove", "fewer", "less", "decrease", "reduce", "drop", "minus", "shrink", "cut",
         "lose", "down", "take"}


def _service(an: Analysis, ctx: ParseContext, example: str, required: bool = True) -> str | None:
    return component(an, ctx, SERVICE_KINDS, role="service", required=required, example=example)


def deploy(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "deploy checkout 2.5.0")
    version = version_of(an)
    if version is None and service in ctx.versions and _pronoun(an):
        version = ctx.versions[service]  # "now deploy it to prod": the same version
        ctx.notes.append(f"assuming version {version} from the previous command")
    if version is None:
        raise Refusal(f"which version of {service}? e.g. 'deploy {service} 2.5.0'",
                      [f"deploy {service} 2.5.0"])
    strategy = next((str(t.value) for t in an.tokens if t.kind == "strategy"), None)
    weight = next((t.value for t in an.tokens if t.kind == "pct"), None)
    if weight is None and strategy == "canary":
        weight = next((t.value for i, t in enumerate(an.tokens) if t.kind == "num" and
                       previous_word(an, i) in ("at", "with", "canary", "weight")), None)
    if weight is not None and strategy is None and "canary" in an.pattern:
        strategy = "canary"
    if weight is not None and strategy != "canary":
        weight = None
    if weight is not None and not 0 < weight <= 100:
        raise Refusal(f"a canary weight is a percentage of traffic, above 0 and at most 100, "
                      f"not {weight:g}%", [f"deploy {service} {version} as a canary at 10%"])
    leftover_refusal(an, ctx)
    return Deploy(service, version, env_of(an), strategy, _num(weight))


def rollback(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "roll back checkout")
    version = version_of(an, after=("to", "back", "at", "onto", "with", "on"))
    versions = [i for i, t in enumerate(an.tokens) if t.kind == "ver"]
    if version is None and len(versions) == 1 and previous_word(an, versions[0], ()) not in (
            "the", "undo", "of"):
        version = str(an.tokens[versions[0]].value)  # "rollback cart 3.2.9": the target
    leftover_refusal(an, ctx)
    return Rollback(service, version, env_of(an))


def scale(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "scale checkout to 6")
    words = {t.text for t in an.tokens if t.kind == "word"}
    target = number(an, near={"to", "at", "=", "of"} | INSTANCE_WORDS)
    relative = None
    for i, t in enumerate(an.tokens):
        if t.kind != "num":
            continue
        before = {previous_word(an, i), previous_word(an, i - 1) if i else ""}
        after = an.tokens[i + 1].text if i + 1 < len(an.tokens) else ""
        if "by" in before or after in ("more", "extra", "additional", "fewer", "less") or \
                before & (_UP | _DOWN) and "to" not in before:
            sign = -1 if (words & _DOWN) and not ({"up", "more", "add"} & words - {"down"}) \
                or after in ("fewer", "less") else 1
            relative = sign * int(t.value)
            break
    if relative is None and target is None:
        if words & {"up", "out", "more", "add"}:
            relative = 1
        elif words & {"down", "in", "fewer", "less"}:
            relative = -1
    if relative is not None and re.search(r"\bscale (?:<name> )?in\b", an.pattern):
        relative = -abs(relative)  # "scale in" is scaling down, "scale out" up
    if relative is not None:
        current = ctx.names.replicas.get(service, 0)
        replicas = current + relative
        ctx.notes.append(f"{service} runs {current}; {relative:+d} makes {replicas}")
    elif target is not None:
        replicas = target[1]
    else:
        raise Refusal(f"how many instances of {service}? e.g. 'scale {service} to 4'",
                      [f"scale {service} to 4"])
    if replicas < 0:
        raise Refusal(f"cannot scale {service} to {replicas:g}: a replica count can't be "
                      "negative", [f"scale {service} to 0"])
    if not float(replicas).is_integer():
        raise Refusal(f"cannot run {replicas:g} instances: use a whole number",
                      [f"scale {service} to {int(replicas)}"])
    return Scale(service, int(replicas), env_of(an))


def restart(an: Analysis, ctx: ParseContext) -> Command:
    instance = next((t.value[0] for t in an.tokens if t.kind == "instance"), None)
    service = instance.rsplit("-", 1)[0] if instance else _service(an, ctx, "restart checkout")
    return Restart(service, instance, env_of(an))  # type: ignore[arg-type]


def autoscale(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "autoscale web on")
    words = [t.text for t in an.tokens]
    switch = next((SWITCH[w] for w in words if w in SWITCH and w not in ("start", "stop")), None)
    if switch is None:
        switch = not ({"stop", "disable", "no"} & set(words))
    return Autoscale(service, switch, env_of(an))  # type: ignore[arg-type]


def failover(an: Analysis, ctx: ParseContext) -> Command:
    database = component(an, ctx, ("database",), role="database", required=True,
                         example="fail over orders-db")
    return Failover(database, env_of(an))  # type: ignore[arg-type]


def chaos(an: Analysis, ctx: ParseContext) -> Command:
    fault, target = detect_fault(an, ctx)
    durs = durations(an)
    duration = latency = None
    for i, t in durs:
        is_for = previous_word(an, i) in _FOR
        if fault == "latency" and latency is None and not is_for and (t.ms_unit or len(durs) > 1
                                                                      or t.value < 10):
            latency = t.value * 1000
        elif duration is None:
            duration = seconds(t.value)
    pct = next((float(t.value) for t in an.tokens if t.kind == "pct"), None)
    if fault == "latency" and latency is None:
        hit = number(an, near={"ms", "milliseconds", "of", "add", "by"})
        latency = hit[1] if hit else None
    percent = _spike_percent(an, pct) if fault == "traffic-spike" else pct
    if percent is not None and fault != "traffic-spike" and not 0 < percent <= 100:
        raise Refusal(f"{fault} takes a share between 0 and 100%, not {percent:g}%",
                      [f"inject 20% errors into {target}"])
    if duration is not None and duration <= 0:
        raise Refusal(f"a fault lasts a positive time, not {duration}s",
                      [f"add 300ms of latency to {target} for 10 minutes"])
    count = count_of(an) if fault in ("instance-kill", "crash-loop") else None
    return InjectFault(fault, target, duration, _num(latency), _num(percent), count)


def _spike_percent(an: Analysis, pct: float | None) -> float | None:
    factor = next((t.value for t in an.tokens if t.kind == "x"), None)
    for word, times in (("double", 2), ("twice", 2), ("triple", 3), ("quadruple", 4)):
        if word in an.pattern.split():
            factor = times
    if factor is not None:
        return float(factor) * 100
    if pct is not None:
        return pct if pct > 100 or re.search(r"\bto <pct>", an.pattern) else 100 + pct
    return None


def chaos_stop(an: Analysis, ctx: ParseContext) -> Command:
    ident = next((t.text.lstrip("#") for t in an.tokens if t.kind == "id"), None)
    if ident is None:
        hit = number(an, near={"experiment", "chaos", "fault", "id", "number", "injection"})
        ident = str(int(hit[1])) if hit else None
    target = component(an, ctx, ANY, role="target", required=False, example="stop chaos on search")
    return ChaosStop(ident, target)


def anomalies(an: Analysis, ctx: ParseContext) -> Command:
    service = component(an, ctx, ("service", "database", "cache", "queue", "ext"),
                        role="component", required=False, example="anomalies in checkout")
    since = next((seconds(t.value) for _, t in durations(an)), None)
    return Anomalies(service, since)


def status(an: Analysis, ctx: ParseContext) -> Command:
    target = component(an, ctx, ANY, role="component", required=False, example="status checkout")
    return Status(target, env_of(an))


def explain(an: Analysis, ctx: ParseContext) -> Command:
    target = component(an, ctx, ANY, role="component", required=True,
                       example="why is checkout slow?")
    return Explain(target, env_of(an))  # type: ignore[arg-type]


def alerts(an: Analysis, ctx: ParseContext) -> Command:
    words = an.pattern.split()
    if "all" in words or "every" in words or "resolved" in words or "history" in words:
        return Alerts("all")
    state = next((ALERT_STATES[w] for w in words if w in ALERT_STATES), None)
    return Alerts(state)


def _alert_name(an: Analysis, ctx: ParseContext, example: str) -> str:
    raws = [t.raw for t in an.tokens if t.kind in ("word", "name")]
    for raw in raws:
        for known in ctx.names.alerts:
            if raw.lower() == known.lower():
                return known
    for raw in raws:  # CamelCase or snake_case identifiers are alert names
        if raw.lower() in VOCABULARY or raw.lower() in TRIGGER_WORDS:
            continue
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_:-]*", raw) and (
                re.search(r"[a-z][A-Z]", raw) or "_" in raw or raw[0].isupper() and len(raw) > 3
                and raw.lower() not in {"ack", "please", "silence", "mute", "snooze"}):
            return raw
    unknown = unknown_words(an)
    if unknown:
        return unknown[0]
    if ctx.last_alert is not None and _pronoun(an):
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
    return Silence(alert, duration)


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
    return Speed(_num(factor))  # type: ignore[arg-type]


def advance(an: Analysis, ctx: ParseContext) -> Command:
    durs = durations(an)
    if not durs:
        raise Refusal("how far? e.g. 'advance 10m'", ["advance 10m", "advance 1h"])
    total = seconds(sum(t.value for _, t in durs))
    if total <= 0:
        raise Refusal(f"time only moves forward: advance by a positive duration, not {total}s",
                      ["advance 10m"])
    return Advance(total)


def help_(an: Analysis, ctx: ParseContext) -> Command:
    """The topic is the command the rest of the question is about ('help with deploys')."""
    from .parser import score_intents
    from .registry import REGISTRY

    pattern = re.sub(r"\bhelp\b|\bhow (?:do|can|should) i\b|\bhow to\b|\bcommands?\b|"
                     r"\busage\b|\bexamples?\b", " ", an.pattern)
    scores = {k: v for k, v in score_intents(pattern).items() if v >= 3 and k != "help"}
    if scores:
        return Help(max(scores, key=scores.__getitem__))
    for t in an.tokens:  # by word stem: "scaling" → scale, "deploys" → deploy
        if t.kind == "word" and len(t.text) >= 4 and t.text not in ("help", "with", "please"):
            for spec in REGISTRY:
                stems = [spec.intent, *spec.synonyms]
                if spec.intent != "help" and any(s[:4] == t.text[:4] for s in stems if len(s) >= 4):
                    return Help(spec.intent)
    return Help(None)


BUILDERS: dict[str, Builder] = {
    "deploy": deploy, "rollback": rollback, "scale": scale, "restart": restart,
    "autoscale": autoscale, "failover": failover, "chaos": chaos, "chaos_stop": chaos_stop,
    "chaos_list": lambda an, ctx: ChaosList(), "anomalies": anomalies, "status": status,
    "explain": explain, "alerts": alerts, "ack": ack, "silence": silence,
    "pause": lambda an, ctx: Pause(), "resume": lambda an, ctx: Resume(), "speed": speed,
    "advance": advance, "help": help_,
    "promote": lambda an, ctx: Promote(_service(an, ctx, "promote checkout"), env_of(an)),
    "abort": lambda an, ctx: Abort(_service(an, ctx, "abort checkout"), env_of(an)),
    "history": lambda an, ctx: History(_service(an, ctx, "history checkout"), env_of(an)),
}


def _pronoun(an: Analysis) -> bool:
    return any(t.text in ("it", "that", "this", "same", "them") for t in an.tokens)


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)
