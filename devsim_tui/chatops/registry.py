"""Every command, declared once: its intent, trigger phrases, arguments, help and examples.

The parser scores intents by these triggers, ``help`` prints them, completion offers their
words and examples, and the console's palette lists them. Triggers are regular expressions
over normalised text in which names and quantities are already replaced by placeholders
(``<name>``, ``<ver>``, ``<dur>``, ``<pct>``, ``<x>``, ``<num>``), so a service called
"search" never reads as the verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.commands import COMMAND_TYPES, Command

from . import builders, builders_observe

if TYPE_CHECKING:
    from .context import ParseContext
    from .tokens import Analysis

__all__ = ["REGISTRY", "CommandSpec", "Slot", "spec_for"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One argument: its contract name, what fills it, whether it must be there, and the
    kinds of token it takes (``most`` of them) — in a command that changes something, a token
    that no slot takes is a leftover, and refuses the command."""

    name: str
    kind: str
    required: bool = False
    help: str = ""
    takes: tuple[str, ...] = ()
    most: int = 1


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command, declared once: what triggers it, its arguments, how they are read from the
    text (``build``), which intent wins a tie (``precedence``: lower first), examples, help,
    and phrases that mean it only right after certain commands (``follows``: "stop it" stops
    the fault just injected, but aborts the rollout just started)."""

    intent: str
    summary: str
    triggers: tuple[tuple[str, float], ...]
    slots: tuple[Slot, ...]
    examples: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    group: str = ""
    precedence: int = 99
    build: Callable[[Analysis, ParseContext], Command] | None = None
    follows: tuple[tuple[str, tuple[str, ...], float], ...] = ()

    @property
    def command_type(self) -> type[Command]:
        return COMMAND_TYPES[self.intent]

    @property
    def changes(self) -> bool:
        """Whether it changes the estate (the safety rules apply in full)."""
        return self.command_type.changes_production

    def compiled(self) -> list[tuple[re.Pattern[str], float]]:
        return [(re.compile(rf"(?<![\w<-]){p}(?![\w>-])"), w) for p, w in self.triggers]

    def compiled_follows(self) -> list[tuple[re.Pattern[str], tuple[str, ...], float]]:
        return [(re.compile(rf"(?<![\w<-]){p}(?![\w>-])"), after, w)
                for p, after, w in self.follows]


T = tuple[tuple[str, float], ...]
_STOP_IT = "(?:stop|end|cancel|kill|halt) (?:it|that|this)"
NAMES = ("name", "instance")
SERVICE = Slot("service", "service", True, "a service of the scenario", takes=NAMES)
ENV = Slot("env", "env", False, "production, staging or development (prod, stg, dev)",
           takes=("env",))

REGISTRY: tuple[CommandSpec, ...] = (
    CommandSpec(
        "deploy", "roll out a new version of a service",
        triggers=(("deploy(?:ing|ed)?", 3), ("ship(?:ped)?", 3), ("release", 3), ("push(?: out)?", 2.5),
                  ("roll(?:ing)? out", 3), ("upgrade", 3), ("update", 2.5), ("bump", 3),
                  ("install", 2), ("launch", 2), ("go live with", 3), ("put", 1.5),
                  ("canary", 1.5), ("blue-green", 1.5), ("rolling", 0.5)),
        slots=(SERVICE, Slot("version", "version", True, "the version, e.g. 2.5.0", takes=("ver", "num")), ENV,
               Slot("strategy", "strategy", help="rolling, canary or blue-green", takes=("strategy",)),
               Slot("canary_weight", "percent", help="traffic for the canary, e.g. 10%",
                    takes=("pct", "num"))),
        examples=("deploy checkout 2.5.0", "deploy checkout 2.5.0 to prod as a canary",
                  "ship payments v3.0.5 blue-green", "canary search 1.9.1 at 10%"),
        synonyms=("ship", "release", "roll out", "push out", "upgrade"), group="delivery",
        precedence=11, build=builders.deploy),
    CommandSpec(
        "rollback", "go back to the previous (or a named) version",
        triggers=(("roll(?:ing|ed)? (?:\\S+ ){0,3}back", 5), ("rollback", 5), ("revert(?:ed)?", 5),
                  ("rb", 5), ("roll ?bk", 5),
                  ("undo", 4.5), ("back out", 5), ("downgrade", 5), ("go back to", 5),
                  ("(?:to|back to|onto) the (?:previous|last|prior) (?:revision|version|release)",
                   5),
                  ("previous version", 2), ("last good", 2), ("put (?:\\S+ ){0,2}back", 4)),
        slots=(SERVICE, Slot("version", "version", help="a version to go back to (the one left "
                             "may be named too)", takes=("ver", "num"), most=2), ENV),
        examples=("roll back payments", "revert checkout to 2.3.1", "undo the search deploy"),
        synonyms=("revert", "undo", "back out", "downgrade"), group="delivery",
        precedence=10, build=builders.rollback),
    CommandSpec(
        "promote", "let a paused canary or blue-green rollout go all the way",
        triggers=(("promote", 4), ("(?:finish|complete|continue|proceed with) (?:the )?(?:\\S+ )?"
                                   "(?:rollout|deploy(?:ment)?|canary|release)", 5),
                  ("full rollout", 4), ("fully roll(?:ing)? out", 5), ("go to <pct>", 5),
                  ("(?:promote|finish|complete) (?:\\S+ ){0,2}canary", 5)),
        slots=(SERVICE, ENV), examples=("promote checkout", "finish the checkout rollout"),
        synonyms=("finish the rollout",), group="delivery",
        precedence=8, build=builders.promote),
    CommandSpec(
        "abort", "stop a rollout and return to the stable version",
        triggers=(("abort", 5), ("(?:cancel|stop|halt|kill|pause) the (?:\\S+ )?(?:rollout|deploy"
                                 "(?:ment)?|release|canary)", 5),
                  ("(?:cancel|stop|halt) (?:\\S+ )?(?:rollout|deploy(?:ment)?|release|canary)", 4)),
        slots=(SERVICE, ENV), examples=("abort the checkout rollout", "cancel the payments deploy"),
        group="delivery",
        follows=((_STOP_IT, ("deploy", "promote", "rollback"), 6),),
        precedence=7, build=builders.abort),
    CommandSpec(
        "history", "a service's revision history",
        triggers=(("history", 5), ("revisions?", 4), ("deploy(?:ment)? log", 5),
                  ("(?:past|previous|recent|last) (?:deploy(?:ment)?s|releases|versions)", 4),
                  ("(?:what|which) versions", 4), ("(?:have been|were|got) deployed", 4), ("changelog", 3), ("releases of", 3)),
        slots=(SERVICE, ENV), examples=("history checkout", "show revisions of payments"),
        group="delivery",
        precedence=9, build=builders.history),
    CommandSpec(
        "scale", "set how many instances a service runs",
        triggers=(("scal(?:e|ed|ing)", 4), ("resize", 3), ("replicas?", 2), ("instances", 1.5),
                  ("pods?", 1.5), ("copies", 1.5), ("containers?", 1), ("capacity", 1.5),
                  ("more (?:pods|instances|replicas|copies)", 3), ("fewer", 2.5),
                  ("<num> (?:more |extra |additional )?(?:replicas|pods|instances|copies|"
                   "containers)", 3),
                  ("run <num>", 1.5), ("set (?:the )?(?:replica|instance) count", 4),
                  ("horizontally", 2)),
        slots=(SERVICE, Slot("replicas", "replicas", True, "how many instances", takes=("num",)), ENV),
        examples=("scale checkout to 6", "give web two more pods", "scale search down by 1"),
        synonyms=("resize", "add pods", "remove replicas"), group="capacity",
        precedence=14, build=builders.scale),
    CommandSpec(
        "restart", "restart a service (one instance at a time) or one instance",
        triggers=(("restart(?:ed|ing)?", 4), ("bounce(?:d)?", 4), ("reboot", 4), ("recycle", 4), ("cycle", 3),
                  ("kick", 3), ("relaunch", 3), ("rolling restart", 5), ("respawn", 3)),
        slots=(SERVICE, Slot("instance", "instance", help="one instance, e.g. checkout-1", takes=("instance",)), ENV),
        examples=("restart checkout", "bounce payments-1", "rolling restart of search"),
        synonyms=("bounce", "reboot", "recycle"), group="capacity",
        precedence=12, build=builders.restart),
    CommandSpec(
        "autoscale", "turn a service's autoscaler on or off, or set its bounds and CPU target",
        triggers=(("autoscal(?:e|ing|er)", 5), ("hpa", 5), ("auto-scal(?:e|ing|er)", 5),
                  ("auto scal(?:e|ing|er)", 5)),
        slots=(SERVICE, Slot("enabled", "switch", help="on or off"),
               Slot("min", "count", help="the fewest instances", takes=("num",)),
               Slot("max", "count", help="the most instances", takes=("num",)),
               Slot("target_cpu", "percent", help="the CPU to aim for, e.g. 70%",
                    takes=("pct", "num")),
               Slot("predictive", "switch", help="scale ahead of the traffic forecast "
                    "(predictive) or only on what is seen (reactive)"), ENV),
        examples=("autoscale web on", "turn off autoscaling for api",
                  "autoscale checkout min 2 max 10 cpu 70%", "autoscale web predictive"),
        group="capacity",
        precedence=13, build=builders.autoscale),
    CommandSpec(
        "failover", "promote a replica of a database to primary",
        triggers=(("fail(?:ing|ed)? ?over", 5), ("fail (?:\\S+ ){1,3}over", 5), ("switch ?over", 4),
                  ("(?:switch|move|flip|cut) (?:\\S+ ){0,3}(?:to|over to|onto) (?:a |its |the )?"
                   "(?:replica|standby|secondary)", 5), ("promote (?:a |the )?replica",
                                                                 5), ("flip the primary", 5),
                  ("new primary", 3)),
        slots=(Slot("database", "database", True, "a database of the scenario", takes=NAMES), ENV),
        examples=("fail over orders-db", "promote a replica of users-db"),
        synonyms=("switchover",), group="databases",
        precedence=6, build=builders.failover),
    CommandSpec(
        "backup", "back a database up (it restores the data as it is when the backup begins)",
        triggers=(("back ?up", 5), ("backups?", 4), ("snapshot", 4), ("dump", 3)),
        slots=(Slot("database", "database", True, "a database of the scenario", takes=NAMES),
               ENV),
        examples=("backup orders-db", "take a snapshot of users-db"), group="databases",
        precedence=7, build=builders.backup),
    CommandSpec(
        "restore", "restore a database from its newest backup (or the newest by a time)",
        triggers=(("restore <name>", 5), ("recover <name>", 5),
                  ("restore (?:\\S+ ){0,3}(?:from|to) (?:the |a |its )?(?:last |latest "
                   "|newest )?(?:backup|snapshot)", 6)),
        slots=(Slot("database", "database", True, "a database of the scenario", takes=NAMES),
               Slot("to", "since", help="a time: the newest backup taken by then",
                    takes=("dur",)), ENV),
        examples=("restore orders-db", "restore users-db to 00:40:00"), group="databases",
        precedence=7, build=builders.restore),
    CommandSpec(
        "chaos", "inject a fault (latency, errors, kills, outages …)",
        triggers=(("inject(?:ing)?", 3), ("chaos", 2.5), ("break", 3), ("kill", 3.5),
                  ("terminate", 3.5), ("take (?:\\S+ ){0,3}(?:down|out|offline)", 3.5),
                  ("knock (?:\\S+ ){0,2}(?:out|over|offline)", 3.5), ("simulate", 2.5),
                  ("fault", 2), ("flush", 4), ("clear the cache", 4), ("wipe", 3), ("evict", 3),
                  ("partition", 4), ("cut off", 3.5), ("isolate", 3), ("stress", 3.5),
                  ("burn", 3), ("hog", 3), ("max out", 3), ("fill", 3), ("leak", 3.5),
                  ("outage", 3), ("spike", 3), ("surge", 3), ("flood", 3), ("slow (?:\\S+ )?down",
                                                                            3),
                  ("latency", 3), ("delay", 3), ("lag", 2), ("packet", 3), ("drop", 2),
                  ("errors", 2), ("fail", 2), ("crash", 3), ("unavailable", 3),
                  ("dns", 3), ("make <name> (?:fail|crash|slow|unavailable|unreachable)", 3),
                  ("<x> (?:the )?traffic", 3),
                  ("(?:double|triple|quadruple|multiply) (?:the )?(?:traffic|load)", 4),
                  ("black ?out", 3.5)),
        slots=(Slot("fault", "fault", True, "a fault from the catalogue ('list faults')"),
               Slot("target", "target", True, "a component or zone (two for a link)",
                    takes=("name", "instance", "zone"), most=2),
               Slot("duration", "duration", help="how long, e.g. 10m", takes=("dur",)),
               Slot("latency_ms", "latency", help="added latency, e.g. 300ms", takes=("dur", "num")),
               Slot("percent", "percent", help="a share, e.g. 20%", takes=("pct", "x", "num")),
               Slot("count", "count", help="how many instances", takes=("num",)),
               Slot("peer", "target", help="the other end of a link, e.g. 'between checkout "
                    "and payments'", takes=()), ENV),
        examples=("add 300ms of latency to search for 10 minutes", "kill two pods of checkout",
                  "inject 20% errors into payments", "flush the sessions cache",
                  "take zone-b down", "fail the orders-db primary"),
        synonyms=("inject", "break", "kill", "take down"), group="chaos",
        precedence=21, build=builders.chaos),
    CommandSpec(
        "chaos_stop", "stop a running fault (or all of them)",
        triggers=(("(?:stop|end|cancel|clear|remove|halt|revert|undo|lift|disable) (?:\\S+ ){0,3}"
                   "(?:chaos|faults?|experiments?|injections?|latency|errors|partition|spike|"
                   "outage|stress|leak|packet loss)", 6),
                  ("heal", 4), ("bring (?:\\S+ ){0,3}back", 5), ("restore <(?:name|zone|ext)>", 4), ("stop (?:all )?(?:the )?(?:chaos|faults|experiments)", 6),
                  ("no more chaos", 6), ("restore (?:normal|everything)", 4),
                  ("enough (?:chaos|faults|experiments)", 6),
                  ("chaos (?:stop|end|cancel)", 7)),
        slots=(Slot("id", "chaos_id", help="an experiment id", takes=("id", "num")),
               Slot("target", "target", help="the component it targets",
                    takes=("name", "instance", "zone"))),
        examples=("stop all chaos", "remove the latency from search", "stop experiment 3"),
        group="chaos",
        follows=((_STOP_IT, ("chaos",), 6), ("enough(?: chaos| of (?:that|it))?", ("chaos",), 6)),
        precedence=0, build=builders.chaos_stop),
    CommandSpec(
        "chaos_list", "the running experiments and the catalogue of faults",
        triggers=(("(?:list|show)(?: me)? (?:the |all )?(?:available )?(?:faults|fault types|"
                   "chaos (?:faults|types|options|catalogue|catalog))", 6),
                  ("fault catalog(?:ue)?", 6), ("chaos catalog(?:ue)?", 6),
                  ("what (?:faults|chaos|kinds? of chaos|types? of faults?)", 6),
                  ("which faults", 6), ("available faults", 6), ("failure modes", 5),
                  ("what can (?:i|we) (?:break|inject|kill)", 6),
                  ("(?:list|show)(?: me)? (?:the |all )?(?:\\S+ )?(?:chaos|experiments|faults)", 6),
                  ("(?:running|active|current|ongoing) (?:chaos|experiments|faults)", 6),
                  ("any chaos", 5), ("(?:chaos|faults?|experiments?) (?:list|ls|status)", 7)),
        slots=(), examples=("list faults", "what faults can I inject?"), group="chaos",
        precedence=1, build=builders_observe.chaos_list),
    CommandSpec(
        "anomalies", "anomalies the detector found, and the metrics behind them",
        triggers=(("anomal(?:y|ies|ous)", 5), ("outliers?", 4), ("weird", 3), ("odd", 3),
                  ("unusual", 3), ("strange", 3), ("out of the ordinary", 4),
                  ("suspicious", 3), ("abnormal", 4), ("funny", 2)),
        slots=(Slot("service", "component", help="one component"),
               Slot("since", "since", help="how far back, e.g. the last 30m")),
        examples=("any anomalies in orders in the last half hour?", "show anomalies"),
        group="observe",
        precedence=15, build=builders_observe.anomalies),
    CommandSpec(
        "status", "how a component (or the whole estate) is doing",
        triggers=(("status", 4), ("health(?:y)?", 3), ("how(?:'s| is| are| s)", 3), ("(?:is|are) (?:\\S+ ){0,2}(?:ok|okay|fine|up|alive|working|healthy|good|alright)", 3.5), ("looking", 1.5),
                  ("hows", 3), ("doing", 1), ("overview", 3), ("show(?: me)?", 1),
                  ("state of", 2), ("dashboard", 2), ("check on", 3), ("check", 1.5),
                  ("look(?:ing)? at", 2), ("what's up with", 3), ("whats up with", 3),
                  ("info", 2), ("describe", 2), ("details", 2), ("sitrep", 3), ("summary", 2),
                  ("going on", 2), ("report", 1), ("get", 0.5)),
        slots=(Slot("target", "target", help="a component or zone"), ENV),
        examples=("status", "how is checkout doing?", "status of orders-db"), group="observe",
        precedence=22, build=builders_observe.status),
    CommandSpec(
        "explain", "why a component (or the whole estate) is slow or failing, traced to its cause",
        triggers=(("why", 5), ("explain", 5), ("what(?:'s| is|s) wrong", 5), ("root cause", 5),
                  ("diagnose", 5), ("investigate", 4), ("troubleshoot", 5), ("debug", 4),
                  ("what happened to", 4), ("causing", 4.5), ("what(?:'s| is) causing", 5), ("what(?:'s| is) (?:happening|going on) (?:to|with)",
                                            3.5), ("cause", 2)),
        slots=(Slot("target", "target", help="a component (none: the whole estate)"), ENV),
        examples=("why is checkout slow?", "explain gateway errors", "what's wrong with api"),
        group="observe",
        precedence=2, build=builders_observe.explain),
    CommandSpec(
        "alerts", "the alerts, firing or all",
        triggers=(("alerts?", 4), ("alarms?", 4), ("firing", 3), ("pages", 2), ("paging", 2),
                  ("what(?:'s| is) (?:firing|paging|alerting)", 5), ("incidents?", 2),
                  ("alert history", 6), ("(?:including|with|and) resolved", 5),
                  ("resolved alerts", 5)),
        slots=(Slot("state", "alert_state", help="firing or all"),),
        examples=("alerts", "what's firing?", "show all alerts"), group="observe",
        precedence=16, build=builders_observe.alerts),
    CommandSpec(
        "ack", "acknowledge an alert",
        triggers=(("ack(?:ed|nowledge|nowledged)?", 6), ("i'?m on it", 3), ("take the page", 4),
                  ("claim", 3)),
        slots=(Slot("alert", "alert", True, "the alert's name or number", takes=("num",)),),
        examples=("ack HighErrorRate",), synonyms=("acknowledge",), group="observe",
        precedence=4, build=builders_observe.ack),
    CommandSpec(
        "silence", "silence an alert for a while",
        triggers=(("silence", 6), ("mute", 6), ("snooze", 6), ("suppress", 5), ("shush", 5),
                  ("quiet", 3)),
        slots=(Slot("alert", "alert", True, "the alert's name or number", takes=("num",)),
               Slot("duration", "duration", True, "for how long, e.g. 1h", takes=("dur",)),
               Slot("component", "component", False, "only its alerts on this component"),
               Slot("reason", "text", False, "why, after 'because'")),
        examples=("silence HighErrorRate for 1h", "mute CheckoutHighLatency for 30 minutes",
                  "silence HighLatency on checkout for 2h because we are on it"),
        synonyms=("mute", "snooze"), group="observe",
        precedence=5, build=builders_observe.silence),
    CommandSpec(
        "pause", "stop the simulated clock",
        triggers=(("pause", 5), ("freeze", 4), ("stop the clock", 5), ("stop time", 5),
                  ("hold on", 3), ("suspend", 4), ("hang on", 3), ("halt", 2.5)),
        slots=(), examples=("pause",), group="time",
        precedence=19, build=builders_observe.pause),
    CommandSpec(
        "resume", "start the simulated clock again",
        triggers=(("resume", 5), ("unpause", 5), ("un-pause", 5), ("continue", 4),
                  ("unfreeze", 5), ("play", 3), ("start the clock", 5), ("carry on", 4),
                  ("keep going", 4), ("let (?:\\S+ ){0,2}run", 4), ("run again", 4),
                  ("restart the clock", 6),
                  ("start time", 4)),
        slots=(), examples=("resume",), group="time",
        precedence=20, build=builders_observe.resume),
    CommandSpec(
        "speed", "how fast simulated time runs (×1 … ×1000)",
        triggers=(("speed", 4), ("faster", 3.5), ("slower", 3.5), ("time warp", 4),
                  ("real ?time", 4), ("normal speed", 5), ("accelerate", 3),
                  ("slow (?:it |things |time )?down", 2), ("run at <x>", 4), ("<x> speed", 4)),
        slots=(Slot("factor", "factor", True, "simulated seconds per second, e.g. 60"),),
        examples=("speed 60", "run at 10x", "real time"), group="time",
        precedence=18, build=builders_observe.speed),
    CommandSpec(
        "advance", "jump simulated time forward",
        triggers=(("advance", 5), ("skip", 4), ("fast[- ]?forward", 5), ("jump", 4),
                  ("move (?:time )?(?:ahead|forward|on)", 4), ("forward", 2), ("wait", 3),
                  ("sleep", 3), ("let <dur> pass", 5), ("pass <dur>", 3), ("go ahead", 2),
                  ("time travel", 3)),
        slots=(Slot("duration", "duration", True, "how far, e.g. 10m"),),
        examples=("advance 10 minutes", "skip ahead an hour", "fast forward 30m"), group="time",
        precedence=17, build=builders_observe.advance),
    CommandSpec(
        "rewind", "go back to an earlier simulated time (undoing what was done since)",
        triggers=(("rewind(?:ing)?", 4.5), ("rewind(?:ing)? (?:back )?(?:by |to )?<dur>", 6),
                  ("(?:go|jump|skip|step|move|wind) back(?:wards)? (?:in time )?(?:by |to )?"
                   "<dur>", 6), ("undo the (?:last|past) <dur>", 7), ("back in time", 5),
                  ("(?:turn|wind|set|put) (?:back )?the clock(?: back)?", 6),
                  ("(?:go|jump|rewind) (?:back )?to the (?:start|beginning)", 7)),
        slots=(Slot("duration", "duration", help="how far back, e.g. 10m", takes=("dur",)),
               Slot("to", "since", help="a time since the start, e.g. 00:09:42 (or 'the "
                    "start')", takes=("dur",))),
        examples=("rewind 10m", "rewind to 00:09:42", "go back 5 minutes",
                  "undo the last 10 minutes"),
        synonyms=("go back",), group="time", precedence=9, build=builders_observe.rewind),
    CommandSpec(
        "plan", "what a command would do, and the evidence, without doing it",
        triggers=(("should (?:i|we)", 10), ("shall (?:i|we)", 10), ("ought (?:i|we) to", 10),
                  ("is it (?:safe|ok|okay|wise|a good idea|sensible|smart) to", 10),
                  ("would it (?:be )?(?:safe|ok|okay|wise|a good idea|help) to", 10),
                  ("do (?:i|we) need to", 10), ("what (?:would|will) happen if (?:i|we)", 10),
                  ("what if (?:i|we)", 10),
                  ("^(?:plan|dry[ -]?run|preview)\\b", 12)),
        slots=(Slot("command", "command", True, "the command asked about"),),
        examples=("should I roll back checkout?", "is it safe to restart payments?",
                  "plan deploy checkout 2.5.0 as a canary"),
        group="delivery", precedence=-1, build=builders.plan),
    CommandSpec(
        "help", "what you can ask, with examples",
        triggers=(("help", 5), ("^(?:\\?|h)", 6), ("how (?:do|can|should) i", 4), ("what can (?:you|i) do", 5),
                  ("commands", 3), ("usage", 4), ("examples?", 3), ("how to", 3),
                  ("what (?:can|do) (?:you|i) (?:say|type)", 5),
                  ("how do(?:es)? (?:\\S+ ){1,3}work", 4)),
        slots=(Slot("topic", "topic", help="a command, e.g. deploy"),),
        examples=("help", "help deploy", "how do I roll back?"), group="time",
        precedence=3, build=builders_observe.help_),
)

_BY_INTENT = {spec.intent: spec for spec in REGISTRY}


def spec_for(intent: str) -> CommandSpec:
    return _BY_INTENT[intent]
