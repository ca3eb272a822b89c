"""The shared real-world corpus, and our decision for each of its files."""
import csv
import re

from ..conftest import CORPUS

# Where MANIFEST.tsv leaves the policy to us (README "Image policy" says why).
POLICY = {
    "files/color/p3.png": "too_small",  # 8x8: a colour unit input; tested as such too
    "files/color/prophoto.png": "too_small",  # 1x1: likewise
    "files/color/grayscale-icc.jpg": "too_small",  # 50x50 is under the 64 px minimum
    "files/heic/200MP.heic": "too_large",  # 199.8 MP is over the 100 MP cap
    "files/heic/zPug_3.heic": "accept",  # 64x64 primary item: exactly the minimum
    "files/hostile/9643x10328.jpg": "accept",  # 99.6 MP is under the 100 MP cap
    "files/hostile/iss634.apng": "unsupported_type",  # animated: we publish stills only
    "files/hostile/1x1.png": "too_small",
    "files/jpeg_meta/frozenpond.mpo": "accept",  # MPO: its first image, as a JPEG
}

_REASONS = {"unsupported-type": "unsupported_type", "corrupt": "corrupt",
            "too-large-dimensions": "too_large", "too-small": "too_small"}


def rows():
    """MANIFEST.tsv as dicts, one per file."""
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def decision(row):
    """('accept', (w, h) or None) or ('reject', reason code) for one manifest row."""
    expected = row["expected"]
    outcome = POLICY.get(row["file"])
    if outcome is None:
        if expected.startswith("accept"):
            outcome = "accept"
        elif expected.startswith("reject"):
            word = re.split(r"[\s/:;()]+", expected[len("reject"):].strip(" ("))[0]
            outcome = _REASONS[word]
        else:
            raise AssertionError(f"{row['file']}: the manifest leaves this open; add it to POLICY")
    if outcome != "accept":
        return "reject", outcome
    size = re.search(r"(\d+)x(\d+)", expected)
    return "accept", (int(size.group(1)), int(size.group(2))) if size else None
