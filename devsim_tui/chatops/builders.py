"""One small function per intent that changes something: fill its arguments from the
analysed text (the commands that look, and the clock's, are in ``builders_observe``).

The registry names each command's function (``CommandSpec.build``); the parser calls the
winner's, no chain of conditions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engine.commands import (
    Backup,
    Restore,
    Abort,
    Autoscale,
    ChaosStop,
    Command,
    Deploy,
    Failover,
    History,
    InjectFault,
    Plan,
    Promote,
    Restart,
    Rollback,
    Scale,
)

from .faults import detect_fault
from .lexicon import INSTANCE_WORDS, SWITCH
from .slots import (
    ANY,
    Refusal,
    as_number,
    component,
    count_of,
    durations,
    env_of,
    leftover_refusal,
    number,
    previous_word,
    says_pronoun,
    seconds,
    version_of,
)

if TYPE_CHECKING:
    from .tokens import Analysis
    from .context import ParseContext

__all__ = ["abort", "autoscale", "backup", "chaos", "chaos_stop", "deploy", "failover",
           "history", "plan", "promote", "restart", "restore", "rollback", "scale"]

SERVICE_KINDS = ("service",)
_FOR = {"for", "during", "lasting", "over", "next"}
_UP = {"add", "more", "another", "extra", "increase", "up", "grow", "plus", "raise"}
_DOWN = {"remove", "fewer", "less", "decrease", "reduce", "drop", "minus", "shrink", "cut",
         "lose", "down", "take"}


def _service(an: Analysis, ctx: ParseContext, example: str, required: bool = True) -> str | None:
    return component(an, ctx, SERVICE_KINDS, role="service", required=required, example=example)


def deploy(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "deploy checkout 2.5.0")
    version = version_of(an)
    if version is None and service in ctx.versions and says_pronoun(an):
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
    return Deploy(service, version, env_of(an, ctx), strategy, as_number(weight))


def rollback(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "roll back checkout")
    version = version_of(an, after=("to", "back", "at", "onto", "with", "on"))
    versions = [i for i, t in enumerate(an.tokens) if t.kind == "ver"]
    if version is None and len(versions) == 1 and previous_word(an, versions[0], ()) not in (
            "the", "undo", "of"):
        version = str(an.tokens[versions[0]].value)  # "rollback cart 3.2.9": the target
    leftover_refusal(an, ctx)
    return Rollback(service, version, env_of(an, ctx))


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
        current = ctx.names.replicas_in(service, env_of(an, ctx))
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
    return Scale(service, int(replicas), env_of(an, ctx))


def restart(an: Analysis, ctx: ParseContext) -> Command:
    instance = next((t.value[0] for t in an.tokens if t.kind == "instance"), None)
    service = instance.rsplit("-", 1)[0] if instance else _service(an, ctx, "restart checkout")
    return Restart(service, instance, env_of(an, ctx))  # type: ignore[arg-type]


def autoscale(an: Analysis, ctx: ParseContext) -> Command:
    """On or off, and the bounds and CPU target when given: 'min 2 max 10 cpu 70%',
    'between 2 and 8 replicas', 'target cpu 60 percent'."""
    service = _service(an, ctx, "autoscale web on")
    words = [t.text for t in an.tokens]
    switch = next((SWITCH[w] for w in words if w in SWITCH and w not in ("start", "stop")), None)
    low = high = cpu = None
    for i, t in enumerate(an.tokens):
        before = previous_word(an, i)
        if t.kind == "num" and before in ("min", "minimum", "least", "floor"):
            low = int(t.value)
        elif t.kind == "num" and before in ("max", "maximum", "most", "ceiling", "cap"):
            high = int(t.value)
        elif t.kind == "num" and before == "between" and i + 2 < len(an.tokens) and \
                an.tokens[i + 1].text in ("and", "to") and an.tokens[i + 2].kind == "num":
            low, high = int(t.value), int(an.tokens[i + 2].value)
        elif t.kind in ("pct", "num") and (before in ("cpu", "target", "at") or
                                           "cpu" in words[max(0, i - 3):i]):
            if t.kind == "pct" or before in ("cpu", "target"):
                cpu = float(t.value)
    ahead = True if {"predictive", "predict", "forecast", "ahead"} & set(words) else \
        False if "reactive" in words else None
    if switch is None and low is None and high is None and cpu is None and ahead is None:
        switch = not ({"stop", "disable", "no"} & set(words))
    if low is not None and high is not None and low > high:
        raise Refusal(f"min {low} is above max {high}: the autoscaler needs min ≤ max",
                      [f"autoscale {service} min {high} max {low}"])
    if cpu is not None and not 0 < cpu <= 100:
        raise Refusal(f"a CPU target is a percentage above 0 and at most 100, not {cpu:g}",
                      [f"autoscale {service} cpu 70%"])
    return Autoscale(service, switch, low, high, as_number(cpu), ahead,  # type: ignore[arg-type]
                     env_of(an, ctx))


def failover(an: Analysis, ctx: ParseContext) -> Command:
    database = component(an, ctx, ("database",), role="database", required=True,
                         example="fail over orders-db")
    return Failover(database, env_of(an, ctx))  # type: ignore[arg-type]


def backup(an: Analysis, ctx: ParseContext) -> Command:
    database = component(an, ctx, ("database",), role="database", required=True,
                         example="backup orders-db")
    return Backup(database, env_of(an, ctx))  # type: ignore[arg-type]


def restore(an: Analysis, ctx: ParseContext) -> Command:
    database = component(an, ctx, ("database",), role="database", required=True,
                         example="restore orders-db")
    to = next((seconds(t.value) for _, t in durations(an)), None)
    return Restore(database, to, env_of(an, ctx))  # type: ignore[arg-type]


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
    names = [t.value[0] for t in an.tokens if t.kind == "name" and t.value[0] != target]
    peer = names[0] if fault in _LINK_FAULTS and names else None  # "between checkout and …"
    return InjectFault(fault, target, duration, as_number(latency), as_number(percent), count,
                       peer, env_of(an, ctx))


_LINK_FAULTS = {"partition", "latency", "packet-loss", "dns-failure"}


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
    if ident is None and target is None and ctx.last_fault_target and (
            says_pronoun(an) or ctx.last_intent == "chaos" and "all" not in an.pattern.split()):
        target = ctx.last_fault_target  # "stop it", "enough": the fault just injected
        ctx.notes.append(f"assuming the fault on {target} from the previous command")
    return ChaosStop(ident, target)


def promote(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "promote checkout")
    return Promote(service, env_of(an, ctx))  # type: ignore[arg-type]


def abort(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "abort checkout")
    return Abort(service, env_of(an, ctx))  # type: ignore[arg-type]


def history(an: Analysis, ctx: ParseContext) -> Command:
    service = _service(an, ctx, "history checkout")
    return History(service, env_of(an, ctx))  # type: ignore[arg-type]


_ASKING = re.compile(r"^(?:plan|dry[ -]?run|preview)\b|\b(?:should|shall|ought|is it|would it"
                     r"|"
                     r"do (?:i|we) need|what (?:would|will) happen if|what if)\b.*?\b(?:i|we|to|"
                     r"if)\b")


def plan(an: Analysis, ctx: ParseContext) -> Command:
    """A command asked about: the rest of the question, read as the command it names. One
    that changes nothing is simply answered."""
    words = an.pattern.split()
    match = _ASKING.search(an.pattern)
    start = len(an.pattern[: match.end()].split()) if match else 0
    rest = " ".join(t.raw for t in an.tokens[start:]).strip(" ?")
    if not rest or ctx.reparse is None:
        raise Refusal("which command should I look at? e.g. 'plan deploy checkout 2.5.0' or "
                      "'should I roll back checkout?'", ["plan deploy checkout 2.5.0",
                                                         "should I roll back checkout?"])
    inner = ctx.reparse(rest)
    del words
    return Plan(inner) if inner.changes_production else inner
