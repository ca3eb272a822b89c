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


def _resize_to_srgb(pixels, size, icc, orient, pool, strips=2):
    """Resize to stored `size`, convert to sRGB and turn upright, in strips, one per thread.

    All three steps release the GIL. A box resize reads source pixels beyond its box just
    as a whole-image resize does, so the strips join without a seam (byte-identical output).
    """
    width, height = size
    if height < 64:
        strips = 1
    cuts = [round(height * i / strips) for i in range(strips + 1)]
    scale = pixels.height / height

    def strip(top, bottom):
        box = (0, top * scale, pixels.width, bottom * scale)
        part = pixels.resize((width, bottom - top), Image.Resampling.LANCZOS, box=box,
                             reducing_gap=3.0)
        return decode.apply_orientation(decode.to_srgb(part, icc), orient)

    parts = list(pool.map(strip, cuts[:-1], cuts[1:]))
    if len(parts) == 1:
        return parts[0]
    joined = Image.new(parts[0].mode, decode.upright_size(size, orient))
    for part, top, bottom in zip(parts, cuts, cuts[1:]):
        joined.paste(part, _upright_offset(orient, height, top, bottom))
    return joined


def _upright_offset(orient, height, top, bottom):
    """Where stored rows [top, bottom) of an image `height` rows tall land once upright."""
    return {1: (0, top), 2: (0, top), 3: (0, height - bottom), 4: (0, height - bottom),
            5: (top, 0), 8: (top, 0), 6: (height - bottom, 0), 7: (height - bottom, 0)}[orient]


def _own(im):
    """A copy the JPEG encoder may use while the WebP encoder has the original."""
    return im.copy() if im.mode != "RGBA" else im  # flatten() makes a new image for RGBA


def process(data, placement=None, settings=Settings()):
    """Validate and process one photo; raise ImageRejected with a reason code if unusable."""
    kind, im, orient, (width, height) = inspect(data, placement, settings)
    widths = variants.plan_widths(width, settings.widths)
    top_w = widths[0]
    top_h = variants.scaled_height(width, height, top_w)
    stored_top = decode.upright_size((top_w, top_h), orient)  # swap back to stored axes

    pixels = decode.decode(im, draft_size=stored_top)
    icc = pixels.info.get("icc_profile")
    quality = {"webp_quality": settings.webp_quality, "jpeg_quality": settings.jpeg_quality}
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Resize in stored orientation first, then colour and rotate the smaller image only.
        top = _resize_to_srgb(pixels, stored_top, icc, orient, pool)
        del pixels, im  # the full-size decode is the largest buffer: let it go now
        alpha = variants.has_alpha(top)
        if top.mode == "RGBA" and not alpha:
            top = top.convert("RGB")

        # The widest WebP is most of the work and releases the GIL: start it at once.
        jobs = [(top.size, "webp", pool.submit(variants.encode, top, "webp", **quality))]
        levels = [top]
        for w in widths[1:]:  # chained: each width from the one before, not the original
            size = (w, variants.scaled_height(width, height, w))
            levels.append(levels[-1].resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
        for level in levels[1:]:
            jobs.append((level.size, "webp", pool.submit(variants.encode, level, "webp", **quality)))
        for level in levels:
            # Never save one image object from two threads: Pillow keeps per-save state on it.
            jobs.append((level.size, "jpeg", pool.submit(variants.encode, _own(level), "jpeg",
                                                         **quality)))
        # Small work for this thread while the pool encodes (placeholder() saves a copy).
        content_hash = hashlib.sha256(data).hexdigest()
        placeholder = variants.placeholder(levels[-1])
        dominant_colour = variants.dominant_colour(levels[-1])
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
        content_hash=content_hash,
        has_alpha=alpha,
        orientation=orient,
        icc=bool(icc),
        placeholder=placeholder,
        dominant_colour=dominant_colour,
        variants=outputs,
    )
