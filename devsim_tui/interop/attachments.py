"""The table of interop attachments: each module listed here registers its row when imported
(see ``wiring.register``). A row whose module is not in this build is left out."""

from __future__ import annotations

import importlib

MODULES = (
    "prometheus_attachment",  # --metrics-port, --metrics-host
    "alertmanager_attachment",  # --alertmanager, --webhook
)

for _name in MODULES:
    try:
        importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{_name}":
            raise
