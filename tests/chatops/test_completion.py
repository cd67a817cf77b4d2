"""Completion knows each slot: what is typed → what is offered first, and what Tab inserts."""

from __future__ import annotations

import pytest

from devsim_tui.chatops import ParseContext
from devsim_tui.chatops.completion import KINDS, OVERRIDES, SimulationVersions, complete
from devsim_tui.chatops.registry import REGISTRY
from devsim_tui.widgets.command_bar import completions
from engine import Simulation, load_scenario
from engine.commands import Deploy

SPEC = load_scenario("shopfront")
NAMES = ParseContext.for_scenario(SPEC).names
SERVICES = list(SPEC.services)


class Versions:
    """Checkout has run 2.3.1 and 2.2.0; the scenario declares 2.4.0 and 2.10.0."""

    def deployable(self, service: str, env: str | None = None) -> list[str]:
        return ["2.10.0", "2.4.0", "2.2.0"] if service == "checkout" else []

    def previous(self, service: str, env: str | None = None) -> list[str]:
        return ["2.2.0"] if service == "checkout" else []


@pytest.mark.parametrize(("typed", "first"), [
    ("sca", ["scale"]),
    ("deploy che", ["checkout"]),
    ("deploy checkout ", ["2.10.0", "2.4.0", "2.2.0"]),  # versions, newest first: no names
    ("deploy checkout 2.4", ["2.4.0"]),
    ("ship checkout ", ["2.10.0"]),  # a synonym is the same command
    ("plan deploy checkout ", ["2.10.0"]),  # a question about a command completes that command
    ("deploy checkout 2.4.0 ", ["to", "canary", "blue-green", "rolling"]),
    ("deploy checkout 2.4.0 to ", ["production", "staging"]),
    ("deploy checkout 2.4.0 to prod", ["production"]),
    ("deploy checkout to ", ["production", "staging"]),  # "to" before the version: the env
    ("deploy checkout 2.4.0 as a ", ["canary", "blue-green", "rolling"]),
    ("roll back ", SERVICES[:3]),
    ("roll back checkout to ", ["2.2.0"]),  # where it can go back to
    ("scale ", SERVICES[:2]),
    ("scale checkout ", ["to"]),
    ("scale checkout to ", []),  # a number goes there: nothing silly
    ("scale checkout to 3 ", ["in"]),
    ("scale checkout to 3 in ", ["production", "staging"]),
    ("inject ", ["instance-kill", "crash-loop", "latency"]),
    ("inject cache", ["cache-flush"]),
    ("inject latency ", SERVICES[:2]),
    ("inject latency into pay", ["payments", "payment-provider"]),
    ("add 300ms of l", ["latency"]),  # nothing of the slot's: every known word
    ("fail over ", ["orders-db", "users-db"]),
    ("fail over ord", ["orders-db"]),
    ("fail over orders-db in ", ["production", "staging"]),
    ("backup ", ["orders-db", "users-db"]),
    ("restore orders-db to ", []),  # a time
    ("status of che", ["checkout"]),
    ("silence ", ["ServiceDown", "HighErrorRate"]),
    ("silence HighErrorRate ", ["for"]),
    ("silence HighErrorRate for ", []),
    ("alerts ", ["firing", "all"]),
    ("autoscale web ", ["on", "off"]),
    ("help ", ["deploy", "rollback"]),
    ("promote ", SERVICES[:1]),
])
def test_each_slot_offers_what_it_takes(typed: str, first: list[str]) -> None:
    got = complete(typed, NAMES, versions=Versions())
    assert got[:len(first)] == first
    if not first:
        assert got == []


@pytest.mark.parametrize(("typed", "inserted"), [
    ("sca", "scale "),
    ("scale", "scale "),  # a whole word: the space only
    ("deploy checkout", "deploy checkout "),
    ("deploy checkout ", "deploy checkout 2.10.0 "),
    ("fail over ord", "fail over orders-db "),
    ("deploy checkout 2.4.0 to st", "deploy checkout 2.4.0 to staging "),
    ("inject cache", "inject cache-flush "),
])
def test_tab_inserts_the_whole_word_and_a_space(typed: str, inserted: str) -> None:
    assert completions(typed, NAMES, Versions())[0] == inserted


def test_scale_to_offers_nothing_to_insert() -> None:
    assert completions("scale checkout to ", NAMES, Versions()) == []


def test_every_slot_kind_of_the_registry_is_in_the_table() -> None:
    kinds = {slot.kind for spec in REGISTRY for slot in spec.slots}
    assert kinds <= set(KINDS)
    slots = {(spec.intent, slot.name) for spec in REGISTRY for slot in spec.slots}
    assert set(OVERRIDES) <= slots  # an override names a real slot of a real command


def test_versions_come_from_the_scenario_and_the_deploy_history() -> None:
    sim = Simulation(SPEC, seed=7)
    versions = SimulationVersions(sim)
    assert versions.deployable("checkout") == ["2.4.0"]  # declared; 2.3.1 runs already
    assert versions.previous("checkout") == []
    assert sim.apply(Deploy("checkout", "2.3.5", None, "rolling", None)).ok
    sim.run_for(3 * 60_000)  # a rolling deploy of two instances: done in two minutes
    assert not sim.deploys.active
    assert versions.deployable("checkout")[:2] == ["2.4.0", "2.3.1"]  # 2.3.5 runs now
    assert versions.previous("checkout") == ["2.3.1"]
    assert complete("roll back checkout to ", NAMES, versions=versions) == ["2.3.1"]
    assert versions.deployable("nonesuch") == []
