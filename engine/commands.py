"""Commands: what a person asked for, as typed immutable values, and the ``Reply`` they get.

Every front end turns text into one of these (``devsim_tui.chatops.parse``) and hands it to
``Simulation.apply``. Field names are the argument names ``devsim parse`` prints (a stable
contract); units are fixed here: durations in seconds, latency in milliseconds, percentages
0–100.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

__all__ = [
    "COMMAND_TYPES", "Abort", "Ack", "Advance", "Alerts", "Anomalies", "Autoscale", "Backup",
    "ChaosList",
    "ChaosStop", "Command", "Deploy", "Explain", "Failover", "Help", "History", "InjectFault",
    "Pause", "Plan", "Promote", "Reply", "Restart", "Restore", "Resume", "Rewind", "Rollback",
    "Scale", "Silence", "Speed", "Status",
]


@dataclass(frozen=True, slots=True)
class Command:
    """Base of all commands. ``intent`` is the contract name; ``args()`` the present arguments."""

    intent: ClassVar[str] = ""
    changes_production: ClassVar[bool] = False
    rewrites_history: ClassVar[bool] = False  # (a rewind: not run again when time is re-run)

    def args(self) -> dict[str, Any]:
        """The arguments that were given (absent optional ones omitted), in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"intent": self.intent, "args": self.args()}

    def fixed_at(self, now_ms: int) -> Command:
        """This command with anything relative to the present made absolute at ``now_ms``: a
        front end that asks first runs what its question showed, however long the answer
        took while the clock ran on."""
        return self


@dataclass(frozen=True, slots=True)
class Deploy(Command):
    intent: ClassVar[str] = "deploy"
    changes_production: ClassVar[bool] = True
    service: str
    version: str
    env: str | None = None
    strategy: str | None = None
    canary_weight: float | None = None


@dataclass(frozen=True, slots=True)
class Rollback(Command):
    intent: ClassVar[str] = "rollback"
    changes_production: ClassVar[bool] = True
    service: str
    version: str | None = None
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Scale(Command):
    intent: ClassVar[str] = "scale"
    changes_production: ClassVar[bool] = True
    service: str
    replicas: int
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Restart(Command):
    intent: ClassVar[str] = "restart"
    changes_production: ClassVar[bool] = True
    service: str
    instance: str | None = None
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Autoscale(Command):
    intent: ClassVar[str] = "autoscale"
    changes_production: ClassVar[bool] = True
    service: str
    enabled: bool | None = None  # None: only the bounds or the target change
    min: int | None = None
    max: int | None = None
    target_cpu: float | None = None  # percent
    predictive: bool | None = None  # also scale ahead of the traffic forecast
    env: str | None = None


@dataclass(frozen=True, slots=True)
class InjectFault(Command):
    intent: ClassVar[str] = "chaos"
    changes_production: ClassVar[bool] = True
    fault: str
    target: str
    duration: int | None = None
    latency_ms: float | None = None
    percent: float | None = None
    count: int | None = None
    peer: str | None = None  # the other end of a link (partition, latency between two)
    env: str | None = None


@dataclass(frozen=True, slots=True)
class ChaosStop(Command):
    intent: ClassVar[str] = "chaos_stop"
    changes_production: ClassVar[bool] = True
    id: str | None = None
    target: str | None = None


@dataclass(frozen=True, slots=True)
class ChaosList(Command):
    intent: ClassVar[str] = "chaos_list"


@dataclass(frozen=True, slots=True)
class Failover(Command):
    intent: ClassVar[str] = "failover"
    changes_production: ClassVar[bool] = True
    database: str
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Backup(Command):
    intent: ClassVar[str] = "backup"
    changes_production: ClassVar[bool] = True
    database: str
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Restore(Command):
    intent: ClassVar[str] = "restore"
    changes_production: ClassVar[bool] = True
    database: str
    to: int | None = None  # seconds since the start: the newest backup taken by then
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Anomalies(Command):
    intent: ClassVar[str] = "anomalies"
    service: str | None = None
    since: int | None = None


@dataclass(frozen=True, slots=True)
class Status(Command):
    intent: ClassVar[str] = "status"
    target: str | None = None
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Alerts(Command):
    intent: ClassVar[str] = "alerts"
    state: str | None = None


@dataclass(frozen=True, slots=True)
class Ack(Command):
    intent: ClassVar[str] = "ack"
    alert: str


@dataclass(frozen=True, slots=True)
class Silence(Command):
    intent: ClassVar[str] = "silence"
    alert: str
    duration: int
    component: str | None = None  # only this component's alerts of that rule
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Pause(Command):
    intent: ClassVar[str] = "pause"


@dataclass(frozen=True, slots=True)
class Resume(Command):
    intent: ClassVar[str] = "resume"


@dataclass(frozen=True, slots=True)
class Speed(Command):
    intent: ClassVar[str] = "speed"
    factor: float


@dataclass(frozen=True, slots=True)
class Advance(Command):
    intent: ClassVar[str] = "advance"
    duration: int


@dataclass(frozen=True, slots=True)
class Rewind(Command):
    """Put the world back as it was earlier: ``duration`` seconds ago, or at ``to`` (seconds
    since the start)."""

    intent: ClassVar[str] = "rewind"
    changes_production: ClassVar[bool] = True
    rewrites_history: ClassVar[bool] = True
    duration: int | None = None
    to: int | None = None

    def fixed_at(self, now_ms: int) -> Command:
        if self.duration is None or self.duration <= 0 or now_ms < self.duration * 1000:
            return self  # (refused as it stands)
        return replace(self, duration=None, to=(now_ms - self.duration * 1000) // 1000)


@dataclass(frozen=True, slots=True)
class Explain(Command):
    intent: ClassVar[str] = "explain"
    target: str | None = None  # None: the whole estate
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Plan(Command):
    """A command asked about ("should I roll back checkout?"): what it would do, and the
    evidence for and against, without doing it."""

    intent: ClassVar[str] = "plan"
    command: Command

    def args(self) -> dict[str, Any]:
        return {"command": self.command.to_dict()}


@dataclass(frozen=True, slots=True)
class Help(Command):
    intent: ClassVar[str] = "help"
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Promote(Command):
    intent: ClassVar[str] = "promote"
    changes_production: ClassVar[bool] = True
    service: str
    env: str | None = None


@dataclass(frozen=True, slots=True)
class Abort(Command):
    intent: ClassVar[str] = "abort"
    changes_production: ClassVar[bool] = True
    service: str
    env: str | None = None


@dataclass(frozen=True, slots=True)
class History(Command):
    intent: ClassVar[str] = "history"
    service: str
    env: str | None = None


COMMAND_TYPES: dict[str, type[Command]] = {
    cls.intent: cls for cls in (
        Deploy, Rollback, Scale, Restart, Autoscale, InjectFault, ChaosStop, ChaosList, Failover,
        Backup, Restore,
        Anomalies, Status, Alerts, Ack, Silence, Pause, Resume, Speed, Advance, Rewind, Explain,
        Help, Promote, Abort, History, Plan)
}


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command did: whether it worked, a short message, and data for front ends."""

    ok: bool
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def noted(self, notes: tuple[str, ...]) -> Reply:
        """The same reply with what the parser assumed appended ("… (assuming checkout …)")."""
        if not notes:
            return self
        return Reply(self.ok, f"{self.message} ({'; '.join(notes)})", self.data)
