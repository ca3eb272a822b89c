"""Moderation providers behind one small interface, chosen by MODERATION_PROVIDER.

`none` checks nothing, `manual` sends every photo to an admin, `nudenet` runs a local
offline detector (an optional, AGPL-licensed dependency), `rekognition` asks AWS.
"""
from .base import Label, ModerationUnavailable, Provider, Verdict  # noqa: F401
from .retry import check_with_retries  # noqa: F401

PROVIDERS = ("none", "manual", "nudenet", "rekognition")


def build_provider(config):
    """Return the provider that `config` names."""
    name = config["MODERATION_PROVIDER"]
    minimum = float(config["MODERATION_MIN_CONFIDENCE"])
    if name == "none":
        from .simple import NoModeration

        return NoModeration()
    if name == "manual":
        from .simple import ManualModeration

        return ManualModeration()
    if name == "nudenet":
        from .nudity import NudeNetModeration

        return NudeNetModeration(minimum)
    if name == "rekognition":
        from .rekognition import RekognitionModeration

        categories = [c.strip() for c in config["MODERATION_CATEGORIES"].split(",") if c.strip()]
        return RekognitionModeration(config["REKOGNITION_REGION"], minimum, categories)
    raise RuntimeError(f"unknown MODERATION_PROVIDER {name!r} (use one of {', '.join(PROVIDERS)})")
