"""Headless front ends: the subcommands that never import textual."""
