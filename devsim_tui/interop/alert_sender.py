"""One endpoint's delivery thread: the stepping thread only enqueues (never waits), the thread
folds the messages into its outbox and delivers when something changed, when a re-send falls
due, or — while the endpoint fails — when the back-off says to try again.

Messages: ``("fire", record, wall)``, ``("resolve", record, wall)``, ``("sync", records,
wall)``, ``("flush", threading.Event)`` and ``("stop", None)``. The queue is bounded: when it
is full a message is refused and the caller follows up with a ``sync`` of the whole firing set.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from .alert_delivery import Health, Poster
from .alert_outbox import Outbox

__all__ = ["Encoder", "Sender"]

Encoder = Callable[[list[dict[str, Any]], float], Any]  # (batch, wall now) -> JSON body
QUEUE_SIZE = 1000
RETRY_BASE, RETRY_CAP = 5.0, 60.0  # seconds between tries while the endpoint fails


class Sender:
    def __init__(self, poster: Poster, health: Health, outbox: Outbox, encode: Encoder, *,
                 clock: Callable[[], float] = time.time, queue_size: int = QUEUE_SIZE,
                 start: bool = True) -> None:
        self.poster, self.health, self.outbox, self.encode = poster, health, outbox, encode
        self.clock = clock
        self.queue: queue.Queue[tuple[str, Any, float]] = queue.Queue(maxsize=queue_size)
        self.retry_at = 0.0
        self._thread = threading.Thread(target=self._run, name="devsim-alerts", daemon=True)
        if start:
            self._thread.start()

    # the stepping thread -------------------------------------------------------------------

    def offer(self, kind: str, payload: Any, wall: float = 0.0) -> bool:
        """Enqueue without waiting; False when the queue is full (the message is dropped)."""
        try:
            self.queue.put_nowait((kind, payload, wall))
        except queue.Full:
            return False
        return True

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until what was enqueued so far has been folded in and one delivery tried
        (for tests and for a run's end); False if that took longer than ``timeout``."""
        done = threading.Event()
        try:
            self.queue.put(("flush", done, 0.0), timeout=timeout)
        except queue.Full:
            return False
        return done.wait(timeout)

    def close(self, timeout: float = 3.0) -> None:
        """Try once more to deliver what is pending, then stop (at most ``timeout``)."""
        if self._thread.is_alive():
            try:
                self.queue.put(("stop", None, 0.0), timeout=timeout)
            except queue.Full:
                pass
            self._thread.join(timeout)
        if not self._thread.is_alive():  # else it is still in a request: left to end with us
            self.poster.close()

    # the delivery thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            wait = self._wait(self.clock())
            try:
                messages = [self.queue.get(timeout=wait)]
            except queue.Empty:
                messages = []
            while True:
                try:
                    messages.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            flushes = [m[1] for m in messages if m[0] == "flush"]
            stop = any(m[0] == "stop" for m in messages)
            for message in messages:
                self.apply(message)
            self.step(self.clock(), force=bool(flushes) or stop)
            for done in flushes:
                done.set()
            if stop:
                return

    def _wait(self, now: float) -> float | None:
        if self.health.failing and self.outbox.pending():
            return max(0.0, self.retry_at - now)
        if self.outbox.due(now):
            return 0.0
        due = self.outbox.next_due()
        return None if due is None else max(0.0, due - now)

    def apply(self, message: tuple[str, Any, float]) -> None:
        kind, payload, wall = message
        if kind == "fire":
            self.outbox.fire(payload, wall)
        elif kind == "resolve":
            self.outbox.resolve(payload, wall)
        elif kind == "sync":
            self.outbox.sync(payload, wall)

    def step(self, now: float, *, force: bool = False) -> None:
        """Deliver if due: a change, a re-send, or a retry once the back-off has passed
        (``force``: whatever the back-off says, one try while the endpoint fails, so that a
        flush or a stop is not held up by retries to an endpoint known to be down)."""
        if self.health.failing:
            if not self.outbox.pending() or (now < self.retry_at and not force):
                return
        elif not self.outbox.due(now):
            return
        batch = self.outbox.batch()
        once = force and self.health.failing
        attempt = self.poster.post(self.encode(batch, now), attempts=1 if once else None)
        self.health.record(attempt, pending=len(batch))
        if attempt.ok:
            self.outbox.delivered(batch, now)
        else:
            wait = min(RETRY_CAP, RETRY_BASE * 2 ** (self.health.failures - 1))
            self.retry_at = now + wait
