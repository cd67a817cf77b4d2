"""``devsim scenarios``: the built-in scenarios, one line each (or JSON)."""

from __future__ import annotations

import argparse
import json

from engine.wording import counted

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="a JSON list instead of a table")


def execute(args: argparse.Namespace) -> int:
    from engine import builtin_scenarios, load_scenario

    rows = []
    for name in builtin_scenarios():
        spec = load_scenario(name)
        rows.append({"name": name, "title": spec.title, "environments": list(spec.environments),
                     "services": len(spec.services), "databases": len(spec.databases)})
    if args.json:
        print(json.dumps(rows))
        return 0
    width = max(len(r["name"]) for r in rows) if rows else 0
    for r in rows:
        envs = "/".join(r["environments"])
        print(f"{r['name']:<{width}}  {r['title']}  [{counted(r['services'], 'service')}, "
              f"{counted(r['databases'], 'database')}; {envs}]")
    return 0
