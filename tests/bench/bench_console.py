"""Benchmark: the console as a person meets it, against a bare Textual app.

1. In a real terminal (tmux, 120×40), three programs, each launched afresh several times with
   the launches interleaved (bare, shopfront, fleet; then shopfront, fleet, bare; …) so that a
   noisy machine weighs on all of them alike:

   - a bare Textual app — an Input docked at the bottom in the console bar's bordered box, a
     Footer, nothing else (written by this script to a temporary .py file);
   - the console on shopfront at ×60 (``devsim tui --speed 60``);
   - the console on a generated 1,000-instance fleet at ×100 (``make_fleet(1000).yaml`` written
     to a temporary file, ``devsim tui --scenario FILE --speed 100``).

   For each launch: the time from launch to the first full frame; then, after ``--settle``
   seconds, keystroke-to-screen echo — send a key, poll the pane until the bar shows it.
   Echo is reported as median and p95 over every key of every launch, with its ratio to the
   bare app's: limits ×1.2 for shopfront at ×60 and ×1.5 for the fleet at ×100. The first
   frame of shopfront has a limit of 0.6 s.

2. In-process, on a generated 1,000-instance fleet: the cost of one pane refresh — taking the
   snapshot, diffing it into the panes, and rendering the changed lines.

How the terminal is driven: a private tmux server (``tmux -L devsim-bench-PID -f /dev/null``)
with one control-mode client (``tmux -C``) through which every command — new-session,
send-keys, capture-pane — goes as a line on a pipe. A capture costs ~0.05 ms that way instead
of ~3 ms for a ``tmux capture-pane`` process, so polling neither blurs the figure nor takes
much CPU from the programs measured (the poll sleeps 0.5 ms between captures).

What is typed: lines of 16 letters that start with ``x`` — no command word, name or example
of shopfront or a generated fleet starts with x, so the bar shows no inline suggestion and what
it shows is exactly what was typed (a key counts as echoed when the bar's text equals the line
typed so far; a key not echoed within 2 s is counted as missed); Ctrl+U clears the bar between
lines. (Lines starting "a" would not do: the bar suggests "abort" after "a" and "ab".) Keys
are spaced 20–80 ms apart after each echo (a fixed random sequence), so they land at every
phase of the console's refresh rhythm.

Every console run gets ``DEVSIM_CONFIG=/nonexistent`` (the defaults, whatever the user's
config says).

Run: ``python tests/bench/bench_console.py`` (about 1½ minutes; needs tmux). ``--repeat N``
runs the interleaved launches N times over; ``--legs`` sets how many launches each program gets
a round, ``--keys`` the keystrokes per program a round. Exit status 0 when every limit holds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SESSION = "bench"
WIDTH, HEIGHT = 120, 40
SHOPFRONT_ECHO_LIMIT = 1.2  # × the bare app's echo, shopfront at ×60
FLEET_ECHO_LIMIT = 1.5  # × the bare app's echo, 1,000-instance fleet at ×100
FIRST_FRAME_LIMIT = 0.6  # s, shopfront
LINE = 16  # keys a line, then Ctrl+U
LETTERS = "abcdefghijklmnopqrstuvwyz"
KEY_TIMEOUT = 2.0  # s without an echo: the key is counted as missed
POLL = 0.0005  # s between captures

BARE_APP = '''\
"""A bare Textual app: an Input docked at the bottom in a bordered box, a Footer."""
from textual.app import App, ComposeResult
from textual.widgets import Footer, Input


class Bar(Input):
    DEFAULT_CSS = """
    Bar { dock: bottom; margin-bottom: 1; border: round $primary; height: 3; }
    """


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Bar(placeholder="Type a command — e.g. deploy checkout 2.5.0 as a canary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Bar).focus()


if __name__ == "__main__":
    BareApp().run()
'''


# -- the terminal -----------------------------------------------------------------------------
class TmuxError(RuntimeError):
    pass


class Tmux:
    """A private tmux server driven through one control-mode client: ``cmd`` sends a command
    and returns its output lines."""

    def __init__(self) -> None:
        self.socket = f"devsim-bench-{os.getpid()}"
        self.proc = subprocess.Popen(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "-C", "new-session", "-s", "ctl",
             "-x", "80", "-y", "24", "sleep 86400"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._reply()
        self.cmd("set-option -g remain-on-exit on")  # a crash's traceback stays readable

    def _reply(self) -> list[str]:
        assert self.proc.stdout is not None
        out: list[str] | None = None
        while True:
            raw = self.proc.stdout.readline()
            if not raw:
                raise TmuxError("the tmux control client ended")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if out is None:  # a notification between replies
                if line.startswith("%begin "):
                    out = []
                continue
            if line.startswith(("%end ", "%error ")):
                if line.startswith("%error "):
                    raise TmuxError("\n".join(out))
                return out
            out.append(line)

    def cmd(self, line: str, *, check: bool = True) -> list[str]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        try:
            return self._reply()
        except TmuxError:
            if check or self.proc.poll() is not None:
                raise
            return []

    def capture(self, row: int | None = None) -> list[str]:
        rows = "" if row is None else f" -S {row} -E {row}"
        return self.cmd(f"capture-pane -p -t {SESSION}{rows}", check=False)

    def alive(self) -> bool:
        """The program in the session still runs (the server keeps dead panes on screen)."""
        try:
            return self.cmd(f"display -p -t ={SESSION}: '#{{pane_dead}}'") == ["0"]
        except TmuxError:
            return False

    def end_session(self) -> None:
        self.cmd(f"kill-session -t ={SESSION}", check=False)

    def close(self) -> None:
        try:
            self.cmd("kill-server", check=False)
        except (TmuxError, BrokenPipeError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def is_bar_line(line: str) -> bool:
    """A text line of the bar: between its side borders, not one of its top/bottom edges."""
    return line.startswith(("▊", "│", "┃")) and line[1:2] not in ("▁", "▔", "─")


def bar_text(line: str) -> str:
    return line[1:-1].strip()


# -- one program ------------------------------------------------------------------------------
@dataclass
class Program:
    key: str
    label: str
    argv: list[str]
    markers: tuple[str, ...]  # all on screen = the first full frame
    echo_limit: float | None = None  # × the bare app's echo
    frame_limit: float | None = None  # s
    first_frames: list[float] = field(default_factory=list)
    echoes: list[float] = field(default_factory=list)  # ms
    leg_medians: list[float] = field(default_factory=list)
    missed: int = 0
    failures: list[str] = field(default_factory=list)


def run_leg(tmux: Tmux, program: Program, keys: int, settle: float,
            rng: random.Random) -> None:
    """Launch the program in a fresh 120×40 session, time its first full frame, then the echo of
    ``keys`` keystrokes; quit it."""
    command = "exec " + " ".join(shlex.quote(a) for a in program.argv)
    tmux.end_session()
    start = time.perf_counter()
    tmux.cmd(f"new-session -d -s {SESSION} -x {WIDTH} -y {HEIGHT} -c {shlex.quote(str(ROOT))} "
             f"-e DEVSIM_CONFIG=/nonexistent {shlex.quote(command)}")
    lines: list[str] = []
    polls = 0
    while time.perf_counter() - start < 30:
        lines = tmux.capture()
        shown = "\n".join(lines)
        if all(m in shown for m in program.markers):
            program.first_frames.append(time.perf_counter() - start)
            break
        polls += 1
        if polls % 200 == 0 and not tmux.alive():
            program.failures.append("it ended before its first full frame:\n"
                                    + "\n".join(tmux.capture()).rstrip())
            tmux.end_session()
            return
        time.sleep(POLL)
    else:
        program.failures.append("no full frame within 30 s:\n" + "\n".join(lines).rstrip())
        tmux.end_session()
        return
    time.sleep(settle)
    lines = tmux.capture()
    rows = [i for i, line in enumerate(lines) if is_bar_line(line)]
    if not rows:
        program.failures.append("could not find the bar:\n" + "\n".join(lines).rstrip())
        tmux.end_session()
        return
    row = rows[-1]

    def shows() -> str:
        got = tmux.capture(row)
        return bar_text(got[0]) if got else ""

    def wait_for(test, limit: float) -> bool:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < limit:
            if test(shows()):
                return True
            time.sleep(POLL)
        return False

    echoes: list[float] = []
    typed = ""
    for i in range(keys):
        if len(typed) >= LINE:
            tmux.cmd(f"send-keys -t {SESSION} C-u")
            wait_for(lambda s: not s.startswith("x"), 3.0)
            typed = ""
            time.sleep(rng.uniform(0.02, 0.08))
        key = "x" if not typed else LETTERS[i % len(LETTERS)]
        typed += key
        sent = time.perf_counter()
        tmux.cmd(f"send-keys -t {SESSION} -l {key}")
        while True:
            seen = shows()
            now = time.perf_counter()
            if seen == typed:
                echoes.append((now - sent) * 1000)
                break
            if now - sent > KEY_TIMEOUT:
                program.missed += 1
                if not wait_for(lambda s: s == typed, 3.0):  # lost: start a new line
                    typed = "x" * LINE
                break
            time.sleep(POLL)
        time.sleep(rng.uniform(0.02, 0.08))
    program.echoes += echoes
    if echoes:
        program.leg_medians.append(statistics.median(echoes))
    tmux.cmd(f"send-keys -t {SESSION} C-q")
    t0 = time.perf_counter()
    while tmux.alive() and time.perf_counter() - t0 < 3:
        time.sleep(0.02)
    tmux.end_session()


def terminal_figures(programs: list[Program], legs: int, repeat: int, keys: int,
                     settle: float) -> None:
    rng = random.Random(7)
    tmux = Tmux()
    try:
        rounds = legs * repeat
        for leg in range(rounds):
            order = programs[leg % len(programs):] + programs[:leg % len(programs)]
            for program in order:
                share = keys // legs + (1 if leg % legs < keys % legs else 0)
                run_leg(tmux, program, share, settle, rng)
                print(f"  launch {leg + 1}/{rounds} {program.label}: first frame "
                      f"{_last(program.first_frames, 's')}, echo median "
                      f"{_last(program.leg_medians, 'ms')}", flush=True)
    finally:
        tmux.close()


def _last(values: list[float], unit: str) -> str:
    if not values:
        return "—"
    return f"{values[-1]:.2f} s" if unit == "s" else f"{values[-1]:.1f} ms"


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- in-process pane refresh --------------------------------------------------------------------
def pane_refresh(instances: int, rounds: int) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    from bench_fleet import make_fleet

    from devsim_tui.app import DevsimApp
    from engine import Simulation, parse_scenario

    fleet = make_fleet(instances)
    sim = Simulation(parse_scenario(fleet.yaml, "<fleet>"), seed=7)
    sim.step(120)
    app = DevsimApp(sim, autostart=False)
    figures: dict[str, list[float]] = {"snapshot": [], "panes": [], "frame": []}

    async def run() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            from devsim_tui.widgets.pane_deck import PaneDeck

            deck = app.query_one(PaneDeck)
            await pilot.pause()
            for _ in range(rounds):
                sim.step(1)
                t0 = time.perf_counter()
                snapshot = app.bridge.snapshot()
                trends = app.bridge.trends()
                t1 = time.perf_counter()
                deck.show(snapshot, app.env, trends)
                t2 = time.perf_counter()
                await pilot.pause()
                t3 = time.perf_counter()
                figures["snapshot"].append((t1 - t0) * 1000)
                figures["panes"].append((t2 - t1) * 1000)
                figures["frame"].append((t3 - t2) * 1000)

    asyncio.run(run())
    return {k: statistics.median(v) for k, v in figures.items()} | {
        "instances": float(len(sim.world.inst)), "services": float(fleet.services)}


# -- report -----------------------------------------------------------------------------------
def report(programs: list[Program]) -> bool:
    bare, *consoles = programs
    ok = True
    print("first full frame, launch → every part on screen (median of the launches; each "
          "launch in brackets):")
    for p in programs:
        if not p.first_frames:
            print(f"  {p.label:<34} —  (never)")
            ok = False
            continue
        med = statistics.median(p.first_frames)
        each = " ".join(f"{v:.2f}" for v in p.first_frames)
        line = f"  {p.label:<34} {med:5.2f} s  [{each}]"
        if p.frame_limit is not None:
            good = med <= p.frame_limit
            ok &= good
            line += f"  limit {p.frame_limit} s: {verdict(good)}"
        elif p is not bare:
            line += f"  ({med / statistics.median(bare.first_frames):.1f}× the bare app)" \
                if bare.first_frames else ""
        print(line)
    print("keystroke echo, send-keys → the bar shows it (median / p95 over every key):")
    if not bare.echoes:
        print("  the bare app gave no echo figures: no ratios")
        consoles, ok = [], False
    else:
        bm, b95 = statistics.median(bare.echoes), p95(bare.echoes)
        print(f"  {bare.label:<34} {bm:6.1f} / {b95:6.1f} ms  over {len(bare.echoes)} keys"
              + (f", {bare.missed} missed" if bare.missed else ""))
    for p in consoles:
        if not p.echoes:
            print(f"  {p.label:<34} —  (no echo measured)")
            ok = False
            continue
        m, q = statistics.median(p.echoes), p95(p.echoes)
        rm, rq = m / bm, q / b95
        assert p.echo_limit is not None
        good_m, good_q = rm <= p.echo_limit, rq <= p.echo_limit
        ok &= good_m and good_q and not p.missed
        print(f"  {p.label:<34} {m:6.1f} / {q:6.1f} ms  over {len(p.echoes)} keys"
              + (f", {p.missed} missed" if p.missed else ""))
        print(f"  {'':<34} ratio to bare: median ×{rm:.2f} {verdict(good_m)}, "
              f"p95 ×{rq:.2f} {verdict(good_q)}  (limit ×{p.echo_limit} on both)")
        pairs = [f"{a / b:.2f}" for a, b in zip(p.leg_medians, bare.leg_medians)]
        print(f"  {'':<34} per-launch median ratios: {' '.join(pairs)}")
    for p in programs:
        for failure in p.failures:
            ok = False
            print(f"  {p.label}: {failure}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=150,
                    help="keystrokes per program per round (default 150)")
    ap.add_argument("--legs", type=int, default=3,
                    help="launches per program per round, interleaved (default 3)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of interleaved launches (default 1)")
    ap.add_argument("--settle", type=float, default=3.0,
                    help="seconds between the first frame and the first key (default 3: the "
                         "console imports scikit-learn in a thread after its first frame)")
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=20, help="pane refreshes in-process")
    args = ap.parse_args()
    # The runs record their sessions as users' runs do, into a scratch data directory rather
    # than the real one.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="devsim-bench-data-")
    ok = True
    start = time.perf_counter()
    if shutil.which("tmux"):
        sys.path.insert(0, str(HERE))
        from bench_fleet import make_fleet

        with tempfile.TemporaryDirectory(prefix="devsim-bench-") as tmp:
            bare_py = Path(tmp) / "bare_textual_app.py"
            bare_py.write_text(BARE_APP, encoding="utf-8")
            fleet = make_fleet(args.instances)
            fleet_yaml = Path(tmp) / f"fleet-{args.instances}.yaml"
            fleet_yaml.write_text(fleet.yaml, encoding="utf-8")
            console = [sys.executable, "-m", "devsim_tui", "tui"]
            full = ("devsim │", "─ Services ", "─ Chat ", "Type a command")
            programs = [
                Program("bare", "bare Textual app (Input + Footer)",
                        [sys.executable, str(bare_py)], ("Type a command", "palette")),
                Program("shopfront", "shopfront ×60", [*console, "--speed", "60"], full,
                        echo_limit=SHOPFRONT_ECHO_LIMIT, frame_limit=FIRST_FRAME_LIMIT),
                Program("fleet", f"fleet of {fleet.instances:,} instances ×100",
                        [*console, "--scenario", str(fleet_yaml), "--speed", "100"], full,
                        echo_limit=FLEET_ECHO_LIMIT),
            ]
            load = os.getloadavg()[0]
            import textual

            print(f"Textual {textual.__version__}, Python {sys.version.split()[0]}; "
                  f"terminal: tmux {WIDTH}×{HEIGHT}, {args.legs * args.repeat} interleaved "
                  f"launches per program, {args.keys * args.repeat} keys each, settle "
                  f"{args.settle:g} s; load average {load:.1f} on {os.cpu_count()} CPUs",
                  flush=True)
            terminal_figures(programs, args.legs, args.repeat, args.keys, args.settle)
            ok &= report(programs)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    else:
        print("tmux not found: skipping the terminal figures (apt-get install tmux)")
    figures = pane_refresh(args.instances, args.rounds)
    print(f"pane refresh, {figures['instances']:.0f} instances / {figures['services']:.0f} "
          f"services: snapshot {figures['snapshot']:.1f} ms, panes diff "
          f"{figures['panes']:.1f} ms, render {figures['frame']:.1f} ms (medians)")
    print(f"({time.perf_counter() - start:.0f} s in all)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
