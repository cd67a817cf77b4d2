"""An expectation as read from a script line, and the forms it may take.

Each form is declared once here: its words (``FORMS``, read by the grammar), whether it waits
for something to happen (an *event* form, judged by the end of the run) or states how things
are (a *state* form, judged at its line), and how it reads back in a failure ("expected …").
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import format_duration

__all__ = ["Expectation", "Form", "Lit", "Opt", "Slot", "FORMS"]


@dataclass(frozen=True, slots=True)
class Lit:
    """A word (or one of its spellings) that must be there; the first is how it is written."""

    words: tuple[str, ...]

    @classmethod
    def of(cls, *words: str) -> Lit:
        return cls(words)


@dataclass(frozen=True, slots=True)
class Slot:
    """A value read by the reader named ``kind`` (see ``grammar.READERS``) into ``field``."""

    kind: str
    field: str


@dataclass(frozen=True, slots=True)
class Opt:
    """Optional words: present when the first of them is."""

    parts: tuple[Lit | Slot, ...]


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    event: bool  # waits for something to happen (else: states how things are)
    parts: tuple[Lit | Slot | Opt, ...]
    usage: str

    @property
    def heads(self) -> tuple[str, ...]:
        first = self.parts[0]
        return first.words if isinstance(first, Lit) else BUDGET_WORDS


BUDGET_WORDS = ("error", "availability", "latency")
_ON = Opt((Lit.of("on"), Slot("component", "on")))

FORMS: tuple[Form, ...] = (
    Form("deploy", True, (Lit.of("deploy"), Slot("service", "subject"), Slot("outcome", "word")),
         "deploy SERVICE completed|aborted|rolled_back"),
    Form("alert", True, (Lit.of("alert"), Slot("alert", "subject"), _ON, Lit.of("firing")),
         "alert NAME [on COMPONENT] firing"),
    Form("alert_not", False, (Lit.of("alert"), Slot("alert", "subject"), _ON, Lit.of("not"),
                              Lit.of("firing")), "alert NAME [on COMPONENT] not firing"),
    Form("no_alerts", False, (Lit.of("no"), Lit.of("alerts", "alert"), Lit.of("firing")),
         "no alerts firing"),
    Form("anomaly", True, (Lit.of("anomaly", "anomalies"), Lit.of("on"),
                           Slot("component", "subject")), "anomaly on COMPONENT"),
    Form("no_anomaly", False, (Lit.of("no"), Lit.of("anomaly", "anomalies"), Lit.of("on"),
                               Slot("component", "subject")), "no anomaly on COMPONENT"),
    Form("availability", False, (Lit.of("availability"), Opt((Lit.of("of"),)),
                                 Slot("component", "subject"), Slot("op", "op"),
                                 Slot("percent", "value")), "availability COMPONENT >= P%"),
    Form("budget", False, (Slot("budget", "word"), Lit.of("budget"), Opt((Lit.of("of"),)),
                           Slot("service", "subject"), Slot("op", "op"),
                           Slot("percent", "value")), "error budget SERVICE >= P%"),
    Form("no_lost_writes", False, (Lit.of("no"), Lit.of("lost"), Lit.of("writes", "write"),
                                   Opt((Lit.of("on"), Slot("database", "on")))),
         "no lost writes [on DATABASE]"),
)
FORM_BY_NAME = {f.name: f for f in FORMS}


@dataclass(frozen=True, slots=True)
class Expectation:
    """One ``expect`` line: where it is, what it says, and the form's values."""

    line: int
    col: int
    text: str  # the line as written (without its comment)
    form: str
    subject: str | None = None  # the service, component or alert rule
    on: str | None = None  # the component an alert is on; the database that lost writes
    word: str | None = None  # the deploy outcome; the budget (error, availability, latency)
    op: str | None = None
    value: float | None = None  # a percentage
    within_ms: int | None = None

    @property
    def event(self) -> bool:
        """True for forms that wait for something to happen (judged by the end of the run
        without ``within``); False for forms that state how things are (judged at the line)."""
        return FORM_BY_NAME[self.form].event

    def expected(self) -> str:
        """How the expectation reads after "expected" in a failure's reason."""
        what = _EXPECTED[self.form](self)
        return what + (f" within {format_duration(self.within_ms)}" if self.within_ms else "")


_EXPECTED = {
    "deploy": lambda x: (x.word or "").replace("_", " "),
    "alert": lambda x: f"{x.subject} firing" + (f" on {x.on}" if x.on else ""),
    "alert_not": lambda x: f"{x.subject} not firing" + (f" on {x.on}" if x.on else ""),
    "no_alerts": lambda x: "no alerts firing",
    "anomaly": lambda x: f"an anomaly on {x.subject}",
    "no_anomaly": lambda x: f"no anomaly on {x.subject}",
    "availability": lambda x: f"{x.op} {x.value:g}%",
    "budget": lambda x: f"{x.op} {x.value:g}%",
    "no_lost_writes": lambda x: "no lost writes",
}
