"""Scenario validation: every malformed file gives located, readable problems, never a traceback.

Each case is a small scenario built on ``BASE`` with one thing wrong; the expected problem is
pinned by line (and column), key path and a fragment of the message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, replace

import pytest

from engine.scenario import (
    ScenarioError, builtin_scenarios, docs, load_scenario, parse_scenario,
)
from engine.scenario.schema import SCENARIO
from engine.scenario.schema_types import Field, MapOf
from engine.scenario.spec import BreakerSpec, CallSpec, ClusterSpec, LivenessSpec, ResourcesSpec
from engine.scenario.yaml_source import dotted_path

FILE = "estate.yaml"

# Lines 1-11; an appended "    key: value" lands on line 12 under services.api, an appended
# unindented key on line 12 at the top level.
BASE = """\
name: tiny
zones: [zone-a, zone-b]
databases:
  orders-db: {}
queues:
  events: {}
services:
  web:
    calls: [api]
  api:
    replicas: 2
"""


def base(*lines: str, old: str = "", new: str = "") -> str:
    """``BASE`` with ``old`` replaced by ``new`` and ``lines`` appended."""
    text = BASE.replace(old, new, 1) if old else BASE
    assert not old or old in BASE
    return text + "".join(f"{line}\n" for line in lines)


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    line: int
    col: int | None
    path: str
    fragment: str


CASES = [
    # -- the file itself ------------------------------------------------------------------------
    Case("yaml-syntax-error", base("    latency: 10ms", "   timeout: 2s"),
         13, 4, "", "YAML syntax error"),
    Case("unclosed-flow-list", base("    calls: [web"), 13, 1, "", "expected ',' or ']'"),
    Case("empty-file", "", 1, 1, "", "the scenario file is empty"),
    Case("only-comments", "# nothing here yet\n", 1, 1, "", "the scenario file is empty"),
    Case("top-level-list", "- web\n- api\n", 1, 1, "", "expected a mapping of keys, got a list"),
    Case("top-level-text", "just some words\n", 1, 1, "", "expected a mapping of keys, got text"),
    Case("two-documents", base("---", "name: other"), 12, 1, "", "another document"),
    Case("duplicate-key", base("    replicas: 3"), 12, 5, "services.api.replicas",
         "duplicate key 'replicas'"),
    Case("recursive-alias", base("    zones: &z [*z]"), 12, 12, "services.api.zones[0]",
         "recursive alias"),
    Case("unreadable-tagged-value", base("    port: !!int many"), 12, 11, "services.api.port",
         "cannot read 'many' as !!int"),
    Case("python-tag-at-top", "!!python/name:os.system\n", 1, 1, "",
         "YAML tag '!!python/name:os.system' is not allowed"),
    # -- keys -----------------------------------------------------------------------------------
    Case("unknown-top-level-key", base("servics:", "  search: {}"), 12, 1, "servics",
         "unknown key 'servics'; did you mean 'services'?"),
    Case("unknown-nested-key", base("    replicsa: 3"), 12, 5, "services.api.replicsa",
         "did you mean 'replicas'?"),
    Case("unknown-version-field", base("    versions:", "      2.0.0: {eror_rate: 0.1}"),
         13, 15, "services.api.versions.2.0.0.eror_rate", "did you mean 'error_rate'?"),
    Case("missing-required-spike-at", base("traffic:", "  spikes:", "    - {factor: 2}"),
         14, 7, "traffic.spikes[0]", "missing required key 'at'"),
    Case("upper-case-name", base("  Search: {}"), 12, 3, "services.Search",
         "must be lower-case letters"),
    # -- values ---------------------------------------------------------------------------------
    Case("wrong-type", base(old="replicas: 2", new='replicas: "three"'), 11, 15,
         "services.api.replicas", "expected a whole number, got text ('three')"),
    Case("negative-number", base(old="replicas: 2", new="replicas: -1"), 11, 15,
         "services.api.replicas", "must be at least 0, got -1"),
    Case("above-maximum", base("    port: 70000"), 12, 11, "services.api.port",
         "must be at most 65535"),
    Case("not-a-mapping", base("    autoscale: fast"), 12, 16, "services.api.autoscale",
         "expected a mapping of keys, got text ('fast')"),
    Case("bad-duration", base("    timeout: 5 parsecs"), 12, 14, "services.api.timeout",
         "unknown time unit 'parsecs'"),
    Case("infinite-duration", base("    timeout: .inf"), 12, 14, "services.api.timeout",
         "expected a finite duration"),
    Case("boolean-duration", base("    timeout: yes"), 12, 14, "services.api.timeout",
         "got a boolean (true)"),
    Case("bad-rate", base("    cpu_idle: 150%"), 12, 15, "services.api.cpu_idle",
         "a rate must lie between 0 and 1"),
    Case("bad-size", base("    memory: {base: lots}"), 12, 20, "services.api.memory.base",
         "expected a size in MiB"),
    Case("bad-size-with-limit", base("    memory: {base: -5, limit: 1Gi}"), 12, 20,
         "services.api.memory.base", "must be at least 1"),
    Case("bad-time-of-day", base("start: '25:00'"), 12, 8, "start",
         "expected a time of day such as '09:30'"),
    Case("bad-choice", base(old="orders-db: {}", new="orders-db: {replication: {mode: snyc}}"),
         4, 35, "databases.orders-db.replication.mode", "did you mean 'sync'?"),
    Case("memory-limit-below-base", base("    memory: {base: 2Gi, limit: 1Gi}"), 12, 32,
         "services.api.memory.limit", "must exceed base"),
    Case("autoscale-min-above-max", base("    autoscale: {min: 5, max: 3, target_cpu: 0.6}"),
         12, 22, "services.api.autoscale.min", "min (5) must not exceed max (3)"),
    # -- references between components ---------------------------------------------------------
    Case("call-to-missing-service", base(old="calls: [api]", new="calls: [apii]"), 9, 12,
         "services.web.calls", "called component 'apii' does not exist; did you mean 'api'?"),
    Case("call-cycle", base("    calls: [web]"), 9, 12, "services.web.calls",
         "the calls form a cycle: web -> api -> web"),
    Case("self-call", base("    calls: [api]"), 12, 12, "services.api.calls",
         "'api' calls itself"),
    Case("consumes-missing-queue", base("    consumes: event"), 12, 15,
         "services.api.consumes", "queue 'event' does not exist; did you mean 'events'?"),
    Case("cache-backing-missing", base("caches:", "  sessions:", "    backing: order-db"),
         14, 14, "caches.sessions.backing",
         "backing store 'order-db' does not exist; did you mean 'orders-db'?"),
    Case("entry-service-missing", base("traffic:", "  entry: [webb]"), 13, 10, "traffic.entry",
         "entry service 'webb' does not exist; did you mean 'web'?"),
    Case("unknown-zone", base("    zones: [zone-c]"), 12, 13, "services.api.zones[0]",
         "zone 'zone-c' is not one of the scenario's zones"),
    Case("name-in-two-sections", base("externals:", "  api: {}"), 13, 3, "externals.api",
         "'api' is already declared under services"),
    Case("replicas-above-autoscale-max", base("    autoscale: {max: 1, target_cpu: 0.6}"),
         11, 15, "services.api.replicas", "is above autoscale.max (1)"),
    Case("override-of-missing-component",
         base("environments:", "  staging:", "    overrides:", "      serach: {replicas: 1}"),
         15, 7, "environments.staging.overrides.serach", "component 'serach' does not exist"),
    # -- workers, calls as mappings, probes, resources, the cluster -----------------------------
    Case("zero-workers", base("    workers: 0"), 12, 14, "services.api.workers",
         "must be at least 1, got 0"),
    Case("bad-calls-mode", base("    calls_mode: paralel"), 12, 17, "services.api.calls_mode",
         "did you mean 'parallel'?"),
    Case("call-retries-negative", base("    calls: {orders-db: {retries: -1}}"), 12, 34,
         "services.api.calls.orders-db.retries", "must be at least 0, got -1"),
    Case("call-retries-above-maximum", base("    calls:", "      orders-db:",
                                            "        retries: 11"),
         14, 18, "services.api.calls.orders-db.retries", "must be at most 10, got 11"),
    Case("call-mode-unknown", base("    calls: {orders-db: {mode: sideways}}"), 12, 31,
         "services.api.calls.orders-db.mode", "'sideways' is not one of sequential, parallel"),
    Case("call-key-misspelt", base("    calls: {orders-db: {retires: 2}}"), 12, 25,
         "services.api.calls.orders-db.retires", "did you mean 'retries'?"),
    Case("call-timeout-bad", base("    calls: {orders-db: {timeout: 2 fortnights}}"), 12, 34,
         "services.api.calls.orders-db.timeout", "unknown time unit 'fortnights'"),
    Case("breaker-errors-above-one", base("    calls: {orders-db: {breaker: {errors: 2}}}"),
         12, 43, "services.api.calls.orders-db.breaker.errors",
         "a rate must lie between 0 and 1"),
    Case("breaker-unknown-key", base("    calls: {orders-db: {breaker: {probe: 3}}}"),
         12, 35, "services.api.calls.orders-db.breaker.probe", "did you mean 'probes'?"),
    Case("call-value-is-text", base("    calls: {orders-db: lots}"), 12, 24,
         "services.api.calls.orders-db",
         "expected a number (calls per request) or a mapping of keys (backoff, breaker, mode, "
         "retries, retry_budget, timeout, weight), got text ('lots')"),
    Case("call-value-is-a-list", base("    calls: {orders-db: [1]}"), 12, 24,
         "services.api.calls.orders-db", "or a mapping of keys"),
    Case("call-weight-negative", base("    calls: {orders-db: -1}"), 12, 24,
         "services.api.calls.orders-db", "must be at least 0, got -1"),
    Case("calls-not-a-list-or-mapping", base("    calls: 5"), 12, 12, "services.api.calls",
         "expected a list of names or a mapping of names, got a number (5)"),
    Case("call-list-item-not-a-name", base("    calls: [orders-db, Events]"), 12, 24,
         "services.api.calls[1]", "'Events' is not a valid name"),
    Case("liveness-period-too-short", base("    liveness: {period: 500ms}"), 12, 24,
         "services.api.liveness.period", "must be at least 1s"),
    Case("liveness-no-failures", base("    liveness: {failures: 0}"), 12, 26,
         "services.api.liveness.failures", "must be at least 1, got 0"),
    Case("resources-bad-memory", base("    resources: {memory: plenty}"), 12, 25,
         "services.api.resources.memory", "expected a size in MiB"),
    Case("cluster-without-nodes", base("cluster: {nodes: 0}"), 12, 18, "cluster.nodes",
         "must be at least 1, got 0"),
    Case("external-p99-below-latency", base("externals:", "  pay: {latency: 100ms, p99: 50ms}"),
         13, 30, "externals.pay.p99", "p99 (50ms) must not be below latency (100ms)"),
]


def test_the_base_scenario_is_valid() -> None:
    spec = parse_scenario(BASE, FILE)
    assert list(spec.services) == ["web", "api"]


def test_new_keys_take_their_defaults_when_omitted() -> None:
    spec = parse_scenario(base("    calls: {orders-db: 2, events: 0.5}", "externals:",
                               "  pay: {}"), FILE)
    api, web = spec.services["api"], spec.services["web"]
    assert (api.workers, api.warmup, api.calls_mode, api.pool_size) == (1, 0, "sequential", 10)
    assert api.liveness is None
    assert api.resources == ResourcesSpec(cpu=0.5, memory=512.0)
    assert spec.cluster is None
    assert spec.externals["pay"].p99 is None
    # plain numbers and lists keep their weights, and every callee gets a default policy
    assert api.calls == {"orders-db": 2.0, "events": 0.5}
    assert web.calls == {"api": 1.0}
    default = CallSpec(weight=1.0, timeout=None, retries=0, backoff=50, retry_budget=0.2,
                       mode=None, breaker=None)
    assert web.call_policies == {"api": default}
    assert api.call_policies == {"orders-db": replace(default, weight=2.0),
                                 "events": replace(default, weight=0.5)}
    assert parse_scenario(base("    calls: events"), FILE).services["api"].calls == {"events": 1.0}


def test_a_call_mapping_sets_the_call_policy() -> None:
    spec = parse_scenario(base(
        "    calls_mode: parallel",
        "    calls:",
        "      orders-db: {weight: 3, timeout: 250ms, retries: 2, backoff: 100ms}",
        "      events:",
        "        retry_budget: 10%",
        "        mode: sequential",
        "        breaker: {errors: 25%, window: 30s, min_calls: 5, open: 1m, probes: 2}",
        "      pay: {breaker: {}}",
        "externals:",
        "  pay: {latency: 200ms, p99: 1s, capacity: 50}",
    ), FILE)
    api = spec.services["api"]
    assert api.calls_mode == "parallel"
    assert api.calls == {"orders-db": 3.0, "events": 1.0, "pay": 1.0}
    db, events, pay = (api.call_policies[n] for n in ("orders-db", "events", "pay"))
    assert db == CallSpec(weight=3.0, timeout=250, retries=2, backoff=100, retry_budget=0.2,
                          mode=None, breaker=None)
    assert (events.retry_budget, events.mode, events.timeout) == (0.1, "sequential", None)
    assert events.breaker == BreakerSpec(errors=0.25, window=30_000, min_calls=5, open=60_000,
                                         probes=2)
    assert pay.breaker == BreakerSpec(errors=0.5, window=10_000, min_calls=20, open=30_000,
                                      probes=5)
    assert (spec.externals["pay"].latency, spec.externals["pay"].p99) == (200, 1000)


def test_workers_probes_resources_and_the_cluster_parse() -> None:
    spec = parse_scenario(base(
        "    workers: 8",
        "    warmup: 2m",
        "    pool_size: 40",
        "    liveness: {timeout: 2s, failures: 5}",
        "    resources: {cpu: 2, memory: 1.5Gi}",
        "cluster: {nodes: 3, memory: 64Gi}",
    ), FILE)
    api = spec.services["api"]
    assert (api.workers, api.warmup, api.pool_size) == (8, 120_000, 40)
    assert api.liveness == LivenessSpec(timeout=2000, failures=5, period=10_000)
    assert api.resources == ResourcesSpec(cpu=2.0, memory=1536.0)
    assert spec.cluster == ClusterSpec(nodes=3, cpu=8.0, memory=65_536.0)
    assert spec.services["web"].liveness is None


@pytest.mark.parametrize("policy", ["{retries: 11}", "lots"])
def test_a_bad_call_policy_and_a_missing_callee_are_reported_together(policy: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(base(f"    calls: {{ordrs-db: {policy}}}"), FILE)
    paths = {dotted_path(p.path) for p in info.value.problems}
    assert "services.api.calls" in paths, str(info.value)  # the misspelt callee
    assert paths - {"services.api.calls"} == {
        "services.api.calls.ordrs-db" + (".retries" if "retries" in policy else "")}
    assert len(info.value.problems) == 2, str(info.value)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_scenario_is_reported_where_it_is_written(case: Case) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(case.text, FILE)
    problems = info.value.problems
    listing = str(info.value)
    match = next((p for p in problems
                  if dotted_path(p.path) == case.path and case.fragment in p.message), None)
    assert match is not None, f"nothing at {case.path!r} saying {case.fragment!r}:\n{listing}"
    assert match.line == case.line, listing
    if case.col is not None:
        assert match.col == case.col, listing
    text = match.format(FILE)
    where = f"{FILE}:{case.line}:{match.col}: "
    assert text.startswith(where), text
    assert text == where + (f"{case.path}: " if case.path else "") + match.message
    assert "\n" not in match.message
    assert listing.count("\n") == len(problems) - 1  # one line per problem


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 18
    assert len({c.id for c in CASES}) == len(CASES)


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    # a value, a reference and another value, written out of the order they are checked in
    text = base("    timeout: 5 parsecs", old="calls: [api]", new="calls: [ap]") \
        .replace("name: tiny", "name: tiny\nseed: lots")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    problems = info.value.problems
    assert [(dotted_path(p.path), p.line) for p in problems] == [
        ("seed", 2), ("services.web.calls", 10), ("services.api.timeout", 13),
    ]
    assert "did you mean 'api'?" in problems[1].message
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    for line in lines:
        assert re.fullmatch(rf"{re.escape(FILE)}:\d+:\d+: [\w.\[\]-]+: .+", line), line


def test_value_problems_are_reported_together() -> None:
    text = base("    timeout: 5 parsecs", old="replicas: 2", new="replicas: -3") \
        .replace("name: tiny", "name: tiny\nseed: lots")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    assert [p.line for p in info.value.problems] == [2, 12, 13]


def test_reference_problems_are_reported_together() -> None:
    text = base("    consumes: evnts", "traffic:", "  entry: [wbe]", old="calls: [api]",
                new="calls: [ap]")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    assert [p.line for p in info.value.problems] == [9, 12, 14]


def test_a_value_that_failed_does_not_cascade_into_reference_problems() -> None:
    # web calls api and lives in zone-a: neither api's body nor the zones are valid, and each
    # is reported once, not again as a missing callee or an unknown zone
    text = base(old="  api:\n    replicas: 2\n", new="  api: [2]\n")
    text = text.replace("zones: [zone-a, zone-b]", "zones: {zone-a: 1}")
    text = text.replace("    calls: [api]", "    calls: [api]\n    zones: [zone-a]")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    assert [(dotted_path(p.path), p.line) for p in info.value.problems] == [
        ("zones", 2), ("services.api", 11),
    ], str(info.value)


@pytest.mark.parametrize("name", list(builtin_scenarios()))
def test_builtin_scenario_validates(name: str) -> None:
    spec = load_scenario(name)
    assert spec.name == name
    assert spec.services


def test_there_is_a_builtin_scenario() -> None:
    assert "shopfront" in builtin_scenarios()


# -- YAML that would run code ------------------------------------------------------------------

PYTHON_TAGS = [
    base('title: !!python/object/apply:os.system ["echo hi"]'),
    '!!python/object/apply:os.system ["echo hi"]\n',
    base("    description: !!python/object/apply:os.system", "      args: ['echo hi']"),
    base("services2: !!python/object/new:os.system [echo hi]"),
    base("title: !!python/name:os.system"),
    base("databases2: !!python/object:os.PathLike {a: 1}"),
    base("title: !custom thing"),
]


@pytest.mark.parametrize("text", PYTHON_TAGS, ids=range(len(PYTHON_TAGS)))
def test_object_constructing_tags_are_refused_not_run(text: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, FILE)
    assert calls == []
    assert any("is not allowed in a scenario" in p.message for p in info.value.problems), \
        str(info.value)


def test_alias_bombs_are_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="expands to more than"):
        parse_scenario("\n".join(lines) + "\n", FILE)
    assert time.perf_counter() - started < 10


# -- the generated reference -------------------------------------------------------------------

def test_readme_reference_is_in_sync_with_the_schema() -> None:
    readme = docs.readme_path().read_text(encoding="utf-8")
    assert docs.extract(readme) == docs.describe(), (
        "scenarios/README.md is out of date: run python -m engine.scenario.docs --write")
    assert docs.splice(readme) == readme


def test_reference_follows_schema_changes() -> None:
    services = SCENARIO.fields["services"]
    assert isinstance(services, MapOf)
    replicas = services.value.fields["replicas"]
    assert isinstance(replicas, Field)
    changed_service = replace(services.value, fields={**services.value.fields,
                                                      "replicas": replace(replicas, max=7)})
    changed = replace(SCENARIO, fields={**SCENARIO.fields,
                                        "services": replace(services, value=changed_service)})
    assert docs.describe(changed) != docs.describe()
    assert "| `replicas` | whole number | 2 | 0 to 7 |" in docs.describe(changed)


def test_reference_documents_every_key() -> None:
    reference = docs.describe()
    for kind in ("duration (90s, 5m, 1h30m)", "rate (0.08 or '8%')",
                 "size in MiB ('512Mi', '2Gi')"):
        assert kind in reference
    for key in SCENARIO.fields:
        assert f"| `{key}` |" in reference
    for section in ("### services", "### cluster", "#### `services.<name>.calls`",
                    "#### `services.<name>.calls.<name>.breaker`",
                    "#### `services.<name>.liveness`", "#### `services.<name>.resources`",
                    "#### `services.<name>.memory`",
                    "#### `services.<name>.versions`", "#### `traffic.spikes`",
                    "#### `environments.<name>.overrides`"):
        assert section in reference


def test_readme_example_validates() -> None:
    readme = docs.readme_path().read_text(encoding="utf-8")
    example = readme.split("## A minimal scenario", 1)[1].split("```yaml\n", 1)[1]
    spec = parse_scenario(example.split("```", 1)[0], "tiny.yaml")
    assert spec.name == "tiny"


def test_splice_needs_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        docs.splice("# no markers here\n")
    spliced = docs.splice(f"intro\n{docs.START}\nold\n{docs.END}\noutro\n", "new\n")
    assert spliced == f"intro\n{docs.START}\nnew\n{docs.END}\noutro\n"


def test_docs_command_prints_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert docs.main([]) == 0
    assert capsys.readouterr().out == docs.describe()
    assert docs.main(["--check"]) == 0


def test_docs_module_stays_headless() -> None:
    code = ("import sys, engine.scenario.docs\n"
            "bad = [m for m in ('textual', 'rich', 'prompt_toolkit', 'devsim_tui') "
            "if m in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True)
