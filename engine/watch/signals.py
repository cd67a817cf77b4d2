"""What the event stream tells an operator that the metric table does not: restarts, open
circuit breakers, and whether each database has a primary.

Each is kept as of the event that changed it (the subscriber runs when the event is published,
at its own simulated time), so a rule evaluated for a sample sees exactly the events up to that
sample's time.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import TYPE_CHECKING

import numpy as np

from ..instances import Role, State

if TYPE_CHECKING:
    from ..events import Event
    from ..world import World

__all__ = ["Signals"]

KEEP_MS = 3_600_000


class Signals:
    """Per component: crash times, open breakers and whether a database's primary is up.

    Events may arrive ahead of the sample being evaluated (a batch of ticks runs before the
    watch catches up), so changes wait in ``pending`` until ``advance`` reaches their time.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        topo = world.topo
        self.index = {(n.name, n.env): n.index for n in topo.nodes}
        self.crashes: dict[int, deque[int]] = defaultdict(deque)
        self.pending: deque[tuple[int, str, int, bool]] = deque()  # (t, what, node, on?)
        self.breakers = np.zeros(topo.size)  # open breakers on each caller's calls
        self.primary = np.ones(topo.size)  # 0 where a database has no ready primary
        self._up = {int(n): self._primary_up(int(n)) for n in np.flatnonzero(topo.is_db)}
        for node, up in self._up.items():
            self.primary[node] = float(up)

    def on_event(self, event: Event) -> None:
        data = event.data
        node = self.index.get((data.get("service") or data.get("database"), data.get("env")))
        if node is None:
            return
        if event.type == "instance.crashed":
            self.crashes[node].append(event.t)
        elif event.type in ("breaker.opened", "breaker.closed"):
            self.pending.append((event.t, "breaker", node, event.type == "breaker.opened"))
        if node in self._up and (event.type.startswith("instance.")
                                 or event.type.startswith("db.")):
            up = self._primary_up(node)
            if up != self._up[node]:
                self._up[node] = up
                self.pending.append((event.t, "primary", node, up))

    def _primary_up(self, node: int) -> bool:
        inst = self.world.inst
        mine = inst.node == node
        return bool(np.any(mine & (inst.role == Role.PRIMARY) & (inst.state == State.READY)))

    def advance(self, t: int) -> None:
        """Apply the changes up to ``t``."""
        while self.pending and self.pending[0][0] <= t:
            _, what, node, on = self.pending.popleft()
            if what == "breaker":
                self.breakers[node] = max(self.breakers[node] + (1 if on else -1), 0)
            else:
                self.primary[node] = float(on)
        for times in self.crashes.values():
            while times and times[0] <= t - KEEP_MS:
                times.popleft()

    def restarts(self, t: int, window_ms: int) -> np.ndarray:
        """Crashes per component in the window ending at ``t``."""
        out = np.zeros(len(self.breakers))
        for node, times in self.crashes.items():
            out[node] = sum(1 for c in times if t - window_ms < c <= t)
        return out
