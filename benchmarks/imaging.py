"""Benchmark the imaging core against naive Pillow and sharp, on the same inputs, interleaved.

    .venv/bin/python benchmarks/imaging.py [--rounds 5] [--no-sharp] [--huge]

For each input it prints the median wall time in ms (in-process, after a warm-up), the
peak memory (growth of the process's peak resident memory, VmHWM, over its idle
baseline, measured in a fresh process per input and implementation), the total bytes of the six outputs, and the
ratios of our core to naive Pillow and to sharp. `--huge` adds a 100 MP PNG (ours only).
sharp is installed from npm into a temporary folder; it is skipped if npm is missing.
"""
import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageCms, ImageOps  # noqa: E402

from app.imaging import Settings, process  # noqa: E402  (also registers the HEIF opener)

CORPUS = Path(os.environ.get("CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
PHONE_HEIC = CORPUS / "files" / "heic" / "iphone_13_pro_max.HEIC"
SHARP_VERSION = "0.35.6"
WIDTHS = (2048, 800, 200)


# --- inputs -------------------------------------------------------------------------

def make_inputs(folder):
    """Write the benchmark inputs, all made from one real 12 MP iPhone photo."""
    photo = Image.open(PHONE_HEIC)
    icc = photo.info.get("icc_profile")
    upright = photo.convert("RGB")  # 3024 x 4032, Display P3
    inputs = {}

    # A phone JPEG stored sideways with EXIF orientation 6, as iPhones write them.
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # 4032 x 3024
    exif = Image.Exif()
    exif[0x0112] = 6
    path = folder / "phone-12mp-exif6.jpg"
    stored.save(path, "JPEG", quality=90, exif=exif.tobytes(), icc_profile=icc)
    inputs["12 MP JPEG, EXIF 6"] = path

    path = folder / "phone-12mp.png"
    upright.save(path, "PNG", icc_profile=icc, compress_level=6)
    inputs["12 MP PNG"] = path

    path = folder / "phone-12mp.heic"
    shutil.copy(PHONE_HEIC, path)
    inputs["12 MP HEIC"] = path

    big = upright.transpose(Image.Transpose.ROTATE_90).resize((6000, 4000), Image.Resampling.LANCZOS)
    path = folder / "camera-24mp.jpg"
    big.save(path, "JPEG", quality=90, icc_profile=icc)
    inputs["24 MP JPEG"] = path
    return inputs


def make_huge_png(folder):
    """A 100 MP PNG (10000 x 10000) for the memory and time-out check."""
    photo = Image.open(PHONE_HEIC).convert("RGB").resize((10000, 10000), Image.Resampling.BILINEAR)
    path = folder / "huge-100mp.png"
    photo.save(path, "PNG", compress_level=1)
    return path


# --- the implementations --------------------------------------------------------------

def ours(data):
    """Our core: returns the total bytes of its six outputs."""
    return sum(len(v.data) for v in process(data).variants)


_SRGB = ImageCms.createProfile("sRGB")


def naive(data):
    """What most code does: full decode, orient, convert, resize each width from the original."""
    im = Image.open(io.BytesIO(data))
    im.load()
    im = ImageOps.exif_transpose(im)
    icc = im.info.get("icc_profile")
    im = im.convert("RGB")
    if icc:
        im = ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB)
    total = 0
    for width in WIDTHS:
        width = min(width, im.width)
        resized = im.resize((width, round(im.height * width / im.width)), Image.Resampling.LANCZOS)
        for fmt, options in (("WEBP", {"quality": 80}),
                             ("JPEG", {"quality": 82, "progressive": True, "optimize": True})):
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            total += buffer.tell()
    return total


def ours_unlimited(data):
    """Our core with the byte limit lifted (a 100 MP PNG is bigger than 50 MB)."""
    return sum(len(v.data) for v in process(data, settings=Settings(max_bytes=2**31)).variants)


PYTHON_IMPLEMENTATIONS = {"ours": ours, "naive Pillow": naive, "ours (no byte limit)": ours_unlimited}


def high_water_mb():
    """This process's peak resident memory (VmHWM), in MB.

    Not getrusage's ru_maxrss: on Linux a child starts with its parent's maximum.
    """
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def peak_in_fresh_process(name, path):
    """Peak-memory growth, in MB, of one run in a new Python process."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[3]); "
        "import benchmarks.imaging as b; "
        "base = b.high_water_mb(); "
        "b.PYTHON_IMPLEMENTATIONS[sys.argv[1]](open(sys.argv[2], 'rb').read()); "
        "print(b.high_water_mb() - base)"
    )
    done = subprocess.run([sys.executable, "-c", code, name, str(path), str(ROOT)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


# --- sharp ----------------------------------------------------------------------------

class Sharp:
    """sharp from npm in a temporary folder, driven over stdin by sharp_runner.mjs."""

    def __init__(self, folder):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text(json.dumps({"type": "module", "private": True}))
        shutil.copy(HERE / "sharp_runner.mjs", folder / "runner.mjs")
        subprocess.run(["npm", "install", f"sharp@{SHARP_VERSION}", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=folder, check=True, capture_output=True)
        self.timer = self._start()

    def _start(self):
        return subprocess.Popen(["node", "runner.mjs"], cwd=self.folder, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    @staticmethod
    def _ask(proc, command, path):
        proc.stdin.write(f"{command} {path}\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    def time(self, path):
        """(ms, output bytes) or (None, error) for one in-process run."""
        answer = self._ask(self.timer, "time", path)
        return (answer["ms"], answer["bytes"]) if "ms" in answer else (None, answer["error"])

    def peak(self, path):
        """Peak-memory growth, in MB, of one run in a new node process."""
        proc = self._start()
        answer = self._ask(proc, "peak", path)
        proc.stdin.close()
        proc.wait()
        return answer.get("peak_mb")

    def close(self):
        self.timer.stdin.close()
        self.timer.wait()


# --- the run --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-sharp", action="store_true")
    parser.add_argument("--huge", action="store_true", help="also run a 100 MP PNG (ours only)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="imaging-bench-"))
    try:
        print(f"Python {sys.version.split()[0]}, Pillow {Image.__version__}, "
              f"{os.cpu_count()} cores; making inputs in {work} ...", flush=True)
        inputs = make_inputs(work)
        sharp = None
        if args.no_sharp:
            print("sharp: skipped (--no-sharp)")
        elif not shutil.which("npm") or not shutil.which("node"):
            print("sharp: skipped (npm/node not found)")
        else:
            try:
                sharp = Sharp(work / "sharp")
                print(f"sharp {SHARP_VERSION} installed from npm into {work / 'sharp'}")
            except subprocess.CalledProcessError as error:
                print(f"sharp: skipped (npm install failed: {error.stderr.strip()[:200]})")

        names = ["ours", "naive Pillow"] + (["sharp"] if sharp else [])
        times = {(label, name): [] for label in inputs for name in names}
        sizes, notes = {}, {}
        data = {label: path.read_bytes() for label, path in inputs.items()}
        for round_number in range(args.rounds + 1):  # round 0 warms up and is discarded
            for label, path in inputs.items():
                for name in names:
                    if name == "sharp":
                        ms, out = sharp.time(path)
                        if ms is None:
                            notes[(label, name)] = out
                            continue
                    else:
                        started = time.perf_counter()
                        out = PYTHON_IMPLEMENTATIONS[name](data[label])
                        ms = (time.perf_counter() - started) * 1000
                    sizes[(label, name)] = out
                    if round_number:
                        times[(label, name)].append(ms)

        print(f"\nMedian of {args.rounds} interleaved rounds (after one warm-up round).\n")
        header = ("| input | implementation | median ms | peak MB | output KB "
                  "| ours ÷ naive | ours ÷ sharp | ours peak ÷ sharp peak |")
        print(header)
        print("|" + "---|" * 8)
        for label, path in inputs.items():
            medians, peaks = {}, {}
            for name in names:
                if (label, name) in notes:
                    continue
                medians[name] = statistics.median(times[(label, name)])
                peaks[name] = (sharp.peak(path) if name == "sharp"
                               else peak_in_fresh_process(name, path))
            for name in names:
                if (label, name) in notes:
                    print(f"| {label} | {name} | – | – | – | | | {notes[(label, name)]} |")
                    continue
                ratios = ["", "", ""]
                if name == "ours":
                    ratios[0] = f"{medians['ours'] / medians['naive Pillow']:.2f}×"
                    if "sharp" in medians:
                        ratios[1] = f"{medians['ours'] / medians['sharp']:.2f}×"
                        ratios[2] = f"{peaks['ours'] / peaks['sharp']:.2f}×"
                print(f"| {label} | {name} | {medians[name]:.0f} | {peaks[name]:.0f} | "
                      f"{sizes[(label, name)] / 1024:.0f} | {' | '.join(ratios)} |")
        if sharp:
            sharp.close()

        if args.huge:
            print("\nMaking a 100 MP PNG ...", flush=True)
            huge = make_huge_png(work)
            started = time.perf_counter()
            total = ours_unlimited(huge.read_bytes())
            seconds = time.perf_counter() - started
            peak = peak_in_fresh_process("ours (no byte limit)", huge)
            print(f"100 MP PNG ({huge.stat().st_size / 1e6:.0f} MB file): ours {seconds:.1f} s, "
                  f"peak {peak:.0f} MB, outputs {total / 1024:.0f} KB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
