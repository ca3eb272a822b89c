"""Open a photo safely: header guards, one full decode, orientation once, colour to sRGB."""
import io
import warnings
from functools import lru_cache

import pillow_heif
from PIL import Image, ImageCms

from . import detect
from .reasons import ImageRejected

pillow_heif.register_heif_opener()

# Pillow format names each sniffed kind may be decoded as; MPO is a JPEG with extra frames.
_PIL_FORMATS = {detect.JPEG: ["JPEG", "MPO"], detect.PNG: ["PNG"], detect.HEIC: ["HEIF"]}

# EXIF orientation -> the transpose that makes the stored pixels upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def open_header(data, kind, max_pixels):
    """Open lazily (header only) and refuse what must not be decoded: bombs, animations."""
    if kind == detect.PNG:
        _verify_png(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=_PIL_FORMATS[kind])
        except Image.DecompressionBombError:
            raise ImageRejected("too_large", _too_large_message(None, max_pixels))
        except Exception as error:  # Pillow raises many types for damaged headers
            if isinstance(error, MemoryError):
                raise
            raise ImageRejected("corrupt") from error
    width, height = im.size
    if width * height > max_pixels:
        raise ImageRejected("too_large", _too_large_message((width, height), max_pixels))
    if getattr(im, "is_animated", False) and im.format == "PNG":
        raise ImageRejected(
            "unsupported_type",
            "This is an animated image. Please choose a still JPEG, PNG or HEIC photo.",
        )
    return im


def _too_large_message(size, max_pixels):
    limit = f"{max_pixels / 1e6:.0f} megapixels"
    if size:
        w, h = size
        return (
            f"This photo is {w} × {h} pixels ({w * h / 1e6:.1f} megapixels); we accept up to "
            f"{limit}. Please choose a smaller version."
        )
    return f"This image is far larger than the {limit} we accept. Please choose a smaller version."


def _verify_png(data):
    """Check every chunk's CRC (Pillow's normal decode skips the IDAT checksums)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as probe:
                probe.verify()
    except Image.DecompressionBombError:
        return  # open_header reports it as too_large
    except Exception as error:
        if isinstance(error, MemoryError):
            raise
        raise ImageRejected("corrupt") from error


def orientation(im, kind):
    """EXIF orientation still to apply: 1 for HEIC, whose container rotation pillow-heif applied."""
    if kind == detect.HEIC:
        return 1
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:
        return 1  # an unreadable EXIF block must not sink an otherwise good photo
    return value if value in _TRANSPOSE else 1


def upright_size(size, orient):
    """The displayed width and height of stored `size` under EXIF `orient`."""
    w, h = size
    return (h, w) if orient in (5, 6, 7, 8) else (w, h)


def decode(im, draft_size=None):
    """Fully decode `im` (at JPEG draft scale when given), refusing truncated or damaged data."""
    if draft_size and im.format in ("JPEG", "MPO"):
        im.draft(None, draft_size)
    try:
        im.load()
    except Exception as error:
        if isinstance(error, MemoryError):
            raise
        raise ImageRejected("corrupt") from error
    return _normalise_mode(im)


def _normalise_mode(im):
    """Bring every decoded mode to RGB, RGBA, L or CMYK at 8 bits per channel."""
    icc = im.info.get("icc_profile")
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "CMYK"):
        out = im
    elif mode in ("P", "PA"):
        out = im.convert("RGBA" if "transparency" in im.info or mode == "PA" else "RGB")
    elif mode == "LA":
        out = im.convert("RGBA")
    elif mode.startswith("I"):
        # 16-bit grey: scale 0..65535 down to 0..255 rather than clipping.
        out = im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    elif mode == "1":
        out = im.convert("L")
    else:
        out = im.convert("RGBA" if "A" in mode else "RGB")
    if icc and out is not im:
        out.info["icc_profile"] = icc
    return out


def apply_orientation(im, orient):
    """Transpose stored pixels upright (orientation applied exactly once, here)."""
    transpose = _TRANSPOSE.get(orient)
    # `is None`, not truthiness: FLIP_LEFT_RIGHT is the IntEnum value 0.
    return im if transpose is None else im.transpose(transpose)


def to_srgb(im, icc):
    """Convert from the embedded ICC profile to sRGB; return RGB or RGBA pixels."""
    alpha = im.getchannel("A") if im.mode == "RGBA" else None
    base = im.convert("RGB") if im.mode == "RGBA" else im
    converted = None
    if icc:
        transform = _transform(icc, base.mode)
        if transform is not None:
            converted = ImageCms.applyTransform(base, transform)
    if converted is None:
        converted = base.convert("RGB")  # untagged: already sRGB, or naive CMYK/grey
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


@lru_cache(maxsize=32)
def _transform(icc, mode):
    """Build (once per profile and mode) the transform to sRGB; None if the profile is unusable."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.buildTransform(
            source, _SRGB, mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None

