"""Peak memory of one worker for the largest image preprocessing accepts.

A PNG of MAX_IMAGE_PIXELS pixels compresses to a few dozen kilobytes, far
under the body limit, yet the worker decodes every pixel. This starts the app
as the Procfile does with one worker, sends such images (RGBA and RGB, one at
a time) and reads the worker's peak resident size (VmHWM) after each, to show
what one request can cost a 512 MB dyno.

    .venv/bin/python -m bench.worst_case_memory
"""

import json
import math
import time

from PIL import Image, ImageDraw

from model.character.preprocess import MAX_IMAGE_PIXELS
from testkit.client import raw_post, send
from testkit.payloads import data_url, image_bytes
from testkit.servers import GunicornServer


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
    return image_bytes(image)


def main() -> None:
    with GunicornServer(env={"WEB_CONCURRENCY": "1"}) as server:
        worker = server.workers()[0].pid
        print(f"worker idle: peak RSS {peak_rss_mb(worker):.0f} MB")
        for mode in ("RGB", "RGBA"):
            png = largest_png(mode, MAX_IMAGE_PIXELS)
            body = json.dumps({"image": data_url(png)}).encode()
            started = time.perf_counter()
            status, _ = send(server.port, raw_post("/api/predict", body, "application/json"))
            seconds = time.perf_counter() - started
            print(
                f"{mode} PNG of {MAX_IMAGE_PIXELS} pixels ({len(png) / 1024:.0f} KB): status "
                f"{status}, {seconds:.2f} s, worker peak RSS {peak_rss_mb(worker):.0f} MB"
            )


if __name__ == "__main__":
    main()
