"""devsim and the observability tools people already run: Prometheus exposition, pushing
alerts to Alertmanager, anomaly detection on a Prometheus range query."""

from .wiring import (Frame, Handle, Interop, InteropError, add_interop_arguments, register,
                     start_interop)

__all__ = ["Frame", "Handle", "Interop", "InteropError", "add_interop_arguments", "register",
           "start_interop"]
