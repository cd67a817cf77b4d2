"""``rewind``: the world as it was earlier, to try another way (``engine.checkpoints``).

``rewind 10m`` goes back ten simulated minutes, ``rewind to 00:09:42`` to that time. The
commands given since are undone; the reply names them. Its pre-flight check refuses what
cannot be done (forward, before the start, earlier than the oldest checkpoint kept), and its
preview — what a confirmation shows — says what would be undone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Reply, Rewind
from ..durations import format_clock, format_duration
from ..wording import counted
from .checks import checks
from .plan import previews
from .registry import handles

if TYPE_CHECKING:
    from ..checkpoints import Applied
    from ..simulation import Simulation

__all__ = ["rewind"]

NAMED = 3  # commands named in a reply; the rest are counted
PREVIEWED = 6  # … and in a preview (with their times)


def _target(sim: Simulation, cmd: Rewind) -> int | None:
    """The simulated time to go back to (ms), or None when the command names none."""
    if cmd.to is not None:
        return cmd.to * 1000
    if cmd.duration is not None:
        return sim.now - cmd.duration * 1000
    return None


@checks(Rewind)
def _check(sim: Simulation, cmd: Rewind) -> str | None:
    target = _target(sim, cmd)
    if target is None:
        return "rewind how far? e.g. 'rewind 10m' or 'rewind to 00:09:42'"
    if cmd.duration is not None and cmd.duration <= 0:
        return f"rewind by a positive duration, not {cmd.duration}s"
    if cmd.duration is not None and target < 0:
        return (f"cannot rewind {format_duration(cmd.duration * 1000)}: it is only "
                f"{format_clock(sim.now)} since the start ('rewind to 00:00:00' goes there)")
    return sim.checkpoints.refusal(target)


def _listed(undone: list[Applied], most: int = NAMED, when: bool = False) -> str:
    """``3 commands (deploy checkout 2.5.0, scale cart to 4, …)``, with their times if
    ``when``."""
    if not undone:
        return "no commands"
    names = [f"{e.label} at {format_clock(e.t)}" if when else e.label for e in undone[:most]]
    names += ["…"] if len(undone) > most else []
    return f"{counted(len(undone), 'command')} ({', '.join(names)})"


@previews(Rewind)
def _preview(sim: Simulation, cmd: Rewind) -> str:
    target = _target(sim, cmd)
    if target is None or _check(sim, cmd) is not None:
        return "rewind (but it cannot run now)"
    undone = sim.checkpoints.undone_by(target)
    return (f"go back {format_duration(sim.now - target)} to {format_clock(target)}; "
            f"undoes: {_listed(undone, PREVIEWED, when=True)}; kept: the clock's speed and "
            "pause")


@handles(Rewind)
def rewind(sim: Simulation, cmd: Rewind) -> Reply:
    problem = _check(sim, cmd)
    if problem is not None:
        return Reply(False, problem)
    target = _target(sim, cmd)
    assert target is not None
    start = sim.now
    undone = sim.checkpoints.rewind(target)
    done = f"undid {_listed(undone)}" if undone else "no command to undo"
    back = format_duration(start - target) if start > target else "0s"
    return Reply(True, f"rewound {back}: now "
                       f"{format_clock(target)}; {done}",
                 {"from": start / 1000, "to": target / 1000,
                  "undone": [e.label for e in undone]})
