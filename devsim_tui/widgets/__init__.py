"""The console's widgets: one pane or control per module."""
