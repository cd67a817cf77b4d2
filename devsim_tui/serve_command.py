"""``devsim serve``: the console in a browser through textual-serve, one process per visitor.

Bound to 127.0.0.1 unless ``--host`` says otherwise, so a workshop machine only shares it on
purpose. Why textual-serve: it runs the real console per browser tab (with xterm.js), which we
would otherwise have to build as a web terminal bridge by hand. Each console ends with its
visit, and all of them with the server (``devsim_tui/serve``).
"""

from __future__ import annotations

import argparse
import shlex
import sys

from .headless.arguments import non_negative_int, speed_factor

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=non_negative_int, default=8000, metavar="N",
                        help="port to listen on (default 8000)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--scenario", default=None, metavar="NAME|PATH")
    parser.add_argument("--seed", type=non_negative_int, default=None, metavar="N")
    parser.add_argument("--speed", type=speed_factor, default=None, metavar="X")


def console_argv(args: argparse.Namespace) -> list[str]:
    """The command each visitor's console runs (exec'd directly, no shell in between)."""
    parts = [sys.executable, "-m", "devsim_tui", "tui"]
    for flag, value in (("--scenario", args.scenario), ("--seed", args.seed),
                        ("--speed", args.speed)):
        if value is not None:
            parts += [flag, str(value)]
    return parts


def console_command(args: argparse.Namespace) -> str:
    """The same command as one line, as the server shows it."""
    return shlex.join(console_argv(args))


def execute(args: argparse.Namespace) -> int:
    from engine import load_scenario

    if args.scenario:
        load_scenario(args.scenario)
    from .serve import ConsoleServer

    url = f"http://{args.host}:{args.port}"
    print(f"devsim console at {url} (Ctrl+C to stop)", file=sys.stderr)
    ConsoleServer(console_argv(args), host=args.host, port=args.port, title="devsim",
                  public_url=url).serve()
    return 0
