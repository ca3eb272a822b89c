"""What every moderation provider takes and gives."""
from dataclasses import asdict, dataclass, field


@dataclass
class Label:
    """One thing a provider saw, with its confidence in percent."""

    name: str
    confidence: float
    category: str = ""  # the top-level category it belongs to, when the provider has one


@dataclass
class Verdict:
    """Whether the photo must wait for an admin, and why."""

    flagged: bool
    labels: list = field(default_factory=list)
    provider: str = ""

    def to_json(self):
        """Labels as plain dicts, for the database."""
        return [asdict(label) for label in self.labels]


class ModerationUnavailable(Exception):
    """The provider could not give a verdict; `retryable` says whether trying again may help."""

    def __init__(self, message, retryable=True):
        super().__init__(message)
        self.retryable = retryable


class Provider:
    """Checks one JPEG (the 800 px variant, never the original) and returns a Verdict."""

    name = "base"

    def check(self, jpeg_bytes):
        """Return a Verdict, or raise ModerationUnavailable."""
        raise NotImplementedError

    def warm_up(self):
        """Load models before the worker forks its work horses (no-op by default)."""
