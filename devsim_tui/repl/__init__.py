"""``devsim repl``: the line REPL (prompt_toolkit), one job a module.

``command`` (the subcommand), ``core`` (the one command path), ``meta`` (``\\?``, ``\\q``,
``\\env``), ``output`` (printing above the prompt), ``toolbar``, ``completer`` (the console's
completion as a prompt_toolkit completer), ``pacer`` (the wall clock), ``history``,
``prompt_loop`` (the interactive loop) and ``plain`` (piped input, dumb terminals).
"""
