"""Per-placement size and shape limits (the README's table is this table), checked on header facts."""
from dataclasses import dataclass

from .reasons import ImageRejected


@dataclass(frozen=True)
class PlacementLimits:
    """What one spot on the campaign page needs of a photo."""

    label: str
    min_width: int
    min_height: int
    min_ratio: float  # width / height, narrowest allowed
    max_ratio: float  # width / height, widest allowed


PLACEMENTS = {
    # The hero spans the page top: wide enough for a 2x desktop banner, phone portraits allowed.
    "hero": PlacementLimits("A hero image", 1200, 600, 3 / 4, 3.0),
    "gallery": PlacementLimits("A gallery photo", 600, 400, 1 / 2, 3.0),
    "inline": PlacementLimits("A photo in the story", 64, 64, 1 / 4, 4.0),
}


def _ratio_text(ratio):
    return f"{ratio:.2g} : 1" if ratio >= 1 else f"1 : {1 / ratio:.2g}"


def check_placement(width, height, placement):
    """Refuse with too_small / bad_aspect_ratio when an upright width x height can't fit."""
    limits = PLACEMENTS[placement]
    if width < limits.min_width or height < limits.min_height:
        raise ImageRejected(
            "too_small",
            f"This photo is {width} × {height} pixels. {limits.label} needs at least "
            f"{limits.min_width} × {limits.min_height} pixels to look sharp — "
            f"please choose a larger photo.",
        )
    ratio = width / height
    if not limits.min_ratio <= ratio <= limits.max_ratio:
        shape = "tall and narrow" if ratio < limits.min_ratio else "wide and short"
        raise ImageRejected(
            "bad_aspect_ratio",
            f"This photo is very {shape} ({_ratio_text(ratio)}). {limits.label} works between "
            f"{_ratio_text(limits.min_ratio)} and {_ratio_text(limits.max_ratio)} "
            f"(width : height) — please crop it or choose another photo.",
        )
