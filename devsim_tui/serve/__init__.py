"""``devsim serve``'s machinery: a textual-serve server whose consoles end with their visits
(``server``), each console process and how it is ended (``console_process``), and the page,
which fetches nothing from outside this machine (``templates/app_index.html``)."""

from .server import ConsoleServer

__all__ = ["ConsoleServer"]
