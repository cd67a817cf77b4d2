"""Words: numbers, filler, environments, strategies, units and the phrases that name faults.

Pure data. The parser treats every word listed here as vocabulary, never as a misspelt name.
"""

from __future__ import annotations

__all__ = [
    "ALERT_STATES", "ENVIRONMENTS", "FAULT_PHRASES", "FILLER", "NUMBER_WORDS", "STRATEGIES",
    "SWITCH", "TIME_UNITS", "VOCABULARY",
]

NUMBER_WORDS = {
    "zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "single": 1,
    "couple": 2, "pair": 2,
}
TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

TIME_UNITS = {
    "ms": 0.001, "msec": 0.001, "msecs": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86_400, "day": 86_400, "days": 86_400,
}
PERCENT_WORDS = {"%", "percent", "pct", "per-cent", "percentage"}
FACTOR_WORDS = {"x", "times", "fold"}
INSTANCE_WORDS = {"pod", "pods", "instance", "instances", "replica", "replicas", "copy",
                  "copies", "container", "containers", "node", "nodes", "server", "servers",
                  "vm", "vms", "worker", "workers"}

ENVIRONMENTS = {
    "production": "production", "prod": "production", "prd": "production", "live": "production",
    "staging": "staging", "stage": "staging", "stg": "staging", "preprod": "staging",
    "pre-prod": "staging", "development": "development", "dev": "development",
    "experimental": "experimental", "exp": "experimental",
}
STRATEGIES = {
    "canary": "canary", "canaries": "canary", "canary-style": "canary",
    "blue-green": "blue-green", "bluegreen": "blue-green", "blue/green": "blue-green",
    "b/g": "blue-green", "red-black": "blue-green",
    "rolling": "rolling", "rolling-update": "rolling",
}
ALERT_STATES = {"firing": "firing", "active": "firing", "open": "firing", "current": "firing",
                "ongoing": "firing", "triggered": "firing", "all": "all", "every": "all",
                "resolved": "all", "everything": "all", "history": "all"}
SWITCH = {"on": True, "enable": True, "enabled": True, "resume": True, "start": True,
          "off": False, "disable": False, "disabled": False, "stop": False, "pause": False}

# fault name -> phrases (regex over normalised text) that name it, strongest first
FAULT_PHRASES: dict[str, tuple[str, ...]] = {
    "db-primary-failure": ("(?:kill|crash|fail|take (?:\\S+ )?down|knock (?:\\S+ )?out|stop|"
                           "break|lose) (?:\\S+ ){0,3}primary", "primary (?:failure|crash|"
                           "outage|dies|down)", "db-primary-failure"),
    "replication-lag": ("replication[- ]lag", "lag (?:the )?replicas?", "slow (?:down )?"
                        "(?:the )?replication", "replicas? (?:fall|falling|lag) behind",
                        "replication delay"),
    "cache-flush": ("flush", "cache-flush", "(?:clear|wipe|empty|purge|drop|evict) (?:\\S+ ){0,3}"
                    "(?:cache|keys|sessions)", "cold cache", "evict"),
    "zone-outage": ("zone[- ]outage", "zone (?:failure|down)", "black ?out <zone>",
                    "(?:lose|kill|take out|take down)"
                    " (?:\\S+ )?<zone>", "<zone> (?:outage|failure|goes down|down)",
                    "availability zone"),
    "traffic-spike": ("traffic[- ]spike", "(?:traffic|load|request) (?:spike|surge|burst|"
                      "flood)", "spike", "surge", "flood", "<x> (?:the )?(?:traffic|load)",
                      "(?:double|triple|quadruple) (?:the )?(?:traffic|load)", "black friday",
                      "thundering herd", "slashdot"),
    "dependency-outage": ("dependency[- ]outage", "<ext> (?:is |goes )?(?:down|unavailable|"
                          "unreachable|offline)", "(?:outage|unavailable|unreachable) "
                          "(?:of |on )?(?:the )?<ext>", "make <ext>"),
    "packet-loss": ("packet[- ]loss", "(?:drop|lose|losing|dropping) (?:\\S+ ){0,3}packets",
                    "packets?"),
    "error-injection": ("error[- ]injection", "(?:inject|add|throw|return|raise|introduce) "
                        "(?:\\S+ ){0,3}(?:errors|500s|5xx|failures|exceptions)",
                        "(?:errors|500s|5xx)", "fail <pct>", "failing requests"),
    "latency": ("latency", "delay", "slow (?:\\S+ ){0,2}down", "slowness", "lag(?!\\S)",
                "slower", "make <name> slow"),
    "partition": ("partition", "network split", "split[- ]brain", "cut (?:\\S+ )?off",
                  "isolate", "sever"),
    "cpu-stress": ("cpu[- ]stress", "stress (?:the )?cpu", "cpu (?:hog|burn|spike|pressure|"
                   "load)", "(?:burn|hog|max out|saturate|peg) (?:\\S+ ){0,3}cpu", "stress"),
    "memory-leak": ("memory[- ]leak", "leak", "(?:eat|hog|exhaust|consume) (?:\\S+ ){0,3}memory",
                    "memory pressure", "oom"),
    "disk-fill": ("disk[- ]fill", "fill (?:\\S+ ){0,3}disk", "disk (?:full|pressure)",
                  "fill up"),
    "dns-failure": ("dns[- ]failure", "dns", "name resolution"),
    "crash-loop": ("crash[- ]?loop", "crashloopbackoff", "keep crashing", "crash on start",
                   "make <name> crash", "crash"),
    "cert-expiry": ("cert(?:ificate)?[- ]expir(?:y|ed|es|ation)", "expir(?:e|es|ed) (?:\\S+ ){0,3}"
                    "(?:cert|certs|certificate|tls)", "(?:tls|ssl|cert|certificate) "
                    "(?:expir\\S*|failure|error)", "cert-expiry"),
    "queue-backlog": ("queue[- ]backlog", "backlog", "(?:stall|stop|pause|block) (?:\\S+ ){0,3}"
                      "consumers", "consumers? (?:stall|stuck|stop)"),
    "config-error": ("config(?:uration)?[- ]error", "bad (?:config|configuration)",
                     "(?:broken|wrong|faulty) (?:config|configuration)", "misconfigur\\S*",
                     "config-error"),
    "instance-kill": ("instance-kill", "kill", "terminate", "shoot", "destroy", "delete",
                      "take (?:\\S+ ){0,3}(?:down|out|offline)", "knock (?:\\S+ )?out",
                      "black ?out"),
}

FILLER = {
    "please", "pls", "plz", "kindly", "could", "can", "would", "will", "you", "u", "we", "i",
    "me", "my", "our", "us", "let", "lets", "let's", "go", "ahead", "and", "then", "now",
    "just", "quickly", "asap", "right", "away", "thanks", "thank", "thx", "ty", "cheers",
    "hey", "hi", "hello", "ok", "okay", "yo", "devsim", "bot", "the", "a", "an", "to", "of",
    "for", "on", "in", "into", "at", "by", "with", "from", "as", "it", "its", "this", "that",
    "these", "those", "them", "again", "too", "also", "some", "is", "are", "be", "do", "does",
    "did", "want", "wanna", "need", "like", "try", "maybe", "perhaps", "actually",
    "so", "there", "service", "services", "version", "env", "environment", "cluster", "up",
    "down", "out", "over", "all", "same", "one", "what", "whats", "what's", "which", "any",
    "anything", "how", "hows", "much", "many", "last", "past", "during", "within", "recent",
    "recently", "ago", "since", "till", "until", "about", "around", "using", "via", "mode",
    "strategy", "deployment", "rollout", "db", "database", "cache", "queue", "topic", "more",
    "less", "fewer", "new", "old", "current", "latest", "previous", "instead", "sure", "hmm", "um", "uh", "oh", "guys", "team", "folks", "everyone", "real", "quick",
    "bit", "little", "seems", "looks", "think", "know", "see", "show", "tell", "give", "get",
    "set", "make", "put", "take", "run", "running", "start", "stop", "yes", "no",
    "not", "don't", "dont", "before", "after", "when", "while", "where", "here", "if", "or",
    "but", "else", "only", "every", "each", "other", "another", "both", "either", "half",
    "quarter", "minute", "hour", "second", "day", "check", "status", "state", "doing",
    # the words of asking and of runbooks, that carry no part of a command
    "mind", "turn", "between", "target", "next", "step", "svc", "build", "weight",
    "number", "initiate", "perform", "execute", "apply", "whole", "entire", "today",
    "increase", "decrease", "reduce", "shall", "should", "ought", "safe", "wise", "idea",
    "good", "happen", "would", "need", "have", "has", "had", "was", "were", "been", "am",
    "i'm", "im", "we're", "you're", "it's", "that's", "there's", "sorry", "hopefully",
    "work", "works", "sure", "think", "guess", "overall", "general", "global", "full",
    "fire", "burning", "melting", "exploding", "wtf", "hell", "world", "today", "lately",
    "enough", "predictive", "predict", "forecast", "reactive",
}

# words that never count as a misspelt component name
VOCABULARY = set(FILLER) | set(NUMBER_WORDS) | set(TIME_UNITS) | set(ENVIRONMENTS) | set(
    STRATEGIES) | set(ALERT_STATES) | set(SWITCH) | INSTANCE_WORDS | PERCENT_WORDS | FACTOR_WORDS
VOCABULARY |= {
    "deploy", "deploying", "ship", "release", "push", "roll", "rollback", "revert", "undo",
    "back", "downgrade", "upgrade", "update", "bump", "install", "launch", "promote", "abort",
    "cancel", "history", "revisions", "scale", "resize", "restart", "bounce", "reboot",
    "recycle", "cycle", "kick", "failover", "fail", "switchover", "chaos", "inject", "break",
    "kill", "terminate", "simulate", "fault", "faults", "flush", "partition", "stress", "burn",
    "leak", "outage", "spike", "surge", "latency", "delay", "errors", "error", "crash",
    "anomalies", "anomaly", "status", "health", "healthy", "explain", "why", "wrong", "alerts",
    "alert", "ack", "acknowledge", "silence", "mute", "snooze", "pause", "resume", "continue",
    "speed", "faster", "slower", "advance", "skip", "forward", "jump", "wait", "help",
    "traffic", "load", "memory", "cpu", "disk", "dns", "network", "packet", "packets",
    "replication", "lag", "primary", "replica", "zone", "requests", "request", "slow",
    "experiment", "experiments", "overview", "everything", "estate", "system", "things",
    "stuff", "going", "happening", "happened", "weird", "odd", "unusual", "autoscale",
    "autoscaling", "autoscaler", "hpa", "capacity", "changes", "change", "log", "logs",
    "rolling", "canary", "watch", "dashboard", "info", "details", "catalog", "catalogue",
}
