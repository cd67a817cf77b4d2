"""One readable line per event for ``--format text``: the simulated time, the type, the facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import Event, format_clock
from engine.wording import counted

__all__ = ["format_event"]


def _where(d: dict[str, Any]) -> str:
    env = d.get("env")
    return f" ({env})" if env and env != "production" else ""


_FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {
    "scale": lambda d: f"{d['service']}{_where(d)} {d['from']} → {counted(d['to'], 'instance')} — "
                       f"{d.get('reason', '')}",
    "instance.crashed": lambda d: f"{d['instance']}{_where(d)} crashed: {d.get('reason', '')}; "
                                  f"restart in {d.get('restart_in_s', 0):g}s",
    "instance.restarted": lambda d: f"{d['instance']}{_where(d)} restarted "
                                    f"(restarts: {d.get('restarts', 0)})",
    "deploy.started": lambda d: f"{d['service']}{_where(d)} {d.get('from', '?')} → "
                                f"{d['version']} ({d['strategy']})",
    "deploy.step": lambda d: f"{d['service']}{_where(d)} {d['version']}: {d.get('step', '')}"
                             + (f" — analysis {d['verdict']}" if d.get("verdict") else "")
                             + (f": {d['reason']}" if d.get("reason") else ""),
    "deploy.completed": lambda d: f"{d['service']}{_where(d)} now runs {d['version']} "
                                  f"({d['strategy']})",
    "deploy.aborted": lambda d: f"{d['service']}{_where(d)} {d['version']} aborted: "
                                f"{d.get('reason', '')}",
    "deploy.rolled_back": lambda d: f"{d['service']}{_where(d)} back on "
                                    f"{d.get('to', d['version'])}",
    "command": lambda d: f"> {d['text']}\n{'':31}{'✓' if d['ok'] else '✗'} {d['reply']}",
    "chaos.started": lambda d: f"#{d['id']} {d['fault']} on {d['target']}{_where(d)}"
                               + (f" ({', '.join(d['affected'])})" if d.get("affected") else "")
                               + ("" if d.get("ends_s") is None else
                                  f", until {format_clock(int(d['ends_s'] * 1000))}")
                               + (" [hidden]" if d.get("hidden") else ""),
    "chaos.ended": lambda d: f"#{d['id']} {d['fault']} on {d['target']}{_where(d)} ended: "
                             f"{d.get('reason', '')}",
    "db.backup": lambda d: f"{d['database']}{_where(d)} backed up in {d.get('took_s', 0):g}s",
    "db.restore": lambda d: f"{d['database']}{_where(d)} restored to "
                            f"{format_clock(int(d.get('point_s', 0) * 1000))}; "
                            f"{d.get('lost_writes', 0)} writes lost",
    "db.failover.started": lambda d: f"{d['database']}{_where(d)}: failing over to "
                                     f"{d.get('candidate', '?')} ({d.get('reason', '')})",
    "db.failover": lambda d: f"{d['database']}{_where(d)}: {d['new_primary']} promoted to primary "
                             f"after {d.get('downtime_s', 0):g}s; {d['lost_writes']} writes lost "
                             f"({d.get('reason', '')})",
    "alert.firing": lambda d: f"#{d['id']} {d['alert']} [{d['severity']}]{_where(d)}: "
                              f"{d.get('summary', '')}" + _muted(d),
    "alert.resolved": lambda d: f"#{d['id']} {d['alert']}{_where(d)} on {d.get('service') or '—'}"
                                f" resolved after {d.get('lasted_s', 0):g}s" + _muted(d),
    "expect.passed": lambda d: f"✓ line {d['line']}: {d['text']} — {d['reason']}",
    "expect.failed": lambda d: f"✗ line {d['line']}: {d['text']} — {d['reason']}",
    "expect.skipped": lambda d: f"- line {d['line']}: {d['text']} — {d['reason']}",
    "rewind": lambda d: f"back from {format_clock(int(d['from'] * 1000))} to "
                        f"{format_clock(int(d['to'] * 1000))}; what follows is a new branch",
}


def _muted(d: dict[str, Any]) -> str:
    return " [silenced]" if d.get("silenced") else " [inhibited]" if d.get("inhibited") else ""


def format_event(event: Event) -> str:
    data = event.data
    formatter = _FORMATS.get(event.type)
    if formatter is not None:
        text = formatter(data)
    else:
        text = ", ".join(f"{k}={v}" for k, v in data.items())
    return f"[{format_clock(event.t)}] {event.type:<20} {text}"
