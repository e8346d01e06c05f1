#!/usr/bin/python3
# check_vips_peer.py: the libvips peer renders the same mockups as we do
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   tests/benchmarks/check_vips_peer.py [--build-dir DIR] [--fixtures DIR]
#
# Runs mockup-bench and vips-peer (built in DIR, default _build-bench, as
# tests/benchmarks/run builds them) over the benchmark's fixtures, each
# saving its ten JPEGs, and compares them template by template: PSNR over
# the whole image, inside the artwork's quad (where the two warp, filter
# and composite differently) and outside it (the photo, decoded and
# encoded again by each). Fails (exit 1) when any is below its threshold,
# or when the artwork is not where the quad says in the peer's output (the
# quad's inside must differ from the photo, its outside must not), so that
# a timing of the peer is a timing of the same job.
#
# Needs /usr/bin/python3 with numpy, PIL and OpenCV (the fixtures' own).

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# Both encode q90 from the same photo: outside the quad they differ by
# their JPEG decoders' and encoders' rounding; inside, by the warp's
# filter (ours: area-sampled, in linear light; the peer: Lanczos-shrunk
# artwork sampled bilinearly, in sRGB).
MIN_PSNR_OUTSIDE = 40.0
MIN_PSNR_INSIDE = 25.0
MIN_PSNR_WHOLE = 35.0


def psnr(a, b):
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def quad_masks(quad, shape, margin=3):
    """Inside (eroded) and outside (dilated, inverted) masks of the quad,
    leaving the antialiased edge out of both."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(np.array(quad) * 16).astype(np.int32).reshape(-1, 1, 2)], 255,
                 cv2.LINE_8, shift=4)
    kernel = np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)
    inside = cv2.erode(mask, kernel) > 0
    outside = cv2.dilate(mask, kernel) == 0
    return inside, outside


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_ROOT, "_build-bench"))
    parser.add_argument("--fixtures", default=os.path.join(HERE, "fixtures"))
    parser.add_argument("--keep", metavar="DIR", help="keep both sets of outputs under DIR")
    args = parser.parse_args()

    bench = os.path.join(args.build_dir, "tests", "benchmarks")
    peer = os.path.join(bench, "vips-peer")
    if not os.access(peer, os.X_OK):
        sys.exit("check_vips_peer: no %s (libvips-dev missing? build-aux/install-deps bench)" % peer)
    subprocess.run([PYTHON_FIXTURES, os.path.join(HERE, "generate-fixtures.py"), args.fixtures],
                   check=True, stdout=subprocess.DEVNULL)

    work = args.keep or tempfile.mkdtemp(prefix="check-vips-peer-")
    ours_dir, peer_dir = os.path.join(work, "ours"), os.path.join(work, "vips")
    subprocess.run([os.path.join(bench, "mockup-bench"), "--save", ours_dir, args.fixtures],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([peer, "--save", peer_dir, args.fixtures], check=True, stdout=subprocess.DEVNULL)

    failures = []
    names = sorted(n for n in os.listdir(args.fixtures)
                   if os.path.isfile(os.path.join(args.fixtures, n, "template.json")))
    print("%-10s %9s %9s %9s %13s" % ("template", "whole dB", "quad dB", "photo dB", "art vs photo"))
    for name in names:
        with open(os.path.join(args.fixtures, name, "template.json")) as f:
            manifest = json.load(f)
        tid = manifest.get("id", name)
        quad = next(l for l in manifest["layers"] if l["type"] == "artwork")["quad"]
        source = next(l for l in manifest["layers"] if l["type"] == "image")["source"]
        photo = np.asarray(Image.open(os.path.join(args.fixtures, name, source)).convert("RGB"))
        ours = np.asarray(Image.open(os.path.join(ours_dir, tid + ".jpg")).convert("RGB"))
        vips = np.asarray(Image.open(os.path.join(peer_dir, tid + ".jpg")).convert("RGB"))
        if ours.shape != vips.shape:
            failures.append("%s: ours %s, the peer's %s" % (tid, ours.shape, vips.shape))
            continue
        inside, outside = quad_masks(quad, ours.shape)
        whole = psnr(ours, vips)
        in_quad = psnr(ours[inside], vips[inside])
        out_quad = psnr(ours[outside], vips[outside])
        # the peer put the artwork in the quad: there it is not the photo
        art_vs_photo = psnr(vips[inside], photo[inside])
        print("%-10s %9.2f %9.2f %9.2f %13.2f" % (tid, whole, in_quad, out_quad, art_vs_photo))
        if whole < MIN_PSNR_WHOLE:
            failures.append("%s: whole image %.2f dB < %.1f" % (tid, whole, MIN_PSNR_WHOLE))
        if in_quad < MIN_PSNR_INSIDE:
            failures.append("%s: inside the quad %.2f dB < %.1f" % (tid, in_quad, MIN_PSNR_INSIDE))
        if out_quad < MIN_PSNR_OUTSIDE:
            failures.append("%s: outside the quad %.2f dB < %.1f" % (tid, out_quad, MIN_PSNR_OUTSIDE))
        if art_vs_photo > 20:
            failures.append("%s: inside the quad the peer's output is the photo (%.1f dB)"
                            % (tid, art_vs_photo))
    if not args.keep:
        print("(outputs in %s)" % work)
    if failures:
        print("\n".join(["FAIL"] + failures))
        return 1
    print("PASS: the peer renders the same %d mockups (thresholds: whole %.0f dB, quad %.0f dB, "
          "photo %.0f dB)" % (len(names), MIN_PSNR_WHOLE, MIN_PSNR_INSIDE, MIN_PSNR_OUTSIDE))
    return 0


PYTHON_FIXTURES = "/usr/bin/python3"

if __name__ == "__main__":
    sys.exit(main())
