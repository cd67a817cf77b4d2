"""The web server of ``devsim serve``: textual-serve's, owning the consoles it starts.

Every console belongs to one websocket and is ended when that websocket closes, however the
handler leaves (the browser closed, the server stopped, an error); at shutdown every console
is ended before aiohttp waits on the handlers; and if the event loop itself dies first, the
consoles still running are killed on the way out. The page is our template: textual-serve's
loads its font from Google, ours from the server's own static files.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import signal
from collections.abc import Sequence
from pathlib import Path

from aiohttp import WSCloseCode, web
from textual_serve.server import Server, to_int

from .console_process import ConsoleProcess

__all__ = ["ConsoleServer"]

log = logging.getLogger("devsim.serve")

TEMPLATES = Path(__file__).resolve().parent / "templates"
HEARTBEAT_S = 15  # as textual-serve: a browser that vanished without closing is noticed


class ConsoleServer(Server):
    """textual-serve's ``Server`` with a console lifecycle.

    Why a subclass: the stock ``handle_websocket`` builds its ``AppService`` inline, with no
    parameter to supply another, and the stock ``on_shutdown`` does nothing, so at exit open
    visits are left to aiohttp's 60 s handler timeout and then cancelled, abandoning their
    processes. Overridden here: ``handle_websocket`` (a ``ConsoleProcess``, stopped on every
    way out), ``on_shutdown`` (stop them all) and ``serve`` (a last SIGKILL for any console
    the loop could not stop). The page template is passed through the public
    ``templates_path``; the message loop (``_process_messages``) is the stock one.
    """

    def __init__(self, argv: Sequence[str], *, host: str, port: int, title: str,
                 public_url: str | None = None) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title,
                         public_url=public_url, templates_path=TEMPLATES)
        self.argv = tuple(argv)
        self.consoles: set[ConsoleProcess] = set()
        self.stopping = False

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One visit: a console for as long as the websocket is open, and not a moment longer."""
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_S)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)
        if self.stopping:  # accepted just before shutdown began: start nothing
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")
            return websocket
        console = ConsoleProcess(self.argv, websocket, self.download_manager, debug=self.debug)
        self.consoles.add(console)
        try:
            await console.start(width, height)
            await self._process_messages(websocket, console)
        except Exception as error:  # a malformed message, a failed spawn: end this visit only
            log.exception(error)
        finally:
            await console.stop()  # shielded: completes even if this handler is cancelled
            self.consoles.discard(console)
            await console.close_websocket()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """End every console (which closes its websocket, so the handlers return at once)."""
        self.stopping = True  # with the snapshot below, before any await: no console is missed
        consoles = list(self.consoles)
        if consoles:
            log.info("stopping %d console(s)", len(consoles))
        await asyncio.gather(*(console.stop() for console in consoles), return_exceptions=True)

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C or SIGTERM; then no console started here is left running."""
        try:
            super().serve(debug=debug)
        finally:
            for console in list(self.consoles):  # only if the loop died before ending them
                console.send_signal(signal.SIGKILL)
