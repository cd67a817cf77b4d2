"""The closing tables of a text-format run: services and databases over the whole run."""

from __future__ import annotations

from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engine import Snapshot, format_duration

__all__ = ["print_summary"]


def _availability_style(value: float) -> str:
    if value >= 0.999:
        return "green"
    if value >= 0.99:
        return "yellow"
    return "red"


def _pct(value: float, digits: int = 3) -> str:
    return f"{value * 100:.{digits}f}%"


def print_summary(summary: dict[str, Any], snapshot: Snapshot, out: TextIO) -> None:
    probe = Console(file=out)
    width = probe.width if probe.is_terminal else 140
    console = Console(file=out, highlight=False, soft_wrap=False, width=width)
    env = summary["environment"]
    events = ", ".join(f"{k} {v}" for k, v in summary["events"].items()) or "none"
    console.print(f"\n[bold]{summary['scenario']}[/bold] · {env} · "
                  f"{format_duration(summary['duration'] * 1000)} simulated · seed "
                  f"{summary['seed']} · events: {events}")
    services = Table(title="Services over the run", title_justify="left", expand=False)
    for header, justify in (("service", "left"), ("version", "left"), ("ready", "right"),
                            ("requests", "right"), ("availability", "right"),
                            ("errors", "right"), ("p99", "right"), ("now rps", "right"),
                            ("now p99", "right"), ("health", "left")):
        services.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for name, figures in summary["services"].items():
        row = snapshot.service(name, env)
        if row is None:
            continue
        style = _availability_style(figures["availability"])
        services.add_row(
            name, row.version, f"{row.ready}/{row.desired}", f"{figures['requests']:,}",
            f"[{style}]{_pct(figures['availability'])}[/]", _pct(figures["error_rate"], 2),
            f"{figures['p99_ms']:.0f} ms", f"{row.rps:.1f}", f"{row.p99_ms:.0f} ms",
            row.health.value)
    console.print(services)
    for kind in ("caches", "queues"):
        for name, figures in summary.get(kind, {}).items():
            console.print(f"{kind[:-1]} [bold]{name}[/bold]: {figures['requests']:,} operations, "
                          f"availability {_pct(figures['availability'])}, "
                          f"p99 {figures['p99_ms']:.1f} ms")
    if summary["databases"]:
        console.print(_databases(summary, snapshot, env))
    if "expectations" in summary:
        _print_expectations(console, summary["expectations"])


def _print_expectations(console: Console, report: dict[str, Any]) -> None:
    """'Expectations: 3 passed, 1 failed', then each failure with its line and reason."""
    counts = [f"[green]{report['passed']} passed[/]",
              f"[{'red' if report['failed'] else 'green'}]{report['failed']} failed[/]"]
    if report.get("skipped"):
        counts.append(f"{report['skipped']} not judged (dry run)")
    console.print(f"\n[bold]Expectations:[/bold] {', '.join(counts)}")
    for failure in report["failures"]:
        console.print(f"  [red]✗[/] line {failure['line']}: {escape(failure['text'])}\n"
                      f"      {escape(failure['reason'])}", soft_wrap=True)


def _databases(summary: dict[str, Any], snapshot: Snapshot, env: str) -> Table:
    databases = Table(title="Databases", title_justify="left")
    for header, justify in (("database", "left"), ("engine", "left"), ("nodes", "left"),
                            ("queries", "right"), ("availability", "right"),
                            ("p99", "right"), ("max lag", "right"), ("status", "left")):
        databases.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for name, figures in summary["databases"].items():
        db = snapshot.database(name, env)
        if db is None:
            continue
        nodes = " ".join(f"{n.name.rsplit('-', 1)[-1]}:{n.role[0].upper()}" for n in db.nodes)
        lag = max((n.lag_s for n in db.nodes), default=0.0)
        style = _availability_style(figures["availability"])
        databases.add_row(name, f"{db.engine} {db.version}", nodes, f"{figures['requests']:,}",
                          f"[{style}]{_pct(figures['availability'])}[/]",
                          f"{figures['p99_ms']:.1f} ms", f"{lag * 1000:.0f} ms", db.status)
    return databases
