"""Branches of a session's history: ``rewind`` forks a new one from the current one.

Branch 0 is the session from its start. A ``rewind`` event (fields ``from`` and ``to``, in
simulated seconds) starts branch N+1 with the current branch as its parent, forked at ``to``;
what follows belongs to it. A branch's linear history is its ancestors' commands given before
each fork (a rewind to T undoes the commands given at T or later), then its own, up to the
branch's last time; rewinds are left out (each branch's history ends where it was left).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Branch", "BranchBook", "linear_history"]


@dataclass(frozen=True, slots=True)
class Branch:
    id: int
    parent: int | None
    forked_at_ms: int  # where the parent's history was cut (0 for the root)
    forked_by: int | None = None  # the seq of the command that rewound, when known


class BranchBook:
    """The branches of one session and which one is being recorded."""

    def __init__(self, branches: Iterable[Branch] = (), current: int = 0) -> None:
        self.branches: dict[int, Branch] = {b.id: b for b in branches} or {0: Branch(0, None, 0)}
        if current not in self.branches:
            raise ValueError(f"no branch {current}")
        self.current = current

    def fork(self, to_ms: int, forked_by: int | None = None) -> Branch:
        """A rewind to ``to_ms``: the new branch, now current."""
        branch = Branch(max(self.branches) + 1, self.current, to_ms, forked_by)
        self.branches[branch.id] = branch
        self.current = branch.id
        return branch

    def lineage(self, branch_id: int) -> list[tuple[int, int | None]]:
        """(branch, cut-off ms or None for all of it) from the root down to ``branch_id``:
        each ancestor counts before the earliest fork below it."""
        if branch_id not in self.branches:
            known = ", ".join(str(b) for b in sorted(self.branches))
            raise KeyError(f"no branch {branch_id} (branches: {known})")
        chain: list[tuple[int, int | None]] = []
        cut: int | None = None
        node: Branch | None = self.branches[branch_id]
        while node is not None:
            chain.append((node.id, cut))
            cut = node.forked_at_ms if cut is None else min(cut, node.forked_at_ms)
            node = self.branches[node.parent] if node.parent is not None else None
        return chain[::-1]

    def forking_commands(self) -> set[int]:
        return {b.forked_by for b in self.branches.values() if b.forked_by is not None}


def linear_history(book: BranchBook, branch_id: int,
                   commands: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The commands (rows with ``branch``, ``seq``, ``t_ms``) that make up ``branch_id``'s
    history, in the order they were given."""
    cuts = dict(book.lineage(branch_id))
    forks = book.forking_commands()
    chosen = []
    for row in sorted(commands, key=lambda r: r["seq"]):
        if row["branch"] not in cuts or row["seq"] in forks:
            continue
        cut = cuts[row["branch"]]
        if cut is None or row["t_ms"] < cut:
            chosen.append(row)
    return chosen
