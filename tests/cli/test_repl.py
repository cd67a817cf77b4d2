"""``devsim repl``: the real PromptSession driven through a pipe, the clock moved by hand.

Keys go in through prompt_toolkit's pipe input, the prompt draws to a ``DummyOutput``, and
what the REPL prints is caught as plain text. The simulation's clock is a fake wall clock
given to the ``Pacer``: no test sleeps or measures time.
"""

from __future__ import annotations

import asyncio
import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from devsim_tui.repl.core import Repl
from devsim_tui.repl.history import history_path, open_history
from devsim_tui.repl.output import Printer, wrap
from devsim_tui.repl.pacer import Pacer
from devsim_tui.repl.plain import run_plain
from devsim_tui.repl.prompt_loop import build_prompt, run_prompt
from devsim_tui.repl.toolbar import toolbar
from engine import Simulation, load_scenario

ROOT = Path(__file__).resolve().parents[2]
CTRL_C, CTRL_D, UP = "\x03", "\x04", "\x1b[A"
SPEC = load_scenario("shopfront")


class FakeClock:
    """Wall time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_repl(color: bool = False) -> tuple[Repl, io.StringIO]:
    sim = Simulation(SPEC, seed=7)
    sim.speed = 60
    out = io.StringIO()
    return Repl(sim, Printer(PlainTextOutput(out), color=color)), out


@pytest.fixture
def pipe() -> Iterator[object]:
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


async def until(condition: Callable[[], bool], turns: int = 5000) -> None:
    """Let the event loop run until ``condition`` holds (turns of the loop, not wall time)."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the REPL never got there")


async def session_of(repl: Repl, pipe: object, keys: str, history: object = None,
                     pacer: Pacer | None = None) -> int:
    """Run the REPL's prompt on ``keys`` (which end it) and return its exit code."""
    session = build_prompt(repl, history, input=pipe, output=DummyOutput())
    pipe.send_text(keys)
    return await asyncio.wait_for(run_prompt(repl, session, pacer, frame_s=0), 30)


async def test_a_command_and_its_reply(pipe) -> None:
    repl, out = make_repl()
    assert await session_of(repl, pipe, "scale cart to 3\r" + CTRL_D) == 0
    text = out.getvalue()
    assert "✓ production: scaled cart 2 → 3" in text
    assert "scale                cart 2 → 3 instances — manual" in text  # the event, after it
    assert text.index("✓ production: scaled") < text.index("cart 2 → 3 instances")
    assert repl.sim.snapshot().service("cart").desired == 3


async def test_an_unknown_command_prints_an_error_and_the_loop_goes_on(pipe) -> None:
    repl, out = make_repl()
    assert await session_of(repl, pipe, "frobnicate the cart\rstatus cart\r" + CTRL_D) == 0
    lines = out.getvalue().splitlines()
    error = next(line for line in lines if line.startswith("✗"))
    assert "frobnicate" in error and "try:" in error  # one line, with suggestions
    assert any(line.startswith("✓ cart 2.7.0") for line in lines)


async def test_a_declined_confirmation_changes_nothing_and_yes_goes_ahead(pipe) -> None:
    repl, out = make_repl()
    keys = "scale checkout to 0\rn\r"
    session = build_prompt(repl, None, input=pipe, output=DummyOutput())
    task = asyncio.create_task(run_prompt(repl, session, None, frame_s=0))
    pipe.send_text(keys)
    await until(lambda: "cancelled; nothing changed" in out.getvalue())
    assert "This changes production." in out.getvalue()
    assert "what changes  scale checkout in production 2 → 0 instances" in out.getvalue()
    assert repl.sim.snapshot().service("checkout").desired == 2
    pipe.send_text("scale checkout to 0\ry\r" + CTRL_D)
    assert await asyncio.wait_for(task, 30) == 0
    assert repl.sim.snapshot().service("checkout").desired == 0
    assert "✓ production: scaled checkout 2 → 0" in out.getvalue()


async def test_completion_offers_a_service_name(pipe) -> None:
    repl, out = make_repl()
    session = build_prompt(repl, None, input=pipe, output=DummyOutput())
    completer = session.completer
    tab = CompleteEvent(completion_requested=True)
    offered = [c.text for c in completer.get_completions(Document("status chec"), tab)]
    assert offered == ["checkout"]
    databases = [c.text for c in completer.get_completions(Document("fail over "), tab)]
    assert databases == ["orders-db", "users-db"]  # the slot after "fail over": databases
    task = asyncio.create_task(run_prompt(repl, session, None, frame_s=0))
    pipe.send_text("status chec")  # the menu opens as you type …
    await until(lambda: session.default_buffer.complete_state is not None)
    pipe.send_text("\t")  # … and Tab takes its first entry
    await until(lambda: session.default_buffer.text == "status checkout")
    pipe.send_text("\r" + CTRL_D)
    assert await asyncio.wait_for(task, 30) == 0
    assert "✓ checkout 2.3.1" in out.getvalue()


async def test_history_persists_to_the_file_across_two_sessions(pipe, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert history_path() == tmp_path / "data" / "devsim" / "repl_history"
    first, _ = make_repl()
    history, problem = open_history()
    assert problem is None
    await session_of(first, pipe, "status payments\r" + CTRL_D, history)
    assert "status payments" in history_path().read_text()
    second, out = make_repl()
    history, _ = open_history()  # a new process would read the file the same way
    session = build_prompt(second, history, input=pipe, output=DummyOutput())
    task = asyncio.create_task(run_prompt(second, session, None, frame_s=0))
    pipe.send_text("status pay")
    await until(lambda: session.default_buffer.suggestion is not None)
    assert session.default_buffer.suggestion.text == "ments"  # suggested from the history
    pipe.send_text(CTRL_C)  # the line cleared …
    await until(lambda: session.default_buffer.text == "")
    pipe.send_text(UP)  # … ↑ brings the last session's command
    await until(lambda: session.default_buffer.text == "status payments")
    pipe.send_text("\r" + CTRL_D)
    assert await asyncio.wait_for(task, 30) == 0
    assert "✓ payments 3.0.4" in out.getvalue()


async def test_ctrl_c_clears_the_line_and_ctrl_d_says_goodbye(pipe) -> None:
    repl, out = make_repl()
    assert await session_of(repl, pipe, "scale cart to 0" + CTRL_C + "status cart\r"
                            + CTRL_D) == 0
    text = out.getvalue()
    assert "This changes production" not in text  # the cleared line never ran
    assert repl.sim.snapshot().service("cart").desired == 2
    assert text.splitlines()[-1] == "bye — shopfront stopped at T+00:00:00 (09:00)"


async def test_meta_commands(pipe) -> None:
    repl, out = make_repl()
    assert await session_of(repl, pipe, "\\?\r\\env stg\rscale cart to 0\r\\qq\r\\q\r"
                            "status\r") == 0
    text = out.getvalue()
    assert "Meta commands" in text and "Ctrl-C" in text
    assert "✓ staging: scaled cart 1 → 0" in text  # \env: unplaced commands act on staging
    assert "unknown meta command '\\qq'; did you mean '\\q'?" in text
    assert "production at" not in text  # \q left before the status after it


async def test_a_pasted_block_runs_line_by_line_and_stops_at_the_first_refusal(pipe) -> None:
    repl, out = make_repl()
    paste = "\x1b[200~status cart\nroll back payments\nscale cart to 4\n\x1b[201~"
    assert await session_of(repl, pipe, paste + "\r" + CTRL_D) == 0
    text = out.getvalue()
    assert "✓ cart 2.7.0" in text and "no earlier revision" in text
    assert "pasted lines stopped at line 2; not run (1): scale cart to 4" in text
    assert repl.sim.snapshot().service("cart").desired == 2


async def test_the_clock_runs_while_typing_and_obeys_pause_and_speed(pipe) -> None:
    repl, out = make_repl()
    clock = FakeClock()
    pacer = Pacer(repl.sim, clock, max_catch_up_s=60)
    session = build_prompt(repl, None, input=pipe, output=DummyOutput())
    task = asyncio.create_task(run_prompt(repl, session, pacer, frame_s=0))
    pipe.send_text("scale cart to 0\ry\r")
    await until(lambda: "scaled cart 2 → 0" in out.getvalue())
    pipe.send_text("stat")  # half a command typed while the clock runs
    clock.now += 3  # three seconds at ×60: the alert rules see cart down
    await until(lambda: "ServiceDown [critical]: cart has no ready instance" in out.getvalue())
    assert repl.sim.now == 180_000
    assert session.default_buffer.text == "stat"  # the line being typed is kept
    assert "1 firing: ServiceDown cart" in "".join(t for _, t in toolbar(repl.sim, repl.env))
    pipe.send_text("\x15pause\r")  # Ctrl-U, then pause
    await until(lambda: "✓ paused at 00:03:00" in out.getvalue())
    clock.now += 10
    for _ in range(50):
        await asyncio.sleep(0)
    assert repl.sim.now == 180_000
    assert "PAUSED" in "".join(t for _, t in toolbar(repl.sim, repl.env))
    pipe.send_text("speed 120\rresume\r")
    await until(lambda: "running at ×120" in out.getvalue())
    clock.now += 1
    await until(lambda: repl.sim.now == 300_000)  # 1 s at ×120, nothing owed from the pause
    pipe.send_text(CTRL_D)
    assert await asyncio.wait_for(task, 30) == 0


def test_piped_runs_are_deterministic_and_advance_only_on_command() -> None:
    script = "status\nscale cart to 0\ny\nadvance 3m\nroll back payments\nstatus cart\n"
    transcripts = []
    for _ in range(2):
        repl, out = make_repl()
        assert asyncio.run(run_plain(repl, io.StringIO(script))) == 0
        transcripts.append(out.getvalue())
    assert transcripts[0] == transcripts[1]
    text = transcripts[0]
    assert "production> scale cart to 0\n" in text and "go ahead? [y/N] y\n" in text
    assert "[00:01:00] alert.firing         #1 ServiceDown [critical]" in text
    assert text.splitlines()[-1] == "bye — shopfront stopped at T+00:03:00 (09:03)"


def test_at_a_dumb_terminal_the_prompt_comes_before_the_line() -> None:
    class DumbTerminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    repl, out = make_repl()
    asyncio.run(run_plain(repl, DumbTerminal("scale cart to 0\nyes\n")))
    assert out.getvalue().splitlines()[:2] == ["production> This changes production.",
                                               "  you typed     scale cart to 0"]
    assert "go ahead? [y/N] ✓ production: scaled cart 2 → 0" in out.getvalue()  # typed: no echo


def test_the_repl_asks_for_what_the_console_asks_for_and_each_line_takes_its_path() -> None:
    class Journal:  # what the session store attaches to the chat session
        def __init__(self) -> None:
            self.paths: list[tuple[str, str]] = []

        def before(self, text: str, command: object, env: str | None, path: str) -> None:
            self.paths.append((text, path))

        def after(self, token: object, reply: object) -> None:
            pass

    repl, out = make_repl()
    repl.session.journal = journal = Journal()
    script = ("frobnicate\nroll back payments\nkill one pod of checkout\n"
              "add 300ms of latency to payments\nn\nstatus cart\n")
    asyncio.run(run_plain(repl, io.StringIO(script)))
    text = out.getvalue()
    assert text.count("This changes production.") == 1  # the fault on every instance only
    assert re.search(r"\n  blast radius +2 of 2 instances", text)  # the console's lines
    assert "✗ payments has no earlier revision" in text  # refused before any question
    assert journal.paths == [("frobnicate", "reject"), ("roll back payments", "refuse"),
                             ("kill one pod of checkout", "apply"),
                             ("add 300ms of latency to payments", "cancel"),
                             ("status cart", "apply")]


def test_no_color_means_no_escape_sequences() -> None:
    def printed(color: bool) -> str:
        out = io.StringIO()
        printer = Printer(Vt100_Output(out, lambda: Size(24, 80), term="xterm-256color"),
                          color=color)
        printer.reply(False, "there is no service called 'frontend'")
        return out.getvalue()

    assert "\x1b[" in printed(True)  # colour is on by default …
    assert "\x1b" not in printed(False)  # … and NO_COLOR leaves none of it
    assert printed(False) == "✗ there is no service called 'frontend'\n"


def test_long_lines_wrap_under_their_text() -> None:
    fragments = [("class:time", "[00:06:30] "), ("", "deploy.aborted       checkout 2.4.0 "
                 "aborted: analysis failed: errors 5/94 = 5.3% against 0/974 = 0.0%")]
    lines = "".join(t for _, t in wrap(fragments, 80, 32)).split("\n")
    assert len(lines) == 2 and all(len(line) < 80 for line in lines)
    assert lines[1].startswith(" " * 32) and lines[1][32] != " "
    assert " ".join(lines).split() == "".join(t for _, t in fragments).split()


def test_piped_input_works_and_the_repl_never_imports_textual(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "XDG_DATA_HOME": str(tmp_path)}  # its session too
    result = subprocess.run([sys.executable, "-m", "devsim_tui", "repl", "--seed", "7"],
                            input="status\nscale cart to 3\ny\n", capture_output=True,
                            text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:5] == [
        "production> status",
        "✓ production at 00:00:00: 16 components, 0 rps in; all healthy",
        "production> scale cart to 3",
        "✓ production: scaled cart 2 → 3 (1 starting, ready in about 15s); autoscaling for "
        "cart is off now ('autoscale cart on' to hand it back)",
        "[00:00:00] scale                cart 2 → 3 instances — manual",
    ]
    assert "✗ nothing is waiting for a yes or no" in result.stdout
    code = (
        "import io, sys, asyncio\n"
        "from prompt_toolkit.input import create_pipe_input\n"
        "from prompt_toolkit.output import DummyOutput\n"
        "from devsim_tui.cli import main\n"
        "sys.stdin = io.StringIO('status\\n')\n"
        "assert main(['repl']) == 0\n"
        "from devsim_tui.repl.core import Repl\n"
        "from devsim_tui.repl.output import Printer\n"
        "from devsim_tui.repl.prompt_loop import build_prompt\n"
        "from engine import Simulation, load_scenario\n"
        "with create_pipe_input() as inp:\n"
        "    repl = Repl(Simulation(load_scenario('shopfront')), Printer(DummyOutput()))\n"
        "    build_prompt(repl, input=inp, output=DummyOutput())\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


_SGR = re.compile(r"\x1b\[([\d;]*)m")


def _colours(raw: str) -> list[str]:
    """SGR sequences that set a colour (foreground or background, any depth)."""
    found = []
    for params in _SGR.findall(raw):
        numbers = [int(p) for p in params.split(";") if p]
        if any(30 <= n <= 49 or 90 <= n <= 107 for n in numbers):
            found.append(params)
    return found


def _terminal_session(no_color: bool, tmp_path: Path) -> str:
    """Run ``devsim repl`` on a 100×30 pseudo-terminal, type a bad command and ``\\q``; what
    it drew. (A deadline guards against a hang; nothing is timed.)"""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", XDG_DATA_HOME=str(tmp_path), PROMPT_TOOLKIT_NO_CPR="1")
    if no_color:
        env["NO_COLOR"] = "1"
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "devsim_tui", "repl", "--seed", "7"],
                            stdin=follower, stdout=follower, stderr=follower, cwd=ROOT, env=env)
    os.close(follower)
    drawn = b""
    deadline = time.monotonic() + 90

    def read_until(marker: bytes, times: int = 1) -> None:
        nonlocal drawn
        while drawn.count(marker) < times:
            assert time.monotonic() < deadline, f"no {marker!r}; the end: {drawn[-300:]!r}"
            ready, _, _ = select.select([leader], [], [], 1)
            if ready:
                try:
                    drawn += os.read(leader, 65536)
                except OSError:  # the terminal closed
                    return

    try:
        read_until(b"production>")
        os.write(leader, b"frobnicate\r\\q\r")  # \q waits, typed ahead, for the next prompt
        read_until(b"bye")
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        proc.wait()
        os.close(leader)
    return drawn.decode("utf-8", "replace")


def test_at_a_terminal_no_color_draws_no_colour(tmp_path: Path) -> None:
    coloured = _terminal_session(False, tmp_path)
    assert _colours(coloured)  # the red ✗, the toolbar: colour is there by default …
    plain = _terminal_session(True, tmp_path)
    assert "I don't know 'frobnicate'" in plain and "bye — shopfront" in plain
    assert _colours(plain) == []  # … and none at all with NO_COLOR


async def test_a_rewind_goes_where_its_question_said_however_long_the_answer_takes() -> None:
    repl, out = make_repl()
    repl.sim.run_for(600_000)

    async def slow_yes(question: str) -> bool:  # the clock runs on while the question waits
        repl.sim.run_for(60_000)
        return True

    await repl.handle("rewind 2m", slow_yes)
    assert "go back 2m to 00:08:00" in out.getvalue()
    assert repl.sim.now == 480_000
