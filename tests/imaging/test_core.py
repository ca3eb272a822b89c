"""The core's own promises: pure, deterministic, never upscaled, guarded before decoding."""
import io
import subprocess
import sys
import tracemalloc

import pytest
from PIL import Image

from app.imaging import ImageRejected, inspect, process
from app.imaging.limits import check_placement
from app.imaging.variants import plan_widths

from ..conftest import CORPUS, ROOT


def make_jpeg(width, height, colour=(200, 80, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_core_imports_nothing_of_the_app():
    code = ("import sys, app.imaging; "
            "bad = [m for m in ('flask', 'sqlalchemy', 'boto3', 'rq', 'redis') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("width,widths", [
    (4032, [2048, 800, 200]), (2048, [2048, 800, 200]), (1500, [1500, 800, 200]),
    (800, [800, 200]), (500, [500, 200]), (128, [128]),
])
def test_widths_are_never_upscaled_or_duplicated(width, widths):
    assert plan_widths(width) == widths


def test_a_1500_px_photo_gives_1500_800_and_200():
    result = process(make_jpeg(1500, 1000))
    assert sorted({v.width for v in result.variants}, reverse=True) == [1500, 800, 200]
    assert len(result.variants) == 6


def test_same_input_same_bytes_and_names():
    data = (CORPUS / "files/orientation/Landscape_6.jpg").read_bytes()
    first, second = process(data), process(data)
    assert [v.name for v in first.variants] == [v.name for v in second.variants]
    assert [v.data for v in first.variants] == [v.data for v in second.variants]
    import hashlib
    for v in first.variants:
        assert v.name.startswith(hashlib.sha256(v.data).hexdigest()[:32])


def test_placeholder_and_dominant_colour():
    result = process(make_jpeg(900, 600, colour=(20, 120, 220)))
    assert result.placeholder.startswith("data:image/webp;base64,")
    assert len(result.placeholder) < 400
    r, g, b = (int(result.dominant_colour[i:i + 2], 16) for i in (1, 3, 5))
    assert abs(r - 20) < 6 and abs(g - 120) < 6 and abs(b - 220) < 6


@pytest.mark.parametrize("name", ["files/hostile/16384x16384.png", "files/heic/200MP.heic"])
def test_oversized_images_are_refused_before_decoding(name):
    data = (CORPUS / name).read_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(ImageRejected) as rejected:
            process(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rejected.value.code == "too_large"
    assert "megapixels" in rejected.value.message
    assert peak < len(data) + 8 * 1024 * 1024  # no pixel buffer was ever allocated


def test_byte_limit():
    from app.imaging import Settings

    with pytest.raises(ImageRejected) as rejected:
        process(make_jpeg(200, 200), settings=Settings(max_bytes=100))
    assert rejected.value.code == "too_large" and "MB" in rejected.value.message


@pytest.mark.parametrize("placement,size,code,advice", [
    ("hero", (1000, 800), "too_small", "1200 × 600"),
    ("hero", (4000, 1000), "bad_aspect_ratio", "wide and short"),
    ("hero", (1200, 2400), "bad_aspect_ratio", "tall and narrow (1 : 2)"),
    ("gallery", (500, 500), "too_small", "600 × 400"),
    ("inline", (400, 2000), "bad_aspect_ratio", "1 : 4"),
])
def test_placement_limits_say_what_would_work(placement, size, code, advice):
    with pytest.raises(ImageRejected) as rejected:
        check_placement(*size, placement)
    assert rejected.value.code == code and advice in rejected.value.message


def test_placement_is_checked_on_the_upright_size():
    # Portrait_6 is stored 1800x1200 but shows 1200x1800 (2 : 3, the tallest hero shape).
    data = (CORPUS / "files/orientation/Portrait_6.jpg").read_bytes()
    kind, im, orient, size = inspect(data, "hero")
    assert (orient, size) == (6, (1200, 1800))


def test_pdf_is_named_in_the_message():
    with pytest.raises(ImageRejected) as rejected:
        process(b"%PDF-1.7\n" + b"0" * 100)
    assert rejected.value.message == "This is a PDF. Please choose a JPEG, PNG or HEIC photo."


def test_cli_prints_one_json_line_per_file(tmp_path):
    import json

    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "STORAGE_ROOT": str(tmp_path / "s")})
    good = CORPUS / "files/orientation/Portrait_6.jpg"
    bad = CORPUS / "files/hostile/hopper.tif"
    result = app.test_cli_runner().invoke(args=["images", "process", str(good), str(bad),
                                                "--placement", "hero", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    accepted, rejected = (json.loads(line) for line in result.output.strip().splitlines())
    assert accepted["status"] == "accepted" and accepted["source"]["width"] == 1200
    assert len(accepted["variants"]) == 6
    for variant in accepted["variants"]:
        assert (tmp_path / "out" / variant["name"]).stat().st_size == variant["bytes"]
    assert rejected["status"] == "rejected" and rejected["reason"] == "unsupported_type"
