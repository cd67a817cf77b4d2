"""``devsim parse``: what a command means, without running it (a stable JSON contract).

With ``-`` it reads one command per line from stdin and answers exactly one line each, in
either format; every line stands alone (no conversation context is carried between them).
Exit status 1 when any line could not be understood.
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default="shopfront", metavar="NAME|PATH",
                        help="the scenario whose names commands use (default shopfront)")
    parser.add_argument("--json", action="store_true", help="answer in JSON")
    parser.add_argument("text", nargs="+", metavar="TEXT", help="the command, or - for stdin")


def execute(args: argparse.Namespace) -> int:
    from devsim_tui.chatops import ParseContext, ParseError, parse
    from engine import load_scenario

    spec = load_scenario(args.scenario)
    lines = sys.stdin.read().split("\n") if args.text == ["-"] else [" ".join(args.text)]
    if args.text == ["-"] and lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    failures = 0
    for line in lines:
        context = ParseContext.for_scenario(spec)
        result = parse(line, context)
        failures += isinstance(result, ParseError)
        if args.json:
            data = result.to_dict()
            if context.notes and not isinstance(result, ParseError):
                data["notes"] = list(context.notes)
            print(json.dumps(data), flush=True)
        else:
            print(_describe(result, context.notes), flush=True)
    return 1 if failures else 0


def _describe(result: object, notes: list[str]) -> str:
    """One line, whatever the answer (a reader of ``-`` pairs answers with input lines)."""
    from devsim_tui.chatops import ParseError

    if isinstance(result, ParseError):
        tips = f" (try: {'; '.join(result.suggestions)})" if result.suggestions else ""
        return f"error: {result.message}{tips}"
    data = result.to_dict()  # type: ignore[attr-defined]
    args = " ".join(f"{k}={v}" for k, v in data["args"].items())
    assumed = f" ({'; '.join(notes)})" if notes else ""
    return f"{data['intent']} {args}".rstrip() + assumed
