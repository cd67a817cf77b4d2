"""``devsim validate FILE``: check a scenario file and report every problem, one per line."""

from __future__ import annotations

import argparse

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a scenario file (YAML)")


def execute(args: argparse.Namespace) -> int:
    from pathlib import Path

    from engine import ScenarioError, load_scenario

    if not Path(args.file).is_file():
        raise ScenarioError(args.file, [_problem("no such file")])
    spec = load_scenario(args.file)
    print(f"{args.file}: ok — scenario {spec.name!r}: {len(spec.services)} services, "
          f"{len(spec.databases)} databases, {len(spec.caches)} caches, {len(spec.queues)} "
          f"queues, environments {', '.join(spec.environments)}")
    return 0


def _problem(message: str):  # noqa: ANN202
    from engine.scenario.yaml_source import Problem

    return Problem((), message)
