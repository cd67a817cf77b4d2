"""One instance as a queue: utilisation, latency percentiles, overload and its backlog.

Each ready instance is an M/M/1 server with service rate μ (its capacity, reduced by CPU
stress and by a version's CPU factor) fed λ requests/s:

- utilisation ρ = λ/μ;
- sojourn time W ~ Exp(μ − λ) while ρ < 1, so its q-quantile is  p_q = −ln(1 − q)/(μ − λ)
  and its mean 1/(μ − λ); the number in system is L = ρ/(1 − ρ)  (Little: L = λ·W);
- ρ is capped at ``RHO_MAX`` for the stationary part: so close to saturation a real queue never
  stays stationary long enough to reach the M/M/1 limit. Past μ the excess (λ − μ)·dt piles
  up as a fluid backlog b that adds b/μ to every request's wait and drains when load falls;
- the server queues at most ``QUEUE_SHARE`` of its clients' timeout worth of work
  (b ≤ μ·timeout·QUEUE_SHARE); beyond that it sheds load, rejecting arrivals (HTTP 503) —
  overflow fraction (λ − μ)/λ — so the requests it keeps can still finish in time instead of
  every request timing out in a full queue.

A request's own latency adds the service's fixed work (``latency``, scaled by the version's
latency factor, e.g. I/O waits that do not occupy the CPU): T = base + b/μ + W.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["QUANTILES", "QUEUE_SHARE", "RHO_MAX", "serve"]

RHO_MAX = 0.95
QUEUE_SHARE = 0.5
# multipliers of 1/(μ − λ) for the mean, p50, p95 and p99 of an exponential sojourn
QUANTILES = np.array([[1.0], [-math.log(0.5)], [-math.log(0.05)], [-math.log(0.01)]])


def serve(lam: np.ndarray, mu: np.ndarray, backlog: np.ndarray, base: np.ndarray,
          cap: np.ndarray, dt: float) -> tuple[np.ndarray, ...]:
    """Advance every instance's queue by ``dt`` seconds.

    Args:
        lam: offered requests/s per instance.
        mu: service rate per instance (requests/s), > 0.
        backlog: queued requests beyond the stationary queue (updated in place).
        base: fixed latency per request (s).
        cap: the most requests the backlog holds: μ × how long clients wait (their timeout).
        dt: tick length (s).

    Returns:
        (rho, latency, overflow, in_flight): utilisation; own latency as a (4, n) array of
        mean, p50, p95, p99 in seconds; the fraction of arrivals dropped (None when nothing
        overflowed); requests in the system.
    """
    rho = lam / mu
    inv = 1.0 / (mu * (1.0 - np.minimum(rho, RHO_MAX)))  # 1/(μ − λ), bounded near saturation
    overflow = None
    if dt and (backlog.any() or (rho > 1.0).any()):
        backlog += (lam - mu) * dt
        np.maximum(backlog, 0.0, out=backlog)
        over = backlog > cap
        if over.any():
            np.minimum(backlog, cap, out=backlog)
            overflow = np.maximum(lam - mu, 0.0) / np.maximum(lam, 1e-9) * over
        delay = base + backlog / mu
        in_flight = lam * (inv + base) + backlog
    else:
        delay = base
        in_flight = lam * (inv + base)
    # in_flight: L = ρ/(1−ρ) in the queue + λ·base in fixed work + the backlog itself
    latency = delay + QUANTILES * inv
    return rho, latency, overflow, in_flight
