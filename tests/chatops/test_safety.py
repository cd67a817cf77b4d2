"""Text is data: nothing a person types reaches a shell, ``eval``/``exec`` or a template engine."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "open", "input"}
FORBIDDEN_METHODS = {"system", "popen", "Popen", "check_output", "check_call", "Template",
                     "format_map", "spawn", "execv", "execvp"}
FORBIDDEN_MODULES = {"subprocess", "os", "jinja2", "string", "pickle", "shelve", "marshal"}
CHECKED = [*sorted((ROOT / "devsim_tui" / "chatops").glob("*.py")), ROOT / "devsim_tui" /
           "script.py", *sorted((ROOT / "engine" / "actions").glob("*.py")),
           ROOT / "engine" / "commands.py"]


def test_the_language_path_never_executes_text() -> None:
    for path in CHECKED:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                    node.module or ""]
                bad = [n for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
                assert not bad, f"{path.name}:{node.lineno} imports {bad}"
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    assert func.id not in FORBIDDEN_BUILTINS, f"{path.name}:{node.lineno}"
                elif isinstance(func, ast.Attribute):
                    assert func.attr not in FORBIDDEN_METHODS, f"{path.name}:{node.lineno}"


def test_shell_looking_text_is_just_words() -> None:
    from devsim_tui.chatops import ParseContext, ParseError, parse
    from engine import load_scenario

    ctx = ParseContext.for_scenario(load_scenario("shopfront"))
    for text in ("$(rm -rf /)", "`reboot`", "{{7*7}}", "__import__('os').system('id')",
                 "status; shutdown -h now", "deploy checkout $(whoami)"):
        result = parse(text, ctx)
        assert isinstance(result, ParseError) or "7*7" not in str(result.to_dict())
