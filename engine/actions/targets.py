"""Finding the component a command names, with the refusal a person would want to read."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..commands import Reply
from ..topology import NodeInfo

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["find_node"]


def find_node(sim: Simulation, name: str, env: str | None, kinds: tuple[str, ...] = (),
              what: str = "component") -> NodeInfo | Reply:
    """The node named ``name`` in ``env`` (default: the primary environment), or a refusal."""
    topo = sim.world.topo
    env = env or sim.spec.primary_environment
    if env not in topo.envs:
        return Reply(False, f"there is no {env} environment here (environments: "
                            f"{', '.join(topo.envs)})")
    index = topo.find(name, env)
    if index is None:
        names = topo.names_in(env)
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        where = "" if env == sim.spec.primary_environment else f" in {env}"
        return Reply(False, f"there is no {what} called {name}{where}{hint}")
    info = topo.nodes[index]
    if kinds and info.kind not in kinds:
        options = ", ".join(n.name for n in topo.nodes if n.env == env and n.kind in kinds)
        return Reply(False, f"{name} is a {info.kind}, not a {' or '.join(kinds)}"
                            + (f" ({' or '.join(kinds)}s: {options})" if options else ""))
    return info
