"""Alert delivery without a server: httpx's MockTransport for retries, back-off, timeouts and
what the user is told; the payloads' shapes; bad URLs. No test waits on the wall clock."""

from __future__ import annotations

import argparse
import json
from collections import deque
from types import SimpleNamespace

import httpx
import pytest

from devsim_tui.interop.alert_delivery import Health, Poster
from devsim_tui.interop.alert_outbox import Outbox
from devsim_tui.interop.alert_payload import fingerprint, iso, webhook_message
from devsim_tui.interop.alert_sender import Sender
from devsim_tui.interop.alertmanager_attachment import (RESEND_S, AlertmanagerAttachment,
                                                        AlertPush, _alertmanager_body,
                                                        alertmanager_url)
from devsim_tui.interop.wiring import InteropError

URL = "http://127.0.0.1:9/api/v2/alerts"
LABELS = {"alertname": "ServiceDown", "severity": "critical", "scenario": "shopfront",
          "service": "checkout", "env": "production"}
RECORD = {"labels": LABELS, "annotations": {"summary": "checkout has no ready instance"},
          "generatorURL": "devsim://shopfront/alerts/1"}
T0 = 1_800_000_000.0
SIM = SimpleNamespace(spec=SimpleNamespace(name="shopfront"), seed=3)  # what start reads


class Server:
    """Answers from a script of outcomes (an int: that status; an exception: raised), then
    200; records every body."""

    def __init__(self, *script: int | Exception) -> None:
        self.script = deque(script)
        self.bodies: list = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        outcome = self.script.popleft() if self.script else 200
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome, text="" if outcome < 400 else "bad things")


def poster(server: Server, sleeps: list[float], seed: int = 0) -> Poster:
    return Poster(URL, seed=seed, sleep=sleeps.append, transport=httpx.MockTransport(server))


def sender(server: Server, told: list[str], resend: float | None = RESEND_S) -> Sender:
    return Sender(poster(server, []), Health("alertmanager at http://127.0.0.1:9", told.append),
                  Outbox(resend), _alertmanager_body, clock=lambda: T0, start=False)


def test_retries_back_off_exponentially_with_seeded_jitter() -> None:
    server, sleeps = Server(503, 502, 500), []
    attempt = poster(server, sleeps).post([RECORD])
    assert not attempt.ok and attempt.reason == "HTTP 500: bad things"
    assert len(server.bodies) == 3 and len(sleeps) == 2  # three tries, two waits between
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0
    again: list[float] = []
    poster(Server(503, 502, 500), again).post([RECORD])
    assert again == sleeps  # the jitter comes from a seeded generator
    other: list[float] = []
    poster(Server(503, 502, 500), other, seed=1).post([RECORD])
    assert other != sleeps


def test_a_retry_that_succeeds_is_a_success() -> None:
    server, sleeps = Server(httpx.ConnectError("[Errno 111] Connection refused")), []
    assert poster(server, sleeps).post([RECORD]).ok
    assert len(server.bodies) == 2 and len(sleeps) == 1


def test_a_bad_request_is_not_retried() -> None:
    server, sleeps = Server(400), []
    attempt = poster(server, sleeps).post([RECORD])
    assert not attempt.ok and not attempt.retryable and attempt.reason.startswith("HTTP 400")
    assert len(server.bodies) == 1 and sleeps == []


@pytest.mark.parametrize(("error", "reason"), [
    (httpx.ConnectError("[Errno 111] Connection refused"), "connection refused"),
    (httpx.ConnectError("[Errno -2] Name or service not known"), "host name not found"),
    (httpx.ReadTimeout("timed out"), "no answer within 5s"),
    (httpx.ConnectTimeout("timed out"), "no answer within 5s"),
])
def test_failures_are_named(error: Exception, reason: str) -> None:
    attempt = poster(Server(error, error, error), []).post([RECORD])
    assert not attempt.ok and attempt.retryable and attempt.reason == reason


def test_a_failing_endpoint_is_told_once_and_its_recovery_once() -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    server, told = Server(*[refused] * 30), []
    out = sender(server, told)
    out.apply(("fire", RECORD, T0))
    for minute in range(10):  # ten minutes of a dead endpoint, tried as the back-off allows
        out.step(T0 + 60 * minute)
    assert told == ["alertmanager at http://127.0.0.1:9 unreachable (connection refused); "
                    "alerts are kept and re-sent when it answers"]
    tries = len(server.bodies)
    out.step(out.retry_at - 1)
    assert len(server.bodies) == tries  # no try before the back-off has passed
    server.script.clear()
    out.step(out.retry_at)
    out.step(out.retry_at + 600)
    assert told[1:] == ["alertmanager at http://127.0.0.1:9 answers again; 1 alert re-sent"]
    assert server.bodies[-1][0]["labels"] == LABELS


def test_firing_alerts_are_re_sent_every_minute_and_end_four_minutes_ahead() -> None:
    server, told = Server(), []
    out = sender(server, told)
    out.apply(("fire", RECORD, T0))
    out.step(T0)
    out.step(T0 + 30)  # nothing changed and no re-send due
    assert len(server.bodies) == 1
    out.step(T0 + 60)
    assert len(server.bodies) == 2
    sent = server.bodies[-1][0]
    assert sent["startsAt"] == iso(T0) and sent["endsAt"] == iso(T0 + 60 + 4 * RESEND_S)
    assert told == []


def test_a_resolution_keeps_its_time_when_delivered_late() -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    server, told = Server(*[refused] * 3), []
    out = sender(server, told)
    out.apply(("fire", RECORD, T0))
    out.apply(("resolve", RECORD, T0 + 5))
    out.step(T0 + 5)  # down: kept
    out.step(out.retry_at)
    (alert,) = server.bodies[-1]
    assert alert["startsAt"] == iso(T0) and alert["endsAt"] == iso(T0 + 5)
    out.step(out.retry_at + 600)
    assert len(server.bodies) == 4  # resolved and delivered: nothing more to send


def test_a_resync_resolves_what_no_longer_fires() -> None:
    box = Outbox(RESEND_S)
    other = {**RECORD, "labels": {**LABELS, "alertname": "HighErrorRate"}}
    box.fire(RECORD, T0)
    box.sync([other], T0 + 10)
    assert [a["labels"]["alertname"] for a in box.batch()] == ["HighErrorRate", "ServiceDown"]
    assert box.resolved[fingerprint(LABELS)]["endsAt"] == iso(T0 + 10)


def test_the_webhook_message_has_alertmanagers_shape() -> None:
    firing = {**RECORD, "status": "firing", "startsAt": iso(T0), "endsAt": "0001-01-01T00:00:00Z"}
    api = {**RECORD, "labels": {**LABELS, "service": "api"}, "status": "resolved",
           "startsAt": iso(T0), "endsAt": iso(T0 + 60)}
    message = webhook_message([firing, api], receiver="devsim", external_url="devsim://shopfront")
    assert {k: message[k] for k in ("version", "status", "receiver", "groupKey")} == {
        "version": "4", "status": "firing", "receiver": "devsim", "groupKey": "{}:{}"}
    assert message["commonLabels"] == {k: v for k, v in LABELS.items() if k != "service"}
    assert message["commonAnnotations"] == RECORD["annotations"]
    assert [a["status"] for a in message["alerts"]] == ["firing", "resolved"]
    assert message["alerts"][0]["fingerprint"] == fingerprint(LABELS)
    assert set(message["alerts"][1]) == {"status", "labels", "annotations", "startsAt",
                                         "endsAt", "generatorURL", "fingerprint"}
    resolved = webhook_message([api], receiver="devsim", external_url="devsim://shopfront")
    assert resolved["status"] == "resolved"


def test_fingerprints_are_alertmanagers() -> None:
    # as a real Alertmanager 0.25 reported for this label set
    assert fingerprint({"alertname": "HighErrorRate", "environment": "production",
                        "scenario": "shopfront", "service": "api",
                        "severity": "critical"}) == "236de6aa8e163e1c"


@pytest.mark.parametrize(("flags", "message"), [
    ({"alertmanager": "ftp://am:9093"}, "--alertmanager 'ftp://am:9093': scheme 'ftp', expected"),
    ({"alertmanager": "127.0.0.1:9093"}, "--alertmanager '127.0.0.1:9093': no scheme, expected"),
    ({"alertmanager": "http://"}, "--alertmanager 'http://': no host"),
    ({"webhook": ["localhost/hook"]}, "--webhook 'localhost/hook': no scheme"),
])
def test_bad_urls_are_one_line_naming_the_flag(flags: dict, message: str) -> None:
    args = argparse.Namespace(**{"alertmanager": None, "webhook": None, **flags})
    with pytest.raises(InteropError) as caught:
        AlertmanagerAttachment().start(args, SIM, report=print)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_the_api_path_is_added_once() -> None:
    assert alertmanager_url("http://127.0.0.1:9093") == "http://127.0.0.1:9093/api/v2/alerts"
    assert alertmanager_url("https://am/prefix/") == "https://am/prefix/api/v2/alerts"
    assert alertmanager_url("http://am/api/v2/alerts") == "http://am/api/v2/alerts"


class FakeFrame:
    def __init__(self, events: tuple, firing: list) -> None:
        self.events, self._firing = events, firing

    def take(self, key: str, build):  # noqa: ANN001
        return self._firing if key == "alertmanager.firing" else ({}, {})


class FakeEvent:
    def __init__(self, type_: str, **data) -> None:  # noqa: ANN003
        self.type, self.data = type_, data


def test_a_full_queue_never_blocks_and_is_followed_by_a_resync() -> None:
    told: list[str] = []
    out = Sender(poster(Server(), []), Health("x", told.append), Outbox(RESEND_S),
                 _alertmanager_body, start=False, queue_size=1)
    push = AlertPush("shopfront", 3, [out], told.append, deque(), clock=lambda: T0)
    fired = [FakeEvent("alert.firing", alert=f"A{i}", severity="warning", id=i,
                       summary="") for i in range(3)]
    push.publish(FakeFrame(tuple(fired), []))  # two of three refused at once
    assert out.queue.qsize() == 1 and push._resync
    out.apply(out.queue.get_nowait())
    push.publish(FakeFrame((), [dict(RECORD)]))
    kind, records, _ = out.queue.get_nowait()
    assert kind == "sync" and records == [RECORD] and not push._resync


def test_a_rewind_resends_the_restored_firing_set() -> None:
    out = Sender(poster(Server(), []), Health("x", print), Outbox(RESEND_S), _alertmanager_body,
                 start=False)
    push = AlertPush("shopfront", 3, [out], print, deque(), clock=lambda: T0)
    push.publish(FakeFrame((FakeEvent("rewind", **{"from": 600.0, "to": 60.0}),), [RECORD]))
    assert out.queue.get_nowait() == ("sync", [RECORD], T0) and out.queue.empty()
    push.publish(FakeFrame((FakeEvent("scale", service="checkout"),), [RECORD]))
    assert out.queue.empty()  # other events send nothing
