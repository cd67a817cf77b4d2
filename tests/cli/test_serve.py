"""``devsim serve`` as a browser meets it: a console per websocket, gone when the visit is;
SIGTERM or Ctrl+C to the server ends it and every console it started; the page fetches
nothing from outside the server. Processes are found through /proc (Linux)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import aiohttp
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

DEADLINE_S = 20.0  # generous bounds for slow CI machines; the waits end as soon as they can


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def alive(pid: int) -> bool:
    found = _stat(pid)
    return found is not None and found[0] not in "ZX"  # a zombie has exited


def children(pid: int) -> set[int]:
    """The running processes whose parent is ``pid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) and stat[1] == pid:
            if stat[0] not in "ZX":
                found.add(int(entry))
    return found


def wait_until(condition: Callable[[], object], what: str,
               deadline_s: float = DEADLINE_S) -> None:
    """Poll until ``condition`` holds; fail once the deadline has passed."""
    end = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Served:
    """A running ``devsim serve`` and every console pid it was seen to start."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    consoles: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running_consoles(self) -> set[int]:
        found = children(self.process.pid)
        self.consoles |= found
        return found

    def started_and_ended(self) -> tuple[int, int]:
        text = self.log.read_text(errors="replace")
        return (len(re.findall(r"console \d+ started", text)),
                len(re.findall(r"console \d+ ended", text)))


@contextmanager
def serving(directory: Path) -> Iterator[Served]:
    """A server on a free loopback port, on the default settings; afterwards whatever is
    still running (the server, any console it was seen to start) is killed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = directory / "serve.log"
    env = {**os.environ, "DEVSIM_CONFIG": str(directory / "absent.toml")}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "devsim_tui", "serve", "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = Served(process, port, log)
    try:
        def answers() -> bool:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(server.url, timeout=1):
                    return True
            except OSError:
                return False

        wait_until(answers, "the server to answer")
        yield server
    finally:
        if process.poll() is None:  # a test failed with it running: let it end its consoles
            server.running_consoles()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for pid in server.consoles:
            cmdline = Path(f"/proc/{pid}/cmdline")
            if alive(pid) and cmdline.exists() and b"devsim_tui" in cmdline.read_bytes():
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the tests that leave it running (each server costs about a second)."""
    with serving(tmp_path_factory.mktemp("serve")) as served:
        yield served


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Served]:
    """A server of the test's own, for the tests that stop it."""
    with serving(tmp_path) as served:
        yield served


async def visit(server: Served,
                session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
    return await session.ws_connect(f"{server.url}/ws?width=100&height=30")


async def first_output(websocket: aiohttp.ClientWebSocketResponse) -> None:
    """Wait for the console to draw: it has started and is running."""
    async with asyncio.timeout(DEADLINE_S):
        while (await websocket.receive()).type != aiohttp.WSMsgType.BINARY:
            pass


async def test_a_console_ends_when_its_visit_does_even_during_start_up(server: Served) -> None:
    started, ended = server.started_and_ended()
    async with aiohttp.ClientSession() as session:
        early = await visit(server, session)
        await early.close()  # its console is still importing
        running = await visit(server, session)
        await first_output(running)
        assert len(server.running_consoles()) == 1
        await running.close()
    await asyncio.to_thread(wait_until, lambda: not server.running_consoles(),
                            "the consoles to end")
    both = (started + 2, ended + 2)  # both were started, and the server saw both end
    await asyncio.to_thread(wait_until, lambda: server.started_and_ended() == both,
                            "the server to log two consoles started and ended")
    assert server.process.poll() is None  # the server carries on


async def test_sigterm_to_a_console_ends_it_cleanly_and_the_visit_with_it(server: Served) -> None:
    async with aiohttp.ClientSession() as session:
        websocket = await visit(server, session)
        await first_output(websocket)
        (pid,) = server.running_consoles()
        os.kill(pid, signal.SIGTERM)
        async with asyncio.timeout(DEADLINE_S):  # the browser is told the session ended
            while not websocket.closed:
                await websocket.receive()
    await asyncio.to_thread(wait_until, lambda: not alive(pid), "the console to exit")
    clean = re.compile(rf"console {pid} ended \(exit 0\)")  # 0: the app exited, not killed
    await asyncio.to_thread(wait_until, lambda: clean.search(server.log.read_text()),
                            "the server to log a clean exit")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
async def test_stopping_the_server_stops_every_console(own_server: Served, signum: int) -> None:
    server = own_server
    async with aiohttp.ClientSession() as session:
        running = await visit(server, session)
        await first_output(running)
        starting = await visit(server, session)
        await asyncio.to_thread(wait_until, lambda: len(server.running_consoles()) == 2,
                                "two consoles")
        assert not starting.closed and not running.closed  # both visits are open
        server.process.send_signal(signum)
        await asyncio.to_thread(server.process.wait, DEADLINE_S)
    assert server.process.returncode == 0, server.log.read_text()
    left = [pid for pid in server.consoles if alive(pid)]
    assert not left, server.log.read_text()


async def test_the_page_fetches_nothing_from_outside_the_server(server: Served) -> None:
    own = (server.url, server.url.replace("http", "ws", 1))
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url) as response:
            page = await response.text()
        urls = re.findall(r"""(?:https?|wss?)://[^\s"'<>)]+""", page)
        assert urls and all(url.startswith(own) for url in urls), urls
        assert "@import" not in page
        linked = (re.findall(r"""(?<![\w-])(?:href|src)=["']([^"']+)["']""", page)
                  + re.findall(r"""url\(\s*["']?([^"')]+)""", page))
        assert any(path.endswith(".ttf") for path in linked)  # the font is served here
        for path in linked:
            async with session.get(urljoin(server.url + "/", path)) as response:
                assert response.status == 200, path
                if path.endswith(".css"):
                    css = await response.text()
                    assert not re.search(r"@import|url\(\s*[\"']?(?:https?:)?//", css), path
