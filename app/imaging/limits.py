"""Per-placement size and shape limits (the README's table is this table), checked on header facts."""
from dataclasses import dataclass

from .reasons import ImageRejected


@dataclass(frozen=True)
class PlacementLimits:
    """What one spot on the campaign page needs of a photo."""

    label: str
    min_width: int
    min_height: int
    narrowest: tuple  # (width, height): the tallest shape allowed
    widest: tuple  # (width, height): the widest shape allowed


PLACEMENTS = {
    # The hero spans the page top: wide enough for a 2x desktop banner, phone portraits allowed.
    "hero": PlacementLimits("A hero image", 1200, 600, (2, 3), (3, 1)),
    "gallery": PlacementLimits("A gallery photo", 600, 400, (1, 2), (3, 1)),
    "inline": PlacementLimits("A photo in the story", 64, 64, (1, 4), (4, 1)),
}


def _ratio_text(ratio):
    return f"{ratio:.2g} : 1" if ratio >= 1 else f"1 : {1 / ratio:.2g}"


def _shape_text(shape):
    return f"{shape[0]} : {shape[1]}"


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
    narrowest, widest = (w / h for w, h in (limits.narrowest, limits.widest))
    if not narrowest <= ratio <= widest:
        shape = "tall and narrow" if ratio < narrowest else "wide and short"
        raise ImageRejected(
            "bad_aspect_ratio",
            f"This photo is very {shape} ({_ratio_text(ratio)}). {limits.label} works from "
            f"{_shape_text(limits.narrowest)} (tall) to {_shape_text(limits.widest)} (wide), "
            f"width : height — please crop it or choose another photo.",
        )
