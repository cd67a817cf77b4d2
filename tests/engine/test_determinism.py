"""Same scenario + seed ⇒ byte-identical events; another seed differs; memory stays bounded."""

from __future__ import annotations

import json

from engine import Simulation, load_scenario
from engine.metrics import M
from tests.conftest import build


def event_stream(seed: int, minutes: int = 90, scenario: str = "shopfront") -> bytes:
    sim = Simulation(load_scenario(scenario), seed=seed)
    lines: list[str] = []
    sim.bus.subscribe(lambda e: lines.append(json.dumps(e.to_dict(), separators=(",", ":"))))
    sim.run_for(minutes * 60_000)
    lines.append(json.dumps(sim.summary(), separators=(",", ":")))
    return "\n".join(lines).encode()


def test_same_seed_gives_identical_bytes() -> None:
    assert event_stream(11) == event_stream(11)


def test_another_seed_gives_another_run() -> None:
    assert event_stream(11) != event_stream(12)


def test_chunking_does_not_change_the_run() -> None:
    """Stepping in one go or tick by tick is the same run (front ends step in slices)."""
    whole = Simulation(load_scenario("shopfront"), seed=5)
    whole.run_for(600_000)
    sliced = Simulation(load_scenario("shopfront"), seed=5)
    for _ in range(600):
        sliced.step(1)
    assert whole.summary() == sliced.summary()
    assert whole.world.node_metrics.tobytes() == sliced.world.node_metrics.tobytes()


def _busy_run(chunks: list[int], minutes: int = 25) -> tuple[bytes, bytes]:
    """Shopfront through an incident: payments down then back, the sessions cache flushed, the
    orders-db primary killed; the engine computes quiet stretches many ticks at a time and
    falls back to one tick when a queue, a refusal or a failover carries between ticks."""
    from engine.instances import Role
    from engine.physics.messaging import flush

    sim = Simulation(load_scenario("shopfront"), seed=9)
    world = sim.world
    lines: list[str] = []
    sim.bus.subscribe(lambda e: lines.append(json.dumps(e.to_dict(), separators=(",", ":"))))
    payments, db = world.topo.find("payments"), world.topo.find("orders-db")
    sim.schedule(240_000, lambda: world.lifecycle.scale(payments, 0, sim.now))
    sim.schedule(420_000, lambda: world.lifecycle.scale(payments, 3, sim.now))
    sim.schedule(600_000, lambda: flush(world, world.topo.find("sessions")))
    sim.schedule(780_000, lambda: world.lifecycle.crash(
        int(world.inst.rows_of(db)[world.inst.role[world.inst.rows_of(db)] == Role.PRIMARY][0]),
        sim.now, "test"))
    done, i, total = 0, 0, minutes * 60
    while done < total:
        n = min(chunks[i % len(chunks)], total - done)
        sim.step(n)
        done, i = done + n, i + 1
    ring = sim.metrics.rings[0]
    return "\n".join(lines).encode(), ring.data.tobytes() + ring.hist.tobytes()


def test_batching_does_not_change_a_busy_run() -> None:
    """The same bytes whether the clock moves a tick at a time, all at once or in odd slices —
    through refusals, failovers, cache misses and scaling, not only in quiet times."""
    whole = _busy_run([25 * 60])
    assert b'"db.failover"' in whole[0]  # the incident happened
    assert whole == _busy_run([1])
    assert whole == _busy_run([7, 1, 30, 2])


def test_ring_buffers_stay_bounded_over_a_long_run() -> None:
    sim = build("""
        traffic: {rps: 50, entry: [app]}
        services: {app: {capacity: 100}}
    """)
    before = sim.metrics.nbytes()
    sim.run_for(8 * 3_600_000)
    assert sim.metrics.nbytes() == before
    node = sim.world.topo.find("app")
    fine_t, fine = sim.metrics.series(node, M.RPS, 900_000, sim.now)
    assert len(fine) == 900 and fine_t[-1] == sim.now  # 1 s for 15 minutes
    hour_t, hour = sim.metrics.series(node, M.RPS, 3_600_000, sim.now)
    assert len(hour) == 240 and (hour_t[1] - hour_t[0]) == 15_000  # 15 s means for the hour
    day_t, _ = sim.metrics.series(node, M.RPS, 5 * 3_600_000, sim.now)
    assert (day_t[1] - day_t[0]) == 15_000  # 15 s means cover 6 hours …
    week_t, week = sim.metrics.series(node, M.RPS, 8 * 3_600_000, sim.now)
    assert (week_t[1] - week_t[0]) == 300_000  # … 5 minute means beyond
    assert len(week) == 96


def test_coarse_tiers_hold_means_of_the_fine_samples() -> None:
    sim = build("""
        traffic: {rps: 50, entry: [app], noise: 0.2}
        services: {app: {capacity: 100}}
    """)
    sim.run_for(600_000)
    node = sim.world.topo.find("app")
    fine_t, fine = sim.metrics.series(node, M.RPS, 600_000, sim.now)
    hour_t, hour = sim.metrics.series(node, M.RPS, 3_600_000, sim.now)
    last = fine[-15:].mean()
    assert abs(hour[-1] - last) < 1e-3 * last
