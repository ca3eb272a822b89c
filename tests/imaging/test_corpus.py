"""Every file of the shared corpus, through the pure core, judged as a person would:
upright, true colours, transparency on white (never black), and no byte of metadata."""
import io
import struct

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from app.imaging import ImageRejected, process
from app.imaging.variants import plan_widths

from ..conftest import CORPUS
from .corpus import decision, rows

ROWS = rows()
ACCEPTED = [r for r in ROWS if decision(r)[0] == "accept"]
_cache = {}


def processed(row):
    """Process each accepted file once per test session (the slow part)."""
    if row["file"] not in _cache:
        _cache[row["file"]] = process((CORPUS / row["file"]).read_bytes(), "inline")
    return _cache[row["file"]]


def open_output(variant):
    im = Image.open(io.BytesIO(variant.data))
    im.load()
    return im


def mean_difference(a, b):
    """Mean absolute difference per channel, 0..255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def reference(path, kind, size):
    """An independent rendering: Pillow's exif_transpose, LittleCMS to sRGB, white behind alpha."""
    src = Image.open(path)
    if kind != "heic":  # pillow-heif has already applied the container's rotation
        src = ImageOps.exif_transpose(src)
    icc = src.info.get("icc_profile")
    if src.mode in ("P", "PA", "LA", "I;16", "I"):
        src = src.convert("RGBA") if "transparency" in src.info or "A" in src.mode else src.convert("RGB")
    alpha = src.getchannel("A") if src.mode == "RGBA" else None
    rgb = src.convert("RGB") if src.mode == "RGBA" else src
    if icc:
        rgb = ImageCms.profileToProfile(
            rgb, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"),
            renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB")
    rgb = rgb.convert("RGB")
    if alpha is not None:
        white = Image.new("RGB", rgb.size, (255, 255, 255))
        white.paste(rgb, mask=alpha)
        rgb = white
    return rgb.resize(size, Image.Resampling.LANCZOS)


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_every_file_gets_the_decision_we_chose(row):
    outcome, expected = decision(row)
    data = (CORPUS / row["file"]).read_bytes()
    if outcome == "reject":
        with pytest.raises(ImageRejected) as rejected:
            process(data, "inline")
        assert rejected.value.code == expected
        assert rejected.value.message and "Traceback" not in rejected.value.message
        return
    result = processed(row)
    if expected:
        assert (result.width, result.height) == expected
    widths = plan_widths(result.width)
    assert sorted({(v.width, v.format) for v in result.variants}) == sorted(
        (w, f) for w in widths for f in ("webp", "jpeg"))
    for variant in result.variants:
        im = open_output(variant)
        assert im.size == (variant.width, variant.height)
        assert abs(variant.width / variant.height - result.width / result.height) < 0.02
        assert im.format == {"webp": "WEBP", "jpeg": "JPEG"}[variant.format]
        assert getattr(im, "n_frames", 1) == 1


@pytest.mark.parametrize("row", ACCEPTED, ids=[r["file"] for r in ACCEPTED])
def test_output_is_upright_and_true_coloured(row):
    """Compared, pixel by pixel, with an independent reference rendering of the original."""
    result = processed(row)
    smallest = [v for v in result.variants if v.format == "jpeg"][-1]
    ours = open_output(smallest).convert("RGB")
    ref = reference(CORPUS / row["file"], result.format, ours.size)
    assert mean_difference(ours, ref) < 8
    if ours.width > 8 and mean_difference(ref, ref.transpose(Image.Transpose.ROTATE_180)) > 20:
        # The photo is not symmetric, so a wrong orientation would have been caught.
        assert mean_difference(ours, ref.transpose(Image.Transpose.ROTATE_180)) > 15


def jpeg_segments(data):
    """(marker, payload) for each segment before the image data starts."""
    assert data[:2] == b"\xff\xd8"
    position, segments = 2, []
    while position < len(data):
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        segments.append((marker, data[position + 4:position + 2 + length]))
        if marker == 0xDA:  # start of scan
            return segments
        position += 2 + length
    return segments


def webp_chunks(data):
    """The four-letter chunk names of a WebP file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    position, names = 12, []
    while position + 8 <= len(data):
        name = data[position:position + 4]
        size = struct.unpack("<I", data[position + 4:position + 8])[0]
        names.append(name)
        position += 8 + size + (size & 1)
    return names


def telltales(path):
    """Distinctive strings of the original's metadata that must not survive."""
    im = Image.open(path)
    exif = im.getexif()
    found = []
    for tag in (0x010F, 0x0110, 0x0131, 0x0132, 0x013B, 0x8298):  # make, model, software, date...
        value = exif.get(tag)
        # Six or more characters: shorter strings turn up by chance in compressed data.
        if isinstance(value, str) and len(value.strip("\x00 ")) >= 6:
            found.append(value.strip("\x00 ").encode())
    return found


@pytest.mark.parametrize("row", ACCEPTED, ids=[r["file"] for r in ACCEPTED])
def test_outputs_carry_no_metadata(row):
    result = processed(row)
    leftovers = telltales(CORPUS / row["file"])
    for variant in result.variants:
        data = variant.data
        if variant.format == "jpeg":
            markers = {marker for marker, _ in jpeg_segments(data)}
            app_markers = {m for m in markers if 0xE1 <= m <= 0xEF}  # APP1..APP15: EXIF, XMP, ICC, MPF, IPTC...
            assert not app_markers, f"APP markers {sorted(hex(m) for m in app_markers)} left"
            assert 0xFE not in markers, "a JPEG comment was left"
        else:
            chunks = webp_chunks(data)
            assert not {b"EXIF", b"XMP ", b"ICCP"} & set(chunks), chunks
        for needle in (b"Exif\x00", b"http://ns.adobe.com/xap", b"Photoshop 3.0", b"ICC_PROFILE",
                       b"<x:xmpmeta", *leftovers):
            assert needle not in data, f"{needle!r} found in {variant.name}"


TRANSPARENT = [r for r in ACCEPTED if r["file"].endswith((".png", "RGBA_10__128x128.heif"))]


@pytest.mark.parametrize("row", TRANSPARENT, ids=[r["file"] for r in TRANSPARENT])
def test_transparency_kept_in_webp_and_white_in_jpeg(row):
    result = processed(row)
    source = Image.open(CORPUS / row["file"]).convert("RGBA")
    top_webp = open_output(result.variants[1] if result.variants[1].format == "webp" else result.variants[0])
    top_jpeg = open_output(next(v for v in result.variants if v.format == "jpeg"))
    clear = [(x, y) for x in range(0, source.width, 7) for y in range(0, source.height, 7)
             if source.getpixel((x, y))[3] == 0]
    if result.has_alpha:
        assert top_webp.mode == "RGBA"
    for x, y in clear[:50]:
        sx, sy = x * top_jpeg.width // source.width, y * top_jpeg.height // source.height
        assert min(top_jpeg.convert("RGB").getpixel((sx, sy))) > 230, "transparency turned dark"


def by_name(name):
    return next(r for r in ROWS if r["file"].endswith(name))


def sample(im, fx, fy):
    return im.convert("RGB").getpixel((int(fx * im.width), int(fy * im.height)))


def test_icc_profile_is_applied_not_ignored():
    """rgb-to-gbr-test.jpg: its profile swaps channels; the words must sit on their colours."""
    out = open_output(next(v for v in processed(by_name("rgb-to-gbr-test.jpg")).variants
                           if v.format == "jpeg"))
    red, blue, green = sample(out, 0.5, 0.06), sample(out, 0.88, 0.6), sample(out, 0.12, 0.6)
    assert red[0] > 200 and red[1] < 60 and red[2] < 60, red
    assert blue[2] > 200 and blue[1] < 60, blue
    assert green[1] > 200 and green[0] < 80 and green[2] < 60, green


def test_cmyk_through_its_profile_is_light_teal_not_mint():
    out = open_output(next(v for v in processed(by_name("cmyk-icc.jpg")).variants
                           if v.format == "jpeg"))
    mean = ImageStat.Stat(out.convert("RGB")).mean
    for got, want in zip(mean, (149, 213, 213)):
        assert abs(got - want) < 8, mean


def test_grayscale_stays_neutral():
    out = open_output(processed(by_name("giunchedi_grayscale.jpg")).variants[0]).convert("RGB")
    r, g, b = (ImageStat.Stat(band).mean[0] for band in out.split())
    assert abs(r - g) < 1.5 and abs(g - b) < 1.5


@pytest.mark.parametrize("name", ["p3.png", "prophoto.png"])
def test_wide_gamut_unit_inputs_convert_to_srgb(name):
    from app.imaging.decode import to_srgb

    src = Image.open(CORPUS / by_name(name)["file"])
    src.load()
    icc = src.info["icc_profile"]
    ours = to_srgb(src.convert("RGBA") if src.mode == "RGBA" else src.convert("RGB"), icc)
    ref = reference(CORPUS / by_name(name)["file"], "png", src.size)
    assert mean_difference(ours.convert("RGB"), ref) < 2
    # The conversion changed something: some channel of some pixel moved noticeably.
    extremes = ImageChops.difference(src.convert("RGB"), ref).getextrema()
    assert max(high for _, high in extremes) >= 8, extremes


def test_heic_is_not_rotated_twice():
    """arrow.heic carries irot and EXIF 6: applying both makes the arrow point sideways."""
    result = processed(by_name("arrow.heic"))
    assert (result.width, result.height) == (3024, 4032) and result.orientation == 1
