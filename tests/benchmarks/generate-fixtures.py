#!/usr/bin/python3
# generate-fixtures.py: the benchmark's templates and artwork, deterministic
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes into OUTDIR (default: tests/benchmarks/fixtures/ beside this file):
#
#   bench-01/ … bench-10/   template.json + background.jpg (3000 × 2000, q90)
#   artwork.png             4096 × 4096 RGBA
#   .stamp                  what was generated, from which generator version
#
# The images are photo-like on purpose, so that codecs do realistic work:
# backgrounds are gradients, shapes, soft shadows, low-frequency texture and
# sensor noise (about 1.4 MB each as JPEG q90); the artwork is a detailed
# illustration with gradients, strokes, noise and soft transparent edges and
# holes (a PNG of about 26 MB, not a flat image that zlib squeezes to
# nothing). Every template has one artwork slot, a perspective quad of about
# 800 × 1200 px whose position, tilt and foreshortening vary.
#
# Everything comes from numpy's seeded generator and OpenCV's drawing
# functions, so the same seed gives the same pixels. If OUTDIR already holds
# a complete set made by this version of the script with the same settings,
# nothing is done (use --force to regenerate).
#
# Needs Debian's python3-numpy, python3-pil and python3-opencv: run it with
# /usr/bin/python3.

import argparse
import hashlib
import json
import math
import os
import sys
import time

import cv2
import numpy as np
from PIL import Image

N_TEMPLATES = 10
CANVAS = (3000, 2000)          # width, height
ARTWORK_SIZE = 4096
QUAD_SIZE = (800, 1200)        # nominal slot width, height
JPEG_QUALITY = 90
DEFAULT_SEED = 20240601

HERE = os.path.dirname(os.path.abspath(__file__))


def log(*args):
    print("generate-fixtures:", *args, file=sys.stderr, flush=True)


def smooth_noise(rng, width, height, cells, amplitude):
    """Low-frequency noise: a small random grid upsampled with cubic
    interpolation, roughly `cells` blobs across the longer side."""
    gw = max(2, cells)
    gh = max(2, int(round(cells * height / width)))
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC) * amplitude


def four_corner_gradient(rng, width, height, lo=40, hi=230):
    corners = rng.uniform(lo, hi, size=(2, 2, 3)).astype(np.float32)
    return cv2.resize(corners, (width, height), interpolation=cv2.INTER_LINEAR)


def random_color(rng, lo=0, hi=255):
    return tuple(float(c) for c in rng.uniform(lo, hi, size=3))


def make_quad(rng, index):
    """The slot: a rectangle of about QUAD_SIZE, foreshortened (one side
    shorter, as a frame on a wall seen at an angle), rotated a little and
    placed somewhere on the canvas. Corners TL, TR, BR, BL."""
    cw, ch = CANVAS
    w = QUAD_SIZE[0] * rng.uniform(0.92, 1.08)
    h = QUAD_SIZE[1] * rng.uniform(0.94, 1.06)
    kind = index % 3
    # foreshortening: 0 = left/right edges differ, 1 = top/bottom differ,
    # 2 = both a little
    shrink_h = rng.uniform(0.78, 0.95) if kind in (0, 2) else 1.0
    shrink_v = rng.uniform(0.82, 0.96) if kind in (1, 2) else 1.0
    if rng.uniform() < 0.5:
        shrink_h = 1.0 / shrink_h if kind == 0 else shrink_h
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    # right edge shorter (or longer): scale its y about the centre line
    pts[1, 1] *= shrink_h
    pts[2, 1] *= shrink_h
    # bottom edge narrower
    pts[2, 0] *= shrink_v
    pts[3, 0] *= shrink_v
    # a small skew and rotation
    skew = rng.uniform(-0.06, 0.06)
    pts[:, 0] += skew * pts[:, 1]
    angle = math.radians(rng.uniform(-9.0, 9.0))
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    pts = pts @ rot.T
    # place it, keeping a margin from the canvas edges
    span_x = pts[:, 0].max() - pts[:, 0].min()
    span_y = pts[:, 1].max() - pts[:, 1].min()
    margin = 40
    cx = rng.uniform(margin + span_x / 2, cw - margin - span_x / 2)
    cy = rng.uniform(margin + span_y / 2, ch - margin - span_y / 2)
    pts += (cx, cy)
    return [[round(float(x), 1), round(float(y), 1)] for x, y in pts]


def make_background(rng, quad):
    """A 3000 × 2000 room-like photo: a wall and a floor with gradients,
    furniture-like shapes, a soft shadow where the frame hangs, plaster and
    wood texture, vignetting and sensor noise."""
    cw, ch = CANVAS
    img = four_corner_gradient(rng, cw, ch, 90, 235)

    # floor: a band at the bottom with wood-like stripes
    horizon = int(rng.uniform(0.72, 0.88) * ch)
    floor = four_corner_gradient(rng, cw, ch - horizon, 50, 170)
    yy, xx = np.mgrid[0:ch - horizon, 0:cw].astype(np.float32)
    stripes = np.sin(xx / rng.uniform(25, 60) + smooth_noise(rng, cw, ch - horizon, 12, 2.5)) * 10
    floor += stripes[..., None] * np.array([1.0, 0.8, 0.6], np.float32)
    img[horizon:] = floor
    del floor, stripes, yy, xx

    # plaster texture on everything
    img += smooth_noise(rng, cw, ch, 180, 4.0)[..., None]
    img += smooth_noise(rng, cw, ch, 40, 6.0)[..., None]

    # furniture, plants, lamps: shapes drawn on a layer, partly blurred
    layer = np.zeros((ch, cw, 3), np.float32)
    alpha = np.zeros((ch, cw), np.float32)
    for _ in range(int(rng.integers(25, 40))):
        color = random_color(rng, 20, 240)
        kind = rng.integers(0, 4)
        x, y = int(rng.uniform(0, cw)), int(rng.uniform(0, ch))
        if kind == 0:
            axes = (int(rng.uniform(30, 300)), int(rng.uniform(30, 300)))
            ang = float(rng.uniform(0, 180))
            cv2.ellipse(layer, (x, y), axes, ang, 0, 360, color, -1, cv2.LINE_AA)
            cv2.ellipse(alpha, (x, y), axes, ang, 0, 360, 1.0, -1, cv2.LINE_AA)
        elif kind == 1:
            w, h = int(rng.uniform(60, 700)), int(rng.uniform(60, 500))
            cv2.rectangle(layer, (x, y), (x + w, y + h), color, -1, cv2.LINE_AA)
            cv2.rectangle(alpha, (x, y), (x + w, y + h), 1.0, -1, cv2.LINE_AA)
        elif kind == 2:
            n = int(rng.integers(3, 7))
            pts = np.stack([rng.uniform(-250, 250, n) + x, rng.uniform(-250, 250, n) + y], 1)
            pts = pts.astype(np.int32).reshape(-1, 1, 2)
            cv2.fillPoly(layer, [pts], color, cv2.LINE_AA)
            cv2.fillPoly(alpha, [pts], 1.0, cv2.LINE_AA)
        else:
            for _ in range(int(rng.integers(5, 20))):
                x2, y2 = x + int(rng.uniform(-300, 300)), y + int(rng.uniform(-300, 300))
                t = int(rng.integers(2, 14))
                cv2.line(layer, (x, y), (x2, y2), color, t, cv2.LINE_AA)
                cv2.line(alpha, (x, y), (x2, y2), 1.0, t, cv2.LINE_AA)
    sigma = float(rng.uniform(1.0, 4.0))
    layer = cv2.GaussianBlur(layer, (0, 0), sigma)
    alpha = cv2.GaussianBlur(alpha, (0, 0), sigma)
    shade = 1.0 + smooth_noise(rng, cw, ch, 30, 0.08)
    img = img * (1 - alpha[..., None]) + layer * shade[..., None] * alpha[..., None]
    del layer, alpha, shade

    # the frame's soft shadow, offset down and right
    shadow = np.zeros((ch, cw), np.float32)
    q = np.array(quad, np.float32) + (18, 26)
    cv2.fillPoly(shadow, [np.round(q).astype(np.int32).reshape(-1, 1, 2)], 1.0, cv2.LINE_AA)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 22)
    img *= (1 - 0.45 * shadow)[..., None]
    del shadow

    # vignetting
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    r2 = ((xx - cw / 2) / (cw / 2)) ** 2 + ((yy - ch / 2) / (ch / 2)) ** 2
    img *= (1 - 0.18 * r2)[..., None]
    del yy, xx, r2

    # sensor noise: luminance and a little chroma
    img += rng.standard_normal((ch, cw, 1), dtype=np.float32) * 4.4
    img += rng.standard_normal((ch, cw, 3), dtype=np.float32) * 1.6
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def make_artwork(rng):
    """A 4096 × 4096 RGBA illustration: gradient backdrop, many shapes and
    strokes, fine texture, film-grain noise; alpha with soft rounded
    corners, a soft border fade and a few transparent cut-outs."""
    n = ARTWORK_SIZE
    img = four_corner_gradient(rng, n, n, 20, 235)
    img += smooth_noise(rng, n, n, 8, 25.0)[..., None] * np.array([1.0, -0.6, 0.4], np.float32)

    for _ in range(220):
        color = random_color(rng)
        x, y = int(rng.uniform(0, n)), int(rng.uniform(0, n))
        kind = rng.integers(0, 5)
        if kind == 0:
            r = int(rng.uniform(10, 500))
            cv2.circle(img, (x, y), r, color, -1, cv2.LINE_AA)
        elif kind == 1:
            axes = (int(rng.uniform(20, 600)), int(rng.uniform(10, 300)))
            cv2.ellipse(img, (x, y), axes, float(rng.uniform(0, 180)), 0, 360, color,
                        int(rng.integers(2, 30)), cv2.LINE_AA)
        elif kind == 2:
            m = int(rng.integers(3, 9))
            pts = np.stack([rng.uniform(-400, 400, m) + x, rng.uniform(-400, 400, m) + y], 1)
            cv2.fillPoly(img, [pts.astype(np.int32).reshape(-1, 1, 2)], color, cv2.LINE_AA)
        elif kind == 3:
            # hatching, halftone-like fine detail
            step = int(rng.integers(4, 12))
            w = int(rng.uniform(100, 700))
            for k in range(0, w, step):
                cv2.line(img, (x + k, y), (x + k - w // 3, y + w), color, 1, cv2.LINE_AA)
        else:
            # text-like blocks
            cv2.putText(img, "".join(chr(int(c)) for c in rng.integers(65, 91, 8)),
                        (x, y), cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(1, 8)), color,
                        int(rng.integers(1, 12)), cv2.LINE_AA)

    # soften part of it, like a painted or photographed illustration
    img = cv2.addWeighted(img, 0.6, cv2.GaussianBlur(img, (0, 0), 1.5), 0.4, 0)
    # fine texture and grain
    img += smooth_noise(rng, n, n, 400, 3.0)[..., None]
    img += rng.standard_normal((n, n, 1), dtype=np.float32) * 2.2
    rgb = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    del img

    # alpha: rounded rectangle with a soft edge, a faded border and holes
    alpha = np.zeros((n, n), np.float32)
    inset, radius = 120, 360
    cv2.rectangle(alpha, (inset + radius, inset), (n - inset - radius, n - inset), 1.0, -1)
    cv2.rectangle(alpha, (inset, inset + radius), (n - inset, n - inset - radius), 1.0, -1)
    for cx, cy in ((inset + radius, inset + radius), (n - inset - radius, inset + radius),
                   (n - inset - radius, n - inset - radius), (inset + radius, n - inset - radius)):
        cv2.circle(alpha, (cx, cy), radius, 1.0, -1, cv2.LINE_AA)
    for _ in range(7):
        cv2.circle(alpha, (int(rng.uniform(600, n - 600)), int(rng.uniform(600, n - 600))),
                   int(rng.uniform(60, 260)), 0.0, -1, cv2.LINE_AA)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 6)
    # a translucent band, like a watermark strip
    y0 = int(rng.uniform(0.3, 0.6) * n)
    alpha[y0:y0 + 260] *= 0.55
    a8 = np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)
    del alpha
    return np.dstack([rgb, a8])


def stamp_for(args):
    with open(os.path.abspath(__file__), "rb") as f:
        script = hashlib.sha256(f.read()).hexdigest()
    return {
        "generator": script,
        "seed": args.seed,
        "templates": N_TEMPLATES,
        "canvas": list(CANVAS),
        "artwork": ARTWORK_SIZE,
        "numpy": np.__version__,
        "opencv": cv2.__version__,
        "pil": Image.__version__ if hasattr(Image, "__version__") else "",
    }


def expected_files(outdir):
    files = [os.path.join(outdir, "artwork.png")]
    for i in range(N_TEMPLATES):
        d = os.path.join(outdir, "bench-%02d" % (i + 1))
        files += [os.path.join(d, "template.json"), os.path.join(d, "background.jpg")]
    return files


def up_to_date(outdir, stamp):
    try:
        with open(os.path.join(outdir, ".stamp")) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return False
    return old.get("settings") == stamp and all(os.path.exists(p) for p in expected_files(outdir))


def write_atomic(path, write):
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("outdir", nargs="?", default=os.path.join(HERE, "fixtures"),
                        help="where to write the fixtures (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args()

    outdir = os.path.abspath(args.outdir)
    stamp = stamp_for(args)
    if not args.force and up_to_date(outdir, stamp):
        log("fixtures in %s are up to date" % outdir)
        return 0

    os.makedirs(outdir, exist_ok=True)
    try:
        os.remove(os.path.join(outdir, ".stamp"))
    except FileNotFoundError:
        pass
    start = time.monotonic()
    checksums = {}

    for i in range(N_TEMPLATES):
        rng = np.random.default_rng([args.seed, i + 1])
        tid = "bench-%02d" % (i + 1)
        tdir = os.path.join(outdir, tid)
        os.makedirs(tdir, exist_ok=True)
        quad = make_quad(rng, i)
        bg = make_background(rng, quad)
        bg_path = os.path.join(tdir, "background.jpg")
        write_atomic(bg_path, lambda p: Image.fromarray(bg, "RGB").save(
            p, "JPEG", quality=JPEG_QUALITY, subsampling="4:2:0", optimize=False))
        manifest = {
            "format": 1,
            "id": tid,
            "name": "Benchmark template %d" % (i + 1),
            "layers": [
                {"type": "image", "source": "background.jpg"},
                {"type": "artwork", "quad": quad},
            ],
        }
        write_atomic(os.path.join(tdir, "template.json"),
                     lambda p: open(p, "w").write(json.dumps(manifest, indent=2) + "\n"))
        size = os.path.getsize(bg_path)
        log("%s: quad %s, background %.2f MB" % (tid, quad, size / 1e6))
        del bg

    rng = np.random.default_rng([args.seed, 0])
    art = make_artwork(rng)
    art_path = os.path.join(outdir, "artwork.png")
    write_atomic(art_path, lambda p: Image.fromarray(art, "RGBA").save(p, "PNG", compress_level=6))
    log("artwork.png: %d × %d RGBA, %.1f MB, %.0f%% transparent pixels" % (
        art.shape[1], art.shape[0], os.path.getsize(art_path) / 1e6,
        100.0 * np.count_nonzero(art[..., 3] == 0) / art[..., 3].size))
    del art

    for p in expected_files(outdir):
        with open(p, "rb") as f:
            checksums[os.path.relpath(p, outdir)] = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(outdir, ".stamp"), "w") as f:
        json.dump({"settings": stamp, "sha256": checksums}, f, indent=1)
    log("done in %.1f s: %s" % (time.monotonic() - start, outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
