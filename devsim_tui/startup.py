"""What the console does once as it starts: whose session it is, and scikit-learn loaded off
the event loop after the first frame."""

from __future__ import annotations

__all__ = ["login_name", "warm_models"]


def login_name() -> str:
    """Who is at the keyboard: acknowledgements and silences are recorded under it."""
    import getpass

    try:
        return getpass.getuser() or "operator"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "operator"


def warm_models() -> None:
    """Import scikit-learn's models in a background thread (the anomaly detector's forest and
    the predictive autoscaler's regression need them later, on the engine's turn)."""
    import importlib
    import threading

    def load() -> None:
        try:
            for module in ("sklearn.ensemble", "sklearn.linear_model"):
                importlib.import_module(module)
        except (ImportError, RuntimeError):  # the console ended mid-import (interpreter
            pass  # shutdown): nothing to warm any more; the engine imports on first need

    threading.Thread(target=load, name="warm-models", daemon=True).start()
