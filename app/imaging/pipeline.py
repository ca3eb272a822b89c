"""The whole job: bytes in, upright sRGB metadata-free variants and facts out."""
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from PIL import Image

from . import decode, detect, limits, variants
from .reasons import ImageRejected


@dataclass(frozen=True)
class Settings:
    """Knobs of the core; the app builds one from its configuration."""

    max_pixels: int = 100_000_000
    max_bytes: int = 50 * 1024 * 1024
    widths: tuple = variants.WIDTHS
    webp_quality: int = 80
    jpeg_quality: int = 82


@dataclass
class Result:
    """What processing one photo produced and learned."""

    format: str  # detected source kind: jpeg | png | heic
    width: int  # upright source size
    height: int
    bytes: int
    content_hash: str  # sha256 of the original bytes
    has_alpha: bool
    orientation: int
    icc: bool
    placeholder: str
    dominant_colour: str
    variants: list = field(default_factory=list)


def inspect(data, placement=None, settings=Settings()):
    """Cheap checks on header facts alone: type, bytes, pixel count, placement limits.

    Returns (kind, header image, orientation, upright size); the image is not decoded yet.
    """
    if not data:
        raise ImageRejected("corrupt", "This file is empty. Please choose the photo again.")
    kind = detect.sniff(data[: detect.SNIFF_BYTES])
    if kind is None:
        seen = detect.describe(data[: detect.SNIFF_BYTES])
        message = (
            f"This is {seen}. Please choose a JPEG, PNG or HEIC photo." if seen else None
        )
        raise ImageRejected("unsupported_type", message)
    if len(data) > settings.max_bytes:
        raise ImageRejected(
            "too_large",
            f"This file is {len(data) / 1e6:.0f} MB; we accept up to "
            f"{settings.max_bytes / 1e6:.0f} MB. Please choose a smaller version.",
        )
    im = decode.open_header(data, kind, settings.max_pixels)
    orient = decode.orientation(im, kind)
    width, height = decode.upright_size(im.size, orient)
    if placement:
        limits.check_placement(width, height, placement)
    return kind, im, orient, (width, height)


def process(data, placement=None, settings=Settings()):
    """Validate and process one photo; raise ImageRejected with a reason code if unusable."""
    kind, im, orient, (width, height) = inspect(data, placement, settings)
    widths = variants.plan_widths(width, settings.widths)
    top_w = widths[0]
    top_h = variants.scaled_height(width, height, top_w)
    stored_top = decode.upright_size((top_w, top_h), orient)  # swap back to stored axes

    pixels = decode.decode(im, draft_size=stored_top)
    icc = pixels.info.get("icc_profile")
    # Resize in stored orientation first, then colour and rotate the small image only.
    top = pixels.resize(stored_top, Image.Resampling.LANCZOS, reducing_gap=3.0)
    top = decode.apply_orientation(decode.to_srgb(top, icc), orient)
    alpha = variants.has_alpha(top)
    if top.mode == "RGBA" and not alpha:
        top = top.convert("RGB")

    quality = {"webp_quality": settings.webp_quality, "jpeg_quality": settings.jpeg_quality}
    levels = [top]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The widest WebP is most of the work and releases the GIL: start it at once.
        # Each encode gets its own copy: Pillow's encoderinfo is per image object.
        jobs = [(top.size, "webp", pool.submit(variants.encode, top.copy(), "webp", **quality))]
        for w in widths[1:]:
            previous = levels[-1]
            size = (w, variants.scaled_height(width, height, w))
            levels.append(previous.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
        for level in levels[1:]:
            jobs.append((level.size, "webp", pool.submit(variants.encode, level.copy(), "webp",
                                                         **quality)))
        for level in levels:
            jobs.append((level.size, "jpeg", pool.submit(variants.encode, level.copy(), "jpeg",
                                                         **quality)))
        outputs = [
            variants.EncodedVariant(size[0], size[1], fmt, job.result())
            for size, fmt, job in jobs
        ]
    outputs.sort(key=lambda v: (-v.width, v.format))
    return Result(
        format=kind,
        width=width,
        height=height,
        bytes=len(data),
        content_hash=hashlib.sha256(data).hexdigest(),
        has_alpha=alpha,
        orientation=orient,
        icc=bool(icc),
        placeholder=variants.placeholder(levels[-1]),
        dominant_colour=variants.dominant_colour(levels[-1]),
        variants=outputs,
    )
