"""Commands the language understands but this build of the engine does not simulate yet.

They parse (so scripts and drills can be written now) and answer honestly instead of
pretending: the reply says what was understood and that the capability is not there yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Anomalies, Command, Reply
from .registry import handles

__all__ = ["PENDING"]

if TYPE_CHECKING:
    from ..simulation import Simulation

_CAPABILITY = {Anomalies: "anomaly detection"}


PENDING: frozenset[str] = frozenset(cls.intent for cls in _CAPABILITY)


@handles(*_CAPABILITY)
def not_yet(sim: Simulation, cmd: Command) -> Reply:
    args = ", ".join(f"{k}={v}" for k, v in cmd.args().items())
    understood = f"{cmd.intent}({args})" if args else cmd.intent
    return Reply(False, f"understood {understood}, but {_CAPABILITY[type(cmd)]} are not "
                        "simulated in this version of devsim yet", {"understood": cmd.to_dict()})
