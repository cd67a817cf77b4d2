"""devsim's alerts in a real Alertmanager (and a real HTTP webhook receiver) on 127.0.0.1.

The simulation is driven in-process (stepped, not paced) for speed and determinism; the
pusher's delivery threads talk to the servers for real. Needs Debian's
``prometheus-alertmanager`` (and ``amtool`` for the amtool test), which .ci/run installs; a
test skips, saying so, only when the binary cannot be found.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from devsim_tui.chatops.session import ChatSession
from devsim_tui.interop.alert_payload import fingerprint
from devsim_tui.interop.alertmanager_attachment import AlertmanagerAttachment, AlertPush
from devsim_tui.interop.wiring import Interop
from engine import Simulation, load_scenario
from tests.interop import servers
from tests.interop.servers import free_port


def _wait_until(check, what: str, deadline_s: float = 20.0):  # noqa: ANN001, ANN202
    """Poll ``check`` until it returns something truthy; fail naming ``what`` at the
    deadline (only real servers are waited for)."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            got = check()
        except httpx.HTTPError:
            got = None
        if got:
            return got
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


class Receiver(BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        self.bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def receiving() -> Iterator[tuple[str, list]]:
    """A real HTTP server on 127.0.0.1 keeping the JSON bodies posted to it."""
    class Handler(Receiver):
        bodies: list = []

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", Handler.bodies
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def routed(tmp_path: Path) -> Iterator[tuple[str, list]]:
    """A real Alertmanager of the test's own (alerts outlive a run by up to four minutes),
    whose one route sends to a webhook receiver: its URL, and what the receiver was sent."""
    with receiving() as (hook, bodies), servers.alertmanager(tmp_path,
                                                             receiver_url=hook) as server:
        yield server.url, bodies


@pytest.fixture
def webhook() -> Iterator[tuple[str, list]]:
    with receiving() as got:
        yield got


class Run:
    """shopfront, seed 3, with the pusher attached as a front end attaches it."""

    def __init__(self, **flags: object) -> None:
        self.sim = Simulation(load_scenario("shopfront"), seed=3)
        self.told: list[str] = []
        args = argparse.Namespace(**{"alertmanager": None, "webhook": None, **flags})
        push = AlertmanagerAttachment().start(args, self.sim, report=self.told.append)
        assert isinstance(push, AlertPush)
        self.push, self.interop = push, Interop(self.sim, [push])
        self.chat = ChatSession(self.sim)
        self.events: list = []
        self.sim.bus.subscribe(self.events.append)

    def until(self, kind: str, alert: str, limit_ms: int = 15 * 60_000) -> None:
        """Step 15 s at a time until the event comes (simulated time, bounded)."""
        end = self.sim.now + limit_ms
        while not any(e.type == kind and e.data["alert"] == alert for e in self.events):
            assert self.sim.now < end, f"no {kind} {alert} within the limit"
            self.sim.run_for(15_000)
            self.interop.stepped()
        assert self.push.flush()

    def close(self) -> None:
        self.interop.close()


def _active(url: str) -> dict[str, dict]:
    alerts = httpx.get(f"{url}/api/v2/alerts", params={"active": "true"}).json()
    return {f"{a['labels']['alertname']}/{a['labels'].get('service')}": a for a in alerts
            if a["labels"].get("scenario") == "shopfront"}


def test_an_injected_fault_fires_in_alertmanager_and_resolves(routed: tuple[str, list]) -> None:
    alertmanager, notified = routed
    run = Run(alertmanager=alertmanager)
    try:
        run.chat.submit("scale checkout to 0")
        run.until("alert.firing", "ServiceDown")
        alert = _wait_until(lambda: _active(alertmanager).get("ServiceDown/checkout"),
                            "ServiceDown in /api/v2/alerts")
        assert alert["labels"] == {"alertname": "ServiceDown", "severity": "critical",
                                   "scenario": "shopfront", "service": "checkout",
                                   "env": "production"}
        assert alert["fingerprint"] == fingerprint(alert["labels"])
        assert alert["annotations"]["summary"] == "checkout has no ready instance"
        assert "seed 3" in alert["annotations"]["description"]
        assert alert["generatorURL"].startswith("devsim://shopfront/alerts/")
        assert alert["status"]["state"] == "active"
        _wait_until(lambda: _notified(notified, "ServiceDown", "firing"),
                    "Alertmanager to route ServiceDown to its receiver")
        run.chat.submit("scale checkout to 2")
        run.until("alert.resolved", "ServiceDown")
        _wait_until(lambda: "ServiceDown/checkout" not in _active(alertmanager),
                    "ServiceDown to leave the active alerts")
        _wait_until(lambda: _notified(notified, "ServiceDown", "resolved"),
                    "Alertmanager to tell its receiver ServiceDown resolved")
        assert run.told == []  # a healthy endpoint is never mentioned
    finally:
        run.close()


def test_amtool_lists_and_silences_a_devsim_alert(routed: tuple[str, list]) -> None:
    amtool = servers.require("amtool")
    alertmanager = routed[0]
    run = Run(alertmanager=alertmanager)
    try:
        run.chat.submit("scale checkout to 0")
        run.until("alert.firing", "HighErrorRate")
        base = [amtool, f"--alertmanager.url={alertmanager}"]
        listed = _wait_until(lambda: json.loads(subprocess.run(  # noqa: S603
            [*base, "alert", "query", "alertname=HighErrorRate", "service=checkout",
             "-o", "json"], capture_output=True, text=True, check=True).stdout),
            "amtool to list HighErrorRate")
        assert listed[0]["labels"]["scenario"] == "shopfront"
        subprocess.run([*base, "silence", "add", "alertname=HighErrorRate",  # noqa: S603
                        "service=checkout", "--comment=on it", "--author=trainee"],
                       capture_output=True, text=True, check=True)
        silenced = _wait_until(lambda: _active_or_not(alertmanager, "HighErrorRate/checkout"),
                               "the silence to suppress the alert")
        assert silenced["status"]["state"] == "suppressed" and silenced["status"]["silencedBy"]
    finally:
        run.close()


def _notified(bodies: list, alertname: str, status: str) -> bool:
    """Alertmanager's own webhook told its receiver this alert has this status."""
    return any(a["status"] == status and a["labels"]["alertname"] == alertname
               and a["labels"].get("scenario") == "shopfront"
               for body in bodies for a in body["alerts"])


def _active_or_not(url: str, key: str) -> dict | None:
    alerts = httpx.get(f"{url}/api/v2/alerts").json()
    found = [a for a in alerts if a["labels"].get("scenario") == "shopfront"
             and f"{a['labels']['alertname']}/{a['labels'].get('service')}" == key
             and a["status"]["state"] == "suppressed"]
    return found[0] if found else None


def test_the_webhook_receives_firing_then_resolved(webhook: tuple[str, list]) -> None:
    url, bodies = webhook
    run = Run(webhook=[url])
    try:
        run.chat.submit("scale checkout to 0")
        run.until("alert.firing", "ServiceDown")
        first = bodies[0]
        assert first["version"] == "4" and first["status"] == "firing"
        assert first["alerts"][0]["labels"]["alertname"] == "ServiceDown"
        assert first["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z"
        run.chat.submit("scale checkout to 2")
        run.until("alert.resolved", "ServiceDown")
        resolved = [a for body in bodies for a in body["alerts"]
                    if a["status"] == "resolved" and a["labels"]["alertname"] == "ServiceDown"]
        assert len(resolved) == 1 and resolved[0]["startsAt"] == first["alerts"][0]["startsAt"]
    finally:
        run.close()


def test_a_dead_endpoint_is_told_once_and_the_run_goes_on() -> None:
    port = free_port()  # nothing listens there
    run = Run(alertmanager=f"http://127.0.0.1:{port}")
    try:
        run.chat.submit("scale checkout to 0")
        run.until("alert.firing", "HighErrorRate")
        run.sim.run_for(60_000)
        run.interop.stepped()
        assert run.push.flush()
        assert run.told == [f"alertmanager at http://127.0.0.1:{port} unreachable (connection "
                            "refused); alerts are kept and re-sent when it answers"]
    finally:
        run.close()


def test_the_attachment_is_in_the_interop_table() -> None:
    from devsim_tui.interop.wiring import _load

    assert any(a.name == "alertmanager" for a in _load())


@pytest.mark.parametrize("flags", [["--alertmanager", "ftp://127.0.0.1:9093"],
                                   ["--webhook", "127.0.0.1:5001/hook"]])
def test_devsim_run_refuses_a_bad_url_in_one_line(
        flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from devsim_tui.cli import main

    code = main(["run", "--speed", "1000", "--duration", "1m", "--no-record", *flags])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith(f"{flags[0]} '{flags[1]}': ") and "\n" not in err


def test_a_paced_run_pushes_to_alertmanager(routed: tuple[str, list], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from devsim_tui.cli import main

    script = tmp_path / "drill.txt"
    script.write_text("scale checkout to 0\nwait 2m\n")
    code = main(["run", "--script", str(script), "--speed", "600", "--no-record",
                 "--alertmanager", routed[0]])
    assert code == 0 and "unreachable" not in capsys.readouterr().err
    _wait_until(lambda: _active(routed[0]).get("ServiceDown/checkout"),
                "the paced run's ServiceDown in Alertmanager")
