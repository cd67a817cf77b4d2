"""One visitor's console process, which ends when the visit ends.

textual-serve's ``AppService`` speaks the console's packet protocol (a prelude, then ``D``ata,
``M``eta and ``P``acked frames over stdin/stdout), and we reuse that unchanged. What it does
not do is end the process: its ``stop`` writes a "quit" packet to the console's stdin and
waits for stdout to close. A console still starting up reads that packet only once its driver
runs; a console whose browser has gone is no longer read from (the relay stops at the first
failed websocket write), so it blocks writing its next frame and never reads the packet, nor
runs its SIGTERM handler. Here the relay keeps draining until the process ends, and ending is
SIGTERM (which the console turns into a clean exit at any stage) and, failing that, SIGKILL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
import time
from asyncio.subprocess import PIPE, Process
from collections.abc import Sequence
from contextlib import suppress

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

__all__ = ["ConsoleProcess"]

log = logging.getLogger("devsim.serve")

TERM_GRACE_S = 3.0  # SIGTERM → clean exit takes 0.1–1.2 s when measured; then SIGKILL
KILL_WAIT_S = 2.0  # for the kernel to reap it and its pipes to close
CLOSE_WAIT_S = 2.0  # for a browser to answer our websocket close


class ConsoleProcess(AppService):
    """A console process tied to one websocket: started on connect, ended on disconnect.

    Why a subclass of ``AppService`` and not a wrapper: the protocol relay (``run``, the meta
    and download handling) is textual-serve's and stays so; only the process handling differs.
    The one private method overridden is ``_open_app_process``, because textual-serve offers
    no public way to choose how the process is spawned or to reach it afterwards. Its version
    goes through ``sh -c`` (dash forks, so the pid it holds is the shell's and a signal to it
    does not reach the console); ours execs the console directly, in a session of its own so a
    Ctrl+C in the server's terminal reaches only the server, which then ends each console in
    order, and so its whole process group can be signalled.
    """

    def __init__(self, argv: Sequence[str], websocket: web.WebSocketResponse,
                 download_manager: DownloadManager, *, debug: bool = False) -> None:
        super().__init__(shlex.join(argv), write_bytes=self._to_browser_bytes,
                         write_str=self._to_browser_str, close=self.close_websocket,
                         download_manager=download_manager, debug=debug)
        self.argv = tuple(argv)
        self.websocket = websocket
        self.download_manager = download_manager
        self.process: Process | None = None
        self._launching: asyncio.Future[None] | None = None
        self._relay: asyncio.Task[None] | None = None
        self._ending: asyncio.Future[None] | None = None

    # -- spawning -----------------------------------------------------------------------------
    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """Exec the console (no shell) in its own session; ``run`` reads ``_process``."""
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=PIPE,
            env=self._build_environment(width=width, height=height), start_new_session=True)
        self._process, self._stdin = process, process.stdin
        return process

    async def start(self, width: int, height: int) -> None:
        """Spawn the console and relay its output to the browser until it ends.

        The launch runs as a task of its own that ``stop`` waits for, so a stop that arrives
        mid-spawn (the server shutting down) still finds and ends the process."""
        if self._ending is not None:  # stopped before it began: spawn nothing, end the visit
            await self.close_websocket()
            return
        self._launching = asyncio.ensure_future(self._launch(width, height))
        await asyncio.shield(self._launching)

    async def _launch(self, width: int, height: int) -> None:
        process = self.process = await self._open_app_process(width, height)
        self._relay = asyncio.create_task(self.run(), name=f"console-{process.pid}")
        log.info("console %d started", process.pid)

    async def run(self) -> None:
        """Relay until the console's stdout closes, then end the visit: a console that crashed
        or was killed sends no "exit" packet, and the browser should say the session ended."""
        try:
            await super().run()
        finally:
            await self.close_websocket()

    # -- the browser side ---------------------------------------------------------------------
    # Output is forwarded while the visitor is there and dropped afterwards, so the relay keeps
    # draining the console's stdout and the console never blocks on a full pipe.
    async def _to_browser_bytes(self, data: bytes) -> None:
        if not self.websocket.closed:
            with suppress(ConnectionResetError):
                await self.websocket.send_bytes(data)

    async def _to_browser_str(self, data: str) -> None:
        if not self.websocket.closed:
            with suppress(ConnectionResetError):
                await self.websocket.send_str(data)

    async def close_websocket(self) -> None:
        """Close the visit's websocket, not waiting long for a browser that does not answer."""
        if not self.websocket.closed:
            with suppress(Exception):
                await asyncio.wait_for(self.websocket.close(), CLOSE_WAIT_S)

    # -- ending -------------------------------------------------------------------------------
    async def stop(self) -> None:
        """End the console and wait for it; safe to call more than once and from a cancelled
        task (the ending runs shielded, so a cancelled handler cannot abandon a process)."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end())
        await asyncio.shield(self._ending)

    async def _end(self) -> None:
        await self.download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if self._launching is not None:
            with suppress(Exception):  # a spawn that failed has nothing to end
                await self._launching
        process = self.process
        if process is None:
            return
        began = time.monotonic()
        if process.returncode is None:
            self.send_signal(signal.SIGTERM)
            if not await self._exited(TERM_GRACE_S):
                log.warning("console %d still running %.0f s after SIGTERM: killing it",
                            process.pid, TERM_GRACE_S)
                self.send_signal(signal.SIGKILL)
                await self._exited(KILL_WAIT_S)
        if self._relay is not None:
            await asyncio.wait([self._relay], timeout=KILL_WAIT_S)
            self._relay.cancel()
        log.info("console %d ended (exit %s) %.2f s after the visit did", process.pid,
                 process.returncode, time.monotonic() - began)

    async def _exited(self, timeout: float) -> bool:
        assert self.process is not None
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def send_signal(self, signum: int) -> None:
        """Signal the console's process group while its leader has not been reaped (after
        that the pid may belong to someone else)."""
        process = self.process
        if process is None or process.returncode is not None:
            return
        with suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signum)
            else:  # no process groups (Windows): the process alone
                process.send_signal(signum)
