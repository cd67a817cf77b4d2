"""Benchmark: the console as a person meets it.

1. In a real terminal (tmux, 120×40) with shopfront at ×60: time from launch to the first full
   frame, and keystroke-to-screen echo (send a key, poll the pane until it shows) — median and
   p95 over ``--keys`` keystrokes.
2. In-process, on a generated 1,000-instance fleet: the cost of one pane refresh — taking the
   snapshot, diffing it into the four panes, and rendering the changed lines.

Run: ``python tests/bench/bench_console.py`` (needs tmux: ``apt-get install tmux``).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SESSION = "devsim-bench"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def bar_line(text: str) -> str:
    """The command bar's text line: the last line drawn between the bar's side borders."""
    lines = [line for line in text.splitlines() if line.startswith(("▊", "│", "┃"))
             and line[1:2] not in ("▁", "▔", "─")]
    return lines[-1] if lines else ""


def terminal_figures(keys: int) -> tuple[float, list[float]]:
    tmux("kill-session", "-t", SESSION)
    command = f"{sys.executable} -m devsim_tui tui --speed 60"
    start = time.perf_counter()
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", command)
    first_frame = float("nan")
    while time.perf_counter() - start < 20:
        shown = screen()
        if "notifications" in shown and "Chat" in shown and "Type a command" in shown:
            first_frame = time.perf_counter() - start
            break
        time.sleep(0.005)
    time.sleep(1.0)  # let it settle into its steady ×60 rhythm
    if not bar_line(screen()):
        print("could not find the command bar in the captured screen", file=sys.stderr)
    echoes = []
    for i in range(keys):
        key = "abcdefghijklmnopqrstuvwxyz"[i % 26]
        before = bar_line(screen()).count(key)
        sent = time.perf_counter()
        tmux("send-keys", "-t", SESSION, "-l", key)
        while time.perf_counter() - sent < 2:
            if bar_line(screen()).count(key) > before:
                echoes.append((time.perf_counter() - sent) * 1000)
                break
        if i % 20 == 19:
            tmux("send-keys", "-t", SESSION, "C-u")
            time.sleep(0.05)
    tmux("send-keys", "-t", SESSION, "C-q")
    time.sleep(0.3)
    tmux("kill-session", "-t", SESSION)
    return first_frame, echoes


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keys", type=int, default=100)
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    if shutil.which("tmux"):
        first, echoes = terminal_figures(args.keys)
        q = statistics.quantiles(echoes, n=20) if len(echoes) > 2 else [float("nan")] * 19
        print(f"first full frame: {first:.2f} s after launch (limit 2 s, aim 1 s)")
        print(f"keystroke echo at ×60: median {statistics.median(echoes):.1f} ms, "
              f"p95 {q[18]:.1f} ms over {len(echoes)} keys (limit 30/50 ms, aim 15/30 ms)")
    else:
        print("tmux not found: skipping the terminal figures (apt-get install tmux)")
    figures = pane_refresh(args.instances, args.rounds)
    print(f"pane refresh, {figures['instances']:.0f} instances / {figures['services']:.0f} "
          f"services: snapshot {figures['snapshot']:.1f} ms, panes diff "
          f"{figures['panes']:.1f} ms, render {figures['frame']:.1f} ms (medians)")


if __name__ == "__main__":
    main()
