"""What a conversation remembers between commands, and what the parser assumed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .names import NameIndex

if TYPE_CHECKING:
    from engine import ScenarioSpec
    from engine.commands import Command

__all__ = ["ParseContext"]

_TARGET_FIELDS = ("service", "target", "database")


@dataclass
class ParseContext:
    """Names of the loaded scenario plus the thread of the conversation.

    ``notes`` holds what the last parse assumed or corrected ("assuming checkout …"); front ends
    show it with the reply.
    """

    names: NameIndex
    last_target: str | None = None
    last_env: str | None = None  # the environment the last subject was in, when one was named
    last_intent: str | None = None
    last_alert: str | None = None
    last_fault_target: str | None = None
    versions: dict[str, str] = field(default_factory=dict)  # service -> last version named
    speed: float = 1.0
    notes: list[str] = field(default_factory=list)
    # set while one command is parsed: the environment that came with a subject from context
    assumed_env: str | None = None
    # hooks the parser provides to builders that need the language as a whole (a question
    # reads the command inside it; help finds the command a topic names)
    reparse: Callable[[str], Command] | None = None
    scores: Callable[[str], dict[str, float]] | None = None
    stem_intent: Callable[[str], str | None] | None = None

    @classmethod
    def for_scenario(cls, spec: ScenarioSpec, alerts: list[str] | None = None) -> ParseContext:
        return cls(NameIndex.from_scenario(spec, alerts))

    def remember(self, command: Command) -> None:
        """Carry the command's subject into the next one ('roll it back')."""
        args = command.args()
        if command.intent == "plan":  # a question about a command sets its subject too
            args = args["command"]["args"]
        self.last_intent = command.intent
        if command.intent == "chaos" and isinstance(args.get("target"), str):
            self.last_fault_target = args["target"]
        if isinstance(args.get("alert"), str):
            self.last_alert = args["alert"]
        if isinstance(args.get("version"), str) and isinstance(args.get("service"), str):
            self.versions[args["service"]] = args["version"]
        for key in _TARGET_FIELDS:
            value = args.get(key)
            if isinstance(value, str) and self.names.kind(value) is not None:
                self.last_target = value
                self.last_env = args.get("env") if isinstance(args.get("env"), str) else None
                return
