"""Everything a person touches: the CLI, the headless runner and (later) the console and REPL."""
