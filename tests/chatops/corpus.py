"""Test corpus for the devsim ChatOps parser (``devsim parse --json``).

Written by a helper session, acting as corpus author, *independently* of the parser
implementation: the parser in ``devsim_tui/chatops/`` was never read while writing this. The
wording below is meant to be how SREs and trainees actually type to a ChatOps bot, with
synonyms, free word order, filler and politeness, casing, small typos in names, numbers as
words up to twenty, and assorted duration and latency formats. All names come from DESIGN.md
§4.4 (scenario ``shopfront``). The contract is DESIGN.md §4.3.

Data
----
``CASES``          (text, expected) — expected is exactly ``{"intent": ..., "args": {...}}``.
``REFUSALS``       (text, fragment) — the parser must answer ``{"error": ..., "suggestions": [...]}``
                   and the fragment must occur (lowercase comparison) in the error message or in
                   one of the suggestions. Fragment conventions:
                     * ``"a|b"`` means the text must contain "a" OR "b" (error wording varies);
                     * ``""`` means any error is acceptable (gibberish, empty politeness);
                   use :func:`refusal_matches` to apply them.
``CONVERSATIONS``  lists of (text, expected) typed one after another in one session; context
                   (the service/alert/database last talked about) carries over, so "it",
                   "that service", "the same service" refer to it.
``RELATIVE_SCALE`` (text, service, delta) — relative scaling; the absolute ``replicas`` depends
                   on the current count, so these are kept out of CASES.

Conventions of the expected dicts (contract + precisions)
---------------------------------------------------------
* Absent optional arguments are OMITTED, never ``None``.
* ``version`` has no leading "v" ("v2.5.0" → "2.5.0"); pre-release suffixes are kept.
* ``env`` is "production" | "staging" | "development" (prod/live, stg, dev accepted), and is
  present only when the text names an environment.
* ``strategy`` ∈ rolling | canary | blue-green, present only when said; ``canary_weight`` is an
  int percent and implies strategy "canary".
* Durations (``duration``, ``since``, silence/advance durations) are int seconds:
  "90s" → 90, "5m" → 300, "1h30m" → 5400, "half an hour" → 1800, "an hour" → 3600.
* ``latency_ms`` is an int ("300ms" → 300, "1s" → 1000); ``percent`` is a number;
  ``count`` is an int.
* ``scale.replicas`` is absolute.
* ``restart`` always names ``service``; ``instance`` ("checkout-1") only when one is named.
* Chaos faults are catalogue names; ``target`` is the component or zone. traffic-spike: target
  is the entry service "gateway" unless named, percent = traffic relative to normal
  ("triple" → 300, "a 50% surge" → 150).
* ``alerts.state`` only when said ("what's firing" → firing, "... including resolved" → all).
* Alert names are CamelCase and keep their case exactly.
* ``help.topic`` is an intent name.
* ``speed.factor`` is a number ("normal speed" → 1, "half speed" → 0.5).

Run this file directly for a self-check (keys, values, names, counts per intent).
"""

from __future__ import annotations


def I(intent: str, **args) -> dict:
    """An expected parse: I("deploy", service="checkout", version="2.5.0")."""
    return {"intent": intent, "args": args}


def refusal_matches(fragment: str, result: dict) -> bool:
    """Whether a parser answer satisfies a REFUSALS fragment (see module docstring)."""
    if not isinstance(result, dict) or "error" not in result or "intent" in result:
        return False
    parts = [str(result.get("error") or "")]
    parts += [str(s) for s in (result.get("suggestions") or [])]
    haystack = "\n".join(parts).lower()
    return any(alt.strip() in haystack for alt in fragment.lower().split("|"))


CASES: list[tuple[str, dict]] = [
    # ------------------------------------------------------------------ deploy
    ("deploy checkout 2.5.0 to prod as a canary",
     I("deploy", service="checkout", version="2.5.0", env="production", strategy="canary")),
    ("deploy checkout 2.5.0", I("deploy", service="checkout", version="2.5.0")),
    ("deploy v2.5.0 of checkout", I("deploy", service="checkout", version="2.5.0")),
    ("please deploy payments v3.2.0 to production",
     I("deploy", service="payments", version="3.2.0", env="production")),
    ("hey devsim, could you ship search 2.0.0 to staging?",
     I("deploy", service="search", version="2.0.0", env="staging")),
    ("roll out cart 1.4.2 to stg", I("deploy", service="cart", version="1.4.2", env="staging")),
    ("push orders 5.0.1 to dev", I("deploy", service="orders", version="5.0.1", env="development")),
    ("release inventory 2.2.0 in development",
     I("deploy", service="inventory", version="2.2.0", env="development")),
    ("Deploy CHECKOUT 2.6.0 to PROD",
     I("deploy", service="checkout", version="2.6.0", env="production")),
    ("deploy chekout 2.5.0 to prod",
     I("deploy", service="checkout", version="2.5.0", env="production")),
    ("deploy paymnets 3.1.1", I("deploy", service="payments", version="3.1.1")),
    ("canary checkout 2.5.0 at 10%",
     I("deploy", service="checkout", version="2.5.0", strategy="canary", canary_weight=10)),
    ("deploy checkout 2.5.0 as a canary with 5% of traffic",
     I("deploy", service="checkout", version="2.5.0", strategy="canary", canary_weight=5)),
    ("start a canary of payments 3.2.0 in production at twenty percent",
     I("deploy", service="payments", version="3.2.0", env="production", strategy="canary",
       canary_weight=20)),
    ("do a blue-green deploy of search 2.1.0 to prod",
     I("deploy", service="search", version="2.1.0", env="production", strategy="blue-green")),
    ("deploy web 4.0.0 blue/green",
     I("deploy", service="web", version="4.0.0", strategy="blue-green")),
    ("deploy api v1.12.3 using blue green to staging",
     I("deploy", service="api", version="1.12.3", env="staging", strategy="blue-green")),
    ("rolling deploy of auth 2.0.0 to production",
     I("deploy", service="auth", version="2.0.0", env="production", strategy="rolling")),
    ("deploy catalog 3.3.3 with a rolling update",
     I("deploy", service="catalog", version="3.3.3", strategy="rolling")),
    ("upgrade notifications to 1.1.0", I("deploy", service="notifications", version="1.1.0")),
    ("upgrade checkout to v2.5.1 in prod asap",
     I("deploy", service="checkout", version="2.5.1", env="production")),
    ("can you put gateway 2.0.0 on staging please",
     I("deploy", service="gateway", version="2.0.0", env="staging")),
    ("to production, deploy orders 5.1.0",
     I("deploy", service="orders", version="5.1.0", env="production")),
    ("I'd like to deploy cart version 1.5.0 to live",
     I("deploy", service="cart", version="1.5.0", env="production")),
    ("ship search 1.9.1 to prod, canary at 25%",
     I("deploy", service="search", version="1.9.1", env="production", strategy="canary",
       canary_weight=25)),
    ("deploy the checkout 2.4.0 build to production",
     I("deploy", service="checkout", version="2.4.0", env="production")),
    ("deploy payments 3.1.0 to prod, thanks!",
     I("deploy", service="payments", version="3.1.0", env="production")),
    ("deploy search 1.9.0", I("deploy", service="search", version="1.9.0")),
    ("roll out version 2.7.0 of inventroy to staging",
     I("deploy", service="inventory", version="2.7.0", env="staging")),
    ("devsim deploy notifcations 1.2.0 dev",
     I("deploy", service="notifications", version="1.2.0", env="development")),
    ("pls deploy auth 2.1.0-rc.1 to staging",
     I("deploy", service="auth", version="2.1.0-rc.1", env="staging")),
    ("deploy orders v5.2.0 to production using a canary with ten percent weight",
     I("deploy", service="orders", version="5.2.0", env="production", strategy="canary",
       canary_weight=10)),
    ("could you please release catalog 3.4.0 to production as blue-green?",
     I("deploy", service="catalog", version="3.4.0", env="production", strategy="blue-green")),
    ("deploy web 4.1.0 to development with a rolling strategy",
     I("deploy", service="web", version="4.1.0", env="development", strategy="rolling")),
    ("deploy serach 2.0.1 to prod", I("deploy", service="search", version="2.0.1", env="production")),
    ("staging: deploy cart 1.4.3", I("deploy", service="cart", version="1.4.3", env="staging")),
    ("go ahead and deploy version 2.5.0 of checkout on staging",
     I("deploy", service="checkout", version="2.5.0", env="staging")),

    # ---------------------------------------------------------------- rollback
    ("roll back checkout", I("rollback", service="checkout")),
    ("rollback checkout", I("rollback", service="checkout")),
    ("roll checkout back", I("rollback", service="checkout")),
    ("revert payments", I("rollback", service="payments")),
    ("roll back checkout to 2.3.1", I("rollback", service="checkout", version="2.3.1")),
    ("rollback checkout to v2.3.1 in prod",
     I("rollback", service="checkout", version="2.3.1", env="production")),
    ("please revert search to 1.8.0", I("rollback", service="search", version="1.8.0")),
    ("undo the checkout deploy", I("rollback", service="checkout")),
    ("undo the last deployment of payments", I("rollback", service="payments")),
    ("roll back paymnets in production", I("rollback", service="payments", env="production")),
    ("revert chekout to the previous version", I("rollback", service="checkout")),
    ("go back to 2.3.1 on checkout", I("rollback", service="checkout", version="2.3.1")),
    ("ROLL BACK ORDERS", I("rollback", service="orders")),
    ("hey devsim, roll back cart on staging", I("rollback", service="cart", env="staging")),
    ("rollback inventory in stg", I("rollback", service="inventory", env="staging")),
    ("roll back auth in dev", I("rollback", service="auth", env="development")),
    ("revert the last release of web", I("rollback", service="web")),
    ("roll back the search deployment asap", I("rollback", service="search")),
    ("can you roll back checkout to the last good version please",
     I("rollback", service="checkout")),
    ("rollback notifications to v1.0.3", I("rollback", service="notifications", version="1.0.3")),
    ("in production, roll back payments to 3.0.2",
     I("rollback", service="payments", version="3.0.2", env="production")),
    ("revert catalog to 3.3.0 on prod",
     I("rollback", service="catalog", version="3.3.0", env="production")),
    ("undo the api deploy", I("rollback", service="api")),
    ("roll back gateway", I("rollback", service="gateway")),
    ("rollback ordrs", I("rollback", service="orders")),
    ("put checkout back on 2.3.1", I("rollback", service="checkout", version="2.3.1")),
    ("revert web to version 4.0.0 in production",
     I("rollback", service="web", version="4.0.0", env="production")),
    ("roll back search, it's slow", I("rollback", service="search")),
    ("please roll back checkout in production, thanks",
     I("rollback", service="checkout", env="production")),
    ("back out the payments release", I("rollback", service="payments")),
    ("Rollback Inventory To 2.1.9", I("rollback", service="inventory", version="2.1.9")),
    ("revert checkout 2.4.0, go back to 2.3.1",
     I("rollback", service="checkout", version="2.3.1")),

    # ------------------------------------------------------------------- scale
    ("scale checkout to 6", I("scale", service="checkout", replicas=6)),
    ("scale checkout to six replicas", I("scale", service="checkout", replicas=6)),
    ("set checkout replicas to 8", I("scale", service="checkout", replicas=8)),
    ("scale web to 10 instances", I("scale", service="web", replicas=10)),
    ("please scale search up to 4", I("scale", service="search", replicas=4)),
    ("scale payments down to 2", I("scale", service="payments", replicas=2)),
    ("I need 5 replicas of orders", I("scale", service="orders", replicas=5)),
    ("run twelve instances of api", I("scale", service="api", replicas=12)),
    ("cart should run 3 pods", I("scale", service="cart", replicas=3)),
    ("scale chekout to 7", I("scale", service="checkout", replicas=7)),
    ("scale notifications to zero", I("scale", service="notifications", replicas=0)),
    ("set the replica count of auth to 4", I("scale", service="auth", replicas=4)),
    ("resize catalog to 6 replicas", I("scale", service="catalog", replicas=6)),
    ("Scale SEARCH to 9", I("scale", service="search", replicas=9)),
    ("hey devsim, scale gateway to fifteen, thanks", I("scale", service="gateway", replicas=15)),
    ("bump web to 8 replicas", I("scale", service="web", replicas=8)),
    ("scale out api to 10", I("scale", service="api", replicas=10)),
    ("scale in search to 2", I("scale", service="search", replicas=2)),
    ("could you scale paymnets to 5 please", I("scale", service="payments", replicas=5)),
    ("orders to 4 replicas please", I("scale", service="orders", replicas=4)),
    ("set notifications to 2 instances", I("scale", service="notifications", replicas=2)),
    ("scale cart to twenty", I("scale", service="cart", replicas=20)),
    ("we need eleven checkout pods", I("scale", service="checkout", replicas=11)),
    ("scale the inventory service to 3 replicas", I("scale", service="inventory", replicas=3)),
    ("reduce checkout to 3 replicas", I("scale", service="checkout", replicas=3)),
    ("increase search to 8 instances", I("scale", service="search", replicas=8)),
    ("scale catalog to 1", I("scale", service="catalog", replicas=1)),
    ("asap scale payments up to 12", I("scale", service="payments", replicas=12)),
    ("set auth to run on 6 instances", I("scale", service="auth", replicas=6)),
    ("scale web 5", I("scale", service="web", replicas=5)),
    ("change the number of gateway replicas to 4", I("scale", service="gateway", replicas=4)),
    ("scale inventroy to nine pods", I("scale", service="inventory", replicas=9)),
    ("can we get orders running on 7 replicas?", I("scale", service="orders", replicas=7)),

    # ----------------------------------------------------------------- restart
    ("restart checkout", I("restart", service="checkout")),
    ("please restart the payments service", I("restart", service="payments")),
    ("bounce search", I("restart", service="search")),
    ("restart checkout-1", I("restart", service="checkout", instance="checkout-1")),
    ("reboot orders-2", I("restart", service="orders", instance="orders-2")),
    ("do a rolling restart of cart", I("restart", service="cart")),
    ("restart instance web-3", I("restart", service="web", instance="web-3")),
    ("could you restart inventory asap", I("restart", service="inventory")),
    ("Restart AUTH", I("restart", service="auth")),
    ("restart paymnets", I("restart", service="payments")),
    ("bounce the checkout-2 instance", I("restart", service="checkout", instance="checkout-2")),
    ("restart notifications please, thanks", I("restart", service="notifications")),
    ("reboot catalog", I("restart", service="catalog")),
    ("hey devsim, restart the api pods", I("restart", service="api")),

    # ------------------------------------------------------------------- chaos
    # instance-kill
    ("kill two pods of checkout", I("chaos", fault="instance-kill", target="checkout", count=2)),
    ("kill 3 instances of web", I("chaos", fault="instance-kill", target="web", count=3)),
    ("terminate one search instance", I("chaos", fault="instance-kill", target="search", count=1)),
    ("hey devsim, could you please kill two pods of chekout?",
     I("chaos", fault="instance-kill", target="checkout", count=2)),
    ("chaos: kill four cart pods", I("chaos", fault="instance-kill", target="cart", count=4)),
    # crash-loop
    ("put orders into a crash loop", I("chaos", fault="crash-loop", target="orders")),
    ("make cart crash-loop for 5m", I("chaos", fault="crash-loop", target="cart", duration=300)),
    ("crashloop inventory for ten minutes",
     I("chaos", fault="crash-loop", target="inventory", duration=600)),
    # latency
    ("add 300ms of latency to search for 10 minutes",
     I("chaos", fault="latency", target="search", latency_ms=300, duration=600)),
    ("inject 1s latency into payments", I("chaos", fault="latency", target="payments", latency_ms=1000)),
    ("slow down catalog by 500ms", I("chaos", fault="latency", target="catalog", latency_ms=500)),
    ("add 250 ms latency to cart for 90s",
     I("chaos", fault="latency", target="cart", latency_ms=250, duration=90)),
    ("chaos latency search 300ms 10m",
     I("chaos", fault="latency", target="search", latency_ms=300, duration=600)),
    ("Add 1.5s of latency to auth for half an hour",
     I("chaos", fault="latency", target="auth", latency_ms=1500, duration=1800)),
    # packet-loss
    ("drop 10% of packets to inventory", I("chaos", fault="packet-loss", target="inventory", percent=10)),
    ("5% packet loss on cart for 2m",
     I("chaos", fault="packet-loss", target="cart", percent=5, duration=120)),
    ("simulate packet loss on orders-db", I("chaos", fault="packet-loss", target="orders-db")),
    # error-injection
    ("inject 20% errors into payments",
     I("chaos", fault="error-injection", target="payments", percent=20)),
    ("make checkout return errors 50% of the time",
     I("chaos", fault="error-injection", target="checkout", percent=50)),
    ("inject errors into orders for half an hour",
     I("chaos", fault="error-injection", target="orders", duration=1800)),
    ("fail fifteen percent of requests to search",
     I("chaos", fault="error-injection", target="search", percent=15)),
    ("inject 2.5% errors into paymnets for 1h",
     I("chaos", fault="error-injection", target="payments", percent=2.5, duration=3600)),
    # partition
    ("partition orders-db from the network", I("chaos", fault="partition", target="orders-db")),
    ("simulate a network partition of zone-c", I("chaos", fault="partition", target="zone-c")),
    ("network-partition catalog for 1h", I("chaos", fault="partition", target="catalog", duration=3600)),
    # cpu-stress
    ("stress the cpu on search for 5 minutes",
     I("chaos", fault="cpu-stress", target="search", duration=300)),
    ("max out cpu on checkout", I("chaos", fault="cpu-stress", target="checkout")),
    ("cpu stress orders at 90%", I("chaos", fault="cpu-stress", target="orders", percent=90)),
    # memory-leak
    ("simulate a memory leak in payments", I("chaos", fault="memory-leak", target="payments")),
    ("make inventory leak memory for an hour",
     I("chaos", fault="memory-leak", target="inventory", duration=3600)),
    # disk-fill
    ("fill the disk on orders-db", I("chaos", fault="disk-fill", target="orders-db")),
    ("fill up users-db's disk to 95%", I("chaos", fault="disk-fill", target="users-db", percent=95)),
    # dns-failure
    ("break dns for api", I("chaos", fault="dns-failure", target="api")),
    ("dns failure on gateway for 2m", I("chaos", fault="dns-failure", target="gateway", duration=120)),
    ("make dns resolution fail for checkout", I("chaos", fault="dns-failure", target="checkout")),
    # db-primary-failure
    ("kill the orders-db primary", I("chaos", fault="db-primary-failure", target="orders-db")),
    ("crash the users-db primary", I("chaos", fault="db-primary-failure", target="users-db")),
    ("take down the primary of ordrs-db", I("chaos", fault="db-primary-failure", target="orders-db")),
    # replication-lag
    ("add replication lag to orders-db", I("chaos", fault="replication-lag", target="orders-db")),
    ("inject replication lag on users-db for fifteen minutes",
     I("chaos", fault="replication-lag", target="users-db", duration=900)),
    # cache-flush
    ("flush the sessions cache", I("chaos", fault="cache-flush", target="sessions")),
    ("wipe the sessions cache", I("chaos", fault="cache-flush", target="sessions")),
    ("please clear the sessions cache", I("chaos", fault="cache-flush", target="sessions")),
    # zone-outage
    ("take zone-b down", I("chaos", fault="zone-outage", target="zone-b")),
    ("simulate an outage of zone-a for half an hour",
     I("chaos", fault="zone-outage", target="zone-a", duration=1800)),
    ("black out zone-c for 20 minutes",
     I("chaos", fault="zone-outage", target="zone-c", duration=1200)),
    # traffic-spike
    ("triple the traffic", I("chaos", fault="traffic-spike", target="gateway", percent=300)),
    ("simulate a 50% traffic surge", I("chaos", fault="traffic-spike", target="gateway", percent=150)),
    ("double the traffic to web", I("chaos", fault="traffic-spike", target="web", percent=200)),
    ("traffic spike of 3x for 10 minutes",
     I("chaos", fault="traffic-spike", target="gateway", percent=300, duration=600)),
    # dependency-outage
    ("make payment-provider unavailable",
     I("chaos", fault="dependency-outage", target="payment-provider")),
    ("take the payment provider down for 10 minutes",
     I("chaos", fault="dependency-outage", target="payment-provider", duration=600)),
    ("simulate an outage of payment-provider",
     I("chaos", fault="dependency-outage", target="payment-provider")),

    # -------------------------------------------------------------- chaos_stop
    ("stop all chaos", I("chaos_stop")),
    ("stop chaos", I("chaos_stop")),
    ("cancel all faults", I("chaos_stop")),
    ("clear all faults please", I("chaos_stop")),
    ("end every chaos experiment", I("chaos_stop")),
    ("stop the chaos on search", I("chaos_stop", target="search")),
    ("stop injecting faults into payments", I("chaos_stop", target="payments")),
    ("remove the latency from search", I("chaos_stop", target="search")),
    ("halt chaos on orders-db", I("chaos_stop", target="orders-db")),
    ("bring zone-b back up", I("chaos_stop", target="zone-b")),
    ("hey devsim, stop all the chaos asap", I("chaos_stop")),

    # ---------------------------------------------------------------- failover
    ("fail over orders-db", I("failover", database="orders-db")),
    ("failover users-db", I("failover", database="users-db")),
    ("please trigger a failover on orders-db", I("failover", database="orders-db")),
    ("fail orders-db over to a replica", I("failover", database="orders-db")),
    ("promote a replica of users-db to primary", I("failover", database="users-db")),
    ("switch ordrs-db to its replica", I("failover", database="orders-db")),
    ("do a database failover for users-db", I("failover", database="users-db")),
    ("Failover ORDERS-DB now", I("failover", database="orders-db")),
    ("initiate failover of orders-db asap", I("failover", database="orders-db")),

    # --------------------------------------------------------------- anomalies
    ("any anomalies?", I("anomalies")),
    ("show anomalies", I("anomalies")),
    ("any anomalies in orders in the last half hour?", I("anomalies", service="orders", since=1800)),
    ("anomalies for checkout", I("anomalies", service="checkout")),
    ("anything unusual in payments over the past hour?",
     I("anomalies", service="payments", since=3600)),
    ("list anomalies from the last 10 minutes", I("anomalies", since=600)),
    ("show me anomalies on search in the last 15m", I("anomalies", service="search", since=900)),
    ("were there any anomalies in the last two hours", I("anomalies", since=7200)),
    ("detect anomalies for inventroy", I("anomalies", service="inventory")),
    ("anomalies in cart last 90s", I("anomalies", service="cart", since=90)),

    # ------------------------------------------------------------------ status
    ("status", I("status")),
    ("how is checkout doing", I("status", target="checkout")),
    ("what's the status of payments?", I("status", target="payments")),
    ("how's everything looking?", I("status")),
    ("status orders-db", I("status", target="orders-db")),
    ("health of the sessions cache", I("status", target="sessions")),
    ("is search ok?", I("status", target="search")),
    ("give me an overview", I("status")),
    ("show status for zone-b", I("status", target="zone-b")),
    ("check on order-events", I("status", target="order-events")),
    ("chekout status pls", I("status", target="checkout")),
    ("how is payment-provider doing?", I("status", target="payment-provider")),

    # ------------------------------------------------------------------ alerts
    ("show alerts", I("alerts")),
    ("show me the alerts", I("alerts")),
    ("alerts", I("alerts")),
    ("what's firing", I("alerts", state="firing")),
    ("what's firing right now?", I("alerts", state="firing")),
    ("list firing alerts", I("alerts", state="firing")),
    ("which alerts are currently firing?", I("alerts", state="firing")),
    ("show all alerts including resolved", I("alerts", state="all")),
    ("show me every alert, resolved ones too", I("alerts", state="all")),
    ("alert history including resolved", I("alerts", state="all")),

    # --------------------------------------------------------------------- ack
    ("ack HighErrorRate", I("ack", alert="HighErrorRate")),
    ("acknowledge CheckoutHighLatency", I("ack", alert="CheckoutHighLatency")),
    ("please ack OrdersDbReplicationLag", I("ack", alert="OrdersDbReplicationLag")),
    ("ack alert SearchHighLatency", I("ack", alert="SearchHighLatency")),
    ("mark CheckoutHighErrorRate as acknowledged", I("ack", alert="CheckoutHighErrorRate")),
    ("hey devsim, ack HighErrorRate thanks", I("ack", alert="HighErrorRate")),
    ("Acknowledge ZoneBDown", I("ack", alert="ZoneBDown")),
    ("I'm on it, acknowledge PaymentsHighMemory", I("ack", alert="PaymentsHighMemory")),

    # ----------------------------------------------------------------- silence
    ("silence HighErrorRate for 30m", I("silence", alert="HighErrorRate", duration=1800)),
    ("mute CheckoutHighLatency for an hour", I("silence", alert="CheckoutHighLatency", duration=3600)),
    ("silence OrdersDbReplicationLag for two hours",
     I("silence", alert="OrdersDbReplicationLag", duration=7200)),
    ("snooze SearchHighLatency for 15 minutes", I("silence", alert="SearchHighLatency", duration=900)),
    ("please silence HighErrorRate for half an hour",
     I("silence", alert="HighErrorRate", duration=1800)),
    ("silence PaymentsHighMemory for 1h30m", I("silence", alert="PaymentsHighMemory", duration=5400)),
    ("silence the alert CheckoutHighErrorRate for 90s",
     I("silence", alert="CheckoutHighErrorRate", duration=90)),
    ("for ten minutes, mute HighErrorRate", I("silence", alert="HighErrorRate", duration=600)),
    ("silence ZoneBDown 2h", I("silence", alert="ZoneBDown", duration=7200)),

    # ------------------------------------------------------------ pause/resume
    ("pause", I("pause")),
    ("pause the simulation", I("pause")),
    ("freeze time", I("pause")),
    ("hold on, pause", I("pause")),
    ("stop the clock", I("pause")),
    ("Pause please", I("pause")),
    ("pause sim", I("pause")),
    ("hey devsim, can you pause?", I("pause")),
    ("freeze the simulation", I("pause")),
    ("resume", I("resume")),
    ("unpause", I("resume")),
    ("resume the simulation", I("resume")),
    ("continue the simulation", I("resume")),
    ("start the clock again", I("resume")),
    ("unfreeze time", I("resume")),
    ("ok, resume please", I("resume")),
    ("let the simulation run again", I("resume")),

    # ------------------------------------------------------------------- speed
    ("run at 60x", I("speed", factor=60)),
    ("speed it up to ten times", I("speed", factor=10)),
    ("normal speed", I("speed", factor=1)),
    ("set speed to 2x", I("speed", factor=2)),
    ("half speed", I("speed", factor=0.5)),
    ("run 100x faster", I("speed", factor=100)),
    ("back to real-time speed", I("speed", factor=1)),
    ("speed 5", I("speed", factor=5)),
    ("set the simulation speed to twenty", I("speed", factor=20)),
    ("slow down to 0.5x", I("speed", factor=0.5)),

    # ----------------------------------------------------------------- advance
    ("advance 5 minutes", I("advance", duration=300)),
    ("skip ahead an hour", I("advance", duration=3600)),
    ("fast forward 90s", I("advance", duration=90)),
    ("jump forward two hours", I("advance", duration=7200)),
    ("advance time by 1h30m", I("advance", duration=5400)),
    ("skip half an hour", I("advance", duration=1800)),
    ("move the clock forward 10m", I("advance", duration=600)),
    ("wait ten minutes", I("advance", duration=600)),
    ("fast-forward by 45 seconds", I("advance", duration=45)),
    ("advance 2h", I("advance", duration=7200)),

    # ----------------------------------------------------------------- rewind
    ("rewind 10m", I("rewind", duration=600)),
    ("rewind to 00:09:42", I("rewind", to=582)),
    ("rewind to 09:42", I("rewind", to=582)),
    ("go back 5 minutes", I("rewind", duration=300)),
    ("undo the last 10 minutes", I("rewind", duration=600)),
    ("rewind by half an hour", I("rewind", duration=1800)),
    ("jump back 90s", I("rewind", duration=90)),
    ("go back to the start", I("rewind", to=0)),
    ("turn back the clock 15 minutes", I("rewind", duration=900)),
    ("go back in time 20 minutes", I("rewind", duration=1200)),
    ("please rewind two minutes", I("rewind", duration=120)),

    # ----------------------------------------------------------------- explain
    ("why is checkout slow?", I("explain", target="checkout")),
    ("why is payments failing?", I("explain", target="payments")),
    ("what's wrong with orders?", I("explain", target="orders")),
    ("explain the search latency", I("explain", target="search")),
    ("why are checkout errors so high", I("explain", target="checkout")),
    ("what is causing the latency on api?", I("explain", target="api")),
    ("why is orders-db lagging?", I("explain", target="orders-db")),
    ("root cause for cart errors?", I("explain", target="cart")),
    ("why is chekout throwing 500s", I("explain", target="checkout")),
    ("explain what's happening with inventory", I("explain", target="inventory")),

    # -------------------------------------------------------------------- help
    ("help", I("help")),
    ("help deploy", I("help", topic="deploy")),
    ("how do I roll back?", I("help", topic="rollback")),
    ("what can you do?", I("help")),
    ("how do I inject chaos?", I("help", topic="chaos")),
    ("help me with scaling", I("help", topic="scale")),
    ("show commands", I("help")),
    ("how do I silence an alert?", I("help", topic="silence")),
    ("help with deploys please", I("help", topic="deploy")),
    ("what commands are there", I("help")),
    ("help failover", I("help", topic="failover")),

    # ----------------------------------------------------------------- promote
    ("promote checkout", I("promote", service="checkout")),
    ("promote the checkout canary", I("promote", service="checkout")),
    ("promote the canary for payments", I("promote", service="payments")),
    ("canary for search looks good, promote it", I("promote", service="search")),
    ("go to 100% on the checkout canary", I("promote", service="checkout")),
    ("finish the payments rollout", I("promote", service="payments")),
    ("complete the cart rollout", I("promote", service="cart")),
    ("promote the orders deployment to full traffic", I("promote", service="orders")),
    ("Promote chekout canary please", I("promote", service="checkout")),
    ("fully roll out the search canary", I("promote", service="search")),

    # ------------------------------------------------------------------- abort
    ("abort the checkout deploy", I("abort", service="checkout")),
    ("abort checkout rollout", I("abort", service="checkout")),
    ("cancel the payments deployment", I("abort", service="payments")),
    ("stop the search rollout", I("abort", service="search")),
    ("halt the cart canary", I("abort", service="cart")),
    ("kill the checkout rollout", I("abort", service="checkout")),
    ("abort the deploy of orders asap", I("abort", service="orders")),
    ("cancel the canary for inventory", I("abort", service="inventory")),
    ("abort paymnets rollout now", I("abort", service="payments")),

    # ----------------------------------------------------------------- history
    ("history of checkout", I("history", service="checkout")),
    ("show history for checkout", I("history", service="checkout")),
    ("what versions has checkout had?", I("history", service="checkout")),
    ("revision history for payments", I("history", service="payments")),
    ("deploy history for search", I("history", service="search")),
    ("show me the rollout history of orders", I("history", service="orders")),
    ("list previous releases of cart", I("history", service="cart")),
    ("which versions of inventory have been deployed?", I("history", service="inventory")),
    ("checkout history please", I("history", service="checkout")),
    ("past deployments of web", I("history", service="web")),

    # -------------------------------------------------------------- chaos_list
    ("list faults", I("chaos_list")),
    ("what chaos can I inject?", I("chaos_list")),
    ("show the fault catalogue", I("chaos_list")),
    ("which failure modes are available?", I("chaos_list")),
    ("list available faults", I("chaos_list")),
    ("what faults do you support", I("chaos_list")),
    ("show the chaos catalog", I("chaos_list")),
    ("what can I break?", I("chaos_list")),
    ("list fault types", I("chaos_list")),
]


REFUSALS: list[tuple[str, str]] = [
    # unknown names
    ("deploy frontend 1.0", "frontend"),
    ("restart frontend", "frontend"),
    ("roll back billing", "billing"),
    ("roll back frontend to 1.2.0", "frontend"),
    ("kill two pods of mainframe", "mainframe"),
    ("add 300ms latency to zone-d", "zone-d"),
    ("take zone-q down", "zone-q"),
    ("status of frontend", "frontend"),
    ("flush the frontend cache", "frontend"),
    ("scale billing to 4", "billing"),
    # failover of something that is not a database
    ("fail over checkout", "database"),
    ("fail over the checkout service", "database"),
    ("fail over search", "database"),
    ("failover payment-provider", "database"),
    ("fail over sessions", "database"),
    # impossible numbers
    ("scale checkout to -3", "negative|-3"),
    ("scale checkout to -1 replicas", "negative|-1"),
    ("scale checkout to 2.5", "2.5|whole|integer"),
    ("deploy checkout 2.5.0 to prod as a canary at 150%", "150|weight|percent"),
    ("inject 120% errors into payments", "120|percent"),
    ("silence HighErrorRate for -5 minutes", "negative|-5|duration"),
    ("advance -10m", "negative|-10|duration"),
    ("run at -2x", "negative|-2|speed|factor"),
    # missing required arguments
    ("deploy checkout", "version"),
    ("deploy chekout", "version"),
    ("deploy checkout to prod", "version"),
    ("deploy checkout banana", "version|banana"),
    ("deploy 2.5.0", "service|which"),
    ("rollback", "service|which"),
    ("restart", "service|which"),
    ("scale checkout", "replica|how many"),
    ("scale", "service|which"),
    ("failover", "database|which"),
    ("ack", "alert|which"),
    ("silence HighErrorRate", "duration|how long"),
    ("silence HighErrorRate for a while", "duration|how long"),
    ("silence for 10 minutes", "alert|which"),
    ("advance", "duration|how long|how far"),
    ("rewind", "how far"),
    ("rewind -5m", "positive|-300"),
    ("go back 0s", "positive"),
    ("promote", "service|which"),
    ("inject latency", "target|which|where"),
    ("chaos on search", "fault|which"),
    # unknown fault, environment or strategy
    ("inject a meltdown into search", "meltdown|fault"),
    ("chaos frobnicate checkout", "frobnicate|fault"),
    ("deploy checkout 2.5.0 to qa", "qa|environment"),
    ("deploy checkout 2.5.0 to mars", "mars|environment"),
    ("deploy checkout 2.5.0 using the yolo strategy", "yolo|strategy"),
    # gibberish, empty politeness, off-topic (any helpful error will do)
    ("", ""),
    ("please", ""),
    ("thanks", ""),
    ("asdf qwerty zxcv", ""),
    ("make me a sandwich", ""),
    ("rm -rf /", ""),
    ("could you please", ""),
]


CONVERSATIONS: list[list[tuple[str, dict]]] = [
    [("deploy checkout 2.5.0", I("deploy", service="checkout", version="2.5.0")),
     ("actually roll it back", I("rollback", service="checkout"))],
    [("how is payments doing?", I("status", target="payments")),
     ("restart it", I("restart", service="payments"))],
    [("scale search to 4", I("scale", service="search", replicas=4)),
     ("now scale it to 6", I("scale", service="search", replicas=6))],
    [("deploy payments 3.2.0 to staging",
      I("deploy", service="payments", version="3.2.0", env="staging")),
     ("looks fine, now deploy it to prod",
      I("deploy", service="payments", version="3.2.0", env="production"))],
    [("why is checkout slow?", I("explain", target="checkout")),
     ("show me its history", I("history", service="checkout")),
     ("roll it back to 2.3.1", I("rollback", service="checkout", version="2.3.1"))],
    [("add 300ms latency to search for 10 minutes",
      I("chaos", fault="latency", target="search", latency_ms=300, duration=600)),
     ("any anomalies on that service in the last ten minutes?",
      I("anomalies", service="search", since=600)),
     ("stop the chaos on it", I("chaos_stop", target="search"))],
    [("deploy checkout 2.5.0 to prod as a canary at 10%",
      I("deploy", service="checkout", version="2.5.0", env="production", strategy="canary",
        canary_weight=10)),
     ("looks good, promote it", I("promote", service="checkout", env="production"))],
    [("deploy search 2.0.0 to prod", I("deploy", service="search", version="2.0.0", env="production")),
     ("abort it!", I("abort", service="search", env="production"))],
    [("ack HighErrorRate", I("ack", alert="HighErrorRate")),
     ("and silence it for an hour", I("silence", alert="HighErrorRate", duration=3600))],
    [("status of orders", I("status", target="orders")),
     ("restart the same service", I("restart", service="orders"))],
    [("kill two pods of cart", I("chaos", fault="instance-kill", target="cart", count=2)),
     ("how is it doing now?", I("status", target="cart")),
     ("scale it to 5", I("scale", service="cart", replicas=5))],
    [("how's orders-db?", I("status", target="orders-db")),
     ("fail it over", I("failover", database="orders-db"))],
    [("show history of payments", I("history", service="payments")),
     ("roll back that service to 3.0.2", I("rollback", service="payments", version="3.0.2"))],
    [("deploy checkout 2.5.0", I("deploy", service="checkout", version="2.5.0")),
     ("restart search", I("restart", service="search")),
     ("now restart it again", I("restart", service="search"))],
    [("restart checkout-1", I("restart", service="checkout", instance="checkout-1")),
     ("and checkout-2", I("restart", service="checkout", instance="checkout-2"))],
    [("pause", I("pause")),
     ("advance ten minutes", I("advance", duration=600)),
     ("resume", I("resume"))],
    [("any anomalies in orders?", I("anomalies", service="orders")),
     ("why is it failing?", I("explain", target="orders"))],
]


RELATIVE_SCALE: list[tuple[str, str, int]] = [
    ("add two pods to web", "web", 2),
    ("scale checkout up by 3", "checkout", 3),
    ("scale search down by one", "search", -1),
    ("remove two replicas from orders", "orders", -2),
    ("give cart 2 more instances", "cart", 2),
    ("add another replica to payments", "payments", 1),
    ("take one pod away from catalog", "catalog", -1),
    ("increase api by 4 replicas", "api", 4),
    ("decrease inventory by 2 instances", "inventory", -2),
    ("add five more checkout pods", "checkout", 5),
    ("scale gateway out by three", "gateway", 3),
    ("scale auth in by 1", "auth", -1),
    ("bump web by 2 replicas", "web", 2),
    ("drop three replicas from search", "search", -3),
    ("add 10 instances to chekout", "checkout", 10),
    ("we need two extra pods on notifications", "notifications", 2),
    ("reduce the number of orders replicas by four", "orders", -4),
    ("scale paymnets up by six", "payments", 6),
]


# ----------------------------------------------------------------- self-check

SERVICES = {"gateway", "web", "api", "auth", "catalog", "search", "cart", "checkout",
            "payments", "orders", "inventory", "notifications"}
DATABASES = {"orders-db", "users-db"}
COMPONENTS = SERVICES | DATABASES | {"sessions", "order-events", "payment-provider"}
ZONES = {"zone-a", "zone-b", "zone-c"}
FAULTS = {"instance-kill", "crash-loop", "latency", "packet-loss", "error-injection", "partition",
          "cpu-stress", "memory-leak", "disk-fill", "dns-failure", "db-primary-failure",
          "replication-lag", "cache-flush", "zone-outage", "traffic-spike", "dependency-outage"}
INTENTS = {  # intent: (required args, optional args)
    "deploy": ({"service", "version"}, {"env", "strategy", "canary_weight"}),
    "rollback": ({"service"}, {"version", "env"}),
    "scale": ({"service", "replicas"}, set()),
    "restart": ({"service"}, {"instance"}),
    "chaos": ({"fault", "target"}, {"duration", "latency_ms", "percent", "count"}),
    "chaos_stop": (set(), {"id", "target"}),
    "failover": ({"database"}, set()),
    "anomalies": (set(), {"service", "since"}),
    "status": (set(), {"target"}),
    "alerts": (set(), {"state"}),
    "ack": ({"alert"}, set()),
    "silence": ({"alert", "duration"}, set()),
    "pause": (set(), set()),
    "resume": (set(), set()),
    "speed": ({"factor"}, set()),
    "advance": ({"duration"}, set()),
    "rewind": (set(), {"duration", "to"}),
    "explain": ({"target"}, set()),
    "help": (set(), {"topic"}),
    "promote": ({"service"}, set()),
    "abort": ({"service"}, set()),
    "history": ({"service"}, set()),
    "chaos_list": (set(), set()),
}


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_expected(text: str, exp: dict) -> list[str]:
    """Problems with one expected dict (empty list = fine)."""
    import re

    bad: list[str] = []
    if set(exp) != {"intent", "args"}:
        return [f"{text!r}: keys {sorted(exp)}"]
    intent, args = exp["intent"], exp["args"]
    if intent not in INTENTS:
        return [f"{text!r}: unknown intent {intent!r}"]
    req, opt = INTENTS[intent]
    if not req <= set(args):
        bad.append(f"{text!r}: missing {sorted(req - set(args))}")
    if set(args) - req - opt:
        bad.append(f"{text!r}: unexpected {sorted(set(args) - req - opt)}")
    for k, v in args.items():
        ok = True
        if v is None:
            ok = False
        elif k == "service":
            ok = v in SERVICES
        elif k == "version":
            ok = isinstance(v, str) and re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?", v) is not None
        elif k == "env":
            ok = v in {"production", "staging", "development"}
        elif k == "strategy":
            ok = v in {"rolling", "canary", "blue-green"}
        elif k == "canary_weight":
            ok = _is_int(v) and 0 < v <= 100 and args.get("strategy") == "canary"
        elif k in {"replicas", "count"}:
            ok = _is_int(v) and v >= 0
        elif k == "instance":
            ok = isinstance(v, str) and v.rsplit("-", 1)[0] == args.get("service") \
                and v.rsplit("-", 1)[-1].isdigit()
        elif k == "fault":
            ok = v in FAULTS
        elif k == "target":
            ok = v in COMPONENTS | ZONES
        elif k in {"duration", "since", "latency_ms"}:
            ok = _is_int(v) and v > 0
        elif k == "to":
            ok = _is_int(v) and v >= 0
        elif k in {"percent", "factor"}:
            ok = _is_num(v) and v > 0
        elif k == "database":
            ok = v in DATABASES
        elif k == "state":
            ok = v in {"firing", "all"}
        elif k == "alert":
            ok = isinstance(v, str) and re.fullmatch(r"(?:[A-Z][a-z0-9]*)+", v) is not None
        elif k == "topic":
            ok = v in INTENTS
        elif k == "id":
            ok = isinstance(v, (str, int))
        if not ok:
            bad.append(f"{text!r}: bad {k}={v!r}")
    if intent == "chaos":
        if args.get("fault") in {"zone-outage"} and args.get("target") not in ZONES:
            bad.append(f"{text!r}: zone-outage needs a zone")
        if args.get("fault") in {"db-primary-failure", "replication-lag", "disk-fill"} \
                and args.get("target") not in DATABASES | {"order-events", "sessions"}:
            bad.append(f"{text!r}: {args['fault']} on a non-store")
    return bad


def self_check() -> dict[str, int]:
    from collections import Counter

    problems: list[str] = []
    counts: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    texts = [t for t, _ in CASES]
    dupes = [t for t, n in Counter(texts).items() if n > 1]
    if dupes:
        problems.append(f"duplicate texts: {dupes}")
    for text, exp in CASES:
        problems += check_expected(text, exp)
        counts[exp["intent"]] += 1
        if exp["intent"] == "chaos":
            faults[exp["args"]["fault"]] += 1
    for conv in CONVERSATIONS:
        if len(conv) < 2:
            problems.append(f"conversation too short: {conv}")
        for text, exp in conv:
            problems += check_expected(text, exp)
    for text, frag in REFUSALS:
        if frag != frag.lower():
            problems.append(f"refusal fragment not lowercase: {frag!r}")
    for text, service, delta in RELATIVE_SCALE:
        if service not in SERVICES or not _is_int(delta) or delta == 0:
            problems.append(f"bad relative scale: {text!r}")
    for intent in INTENTS:
        need = 30 if intent in {"deploy", "rollback", "scale", "chaos"} else 8
        if counts[intent] < need:
            problems.append(f"only {counts[intent]} cases for {intent} (need {need})")
    for fault in FAULTS:
        if faults[fault] < 2:
            problems.append(f"only {faults[fault]} cases for fault {fault}")
    if len(CASES) < 330:
        problems.append(f"only {len(CASES)} CASES")
    if len(REFUSALS) < 40 or len(CONVERSATIONS) < 10 or len(RELATIVE_SCALE) < 15:
        problems.append("too few refusals/conversations/relative-scale cases")
    if problems:
        raise SystemExit("corpus self-check failed:\n  " + "\n  ".join(problems))
    return dict(counts)


if __name__ == "__main__":
    per_intent = self_check()
    for name in INTENTS:
        print(f"{name:12} {per_intent.get(name, 0)}")
    print(f"CASES {len(CASES)}  REFUSALS {len(REFUSALS)}  CONVERSATIONS {len(CONVERSATIONS)}"
          f"  RELATIVE_SCALE {len(RELATIVE_SCALE)}")
