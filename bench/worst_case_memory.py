"""Peak memory of one worker for the largest image preprocessing accepts.

A PNG of MAX_IMAGE_PIXELS pixels compresses to a few dozen kilobytes, far
under the body limit, yet the worker decodes every pixel. This starts the app
as the Procfile does with one worker, sends such images (RGBA and RGB, one at
a time) and reads the worker's peak resident size (VmHWM) after each, to show
what one request can cost a 512 MB dyno.

    .venv/bin/python bench/worst_case_memory.py
"""

import base64
import io
import json
import math
import sys
import time

from PIL import Image, ImageDraw
from serve_latency import request  # bench/ is on the path when run as a script
from server_process import ROOT, GunicornServer, procfile_args


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def largest_png(mode: str, pixels: int) -> bytes:
    side = math.isqrt(pixels)
    image = Image.new(mode, (side, side), "white")
    ImageDraw.Draw(image).line([(side // 4, side // 8), (side // 2, side - side // 8)], "black", 40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from model.preprocess import MAX_IMAGE_PIXELS

    with GunicornServer(procfile_args(), {"WEB_CONCURRENCY": "1"}) as server:
        worker = server.workers()[0].pid
        print(f"worker idle: peak RSS {peak_rss_mb(worker):.0f} MB")
        for mode in ("RGB", "RGBA"):
            png = largest_png(mode, MAX_IMAGE_PIXELS)
            url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            body = json.dumps({"image": url}).encode()
            raw = (
                b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            started = time.perf_counter()
            status, _ = request(server.port, raw)
            seconds = time.perf_counter() - started
            print(
                f"{mode} PNG of {MAX_IMAGE_PIXELS} pixels ({len(png) / 1024:.0f} KB): status "
                f"{status}, {seconds:.2f} s, worker peak RSS {peak_rss_mb(worker):.0f} MB"
            )


if __name__ == "__main__":
    main()
