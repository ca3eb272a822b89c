"""Web-process memory while the local backend receives uploads through its signed-URL route.

    .venv/bin/python benchmarks/upload_memory.py [--mb 200]

Starts the app under gunicorn (one sync worker) on a loopback port, sends a 1 MB upload
(the baseline) and then a large one, streamed from a generator so the client holds
nothing, and prints the worker's resident memory (VmRSS) and peak (VmHWM) after each.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def memory(pid):
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class Body:
    """`size` bytes of a JPEG-looking body, produced as read; its length is known, so the
    request carries Content-Length as a browser's does."""

    def __init__(self, size):
        self.size, self.sent = size, 0

    def __len__(self):
        return self.size

    def read(self, n=MB):
        n = min(n if n and n > 0 else MB, self.size - self.sent)
        piece = bytes(n)
        if self.sent == 0 and n >= 3:
            piece = b"\xff\xd8\xff" + piece[3:]
        self.sent += n
        return piece


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()

    from app import create_app

    work = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    env = dict(os.environ, SECRET_KEY="bench", STORAGE_ROOT=str(work / "storage"),
               DATABASE_URL=f"sqlite:///{work / 'app.db'}", INSTANCE_PATH=str(work))
    os.environ.update(env)
    storage = create_app().extensions["storage"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "300", "wsgi:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        print(f"gunicorn worker pid {worker}: after start-up  RSS {memory(worker)[0]:6.1f} MB")
        for label, size in (("baseline 1 MB", MB), (f"{args.mb} MB", args.mb * MB)):
            key = f"originals/1/{label.replace(' ', '-')}"
            signed = storage.presign_put(key, size, "image/jpeg", 600)
            started = time.perf_counter()
            response = requests.put(f"http://127.0.0.1:{port}{signed.url}", data=Body(size),
                                    headers=signed.headers,
                                    timeout=300)
            seconds = time.perf_counter() - started
            assert response.status_code == 200, response.text
            rss, peak = memory(worker)
            stored = storage.head(key).size / MB
            print(f"{label:>14}: HTTP {response.status_code}, stored {stored:6.1f} MB in "
                  f"{seconds:5.2f} s; worker RSS {rss:6.1f} MB, peak {peak:6.1f} MB")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
        subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
