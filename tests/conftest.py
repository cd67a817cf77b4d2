"""Shared helpers: small seeded worlds built from inline YAML."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest

from engine import Simulation, parse_scenario


def build(yaml_text: str, seed: int = 7) -> Simulation:
    """A simulation of an inline scenario (dedented), with a fixed seed."""
    return Simulation(parse_scenario(textwrap.dedent(yaml_text), "<test>"), seed=seed)


QUIET = """
traffic:
  rps: {rps}
  entry: [front]
  diurnal: {{amplitude: 0}}
  noise: 0
"""


def single(rps: float, capacity: float = 100.0, replicas: int = 1, extra: str = "") -> Simulation:
    """One service, flat traffic without noise: the textbook queue."""
    return build(QUIET.format(rps=rps) + f"""
services:
  front:
    replicas: {replicas}
    capacity: {capacity}
    latency: 0ms
    timeout: 10s
{textwrap.indent(textwrap.dedent(extra), "    ")}
""")


@pytest.fixture
def make_sim():
    return build


@pytest.fixture(autouse=True, scope="session")
def private_data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session databases go to a temporary data directory, never the real home directory
    (subprocesses inherit it through the environment). Session-scoped, so that it is in place
    before any module-scoped fixture starts a process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
        yield
