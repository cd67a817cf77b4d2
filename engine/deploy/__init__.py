"""Progressive delivery: rolling, canary and blue-green rollouts with automatic analysis."""

from .controller import DeployController, Revision, Rollout

__all__ = ["DeployController", "Revision", "Rollout"]
