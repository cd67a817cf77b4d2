"""``--alertmanager URL`` and ``--webhook URL``: devsim's alerts pushed to a real Alertmanager
(its v2 API, the way Prometheus pushes them) and posted as Alertmanager's v4 webhook message.

After each step the front end hands a frame; ``alert.firing`` and ``alert.resolved`` events
become messages to each endpoint's delivery thread (the alert's labels and annotations read
here, on the stepping thread), a ``rewind`` a resync of the whole firing set. Only firing alerts
are sent (pending ones are not, as in Prometheus); alerts devsim silences or inhibits are sent
too — Alertmanager's own silences and inhibit rules decide what reaches a receiver.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import httpx

from .alert_delivery import Health, Poster
from .alert_outbox import Outbox
from .alert_payload import alert_record, iso, record_from_event, webhook_message
from .alert_sender import Sender
from .wiring import Frame, InteropError, register

__all__ = ["AlertPush", "RESEND_S", "alertmanager_url", "check_url", "senders_for"]

RESEND_S = 60.0  # Prometheus' resend delay: firing alerts are re-sent every minute
API_PATH = "/api/v2/alerts"


def check_url(flag: str, url: str) -> httpx.URL:
    """An http(s) URL with a host, else one line naming the flag and what is wrong."""
    example = "http://127.0.0.1:9093" if flag == "--alertmanager" else "http://127.0.0.1:5001/"
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InteropError(f"{flag} {url!r}: not a URL ({exc}); expected e.g. {example}")\
            from None
    if parsed.scheme not in ("http", "https"):
        got = f"scheme {parsed.scheme!r}" if parsed.scheme else "no scheme"
        raise InteropError(f"{flag} {url!r}: {got}, expected http:// or https:// "
                           f"(e.g. {example})")
    if not parsed.host:
        raise InteropError(f"{flag} {url!r}: no host (e.g. {example})")
    return parsed


def alertmanager_url(url: str) -> str:
    """The v2 alerts endpoint under an Alertmanager's base URL (a route prefix is kept)."""
    parsed = check_url("--alertmanager", url)
    path = parsed.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    return str(parsed.copy_with(path=path, query=None, fragment=None))


def _alertmanager_body(batch: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    """Postable alerts: a firing one ends four re-sends ahead unless re-sent (Prometheus)."""
    ends = iso(now + 4 * RESEND_S)
    return [{"labels": a["labels"], "annotations": a["annotations"],
             "startsAt": a["startsAt"], "endsAt": a["endsAt"] or ends,
             "generatorURL": a["generatorURL"]} for a in batch]


def _webhook_body(external_url: str) -> Callable[[list[dict[str, Any]], float], Any]:
    def encode(batch: list[dict[str, Any]], now: float) -> dict[str, Any]:
        alerts = [{**a, "endsAt": a["endsAt"] or "0001-01-01T00:00:00Z"} for a in batch]
        return webhook_message(alerts, receiver="devsim", external_url=external_url)
    return encode


def senders_for(args: argparse.Namespace, scenario: str, seed: int, report: Callable[[str], None],
                *, transport: httpx.BaseTransport | None = None,
                clock: Callable[[], float] = time.time) -> list[Sender]:
    """A delivery thread per endpoint the flags name (URLs checked first: nothing starts when
    one is wrong)."""
    targets: list[tuple[str, str, Outbox, Callable[..., Any]]] = []
    if getattr(args, "alertmanager", None):
        url = alertmanager_url(args.alertmanager)
        targets.append((f"alertmanager at {args.alertmanager}", url, Outbox(RESEND_S),
                        _alertmanager_body))
    for hook in getattr(args, "webhook", None) or ():
        check_url("--webhook", hook)
        targets.append((f"webhook at {hook}", hook, Outbox(None),
                        _webhook_body(f"devsim://{scenario}")))
    return [Sender(Poster(url, seed=seed + i, transport=transport), Health(what, report),
                   outbox, encode, clock=clock)
            for i, (what, url, outbox, encode) in enumerate(targets)]


class AlertPush:
    """The handle: turns a frame's alert events into messages for each sender."""

    def __init__(self, scenario: str, seed: int, senders: list[Sender],
                 report: Callable[[str], None], notices: deque[str], *,
                 clock: Callable[[], float] = time.time) -> None:
        self.scenario, self.seed, self.senders = scenario, seed, senders
        self.report, self.clock = report, clock
        self._notices = notices  # lines the delivery threads append, passed on from here
        self._resync = False  # a message was refused: send the whole firing set next frame

    def publish(self, frame: Frame) -> None:
        wall = self.clock()
        for event in frame.events:
            if event.type in ("alert.firing", "alert.resolved"):
                kind = "fire" if event.type == "alert.firing" else "resolve"
                self._offer(kind, self._record(frame, event), wall)
            elif event.type == "rewind":
                self._resync = True
        if self._resync:
            firing = frame.take("alertmanager.firing", self._firing)
            self._resync = not all([s.offer("sync", firing, wall) for s in self.senders])
        self.pass_notices()

    def _offer(self, kind: str, record: dict[str, Any], wall: float) -> None:
        for sender in self.senders:
            if not sender.offer(kind, record, wall):
                self._resync = True

    def _record(self, frame: Frame, event: Any) -> dict[str, Any]:
        live, resolved = frame.take("alertmanager.book", self._book)
        first, second = (live, resolved) if event.type == "alert.firing" else (resolved, live)
        alert = first.get(event.data.get("id")) or second.get(event.data.get("id"))
        if alert is not None and alert.name == event.data.get("alert"):
            return alert_record(alert, self.scenario, self.seed)
        return record_from_event(event.data, self.scenario)

    @staticmethod
    def _book(sim: Any) -> tuple[dict[int, Any], dict[int, Any]]:
        return ({a.id: a for a in sim.alerts.live.values()},
                {a.id: a for a in sim.alerts.resolved})

    def _firing(self, sim: Any) -> list[dict[str, Any]]:
        return [alert_record(a, self.scenario, self.seed) for a in sim.alerts.firing()]

    def flush(self, timeout: float = 10.0) -> bool:
        """Every sender has folded in what was enqueued and tried to deliver it."""
        done = all([s.flush(timeout) for s in self.senders])
        self.pass_notices()
        return done

    def pass_notices(self) -> None:
        while self._notices:
            self.report(self._notices.popleft())

    def close(self) -> None:
        threads = [threading.Thread(target=s.close, daemon=True) for s in self.senders]
        for thread in threads:  # close every endpoint at once: a dead one costs its timeout
            thread.start()
        for thread in threads:
            thread.join()
        self.pass_notices()


class AlertmanagerAttachment:
    name = "alertmanager"
    flags = ("--alertmanager", "--webhook")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--alertmanager", metavar="URL",
                            help="push alerts to this Alertmanager's v2 API "
                                 "(e.g. http://127.0.0.1:9093)")
        parser.add_argument("--webhook", metavar="URL", action="append",
                            help="post alerts as Alertmanager's webhook JSON (version 4) "
                                 "to this URL (repeatable)")

    def start(self, args: argparse.Namespace, sim: Any, *,
              report: Callable[[str], None]) -> AlertPush | None:
        if not getattr(args, "alertmanager", None) and not getattr(args, "webhook", None):
            return None
        notices: deque[str] = deque()
        senders = senders_for(args, sim.spec.name, int(sim.seed), notices.append)
        return AlertPush(sim.spec.name, int(sim.seed), senders, report, notices)


register(AlertmanagerAttachment())
