"""Variant widths, encoders, content-hash names and the paint-at-once placeholder."""
import base64
import hashlib
import io
from dataclasses import dataclass

from PIL import Image

WIDTHS = (2048, 800, 200)
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}


@dataclass
class EncodedVariant:
    """One output file: its pixels' size, its format and its bytes."""

    width: int
    height: int
    format: str  # "webp" | "jpeg"
    data: bytes

    @property
    def name(self):
        """File name carrying a hash of the output bytes, so a new image gets a new name."""
        digest = hashlib.sha256(self.data).hexdigest()[:32]
        return f"{digest}-{self.width}w.{EXTENSIONS[self.format]}"

    @property
    def content_type(self):
        """The MIME type storage and the CDN send for this file."""
        return CONTENT_TYPES[self.format]


def plan_widths(width, widths=WIDTHS):
    """Output widths for a source `width`: never upscaled, never duplicated, widest first."""
    return sorted({min(w, width) for w in widths}, reverse=True)


def scaled_height(width, height, new_width):
    """Height that keeps the aspect ratio at `new_width` (at least 1 px)."""
    return max(1, round(height * new_width / width))


def has_alpha(im):
    """True when an RGBA image has any pixel that is not fully opaque."""
    return im.mode == "RGBA" and im.getchannel("A").getextrema()[0] < 255


def flatten(im, background=(255, 255, 255)):
    """Composite transparency onto white (never black) for formats without alpha."""
    if im.mode != "RGBA":
        return im
    canvas = Image.new("RGB", im.size, background)
    canvas.paste(im, mask=im.getchannel("A"))
    return canvas


def encode(im, fmt, webp_quality=80, jpeg_quality=82):
    """Encode with no metadata at all: no EXIF, XMP, IPTC, comment or ICC is passed on."""
    buffer = io.BytesIO()
    if fmt == "webp":
        im.save(buffer, "WEBP", quality=webp_quality, method=4)
    else:
        flatten(im).save(buffer, "JPEG", quality=jpeg_quality, progressive=True, optimize=True)
    return buffer.getvalue()


def placeholder(im):
    """A ~16 px WebP as a data: URI, shown blurred while the real image loads."""
    small = im.copy()
    small.thumbnail((16, 16), Image.Resampling.BOX)
    data = encode(small, "webp", webp_quality=40)
    return "data:image/webp;base64," + base64.b64encode(data).decode("ascii")


def dominant_colour(im):
    """The most common of five representative colours, as #rrggbb (flattened onto white)."""
    small = flatten(im).convert("RGB").copy()
    small.thumbnail((64, 64), Image.Resampling.BOX)
    quantised = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    count, index = max(quantised.getcolors())
    r, g, b = quantised.getpalette()[index * 3 : index * 3 + 3]
    return f"#{r:02x}{g:02x}{b:02x}"
