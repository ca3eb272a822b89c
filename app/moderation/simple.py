"""The two providers that need no detector: check nothing, or ask a person every time."""
from .base import Label, Provider, Verdict


class NoModeration(Provider):
    """Publish without checking (for closed deployments and tests)."""

    name = "none"

    def check(self, jpeg_bytes):
        return Verdict(False, [], self.name)


class ManualModeration(Provider):
    """Every photo waits for an admin."""

    name = "manual"

    def check(self, jpeg_bytes):
        return Verdict(True, [Label("Manual review of every photo", 100.0, "Manual")], self.name)
