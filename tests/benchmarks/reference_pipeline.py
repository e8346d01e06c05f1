#!/usr/bin/python3
# reference_pipeline.py: the old production script, for comparison
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# This is written the way the server-side script that mockup-glib replaces
# worked: one template after another, each a function that loads its images
# with PIL, turns them into numpy arrays, warps the artwork into a
# canvas-sized RGBA image with OpenCV (getPerspectiveTransform +
# warpPerspective, INTER_LINEAR) after a cover-fit crop to the slot's aspect,
# alpha-blends in float32, encodes a JPEG q90 into a BytesIO, and calls
# gc.collect() before the next template.
#
# The artwork: a per-template function, as the old script was, naturally
# opens the artwork itself every time (`--artwork-load per-template`). That
# is the honest reproduction, but it makes the reference slower than it need
# be, so the default, and the variant the benchmark compares against, is
# `--artwork-load once`: the artwork is opened and converted once and every
# template crops its own copy from it. That is the conservative comparison:
# the reference at its best.
#
# Usage: reference_pipeline.py FIXTURES [--artwork-load once|per-template]
#                              [--save DIR] [--quality 90]
#
# Prints one JSON line: wall seconds (after imports), peak RSS (VmHWM from
# /proc/self/status, and getrusage's ru_maxrss, which on Linux also counts
# the parent's memory at fork and is therefore only an upper bound), bytes
# produced and per-template times.
#
# Needs Debian's python3-numpy, python3-pil and python3-opencv: run it with
# /usr/bin/python3.

import argparse
import gc
import io
import json
import math
import os
import resource
import sys
import time

_import_start = time.monotonic()
import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
_import_seconds = time.monotonic() - _import_start


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def slot_aspect(quad):
    """Width / height of the slot, from the mean lengths of its opposite
    edges (what mockup-glib uses for "cover" too)."""
    (tl, tr, br, bl) = quad
    top = math.dist(tl, tr)
    bottom = math.dist(bl, br)
    left = math.dist(tl, bl)
    right = math.dist(tr, br)
    return (top + bottom) / max(left + right, 1e-9)


def cover_box(width, height, aspect):
    """The centred crop of a width × height image that has the slot's aspect."""
    if width / height > aspect:
        w = height * aspect
        x0 = (width - w) / 2
        return (x0, 0.0, x0 + w, float(height))
    h = width / aspect
    y0 = (height - h) / 2
    return (0.0, y0, float(width), y0 + h)


def render_template(template_dir, artwork, quality):
    """One mockup: the old script's per-template function. `artwork` is a
    path (the artwork is opened here) or an already opened RGBA PIL image."""
    with open(os.path.join(template_dir, "template.json")) as f:
        manifest = json.load(f)
    background_layer = next(l for l in manifest["layers"] if l["type"] == "image")
    slot = next(l for l in manifest["layers"] if l["type"] == "artwork")
    quad = slot["quad"]

    background = Image.open(os.path.join(template_dir, background_layer["source"])).convert("RGB")
    canvas = np.asarray(background)
    height, width = canvas.shape[:2]

    if isinstance(artwork, str):
        artwork = Image.open(artwork).convert("RGBA")

    # cover: crop the artwork to the slot's aspect, centred. PIL crops to
    # whole pixels; the transform below uses the exact box.
    box = cover_box(artwork.width, artwork.height, slot_aspect(quad))
    ibox = (int(math.floor(box[0])), int(math.floor(box[1])),
            int(math.ceil(box[2])), int(math.ceil(box[3])))
    art = np.asarray(artwork.crop(ibox))

    # corners of the crop (pixel edges: -0.5 in OpenCV's pixel-centre
    # convention) onto the quad's corners
    x0, y0 = box[0] - ibox[0] - 0.5, box[1] - ibox[1] - 0.5
    x1, y1 = box[2] - ibox[0] - 0.5, box[3] - ibox[1] - 0.5
    src = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    dst = np.float32(quad) - 0.5
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(art, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))

    # alpha blend in float32 (straight alpha, as the old script did)
    alpha = warped[..., 3:4].astype(np.float32) / 255.0
    blended = canvas.astype(np.float32) * (1.0 - alpha) + warped[..., :3].astype(np.float32) * alpha
    out = np.clip(blended + 0.5, 0, 255).astype(np.uint8)

    buffer = io.BytesIO()
    Image.fromarray(out, "RGB").save(buffer, "JPEG", quality=quality)
    return manifest.get("id", os.path.basename(template_dir)), (width, height), buffer.getvalue()


def find_templates(fixtures):
    dirs = []
    for name in sorted(os.listdir(fixtures)):
        path = os.path.join(fixtures, name)
        if os.path.isfile(os.path.join(path, "template.json")):
            dirs.append(path)
    return dirs


def main():
    parser = argparse.ArgumentParser(description="the reference (old) mockup pipeline")
    parser.add_argument("fixtures", help="folder with template folders and artwork.png")
    parser.add_argument("--artwork", help="artwork file (default: FIXTURES/artwork.png)")
    parser.add_argument("--artwork-load", choices=("once", "per-template"), default="once")
    parser.add_argument("--quality", type=int, default=90)
    parser.add_argument("--save", metavar="DIR", help="also write the outputs there")
    args = parser.parse_args()

    artwork_path = args.artwork or os.path.join(args.fixtures, "artwork.png")
    templates = find_templates(args.fixtures)
    if not templates:
        sys.exit("reference_pipeline: no templates in %s" % args.fixtures)
    if args.save:
        os.makedirs(args.save, exist_ok=True)

    start = time.monotonic()
    artwork = artwork_path
    if args.artwork_load == "once":
        artwork = Image.open(artwork_path).convert("RGBA")

    results = []
    total = 0
    for template_dir in templates:
        t0 = time.monotonic()
        tid, size, data = render_template(template_dir, artwork, args.quality)
        render_s = time.monotonic() - t0
        total += len(data)
        if args.save:
            with open(os.path.join(args.save, tid + ".jpg"), "wb") as f:
                f.write(data)
        results.append({"id": tid, "width": size[0], "height": size[1], "bytes": len(data),
                        "render_ms": round(render_s * 1000, 2),
                        "rss_kb": status_kb("VmRSS")})
        del data
        gc.collect()
    wall = time.monotonic() - start

    print(json.dumps({
        "program": "reference",
        "artwork_load": args.artwork_load,
        "templates": len(templates),
        "wall_s": round(wall, 4),
        "import_s": round(_import_seconds, 4),
        "peak_rss_kb": status_kb("VmHWM"),
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "bytes": total,
        "results": results,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
