"""``help`` and ``help TOPIC``, written from the registry so they never disagree with the parser."""

from __future__ import annotations

from engine.faults import FAULTS

from .registry import REGISTRY, spec_for

__all__ = ["help_text"]

_GROUPS = (("delivery", "Deploying"), ("capacity", "Capacity"), ("databases", "Databases"),
           ("chaos", "Chaos"), ("observe", "Looking"), ("time", "Time and help"))


def help_text(topic: str | None = None) -> str:
    """The overview, or one command's arguments, synonyms and examples (plain text)."""
    if topic is None:
        lines = ["Type what you want in plain words; these are the things I understand:"]
        for group, title in _GROUPS:
            lines.append(f"\n{title}")
            for spec in REGISTRY:
                if spec.group == group:
                    lines.append(f"  {spec.intent:<11} {spec.summary} — e.g. "
                                 f"'{spec.examples[0]}'")
        lines.append("\n'help TOPIC' for one command, e.g. 'help chaos'. Durations: 90s, 5m, "
                     "1h30m, 'half an hour'. Names forgive typos.")
        return "\n".join(lines)
    spec = spec_for(topic)
    lines = [f"{spec.intent}: {spec.summary}"]
    if spec.slots:
        lines.append("arguments:")
        for slot in spec.slots:
            need = "required" if slot.required else "optional"
            lines.append(f"  {slot.name:<14} {need:<8} {slot.help}")
    if spec.synonyms:
        lines.append("also said as: " + ", ".join(spec.synonyms))
    lines.append("examples:")
    lines += [f"  {example}" for example in spec.examples]
    if spec.intent == "chaos":
        lines.append("faults:")
        lines += [f"  {f.name:<19} {f.summary}" for f in FAULTS]
    return "\n".join(lines)
