#!/usr/bin/env python3
# generate-samples.py: the sample templates and artworks of mockup-glib
#
# Every photo, overlay, mask and map under data/templates/ and both sample
# artworks under data/artwork/ are drawn here, procedurally, from fixed
# seeds: nothing is downloaded and nothing depends on the time, so running
# the script again writes the same files. The scenes are small ray-cast
# rooms (walls, floors, tables as planes with procedural textures) with
# flat-shaded objects on top, soft shadows and a little sensor noise.
#
# Usage: data/generate-samples.py [--only NAME ...] [--out DATA_DIR]
#
# Needs numpy and PIL (Debian: python3-numpy, python3-pil) and, for the
# lettering, the DejaVu fonts (fonts-dejavu-core).
#
# The script is LGPL-2.1-or-later like the rest of mockup-glib; the images
# and manifests it writes are dedicated to the public domain (CC0-1.0).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import json
import math
import os
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFont

JPEG_QUALITY = 88
FONT_DIR = "/usr/share/fonts/truetype/dejavu"


# ---------------------------------------------------------------------------
# Randomness, noise and filters
# ---------------------------------------------------------------------------

def rng_for(name):
    """A generator seeded from a name, so that each image has its own
    stream and adding one image does not change the others."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


class Noise:
    """Smooth value noise over the plane, periodic with period 256."""

    def __init__(self, name, size=256):
        self.size = size
        self.grid = rng_for(name).random((size, size)).astype(np.float32)

    def value(self, u, v):
        n = self.size
        x0 = np.floor(u)
        y0 = np.floor(v)
        fx = (u - x0).astype(np.float32)
        fy = (v - y0).astype(np.float32)
        fx = fx * fx * (3 - 2 * fx)
        fy = fy * fy * (3 - 2 * fy)
        i0 = x0.astype(np.int64) % n
        j0 = y0.astype(np.int64) % n
        i1 = (i0 + 1) % n
        j1 = (j0 + 1) % n
        g = self.grid
        top = g[j0, i0] * (1 - fx) + g[j0, i1] * fx
        bottom = g[j1, i0] * (1 - fx) + g[j1, i1] * fx
        return top * (1 - fy) + bottom * fy

    def fbm(self, u, v, octaves=4, gain=0.5):
        """Fractal noise in about [-1, 1], mean 0."""
        total = np.zeros(np.shape(u), np.float32)
        amplitude, norm = 1.0, 0.0
        for k in range(octaves):
            f = 2.0 ** k
            total += amplitude * (self.value(u * f + 37.1 * k, v * f + 91.7 * k) - 0.5)
            norm += amplitude * 0.5
            amplitude *= gain
        return total / norm


def box_blur_axis(a, r, axis):
    if r <= 0:
        return a
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    p = np.pad(a, pad, mode="edge")
    c = np.cumsum(p, axis=axis, dtype=np.float64)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


def blur(a, sigma):
    """Gaussian-like blur of a float image (2-D or H×W×C): three box
    passes, at a reduced size when sigma is large."""
    if sigma <= 0.3:
        return a.astype(np.float32)
    a = np.asarray(a, np.float32)
    if a.ndim == 3:
        return np.stack([blur(a[..., c], sigma) for c in range(a.shape[2])], axis=2)
    h, w = a.shape
    k = int(sigma // 6) if sigma > 12 else 1
    if k > 1:
        small = resize_f(a, max(1, w // k), max(1, h // k), Image.Resampling.BOX)
        small = blur(small, sigma / k)
        return resize_f(small, w, h, Image.Resampling.BILINEAR)
    r = max(1, int(round((math.sqrt(4 * sigma * sigma + 1) - 1) / 2)))
    for _ in range(3):
        a = box_blur_axis(a, r, 0)
        a = box_blur_axis(a, r, 1)
    return a


def resize_f(a, w, h, method=Image.Resampling.BILINEAR):
    return np.asarray(Image.fromarray(np.asarray(a, np.float32), "F").resize((w, h), method),
                      np.float32)


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def mix(a, b, t):
    t = np.asarray(t, np.float32)
    if t.ndim == 2 and np.ndim(a) == 3 or t.ndim == 2 and np.ndim(b) == 3:
        t = t[..., None]
    return a + (b - a) * t


def rgb(hexcode):
    hexcode = hexcode.lstrip("#")
    return np.array([int(hexcode[i:i + 2], 16) / 255.0 for i in (0, 2, 4)], np.float32)


# ---------------------------------------------------------------------------
# Rasterising: antialiased polygons by supersampling
# ---------------------------------------------------------------------------

def poly_mask(h, w, polygons, ss=4):
    """Coverage (0..1, float32, h×w) of the union of polygons minus holes.
    polygons: list of point lists, or of (points, value) with value 1 to
    add and 0 to cut out, drawn in order."""
    items = []
    for p in polygons:
        if isinstance(p, tuple):
            items.append((np.asarray(p[0], np.float64), p[1]))
        else:
            items.append((np.asarray(p, np.float64), 1))
    allpts = np.concatenate([p for p, _ in items])
    x0 = max(0, int(math.floor(allpts[:, 0].min())) - 2)
    y0 = max(0, int(math.floor(allpts[:, 1].min())) - 2)
    x1 = min(w, int(math.ceil(allpts[:, 0].max())) + 2)
    y1 = min(h, int(math.ceil(allpts[:, 1].max())) + 2)
    out = np.zeros((h, w), np.float32)
    if x1 <= x0 or y1 <= y0:
        return out
    img = Image.new("L", ((x1 - x0) * ss, (y1 - y0) * ss), 0)
    draw = ImageDraw.Draw(img)
    for pts, value in items:
        q = (pts - [x0, y0]) * ss
        draw.polygon([tuple(pt) for pt in q], fill=255 * value)
    small = img.resize((x1 - x0, y1 - y0), Image.Resampling.BOX)
    out[y0:y1, x0:x1] = np.asarray(small, np.float32) / 255.0
    return out


def ellipse_pts(cx, cy, rx, ry, n=180, a0=0.0, a1=2 * math.pi):
    t = np.linspace(a0, a1, n, endpoint=(a1 - a0) < 2 * math.pi - 1e-9)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def rounded_rect_pts(x0, y0, x1, y1, r, n=12):
    """A rounded rectangle, clockwise from the top-left corner's arc."""
    r = min(r, (x1 - x0) / 2, (y1 - y0) / 2)
    pts = []
    corners = [(x0 + r, y0 + r, math.pi, 1.5 * math.pi), (x1 - r, y0 + r, 1.5 * math.pi, 2 * math.pi),
               (x1 - r, y1 - r, 0.0, 0.5 * math.pi), (x0 + r, y1 - r, 0.5 * math.pi, math.pi)]
    for cx, cy, a0, a1 in corners:
        for t in np.linspace(a0, a1, n):
            pts.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    return np.array(pts)


def over(dst, color, alpha):
    """Paints color (RGB triple or H×W×3) over dst with coverage alpha."""
    a = np.asarray(alpha, np.float32)[..., None]
    dst *= 1 - a
    dst += np.asarray(color, np.float32) * a
    return dst


# ---------------------------------------------------------------------------
# A pinhole camera and planes, for scenes in perspective
# ---------------------------------------------------------------------------

class Camera:
    """World: x right, y up, z toward the viewer (centimetres)."""

    def __init__(self, eye, target, focal, width, height, roll=0.0):
        self.eye = np.asarray(eye, np.float64)
        forward = np.asarray(target, np.float64) - self.eye
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        if roll:
            c, s = math.cos(roll), math.sin(roll)
            right, up = c * right + s * up, -s * right + c * up
        self.right, self.up, self.forward = right, up, forward
        self.focal = focal
        self.w, self.h = width, height

    def project(self, points):
        p = np.atleast_2d(np.asarray(points, np.float64)) - self.eye
        x = p @ self.right
        y = p @ self.up
        z = p @ self.forward
        return np.stack([self.w / 2 + self.focal * x / z, self.h / 2 - self.focal * y / z], axis=1)

    def project_polygon(self, points, near=1.0):
        """Projects a polygon, clipped to the part in front of the camera
        (depth > near), so that nothing behind the viewer folds into view."""
        p = np.atleast_2d(np.asarray(points, np.float64))
        depth = (p - self.eye) @ self.forward
        out = []
        for i in range(len(p)):
            a, b = p[i], p[(i + 1) % len(p)]
            da, db = depth[i], depth[(i + 1) % len(p)]
            if da > near:
                out.append(a)
            if (da > near) != (db > near):
                t = (near - da) / (db - da)
                out.append(a + (b - a) * t)
        if len(out) < 3:
            return None
        return self.project(np.array(out))

    def rays(self, ss=1):
        """World-space ray directions through every pixel centre: H×W×3."""
        xs = (np.arange(self.w, dtype=np.float32) + 0.5 - self.w / 2) / self.focal
        ys = (self.h / 2 - np.arange(self.h, dtype=np.float32) - 0.5) / self.focal
        d = (xs[None, :, None] * self.right.astype(np.float32) +
             ys[:, None, None] * self.up.astype(np.float32) +
             self.forward.astype(np.float32))
        return d

    def hit_plane(self, rays, point, normal):
        """Distance along each ray to the plane, inf where it misses."""
        normal = np.asarray(normal, np.float32)
        denom = rays @ normal
        num = float(np.dot(np.asarray(point) - self.eye, normal))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = num / denom
        t[~(t > 0)] = np.inf
        return t.astype(np.float32)


def box_faces(x0, x1, y0, y1, z0, z1):
    """The 6 faces of an axis-aligned box, with outward normals."""
    P = lambda x, y, z: (x, y, z)
    return {
        "front": ([P(x0, y1, z1), P(x1, y1, z1), P(x1, y0, z1), P(x0, y0, z1)], (0, 0, 1)),
        "top": ([P(x0, y1, z0), P(x1, y1, z0), P(x1, y1, z1), P(x0, y1, z1)], (0, 1, 0)),
        "left": ([P(x0, y1, z0), P(x0, y1, z1), P(x0, y0, z1), P(x0, y0, z0)], (-1, 0, 0)),
        "right": ([P(x1, y1, z1), P(x1, y1, z0), P(x1, y0, z0), P(x1, y0, z1)], (1, 0, 0)),
        "back": ([P(x1, y1, z0), P(x0, y1, z0), P(x0, y0, z0), P(x1, y0, z0)], (0, 0, -1)),
        "bottom": ([P(x0, y0, z1), P(x1, y0, z1), P(x1, y0, z0), P(x0, y0, z0)], (0, -1, 0)),
    }


def lambert(normal, light, ambient=0.45):
    n = np.asarray(normal, np.float64)
    n = n / np.linalg.norm(n)
    l_ = np.asarray(light, np.float64)
    l_ = l_ / np.linalg.norm(l_)
    return ambient + (1 - ambient) * max(0.0, float(n @ l_))


def draw_box(img, cam, box, color, light, noise=None, ss=3, ambient=0.45, soften=0.0):
    """Flat-shaded visible faces of a box (x0, x1, y0, y1, z0, z1)."""
    h, w = img.shape[:2]
    for name, (pts, normal) in box_faces(*box).items():
        centre = np.mean(np.asarray(pts, np.float64), axis=0)
        if np.dot(np.asarray(normal, np.float64), cam.eye - centre) <= 0:
            continue
        q = cam.project_polygon(pts)
        if q is None:
            continue
        m = poly_mask(h, w, [q], ss)
        if soften:
            m = blur(m, soften)
        shade = lambert(normal, light, ambient)
        over(img, np.asarray(color, np.float32) * shade, m)


# ---------------------------------------------------------------------------
# Images out
# ---------------------------------------------------------------------------

def to8(a):
    return np.clip(np.asarray(a, np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def add_grain(img, name, amount=0.012):
    """Sensor noise, a little stronger in the shadows, same for each run."""
    g = rng_for(name + "/grain").standard_normal(img.shape[:2]).astype(np.float32)
    return img + (amount * (1.3 - 0.6 * img.mean(axis=2)) * g)[..., None]


def save_jpeg(path, img):
    Image.fromarray(to8(img), "RGB").save(path, "JPEG", quality=JPEG_QUALITY, optimize=True,
                                          subsampling=2)


def save_png(path, img, alpha=None):
    if alpha is None and img.ndim == 2:
        Image.fromarray(to8(img), "L").save(path, "PNG", optimize=True)
    elif alpha is None:
        Image.fromarray(to8(img), "RGB").save(path, "PNG", optimize=True)
    else:
        rgba = np.dstack([to8(img), to8(alpha)])
        # Fully transparent pixels carry no colour: keep them black so that
        # the file compresses well.
        rgba[rgba[..., 3] == 0, :3] = 0
        Image.fromarray(rgba, "RGBA").save(path, "PNG", optimize=True)


def fmt_num(x):
    x = round(float(x), 4)
    return str(int(x)) if x == int(x) else repr(x)


def pts_json(points):
    """Canvas points for a manifest, to a tenth of a pixel."""
    return [[round(float(x), 1), round(float(y), 1)] for x, y in np.asarray(points)]


def dump_json(value, indent=0):
    """JSON with points and short number lists kept on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ",\n".join(f'{pad}  {json.dumps(k)}: {dump_json(v, indent + 1)}'
                           for k, v in value.items())
        return "{\n" + inner + "\n" + pad + "}"
    if isinstance(value, list):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return "[" + ", ".join(fmt_num(v) for v in value) + "]"
        if all(isinstance(v, list) and all(isinstance(x, (int, float)) for x in v) for v in value):
            return "[" + ", ".join(dump_json(v) for v in value) + "]"
        inner = ",\n".join(pad + "  " + dump_json(v, indent + 1) for v in value)
        return "[\n" + inner + "\n" + pad + "]"
    if isinstance(value, float):
        return fmt_num(value)
    return json.dumps(value, ensure_ascii=False)


def font(size, bold=True, serif=False, mono=False):
    if mono:
        name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    elif serif:
        name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    else:
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(os.path.join(FONT_DIR, name), size)


# ---------------------------------------------------------------------------
# The sample artworks
# ---------------------------------------------------------------------------

def zone_plate(size, k=None):
    """Concentric rings whose frequency grows toward the edge: any
    aliasing or moiré from a poor resampler shows at once."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5 - size / 2
    r2 = x * x + y * y
    k = k or math.pi / (2.0 * size)  # half the Nyquist frequency at the edge
    return 0.5 + 0.5 * np.cos(k * r2)


def make_artwork_portrait(path):
    W, H, S = 2000, 2500, 2  # drawn at 2× and reduced: smooth edges
    img = Image.new("RGB", (W * S, H * S), "#1b1f4b")
    d = ImageDraw.Draw(img)
    sc = lambda *v: [c * S for c in v]

    sky = ["#1b1f4b", "#2a2460", "#3f2a6e", "#5b2d74", "#7d3274", "#a23a6f",
           "#c44966", "#e0605a", "#f07f4c", "#f6a046", "#f9c74f"]
    top, horizon = 420, 1600
    band = (horizon - top) / len(sky)
    for i, c in enumerate(sky):
        d.rectangle(sc(0, top + i * band, W, top + (i + 1) * band + 1), fill=c)

    # the sun, cut by widening stripes toward the horizon
    cx, cy, r = 1000, 1330, 470
    sun = Image.new("L", img.size, 0)
    ds = ImageDraw.Draw(sun)
    ds.ellipse(sc(cx - r, cy - r, cx + r, cy + r), fill=255)
    y, gap = cy - 170, 6
    while y < cy + r:
        ds.rectangle(sc(0, y, W, y + gap), fill=0)
        y += gap + 46
        gap += 9
    sun_colour = Image.new("RGB", img.size, "#ffd166")
    sd = ImageDraw.Draw(sun_colour)
    for i in range(8):
        sd.rectangle(sc(0, cy - r + i * r / 4, W, cy - r + (i + 1) * r / 4 + 1),
                     fill=["#fff1a8", "#ffe08a", "#ffd166", "#ffc15e", "#ffaa55", "#ff9350",
                           "#ff7b4a", "#ff6644"][i])
    img.paste(sun_colour, (0, 0), sun)

    # mountains, far and near
    far = [(0, 1450), (180, 1330), (330, 1410), (520, 1220), (700, 1390), (860, 1300),
           (1000, 1420), (1180, 1260), (1380, 1400), (1560, 1180), (1760, 1360), (2000, 1250),
           (2000, horizon), (0, horizon)]
    near = [(0, 1520), (240, 1420), (420, 1500), (640, 1380), (900, 1540), (1120, 1450),
            (1300, 1530), (1520, 1400), (1720, 1500), (1880, 1440), (2000, 1480),
            (2000, horizon), (0, horizon)]
    d.polygon([(x * S, y * S) for x, y in far], fill="#6a2c70")
    d.polygon([(x * S, y * S) for x, y in near], fill="#3b1f5c")
    # snow caps on the far range: small triangles at the peaks
    for px, py in [(520, 1220), (1180, 1260), (1560, 1180)]:
        d.polygon(sc(px, py, px + 62, py + 58, px + 20, py + 48, px - 10, py + 70,
                     px - 52, py + 50), fill="#f3d9e8")

    # the sea: bands of teal, with the sun's reflection as dashes
    sea = ["#0f4c5c", "#0e5a66", "#0d6870", "#0c767a", "#0b8484", "#0a928e"]
    sb = (H - horizon) / len(sea)
    for i, c in enumerate(sea):
        d.rectangle(sc(0, horizon + i * sb, W, horizon + (i + 1) * sb + 1), fill=c)
    rng = rng_for("artwork/sea")
    for i in range(26):
        yy = horizon + 22 + i * 26 + i * i * 0.9
        if yy > 2080:
            break
        half = 300 - i * 9 + rng.uniform(-30, 30)
        x = cx - half
        while x < cx + half:
            length = rng.uniform(40, 140)
            d.rectangle(sc(x, yy, min(x + length, cx + half), yy + 5 + i * 0.35), fill="#ffc15e")
            x += length + rng.uniform(18, 50)
    # waves: fine white sine lines
    for i in range(9):
        yy = 1700 + i * 42
        pts = [(x * S, (yy + 7 * math.sin(x / 37.0 + i * 1.3)) * S) for x in range(0, W + 1, 4)]
        d.line(pts, fill="#bfe9e4", width=2 * S if i % 2 == 0 else S)

    # title
    d.rectangle(sc(0, 0, W, top), fill="#1b1f4b")
    f_title = font(300 * S)
    d.text((W * S // 2, 60 * S), "MOCKUP", font=f_title, fill="#fff6e9", anchor="ma")
    d.text((W * S // 2, 350 * S), "mockup-glib  ·  sample artwork  ·  2000 × 2500  ·  ↑ top",
           font=font(44 * S, bold=False), fill="#f6a046", anchor="ma")

    # corner marks 1 2 3 4: top-left, top-right, bottom-right, bottom-left
    for label, (x, y) in zip("1234", [(90, 90), (W - 90, 90), (W - 90, H - 90), (90, H - 90)]):
        d.ellipse(sc(x - 48, y - 48, x + 48, y + 48), fill="#fff6e9", outline="#1b1f4b", width=6 * S)
        d.text((x * S, y * S), label, font=font(64 * S), fill="#1b1f4b", anchor="mm")

    # colour checker, bottom left
    patches = ["#735244", "#c29682", "#627a9d", "#576c43", "#8580b1", "#67bdaa",
               "#d67e2c", "#505ba6", "#c15a63", "#5e3c6c", "#9dbc40", "#e0a32e",
               "#383d96", "#469449", "#af363c", "#e7c71f", "#bb5695", "#0885a1",
               "#f3f3f2", "#c8c8c8", "#a0a0a0", "#7a7a79", "#555555", "#343434"]
    px0, py0, p = 200, 2130, 72
    d.rectangle(sc(px0 - 14, py0 - 14, px0 + 6 * p + 14 - 8, py0 + 4 * p + 14 - 8), fill="#111111")
    for i, c in enumerate(patches):
        x, y = px0 + (i % 6) * p, py0 + (i // 6) * p
        d.rectangle(sc(x, y, x + p - 8, y + p - 8), fill=c)

    # small print across the bottom: sharpness shows in the letters
    d.text((W * S // 2, 2440 * S),
           "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG  ·  0123456789  ·  sphinx of black quartz, judge my vow",
           font=font(22 * S, bold=False), fill="#d8f3ef", anchor="mm")

    # frame line
    d.rectangle(sc(24, 24, W - 24, H - 24), outline="#fff6e9", width=4 * S)

    img = img.resize((W, H), Image.Resampling.LANCZOS)
    a = np.asarray(img, np.float32) / 255.0

    # fine pattern, bottom right, drawn at full resolution: a zone plate
    # and, beside it, 1-, 2- and 3-pixel line gratings
    zs, zx, zy = 360, 1480, 2010
    a[zy - 10:zy + zs + 10, zx - 10:zx + zs + 10] = 0.97
    zp = zone_plate(zs)
    a[zy:zy + zs, zx:zx + zs] = (0.08 + 0.88 * zp)[..., None]
    for j, period in enumerate((2, 4, 6)):
        gx = 1300 + j * 55
        stripes = ((np.arange(zs) // (period // 2)) % 2).astype(np.float32)
        a[zy:zy + zs, gx:gx + 40] = (0.08 + 0.88 * stripes)[:, None, None]
    Image.fromarray(to8(a), "RGB").save(path, "PNG", optimize=True)


def make_artwork_landscape(path):
    W, H, S = 3000, 2000, 2
    img = Image.new("RGB", (W * S, H * S), "#efe6d2")
    d = ImageDraw.Draw(img)
    sc = lambda *v: [c * S for c in v]

    # a smooth dusk gradient across the top: banding shows here
    y = np.linspace(0, 1, 900, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, W * S, dtype=np.float32)[None, :]
    top_c, mid_c, low_c = rgb("#234e8c"), rgb("#8d5fa8"), rgb("#f2a65a")
    t = np.clip(y * 1.1 + 0.08 * np.sin(x * 6.0), 0, 1)[..., None]
    grad = np.where(t < 0.55, mix(top_c, mid_c, t / 0.55), mix(mid_c, low_c, (t - 0.55) / 0.45))
    grad_img = Image.fromarray(to8(grad), "RGB").resize((W * S, 900 * S), Image.Resampling.BICUBIC)
    img.paste(grad_img, (0, 0))

    # Bauhaus shapes
    d.ellipse(sc(1900, 260, 2700, 1060), fill="#d1362f")
    d.pieslice(sc(300, 700, 1500, 1900), 180, 270, fill="#1f4e9c")
    d.rectangle(sc(300, 1300, 900, 1900), fill="#f2b705")
    d.rectangle(sc(900, 1300, 960, 1900), fill="#111111")
    d.rectangle(sc(300, 1240, 2700, 1300), fill="#111111")
    d.ellipse(sc(1250, 1400, 1650, 1800), fill="#111111")
    d.ellipse(sc(1330, 1480, 1570, 1720), fill="#efe6d2")
    for i in range(14):
        x0 = 1800 + i * 60
        d.polygon(sc(x0, 1900, x0 + 30, 1900, x0 + 330, 1360, x0 + 300, 1360), fill="#1f4e9c")
    d.rectangle(sc(1700, 1300, 1800, 1900), fill="#d1362f")

    d.text((120 * S, 100 * S), "LANDSCAPE", font=font(220 * S), fill="#fdf6e3")
    d.text((128 * S, 350 * S), "3000 × 2000  ·  3 : 2  ·  mockup-glib sample  ·  ↑ top",
           font=font(54 * S, bold=False), fill="#fdf6e3")
    for label, (x, y) in zip("1234", [(90, 90), (W - 90, 90), (W - 90, H - 90), (90, H - 90)]):
        d.ellipse(sc(x - 48, y - 48, x + 48, y + 48), fill="#fdf6e3", outline="#111111", width=6 * S)
        d.text((x * S, y * S), label, font=font(64 * S), fill="#111111", anchor="mm")

    img = img.resize((W, H), Image.Resampling.LANCZOS)
    a = np.asarray(img, np.float32) / 255.0

    # a fine grid of one-pixel lines on the cream ground
    yy, xx = np.mgrid[0:280, 0:460]
    grid = ((yy % 6 == 0) | (xx % 6 == 0)).astype(np.float32)
    a[935:1215, 1120:1580] = (0.95 - 0.85 * grid)[..., None]
    Image.fromarray(to8(a), "RGB").save(path, "JPEG", quality=90, optimize=True, subsampling=0)


# ---------------------------------------------------------------------------
# Scene helpers
# ---------------------------------------------------------------------------

def rect3(x0, y0, x1, y1, z):
    """An upright rectangle in the plane z: top-left, top-right,
    bottom-right, bottom-left."""
    return [(x0, y1, z), (x1, y1, z), (x1, y0, z), (x0, y0, z)]


def room(cam, wall, floor, wall_z=0.0, side=None):
    """Ray-casts a wall (the plane z = wall_z), a floor (y = 0) and
    optionally a side wall (side = (x, function), the plane x = x).
    wall(x, y), floor(x, z) and the side's function (z, y) return H×W×3
    colours for world points."""
    rays = cam.rays()
    e = cam.eye.astype(np.float32)
    hits = [cam.hit_plane(rays, (0.0, 0.0, wall_z), (0.0, 0.0, 1.0)),
            cam.hit_plane(rays, (0.0, 0.0, 0.0), (0.0, 1.0, 0.0))]
    if side is not None:
        hits.append(cam.hit_plane(rays, (side[0], 0.0, 0.0), (1.0, 0.0, 0.0)))
    which = np.argmin(np.stack(hits), axis=0)
    out = np.zeros(rays.shape, np.float32)

    def at(t):
        t = np.where(np.isfinite(t), t, 0.0)
        return [e[i] + rays[..., i] * t for i in range(3)]

    p = at(hits[0])
    out = np.where((which == 0)[..., None], wall(p[0], p[1]), out)
    p = at(hits[1])
    out = np.where((which == 1)[..., None], floor(p[0], p[2]), out)
    if side is not None:
        p = at(hits[2])
        out = np.where((which == 2)[..., None], side[1](p[2], p[1]), out)
    return out, which == 0


def plank_floor(x, z, noise, base="#a67c52", width=18.0, length=140.0, name="floor"):
    """Oak planks running along z (toward the viewer)."""
    col = np.floor(x / width)
    tones = rng_for(name + "/tones").uniform(0.82, 1.12, 512).astype(np.float32)
    offsets = rng_for(name + "/offsets").uniform(0, length, 512).astype(np.float32)
    ci = col.astype(np.int64) % 512
    zz = z + offsets[ci]
    row = np.floor(zz / length)
    ri = (ci * 31 + row.astype(np.int64) * 17) % 512
    tone = tones[ri]
    grain = noise.fbm(x * 0.9 + ci * 13.0, zz * 0.035, 4)
    fine = noise.fbm(x * 4.0, zz * 0.4, 2)
    v = tone * (1 + 0.10 * grain + 0.035 * fine)
    u = x / width - col
    seam = np.minimum(smoothstep(0.0, 0.02, u), smoothstep(1.0, 0.98, u))
    zu = zz / length - row
    end_seam = np.minimum(smoothstep(0.0, 0.004, zu), smoothstep(1.0, 0.996, zu))
    v = v * (0.55 + 0.45 * np.minimum(seam, end_seam))
    return rgb(base) * v[..., None]


def leaf_pts(cx, cy, length, width, angle, n=40):
    """A leaf: a pointed ellipse from (cx, cy) along angle."""
    t = np.linspace(0, math.pi, n)
    along = (1 - np.cos(t)) / 2 * length
    side = np.sin(t) ** 1.2 * width / 2
    pts_a = np.stack([along, side], 1)
    pts_b = np.stack([along[::-1], -side[::-1]], 1)
    pts = np.concatenate([pts_a, pts_b])
    c, s = math.cos(angle), math.sin(angle)
    return np.stack([cx + pts[:, 0] * c - pts[:, 1] * s, cy + pts[:, 0] * s + pts[:, 1] * c], 1)


def draw_plant(img, shade, cx, base_y, scale, name, pot="#c9b8a3"):
    """A potted plant, in screen space: pot base centred at (cx, base_y)."""
    h, w = img.shape[:2]
    rng = rng_for(name)
    pw, ph = 190 * scale, 210 * scale
    # contact shadow
    shade *= 1 - 0.45 * blur(poly_mask(h, w, [ellipse_pts(cx + 20 * scale, base_y, pw * 0.85,
                                                           18 * scale)]), 14 * scale)
    leaves = []
    for i in range(46):
        ang = -math.pi / 2 + rng.uniform(-1.25, 1.25)
        length = rng.uniform(160, 330) * scale
        stem = rng.uniform(20, 160) * scale
        ox = cx + math.cos(ang) * stem * 0.45
        oy = base_y - ph + math.sin(ang) * stem
        leaves.append((rng.uniform(), ox, oy, length, rng.uniform(0.28, 0.42) * length, ang))
    leaves.sort()
    for depth, ox, oy, length, width, ang in leaves:
        m = poly_mask(h, w, [leaf_pts(ox, oy, length, width, ang)], 3)
        green = mix(rgb("#1f4d2b"), rgb("#5d9a4a"), 0.25 + 0.75 * depth)
        # lighter along the midrib, darker at the edges
        over(img, green * (0.8 + 0.25 * depth), m)
        mid = poly_mask(h, w, [leaf_pts(ox, oy, length, width * 0.12, ang)], 3)
        over(img, green * 1.25, mid * 0.5)
    # pot: a tapered cylinder with a rim
    top_w, bot_w = pw / 2, pw * 0.38
    body = [(cx - top_w, base_y - ph), (cx + top_w, base_y - ph), (cx + bot_w, base_y),
            (cx - bot_w, base_y)]
    m = poly_mask(h, w, [body] + [ellipse_pts(cx, base_y, bot_w, 10 * scale)], 3)
    ys, xs = np.mgrid[0:h, 0:w]
    side = np.clip((xs - (cx - top_w)) / (2 * top_w), 0, 1).astype(np.float32)
    light = 0.62 + 0.5 * np.sin(np.clip(side, 0, 1) * math.pi * 0.9 + 0.25) ** 2 - 0.25 * side
    over(img, rgb(pot)[None, None, :] * light[..., None], m)
    rim = poly_mask(h, w, [ellipse_pts(cx, base_y - ph, top_w * 1.04, 14 * scale)], 3)
    over(img, rgb(pot) * 1.05, rim)
    soil = poly_mask(h, w, [ellipse_pts(cx, base_y - ph + 2 * scale, top_w * 0.9, 10 * scale)], 3)
    over(img, rgb("#3a2a1f"), soil)


def vignette(img, strength=0.18):
    h, w = img.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2
    return img * (1 - strength * np.clip(r / 2, 0, 1) ** 1.5)[..., None]


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------

TEMPLATES = {}


def template(fn):
    TEMPLATES[fn.__name__.replace("_", "-")] = fn
    return fn


def frame_layers(cam, h, w, cx, cy, opening, mat, moulding, depth, light, colour, mat_colour,
                 frame_img, frame_alpha, backing, shadow_alpha, glass):
    """A framed print in the wall plane: draws the moulding and the mat
    into frame_img/frame_alpha, white paper behind the opening into
    backing, the frame's shadow into shadow_alpha and a glass sheen into
    glass. Returns the artwork quad (the opening plus a 3 mm bleed) and
    the print's aspect."""
    ow, oh = opening
    zf, zm, za = depth, depth - 0.6, depth - 0.8
    ix0, iy0, ix1, iy1 = cx - ow / 2, cy - oh / 2, cx + ow / 2, cy + oh / 2
    mx0, my0, mx1, my1 = ix0 - mat, iy0 - mat, ix1 + mat, iy1 + mat
    fx0, fy0, fx1, fy1 = mx0 - moulding, my0 - moulding, mx1 + moulding, my1 + moulding

    # shadow on the wall: the frame's outline moved away from the light,
    # plus a tight contact shadow
    dx, dy = depth * light[0] / light[2], depth * light[1] / light[2]
    far = cam.project(rect3(fx0 - dx * 1.3, fy0 - dy * 1.3, fx1 - dx * 1.3, fy1 - dy * 1.3, 0))
    near = cam.project(rect3(fx0, fy0, fx1, fy1, 0))
    scale = cam.focal / np.linalg.norm(cam.eye - np.array([cx, cy, 0]))
    sa = 0.55 * blur(poly_mask(h, w, [far]), 2.2 * depth * scale)
    sa = np.maximum(sa, 0.6 * blur(poly_mask(h, w, [near]), 0.5 * scale))
    shadow_alpha[:] = np.maximum(shadow_alpha, sa)

    # outer sides of the moulding, where the camera sees them
    sides = [
        ([(fx0, fy1, 0), (fx0, fy1, zf), (fx0, fy0, zf), (fx0, fy0, 0)], (-1, 0, 0)),
        ([(fx1, fy1, zf), (fx1, fy1, 0), (fx1, fy0, 0), (fx1, fy0, zf)], (1, 0, 0)),
        ([(fx0, fy0, zf), (fx1, fy0, zf), (fx1, fy0, 0), (fx0, fy0, 0)], (0, -1, 0)),
        ([(fx0, fy1, 0), (fx1, fy1, 0), (fx1, fy1, zf), (fx0, fy1, zf)], (0, 1, 0)),
    ]
    for pts, normal in sides:
        centre = np.mean(np.asarray(pts, float), axis=0)
        if np.dot(normal, cam.eye - centre) <= 0:
            continue
        m = poly_mask(h, w, [cam.project(pts)])
        over(frame_img, rgb(colour) * lambert(normal, light, 0.5) * 0.8, m)
        frame_alpha[:] = np.maximum(frame_alpha, m)

    # the moulding's face: four bevelled strips lit by their slope
    bevel = moulding * 0.45
    outer = [(fx0, fy1), (fx1, fy1), (fx1, fy0), (fx0, fy0)]
    inner = [(mx0, my1), (mx1, my1), (mx1, my0), (mx0, my0)]
    mid = [(fx0 + bevel, fy1 - bevel), (fx1 - bevel, fy1 - bevel), (fx1 - bevel, fy0 + bevel),
           (fx0 + bevel, fy0 + bevel)]
    normals_out = [(0, 0.6, 1), (0.6, 0, 1), (0, -0.6, 1), (-0.6, 0, 1)]  # top, right, bottom, left
    normals_in = [(0, -0.5, 1), (-0.5, 0, 1), (0, 0.5, 1), (0.5, 0, 1)]
    for i in range(4):
        a, b = i, (i + 1) % 4
        for ring_a, ring_b, za_, zb_, normal in ((outer, mid, zf - 0.4, zf, normals_out[i]),
                                                  (mid, inner, zf, zf - 0.5, normals_in[i])):
            pts = [ring_a[a] + (za_,), ring_a[b] + (za_,), ring_b[b] + (zb_,), ring_b[a] + (zb_,)]
            m = poly_mask(h, w, [cam.project(pts)])
            over(frame_img, rgb(colour) * lambert(normal, light, 0.45), m)
            frame_alpha[:] = np.maximum(frame_alpha, m)

    # the mat, with its bevelled window
    bev = 0.45
    mat_outer = cam.project(rect3(mx0, my0, mx1, my1, zm))
    mat_inner = cam.project(rect3(ix0 - bev, iy0 - bev, ix1 + bev, iy1 + bev, zm))
    opening_q = cam.project(rect3(ix0, iy0, ix1, iy1, za))
    m = poly_mask(h, w, [mat_outer, (mat_inner, 0)])
    over(frame_img, rgb(mat_colour), m)
    frame_alpha[:] = np.maximum(frame_alpha, m)
    for i, shade_ in enumerate((1.04, 0.93, 0.9, 1.02)):  # top, right, bottom, left
        a, b = i, (i + 1) % 4
        pts = np.array([mat_inner[a], mat_inner[b], opening_q[b], opening_q[a]])
        m = poly_mask(h, w, [pts])
        over(frame_img, np.minimum(rgb("#fbfaf6") * shade_, 1), m)
        frame_alpha[:] = np.maximum(frame_alpha, m)
    # the mat throws a little shade onto the print's top and left edges
    edge = poly_mask(h, w, [opening_q])
    s = blur(1 - poly_mask(h, w, [cam.project(rect3(ix0 + 0.5, iy0, ix1, iy1 - 0.6, za))]), 0.35 * scale)
    add = np.clip(s * edge * 0.55, 0, 1)
    frame_alpha[:] = np.maximum(frame_alpha, add)
    over(frame_img, (0.0, 0.0, 0.0), add)

    backing[:] = np.maximum(backing, poly_mask(h, w, [opening_q]))

    # glass: a sheen across the whole glazed area, brighter toward the window
    glazed = poly_mask(h, w, [cam.project(rect3(mx0, my0, mx1, my1, zf - 0.1))])
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    c = cam.project([(cx, cy, zf)])[0]
    pw_ = (fx1 - fx0) * scale
    t = ((xs - c[0]) * 0.8 + (ys - c[1]) * 0.6) / pw_
    band = np.exp(-((t + 0.18) / 0.09) ** 2) * 0.9 + np.exp(-((t + 0.42) / 0.035) ** 2) * 0.6
    sheen = 0.18 * np.clip(1 - (xs - c[0]) / pw_ - (ys - c[1]) / pw_ * 0.5, 0, 1.5)
    glass[:] = np.maximum(glass, (glazed * (band + sheen))[..., None] * rgb("#fff8ee"))

    quad = cam.project(rect3(ix0 - 0.3, iy0 - 0.3, ix1 + 0.3, iy1 + 0.3, za))
    return quad, (ow + 0.6) / (oh + 0.6)


@template
def framed_poster(folder):
    W, H = 2400, 1600
    cam = Camera(eye=(-45, 108, 340), target=(0, 106, 0), focal=2315, width=W, height=H)
    light = (-0.65, 0.45, 0.62)
    n1, n2 = Noise("framed-poster/plaster"), Noise("framed-poster/floor")

    def wall(x, y):
        plaster = 1 + 0.02 * n1.fbm(x * 0.05, y * 0.05, 4) + 0.012 * n1.fbm(x * 0.7, y * 0.7, 2)
        window = 0.80 + 0.30 * np.clip(1 - (x + 240) / 520, 0, 1) ** 1.6
        ceiling = 1 - 0.06 * np.clip((y - 150) / 150, 0, 1)
        return rgb("#d9d1c4") * (plaster * window * ceiling)[..., None]

    def floor(x, z):
        c = plank_floor(x, z, n2, base="#9c7350", name="framed-poster/planks")
        near_wall = 0.75 + 0.25 * smoothstep(0, 25, z)
        window = 0.85 + 0.3 * np.clip(1 - (x + 200) / 500, 0, 1)
        return c * (near_wall * window)[..., None]

    img, on_wall = room(cam, wall, floor)
    shade = np.ones((H, W), np.float32)

    # skirting board
    draw_box(img, cam, (-400, 400, 0, 11, 0, 1.6), rgb("#eeeae2"), light, ambient=0.7)

    # the frame, hung above the sofa
    frame_img = np.zeros((H, W, 3), np.float32)
    frame_alpha = np.zeros((H, W), np.float32)
    backing = np.zeros((H, W), np.float32)
    shadow_alpha = np.zeros((H, W), np.float32)
    glass = np.zeros((H, W, 3), np.float32)
    quad, aspect = frame_layers(cam, H, W, 0, 158, (56, 70), 9, 2.8, 3.2, light, "#23211f",
                                "#f3efe6", frame_img, frame_alpha, backing, shadow_alpha, glass)
    over(img, rgb("#f6f3ec"), backing)

    # a low sideboard in light oak, with a vase and books
    oak = rgb("#b48a5a")
    sb = (-88, 88, 12, 66, 1.5, 44)
    floor_pts = cam.project([(-92, 0, 50), (92, 0, 50), (92, 0, 0), (-92, 0, 0)])
    shade *= 1 - 0.5 * blur(poly_mask(H, W, [floor_pts]), 14)
    shade *= 1 - 0.3 * blur(poly_mask(H, W, [cam.project(rect3(-90, 0, 90, 68, 0))]), 22)
    img *= shade[..., None]
    shade[:] = 1
    for x0 in (-84, 80):
        for z0 in (4, 38):
            draw_box(img, cam, (x0, x0 + 3, 0, 12, z0, z0 + 3), rgb("#2a2420"), light)
    draw_box(img, cam, sb, oak, light, ambient=0.55, soften=0.8)
    # door seams and grain on the front
    grain = Noise("framed-poster/oak")
    front = cam.project(rect3(-88, 12, 88, 66, 44))
    fm = poly_mask(H, W, [front])
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    g = 1 + 0.06 * grain.fbm(xs * 0.01, ys * 0.25, 4)
    img *= (1 + (g - 1) * fm)[..., None]
    for xd in (-29.3, 29.3):
        seam = cam.project([(xd - 0.25, 64, 44), (xd + 0.25, 64, 44), (xd + 0.25, 14, 44),
                            (xd - 0.25, 14, 44)])
        over(img, oak * 0.35, poly_mask(H, W, [seam]))
    for xd in (-58.6, 0, 58.6):
        knob = cam.project([(xd - 5, 58, 44.5), (xd + 5, 58, 44.5), (xd + 5, 57, 44.5),
                            (xd - 5, 57, 44.5)])
        over(img, rgb("#3a332c"), poly_mask(H, W, [knob]))
    # books, lying flat
    for i, (colour, hgt) in enumerate((("#2f4858", 3.2), ("#c8553d", 2.6), ("#e9e4d8", 3.0))):
        y0 = 66 + sum(v for _, v in (("", 3.2), ("", 2.6), ("", 3.0))[:i])
        draw_box(img, cam, (38 - i * 1.5, 66 - i * 2.5, y0, y0 + hgt, 10 + i, 34 - i), rgb(colour),
                 light, ambient=0.6, soften=0.6)
    # a vase with a few dried stems
    vb = cam.project([(-55, 66, 22)])[0]
    vs = cam.focal / np.linalg.norm(cam.eye - np.array([-55, 66, 22]))
    vw, vh = 9 * vs, 28 * vs
    ang = np.linspace(0, math.pi, 60)
    body = np.concatenate([np.stack([vb[0] - vw * (0.6 + 0.5 * np.sin(ang)), vb[1] - vh * ang / math.pi], 1),
                           np.stack([vb[0] + vw * (0.6 + 0.5 * np.sin(ang[::-1])),
                                     vb[1] - vh * ang[::-1] / math.pi], 1)])
    for k in range(7):
        a0 = -math.pi / 2 + (k - 3) * 0.16
        tip = (vb[0] + math.cos(a0) * 60 * vs, vb[1] - vh - 50 * vs + abs(k - 3) * 4 * vs)
        stem = np.array([(vb[0] - 0.5, vb[1] - vh), (vb[0] + 0.5, vb[1] - vh),
                         (tip[0] + 0.6, tip[1]), (tip[0] - 0.6, tip[1])])
        over(img, rgb("#6b5a45"), poly_mask(H, W, [stem]))
        for j in range(6):
            t = 0.5 + j * 0.09
            px = vb[0] + (tip[0] - vb[0]) * t
            py = vb[1] - vh + (tip[1] - vb[1] + vh) * t
            over(img, rgb("#c9a97a") * (0.85 + 0.04 * j),
                 poly_mask(H, W, [leaf_pts(px, py, 9 * vs, 3 * vs, a0 + (0.6 if j % 2 else -0.6))]))
    vm = poly_mask(H, W, [body])
    tone = 0.7 + 0.4 * np.clip(1 - (xs - (vb[0] - vw)) / (2.2 * vw), 0, 1)
    over(img, rgb("#e7e1d6")[None, None] * tone[..., None], vm)
    shade *= 1 - 0.3 * blur(poly_mask(H, W, [ellipse_pts(vb[0] + 6 * vs, vb[1], vw * 1.1, 2 * vs)]), 3 * vs)

    # a plant to the right of the sideboard
    base_pt = cam.project([(135, 0, 40)])[0]
    draw_plant(img, shade, base_pt[0], base_pt[1], 0.75, "framed-poster/plant")
    img *= shade[..., None]

    img = vignette(img, 0.22)
    img = add_grain(img, "framed-poster")
    save_jpeg(os.path.join(folder, "room.jpg"), img)
    save_png(os.path.join(folder, "shadow.png"), np.zeros((H, W, 3)), shadow_alpha)
    save_png(os.path.join(folder, "frame.png"), frame_img, frame_alpha)
    save_jpeg(os.path.join(folder, "glass.jpg"), glass)

    return {
        "$schema": "../../mockup-template.schema.json",
        "format": 1,
        "id": "framed-poster",
        "name": "Framed poster above a sideboard",
        "_comment": "Generated by data/generate-samples.py (CC0-1.0). The print sits behind a mat "
                    "and glass; the quad is the mat's window plus a 3 mm bleed. The glass's "
                    "reflection and the frame's shadow are parameters (mockup-render --set "
                    "glare=0 --set shadow=false): a shop may want the print without them.",
        "parameters": {
            "glare": {"type": "number", "label": "Reflection on the glass", "default": 0.35,
                      "minimum": 0, "maximum": 1},
            "shadow": {"type": "boolean", "label": "Frame shadow", "default": True},
        },
        "layers": [
            {"type": "image", "name": "room", "source": "room.jpg"},
            {"type": "image", "name": "frame shadow", "source": "shadow.png", "blend": "multiply",
             "visible": {"parameter": "shadow"}},
            # the mat's 56 × 70 cm window plus the bleed: at 2000 × 2500
            # pixels the sample artwork prints at 90 ppi, which warns
            {"type": "artwork", "name": "print", "quad": pts_json(quad), "fit": "cover",
             "aspect": round(aspect, 4), "print": {"width": 56.6, "height": 70.6, "unit": "cm"}},
            {"type": "image", "name": "frame and mat", "source": "frame.png"},
            {"type": "image", "name": "glass", "source": "glass.jpg", "blend": "screen",
             "opacity": {"parameter": "glare"}},
        ],
    }


@template
def canvas_angle(folder):
    UNIT_IN = 0.15                  # inches a scene unit
    W, H = 2400, 1600
    cam = Camera(eye=(-150, 118, 112), target=(22, 124, 0), focal=1500, width=W, height=H)
    light = (0.55, 0.6, 0.6)
    n1, n2 = Noise("canvas-angle/wall"), Noise("canvas-angle/floor")

    def wall(x, y):
        blotch = 0.035 * n1.fbm(x * 0.02, y * 0.02, 5) + 0.015 * n1.fbm(x * 0.4, y * 0.4, 3)
        lamp = 0.82 + 0.28 * np.exp(-(((x - 60) / 160) ** 2 + ((y - 190) / 140) ** 2))
        return rgb("#cdc8c0") * ((1 + blotch) * lamp)[..., None]

    def floor(x, z):
        c = plank_floor(x, z, n2, base="#8a6446", width=14.0, name="canvas-angle/planks")
        return c * (0.7 + 0.3 * smoothstep(0, 30, z))[..., None]

    def side_wall(z, y):
        return wall(z + 300, y) * 0.86

    img, on_wall = room(cam, wall, floor, side=(235.0, side_wall))
    draw_box(img, cam, (-600, 235, 0, 9, 0, 1.4), rgb("#e9e6e0"), light, ambient=0.7)
    draw_box(img, cam, (233.6, 235, 0, 9, 0, 400), rgb("#e9e6e0"), light, ambient=0.7)

    # the canvas: 80 × 100 scene units of 0.15 in, a 12 × 15 in canvas
    # 0.6 in deep on spacers (the sample artwork prints at 167 ppi on it)
    cx, cy, cw, ch, z0, z1 = 0.0, 132.0, 80.0, 100.0, 0.5, 4.5
    x0, x1, y0, y1 = cx - cw / 2, cx + cw / 2, cy - ch / 2, cy + ch / 2

    # its shadow on the wall, away from the light
    shade = np.ones((H, W), np.float32)
    dx, dy = z1 * light[0] / light[2], z1 * light[1] / light[2]
    far = cam.project(rect3(x0 - dx, y0 - dy, x1 - dx, y1 - dy, 0))
    near = cam.project(rect3(x0, y0, x1, y1, 0))
    s = 0.5 * blur(poly_mask(H, W, [far]), 22) + 0.35 * blur(poly_mask(H, W, [near]), 5)
    shade *= 1 - np.clip(s, 0, 0.75)
    img *= shade[..., None]

    face = cam.project(rect3(x0, y0, x1, y1, z1))
    # the left side, mirrored: its right edge meets the face's left edge
    side = cam.project([(x0, y1, z1), (x0, y1, z0), (x0, y0, z0), (x0, y0, z1)])
    # a light stretcher edge under the artwork, visible at the rims
    for pts, normal in (([(x0, y1, z0), (x0, y1, z1), (x0, y0, z1), (x0, y0, z0)], (-1, 0, 0)),):
        over(img, rgb("#efe9dd") * lambert(normal, light, 0.5), poly_mask(H, W, [cam.project(pts)]))
    over(img, rgb("#f3efe6"), poly_mask(H, W, [face]))

    # light on the print: the face bright, falling off away from the lamp;
    # the side in shade. One map serves both artwork layers.
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    fm = poly_mask(H, W, [face])
    sm = poly_mask(H, W, [side])
    fc = face.mean(axis=0)
    fall = np.clip(1.0 - 0.10 * ((xs - face[:, 0].max()) / (face[:, 0].min() - face[:, 0].max())) -
                   0.05 * (ys - face[:, 1].min()) / (face[:, 1].max() - face[:, 1].min()), 0, 1)
    side_light = lambert((-1, 0, 0), light, 0.5) * 0.92
    lmap = np.full((H, W), 1.0, np.float32)
    lmap = lmap * (1 - sm) + side_light * sm
    lmap = lmap * (1 - fm) + fall * fm
    # a soft dark line where the face turns into the side
    corner = np.clip(1 - np.abs(xs - np.interp(ys, [face[0][1], face[3][1]], [face[0][0], face[3][0]])) / 3.0, 0, 1)
    lmap *= 1 - 0.25 * corner * np.maximum(fm, sm)

    # the canvas weave, as a soft-light overlay: mid-grey changes nothing
    u = (xs - fc[0]) * 0.9 + (ys - fc[1]) * 0.05
    v = (ys - fc[1]) * 0.9 - (xs - fc[0]) * 0.12
    weave = 0.5 + 0.11 * (np.sin(u * 1.45) * np.sin(v * 1.45)) + 0.04 * Noise("canvas-angle/weave").fbm(xs * 0.4, ys * 0.4, 2)
    weave = 0.5 + (weave - 0.5) * np.maximum(fm, sm * 0.7)

    img = vignette(img, 0.2)
    img = add_grain(img, "canvas-angle")
    save_jpeg(os.path.join(folder, "wall.jpg"), img)
    Image.fromarray(to8(lmap), "L").resize((W // 2, H // 2), Image.Resampling.BOX).save(
        os.path.join(folder, "light.jpg"), "JPEG", quality=JPEG_QUALITY)
    Image.fromarray(to8(weave), "L").save(os.path.join(folder, "weave.jpg"), "JPEG",
                                          quality=JPEG_QUALITY - 10)
    return {
        "$schema": "../../mockup-template.schema.json",
        "format": 1,
        "id": "canvas-angle",
        "name": "Stretched canvas, seen at an angle",
        "_comment": "Generated by data/generate-samples.py (CC0-1.0). The side layer takes the same "
                    "slot as the face, mirrored (its corners run from the face's edge back to the "
                    "wall), and shows the left 4 % of the print: a mirror wrap.",
        "layers": [
            {"type": "image", "name": "wall", "source": "wall.jpg"},
            {"type": "artwork", "name": "face", "quad": pts_json(face), "aspect": round(cw / ch, 4),
             "shading": "light.jpg",
             "print": {"width": round(cw * UNIT_IN, 2), "height": round(ch * UNIT_IN, 2), "unit": "in"}},
            {"type": "artwork", "name": "side", "quad": pts_json(side), "fit": "cover", "align": "left",
             "aspect": round((z1 - z0) / ch, 4), "shading": {"source": "light.jpg", "strength": 1},
             "print": {"width": round((z1 - z0) * UNIT_IN, 2), "height": round(ch * UNIT_IN, 2),
                       "unit": "in"}},
            {"type": "image", "name": "canvas weave", "source": "weave.jpg", "blend": "soft-light",
             "opacity": 0.8},
        ],
    }


@template
def gallery_wall(folder):
    W, H = 2400, 1600
    cam = Camera(eye=(12, 118, 330), target=(4, 126, 0), focal=2250, width=W, height=H)
    light = (-0.45, 0.55, 0.7)
    n1, n2 = Noise("gallery-wall/paint"), Noise("gallery-wall/floor")

    def wall(x, y):
        paint = 1 + 0.015 * n1.fbm(x * 0.06, y * 0.06, 4) + 0.01 * n1.fbm(x * 0.9, y * 0.9, 2)
        lamp = 0.8 + 0.3 * np.exp(-(((x + 20) / 260) ** 2 + ((y - 230) / 170) ** 2))
        return rgb("#93a28c") * (paint * lamp)[..., None]

    def floor(x, z):
        c = plank_floor(x, z, n2, base="#b38d66", name="gallery-wall/planks")
        return c * (0.75 + 0.25 * smoothstep(0, 25, z))[..., None]

    img, on_wall = room(cam, wall, floor)
    draw_box(img, cam, (-400, 400, 0, 10, 0, 1.5), rgb("#eeeae2"), light, ambient=0.7)

    frame_img = np.zeros((H, W, 3), np.float32)
    frame_alpha = np.zeros((H, W), np.float32)
    backing = np.zeros((H, W), np.float32)
    shadow_alpha = np.zeros((H, W), np.float32)
    glass = np.zeros((H, W, 3), np.float32)
    slots = {}
    # slot: centre, opening (w, h), mat, moulding, depth, colour
    for slot, (cx, cy), opening, mat, moulding, colour in (
            ("left", (-84, 150), (30, 40), 5.5, 2.2, "#1f1d1b"),
            ("middle", (0, 146), (50, 70), 8.0, 3.0, "#c09a6b"),
            ("right", (84, 156), (40, 30), 5.5, 2.2, "#1f1d1b")):
        quad, aspect = frame_layers(cam, H, W, cx, cy, opening, mat, moulding, 2.8, light, colour,
                                    "#f4f1ea", frame_img, frame_alpha, backing, shadow_alpha, glass)
        slots[slot] = (quad, aspect)
    over(img, rgb("#f6f3ec"), backing)

    # a low bench in light oak, books and a bowl on it
    shade = np.ones((H, W), np.float32)
    shade *= 1 - 0.45 * blur(poly_mask(H, W, [cam.project([(-104, 0, 46), (104, 0, 46), (104, 0, 2),
                                                           (-104, 0, 2)])]), 16)
    shade *= 1 - 0.25 * blur(poly_mask(H, W, [cam.project(rect3(-102, 0, 102, 48, 0))]), 20)
    img *= shade[..., None]
    oak = rgb("#c29a6a")
    for x0 in (-96, 90):
        draw_box(img, cam, (x0, x0 + 4, 0, 42, 6, 40), rgb("#2a2622"), light, ambient=0.5)
    draw_box(img, cam, (-100, 100, 42, 46, 4, 42), oak, light, ambient=0.55, soften=0.7)
    grain = Noise("gallery-wall/oak")
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    top = poly_mask(H, W, [cam.project([(-100, 46, 4), (100, 46, 4), (100, 46, 42), (-100, 46, 42)]),
                           cam.project(rect3(-100, 42, 100, 46, 42))])
    img *= (1 + 0.07 * grain.fbm(xs * 0.004, ys * 0.15, 4) * top)[..., None]
    y0 = 46.0
    for i, (colour, t) in enumerate((("#7b2e2b", 3.0), ("#e7e0d0", 2.2), ("#2e4a5a", 3.4))):
        draw_box(img, cam, (50 - i * 2, 84 - i * 3, y0, y0 + t, 12 + i, 36 - i), rgb(colour), light,
                 ambient=0.6, soften=0.6)
        y0 += t
    # a ceramic bowl
    c = cam.project([(-55, 46, 24)])[0]
    sc_ = cam.focal / np.linalg.norm(cam.eye - np.array([-55, 46, 24]))
    bowl = np.concatenate([ellipse_pts(c[0], c[1] - 9 * sc_, 16 * sc_, 3 * sc_, 60, math.pi, 2 * math.pi),
                           ellipse_pts(c[0], c[1] - 9 * sc_, 16 * sc_, 12 * sc_, 60, 0, math.pi)])
    m = poly_mask(H, W, [bowl])
    tone = 0.75 + 0.35 * np.clip(1 - (xs - c[0] + 16 * sc_) / (32 * sc_), 0, 1)
    over(img, rgb("#d9cbb4")[None, None] * tone[..., None], m)
    over(img, rgb("#8c7b64"), poly_mask(H, W, [ellipse_pts(c[0], c[1] - 9 * sc_, 14.5 * sc_, 2.4 * sc_)]))

    img *= shade[..., None]

    img = vignette(img, 0.2)
    img = add_grain(img, "gallery-wall")
    save_jpeg(os.path.join(folder, "room.jpg"), img)
    save_png(os.path.join(folder, "shadows.png"), np.zeros((H, W, 3)), shadow_alpha)
    save_png(os.path.join(folder, "frames.png"), frame_img, frame_alpha)
    save_jpeg(os.path.join(folder, "glass.jpg"), glass)

    layers = [
        {"type": "image", "name": "room", "source": "room.jpg"},
        {"type": "image", "name": "shadows", "source": "shadows.png", "blend": "multiply"},
    ]
    for slot in ("left", "middle", "right"):
        quad, aspect = slots[slot]
        layers.append({"type": "artwork", "name": slot + " print", "slot": slot,
                       "quad": pts_json(quad), "aspect": round(aspect, 4)})
    layers += [
        {"type": "image", "name": "frames and mats", "source": "frames.png"},
        {"type": "image", "name": "glass", "source": "glass.jpg", "blend": "screen", "opacity": 0.3},
    ]
    return {
        "$schema": "../../mockup-template.schema.json",
        "format": 1,
        "id": "gallery-wall",
        "name": "Gallery wall of three frames",
        "_comment": "Generated by data/generate-samples.py (CC0-1.0). Three slots: left (3:4), "
                    "middle (5:7) and right (4:3). Give each its own artwork, or one for all.",
        "background": "#ffffff",
        "layers": layers,
    }


def closed_spline(points, per_segment=24):
    """A smooth closed outline through the points (Catmull-Rom)."""
    p = np.asarray(points, np.float64)
    n = len(p)
    out = []
    for i in range(n):
        p0, p1, p2, p3 = p[(i - 1) % n], p[i], p[(i + 1) % n], p[(i + 2) % n]
        for t in np.linspace(0, 1, per_segment, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 +
                              (-p0 + 3 * p1 - 3 * p2 + p3) * t3))
    return np.array(out)


def ridge(xs, ys, p0, p1, width, amplitude):
    """A soft ridge (or, with a negative amplitude, a valley) along a
    segment, fading out toward both ends."""
    p0, p1 = np.asarray(p0, np.float32), np.asarray(p1, np.float32)
    d = p1 - p0
    length2 = float(d @ d)
    t = np.clip(((xs - p0[0]) * d[0] + (ys - p0[1]) * d[1]) / length2, 0, 1)
    dist2 = (xs - p0[0] - t * d[0]) ** 2 + (ys - p0[1] - t * d[1]) ** 2
    return amplitude * np.exp(-dist2 / (2 * width * width)) * np.clip(np.sin(t * math.pi), 0, 1) ** 0.7


@template
def tshirt(folder):
    W, H = 2000, 2000
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    rng = rng_for("tshirt")

    # the silhouette of a flat-laid t-shirt, left half mirrored
    half = [(1000, 268), (880, 262), (700, 318), (560, 372), (430, 470), (318, 640), (300, 700),
            (420, 800), (540, 850), (600, 760), (608, 1000), (598, 1300), (590, 1600), (598, 1770),
            (800, 1784), (1000, 1778)]
    right = [(2000 - x, y) for x, y in reversed(half[1:-1])]
    outline = closed_spline(half + right, 16)
    # hem and sleeve ends are straight in a real shirt: keep the curve but
    # only gently; a little wobble makes it look laid by hand
    outline += rng.normal(0, 0.6, outline.shape)
    ncx, ncy, nrx, nry = 1000.0, 330.0, 150.0, 122.0
    r = np.sqrt(((xs - ncx) / nrx) ** 2 + ((ys - ncy) / nry) ** 2)
    body = poly_mask(H, W, [outline])
    collar_outer = poly_mask(H, W, [ellipse_pts(ncx, ncy, nrx * 1.17, nry * 1.17, 240)])
    mask = np.maximum(body, collar_outer)

    # folds: a height field (in pixels) of broad undulations and a few
    # sharper creases, as a shirt laid down by hand has
    F = np.zeros((H, W), np.float32)
    for p0, p1, wdt, amp in (
            ((630, 820), (880, 1150), 46, 9.0), ((1370, 820), (1140, 1180), 46, 8.0),
            ((640, 1480), (1000, 1540), 60, 8.0), ((1000, 1560), (1380, 1500), 60, 7.0),
            ((380, 640), (560, 560), 40, 8.0), ((1620, 640), (1440, 560), 40, 8.0),
            ((900, 480), (760, 580), 36, 5.0), ((1100, 480), (1240, 580), 36, 5.0),
            ((820, 1260), (1180, 1320), 70, -6.0), ((700, 1000), (700, 1400), 60, -5.0)):
        F += ridge(xs, ys, p0, p1, wdt, amp)
    for p0, p1, wdt, amp in (
            ((660, 900), (790, 1380), 9, -2.6), ((1340, 900), (1225, 1430), 9, -2.4),
            ((700, 1670), (1300, 1700), 8, -2.0), ((440, 760), (540, 690), 7, -2.2),
            ((1560, 760), (1460, 690), 7, -2.2), ((1180, 1000), (1320, 1120), 8, 2.0),
            ((720, 1580), (900, 1620), 7, 1.8), ((1080, 1620), (1290, 1590), 7, 1.8)):
        F += ridge(xs, ys, p0, p1, wdt, amp)
    nz = Noise("tshirt/folds")
    F += 6.0 * nz.fbm(xs * 0.004, ys * 0.004, 3)
    F = blur(F, 3) * 1.7
    Fy, Fx = np.gradient(F)

    # light from the top left; fabric curves away at the edges
    lx, ly, lz = -0.5, -0.7, 0.5
    n = np.sqrt(Fx * Fx + Fy * Fy + 1)
    lit = (-Fx * lx - Fy * ly + lz) / n / lz
    edge = blur(mask, 16)
    L = lit * (0.78 + 0.22 * smoothstep(0.35, 0.95, edge))
    # inside the back of the neck, and the ribbed collar
    inside = smoothstep(1.02, 0.96, r)
    L = L * (1 - 0.42 * inside * (1 - 0.4 * smoothstep(ncy - 40, ncy + 120, ys)))
    band = smoothstep(0.99, 1.02, r) * smoothstep(1.19, 1.15, r)
    angle = np.arctan2((ys - ncy) / nry, (xs - ncx) / nrx)
    ribs = 0.5 + 0.5 * np.sin(angle * 180)
    L = L * (1 - band * (0.08 * ribs - 0.04)) * (1 - 0.18 * smoothstep(1.03, 0.99, r) * band)
    seam = np.exp(-((r - 1.19) / 0.012) ** 2)
    L *= 1 - 0.25 * seam * (r > 1.1)
    # shoulder and sleeve seams
    for p0, p1 in (((555, 372), (600, 760)), ((1445, 372), (1400, 760))):
        d = np.abs((xs - p0[0]) * (p1[1] - p0[1]) - (ys - p0[1]) * (p1[0] - p0[0])) / math.hypot(p1[0] - p0[0], p1[1] - p0[1])
        L *= 1 - 0.14 * np.exp(-(d / 2.5) ** 2) * ((ys > p0[1]) & (ys < p1[1]))
    # hem stitching: two lines of stitches 25 px above the hem
    hem_y = np.interp(xs, [598, 800, 1000, 1200, 1402], [1770, 1784, 1778, 1784, 1770])
    stitch = np.exp(-((ys - (hem_y - 26)) / 1.6) ** 2) * (np.sin(xs * 0.9) > -0.3)
    L *= 1 - 0.18 * stitch
    # the knit, fine
    knit = Noise("tshirt/knit")
    L *= 1 + 0.035 * knit.fbm(xs * 0.45, ys * 0.9, 2)
    L = np.clip(L, 0.45, 1.4)
    folds = np.where(mask > 0, np.clip(L * 0.5, 0, 1), 0.5) * mask + 0.5 * (1 - mask)

    # displacement: the print slides down the slopes of the folds
    strength = 9.0
    Fs = blur(F, 4)
    Gy, Gx = np.gradient(Fs)
    dx = np.clip(Gx * 10.0, -strength, strength)
    dy = np.clip(Gy * 10.0, -strength, strength)
    disp = np.dstack([0.5 + dx / (2 * strength), 0.5 + dy / (2 * strength), np.full_like(dx, 0.5)])

    # the print area: a mesh that follows the large folds
    px0, py0, pw, ph = 740, 540, 520, 650
    rows, cols = 5, 4
    Fl = blur(F, 40)
    Ly, Lx = np.gradient(Fl)
    mesh = []
    for j in range(rows):
        row = []
        for i in range(cols):
            x = px0 + pw * i / (cols - 1)
            y = py0 + ph * j / (rows - 1)
            xi, yi = int(x), int(y)
            row.append([round(x + 60.0 * float(Lx[yi, xi]), 1),
                        round(y + 60.0 * float(Ly[yi, xi]) + 5 * math.sin(i / (cols - 1) * math.pi), 1)])
        mesh.append(row)

    # the surface: warm paper-grey linen, lit from the top left
    nb = Noise("tshirt/linen")
    surface = rgb("#e6e1d8") * (1 + 0.025 * nb.fbm(xs * 0.01, ys * 0.01, 4) +
                                0.015 * nb.fbm(xs * 0.5, ys * 0.08, 2))[..., None]
    surface *= (1.04 - 0.12 * (xs + ys) / (W + H))[..., None]
    sh = np.zeros((H, W), np.float32)
    sh[14:, 10:] = mask[:-14, :-10]
    surface *= (1 - 0.32 * blur(sh, 14) - 0.15 * blur(mask, 40))[..., None]
    # a sprig of eucalyptus in the corner
    for k in range(11):
        t = k / 10
        bx, by = 1520 + 380 * t, 1980 - 330 * t
        for side_ in (-1, 1):
            ang = math.atan2(-330, 380) + side_ * 1.1
            lm = poly_mask(H, W, [leaf_pts(bx, by, 80 - 25 * t, 60 - 18 * t, ang)])
            tone = 0.85 + 0.15 * rng.uniform()
            over(surface, rgb("#8aa39a") * tone, lm)
            shifted = np.zeros_like(lm)
            shifted[8:, 6:] = lm[:-8, :-6]
            surface *= (1 - 0.2 * blur(shifted, 6) * (1 - lm))[..., None]
    stem = np.array([(1520, 1984), (1900, 1650), (1904, 1654), (1524, 1988)])
    over(surface, rgb("#6d7d6a"), poly_mask(H, W, [stem]))
    surface = add_grain(vignette(surface, 0.15), "tshirt")

    save_jpeg(os.path.join(folder, "backdrop.jpg"), surface)
    save_png(os.path.join(folder, "shirt-mask.png"), mask)
    Image.fromarray(to8(folds), "L").save(os.path.join(folder, "folds.jpg"), "JPEG",
                                          quality=JPEG_QUALITY)
    Image.fromarray(to8(disp), "RGB").resize((W // 2, H // 2), Image.Resampling.BOX).save(
        os.path.join(folder, "displacement.png"), "PNG", optimize=True)

    return {
        "$schema": "../../mockup-template.schema.json",
        "format": 1,
        "id": "tshirt",
        "name": "T-shirt, flat lay",
        "_comment": "Generated by data/generate-samples.py (CC0-1.0). The shirt's colour is "
                    "the shirt parameter: a choice's name or any #rrggbb at render time "
                    "(mockup-render --set shirt=navy). folds.jpg is mid-grey where the fabric "
                    "is flat: it shades the shirt (hard-light) and the print (shading, neutral "
                    "0.5); the displacement map comes from the same folds.",
        "parameters": {
            "shirt": {"type": "color", "label": "Shirt colour", "default": "denim",
                      "choices": {"denim": "#2f5f8a", "navy": "#1d2a44", "white": "#f4f4f2",
                                  "black": "#1b1b1d", "heather-grey": "#9a9a9c",
                                  "red": "#b3202a", "forest": "#2c5234"}},
        },
        "layers": [
            {"type": "image", "name": "surface", "source": "backdrop.jpg"},
            {"type": "color", "name": "shirt colour", "color": {"parameter": "shirt"},
             "mask": {"source": "shirt-mask.png", "mode": "luminance"}},
            {"type": "image", "name": "folds", "source": "folds.jpg", "blend": "hard-light",
             "mask": "shirt-mask.png"},
            {"type": "artwork", "name": "print", "mesh": mesh, "fit": "contain", "align": "top",
             "opacity": 0.96,
             "shading": {"source": "folds.jpg", "strength": 1, "neutral": 0.5},
             "displacement": {"source": "displacement.png", "strength": strength}},
        ],
    }


def polyline_distance(xs, ys, pts):
    """Distance from each pixel to a polyline, and the index of the
    nearest segment."""
    best = np.full(xs.shape, np.inf, np.float32)
    idx = np.zeros(xs.shape, np.int32)
    for i in range(len(pts) - 1):
        (ax, ay), (bx, by) = pts[i], pts[i + 1]
        dx, dy = bx - ax, by - ay
        t = np.clip(((xs - ax) * dx + (ys - ay) * dy) / (dx * dx + dy * dy), 0, 1)
        d = np.hypot(xs - ax - t * dx, ys - ay - t * dy)
        closer = d < best
        best = np.where(closer, d, best)
        idx = np.where(closer, i, idx)
    return best, idx


@template
def mug(folder):
    W, H = 2200, 1650
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    cx, R = 1020.0, 370.0
    y_top, y_bot = 470.0, 1290.0          # rim and base at the front
    e_top, e_bot = 58.0, 78.0             # half-axes of the rim and base ellipses
    wall_px = 16.0

    # background: a warm wall out of focus, and a wooden table
    table_y = 1040.0
    nb = Noise("mug/wall")
    wall = rgb("#d8cbb8") * (0.85 + 0.25 * np.exp(-((xs - 400) / 900) ** 2 - ((ys - 200) / 700) ** 2))[..., None]
    wall = wall * (1 + 0.03 * nb.fbm(xs * 0.002, ys * 0.002, 3))[..., None]
    bokeh = np.zeros((H, W), np.float32)
    rng = rng_for("mug/bokeh")
    for _ in range(14):
        bx, by, br = rng.uniform(0, W), rng.uniform(0, table_y), rng.uniform(40, 140)
        bokeh = np.maximum(bokeh, rng.uniform(0.3, 0.8) * smoothstep(br, br * 0.8, np.hypot(xs - bx, ys - by)))
    wall = wall + 0.10 * blur(bokeh, 6)[..., None] * rgb("#fff3d9")
    # a blurred plant on the left, far behind
    leaves = np.zeros((H, W), np.float32)
    for k in range(16):
        ang = -math.pi / 2 + rng.uniform(-1.2, 1.2)
        leaves = np.maximum(leaves, poly_mask(H, W, [leaf_pts(230 + rng.uniform(-40, 40), 1000,
                                                               rng.uniform(350, 650), rng.uniform(90, 160), ang)], 1))
    wall = mix(wall, rgb("#5f7a55") * 0.8, blur(leaves, 22) * 0.85)

    # the table: planks running left to right, seen from a little above
    depth = np.clip((ys - table_y) / (H - table_y), 0, 1)
    zz = 1.0 / (0.15 + depth)          # farther rows are compressed
    nt = Noise("mug/table")
    grain = nt.fbm(xs * 0.0025 / (0.15 + depth), zz * 40.0, 4)
    figure = nt.fbm(xs * 0.001 / (0.15 + depth) + 50, zz * 6.0, 3)
    planks = np.floor(zz * 1.6)
    tone = 0.9 + 0.1 * np.sin(planks * 12.9898) * np.cos(planks * 4.1)
    table = rgb("#b08560") * (tone * (1 + 0.16 * grain + 0.1 * figure))[..., None]
    seam = np.abs(zz * 1.6 - np.round(zz * 1.6))
    table *= (0.7 + 0.3 * smoothstep(0.0, 0.02 / (0.15 + depth) ** 0.5, seam))[..., None]
    table *= (0.8 + 0.25 * depth)[..., None]
    img = np.where((ys < table_y)[..., None], wall, table)
    edge = np.exp(-((ys - table_y) / 2.0) ** 2)
    img *= (1 - 0.25 * edge)[..., None]

    # the mug's shadow on the table, thrown to the right
    shadow = poly_mask(H, W, [ellipse_pts(cx + 160, y_bot - e_bot + 40, R * 1.25, e_bot * 1.6)])
    img *= (1 - 0.45 * blur(shadow, 45))[..., None]
    contact = poly_mask(H, W, [ellipse_pts(cx, y_bot - e_bot, R * 1.02, e_bot * 1.05)])
    img *= (1 - 0.6 * blur(contact, 10))[..., None]

    # the body: white glaze lit from the front left
    s = np.clip((xs - cx) / R, -1, 1)
    phi = np.arcsin(s)
    light_phi = -0.55
    diffuse = 0.42 + 0.58 * np.clip(np.cos(phi - light_phi), 0, 1) ** 1.3
    diffuse = diffuse + 0.10 * np.clip((s - 0.82) / 0.18, 0, 1) ** 2      # rim light
    yc_top, yc_bot = y_top - e_top, y_bot - e_bot
    arc_n = 240
    top_front = ellipse_pts(cx, yc_top, R, e_top, arc_n, 0, math.pi)          # right to left, front half
    bottom_front = ellipse_pts(cx, yc_bot, R, e_bot, arc_n, 0, math.pi)
    body_outline = np.concatenate([bottom_front, top_front[::-1]])
    body = poly_mask(H, W, [body_outline])
    # the base curls under: darker toward the bottom edge
    bottom_arc_y = yc_bot + e_bot * np.sqrt(np.clip(1 - s * s, 0, 1))
    base_shade = 1 - 0.35 * smoothstep(bottom_arc_y - 70, bottom_arc_y, ys)
    glaze = rgb("#f3f1ec")
    body_light = diffuse * base_shade
    img = over(img, glaze[None, None] * body_light[..., None], body)

    # the rim and the inside
    rim = poly_mask(H, W, [ellipse_pts(cx, yc_top, R, e_top, 360)])
    inner_rx, inner_ry = R - wall_px, e_top * (R - wall_px) / R
    inner = poly_mask(H, W, [ellipse_pts(cx, yc_top, inner_rx, inner_ry, 360)])
    img = over(img, glaze * 1.0, rim * (1 - inner))
    # inside: the far wall lit, the near wall in shade, coffee below
    coffee_y = yc_top + 46
    inside_light = 0.55 + 0.35 * np.clip((coffee_y - ys) / (2 * inner_ry), 0, 1) + 0.1 * s
    img = over(img, glaze[None, None] * inside_light[..., None], inner)
    coffee = poly_mask(H, W, [ellipse_pts(cx, coffee_y, inner_rx * 0.97, inner_ry * 0.97, 360)]) * inner
    cof = rgb("#3b2314") * (0.8 + 0.4 * np.exp(-(((xs - cx + 120) / 110) ** 2 + ((ys - coffee_y + 10) / 18) ** 2)))[..., None]
    img = over(img, cof, coffee)
    # the near inside wall's shadow on the coffee's front edge
    img *= (1 - 0.35 * coffee * smoothstep(coffee_y - 10, coffee_y + inner_ry, ys))[..., None]

    img = add_grain(vignette(img, 0.2), "mug")
    save_jpeg(os.path.join(folder, "scene.jpg"), img)

    # shading for the print: the glaze's diffuse light, neutral at the front
    front = 0.42 + 0.58 * math.cos(0 - light_phi) ** 1.3
    shading = np.where(body > 0, body_light / (front / 0.9), 0.9)  # 0.9 = neutral
    Image.fromarray(to8(np.clip(shading, 0, 1)), "L").resize((W // 2, H // 2), Image.Resampling.BOX).save(
        os.path.join(folder, "shading.jpg"), "JPEG", quality=JPEG_QUALITY)

    # gloss: a window's reflection, two soft vertical bars, and a sheen
    gl = (0.95 * np.exp(-((phi + 0.62) / 0.05) ** 2) + 0.55 * np.exp(-((phi + 0.42) / 0.03) ** 2) +
          0.18 * np.exp(-((phi + 0.5) / 0.3) ** 2))
    gl = gl * (0.75 + 0.25 * smoothstep(yc_bot + e_bot, yc_top, ys)) * body
    gl = gl * smoothstep(bottom_arc_y, bottom_arc_y - 60, ys)
    rim_gloss = np.exp(-((np.hypot((xs - cx) / R, (ys - yc_top) / e_top) - 1.0) / 0.012) ** 2) * \
        np.exp(-((phi + 0.6) / 0.35) ** 2)
    gloss = np.clip(gl + 0.8 * rim_gloss, 0, 1)[..., None] * rgb("#fffaf0")
    save_jpeg(os.path.join(folder, "gloss.jpg"), gloss)

    # the handle, in profile on the right, drawn over everything
    t = np.linspace(0, 1, 90)
    hx0 = cx + R - 12
    hp = np.stack([hx0 + 210 * np.sin(t * math.pi) ** 0.8,
                   y_top + 110 + (y_bot - y_top - 330) * t + 40 * np.sin(t * math.pi)], 1)
    bx0, bx1 = int(hx0 - 60), int(hx0 + 290)
    by0, by1 = int(y_top + 40), int(y_bot - 120)
    sx, sy = xs[by0:by1, bx0:bx1], ys[by0:by1, bx0:bx1]
    d, seg = polyline_distance(sx, sy, hp)
    half = 34.0
    cov = np.clip(half - d + 0.5, 0, 1) * (sx > hx0 - 4)
    # tube shading: the side toward the light is brighter
    tx = hp[np.minimum(seg + 1, len(hp) - 1), 0] - hp[seg, 0]
    ty = hp[np.minimum(seg + 1, len(hp) - 1), 1] - hp[seg, 1]
    nx, ny = -ty, tx
    norm = np.hypot(nx, ny) + 1e-6
    side = ((sx - hp[seg, 0]) * nx + (sy - hp[seg, 1]) * ny) / norm
    across = np.clip(side / half, -1, 1)
    facing = np.sqrt(np.clip(1 - across ** 2, 0, 1))
    # outer edge (away from the mug) is to the right
    lit = 0.5 + 0.45 * facing - 0.15 * across + 0.35 * np.exp(-((across + 0.35) / 0.18) ** 2)
    handle = np.zeros((H, W, 3), np.float32)
    alpha = np.zeros((H, W), np.float32)
    handle[by0:by1, bx0:bx1] = glaze * np.clip(lit, 0, 1.15)[..., None]
    alpha[by0:by1, bx0:bx1] = cov
    # where it meets the body: a soft dark crease
    joint = np.exp(-((xs - hx0) / 10) ** 2) * alpha
    handle *= (1 - 0.3 * joint)[..., None]
    save_png(os.path.join(folder, "handle.png"), np.clip(handle, 0, 1), alpha)

    # the print: 20 mm below the rim and above the base, contained, a
    # little left of centre so that the handle does not hide it
    p_top, p_bot = y_top + 70, y_bot - 90
    frac = lambda y: (y - y_top) / (y_bot - y_top)
    ell = e_top + (e_bot - e_top) * frac((p_top + p_bot) / 2)
    return {
        "$schema": "../../mockup-template.schema.json",
        "format": 1,
        "id": "mug",
        "name": "Ceramic mug on a wooden table",
        "_comment": "Generated by data/generate-samples.py (CC0-1.0). The print wraps 160 degrees of "
                    "the mug, turned 6 degrees away from the handle, under the glaze's gloss; a name "
                    "follows the cylinder along the foot of the print.",
        "parameters": {
            "name": {"type": "text", "label": "Name", "default": "Alex", "max_length": 64},
            "name_color": {"type": "color", "label": "Name colour", "default": "white",
                           "choices": {"white": "#ffffff", "gold": "#e8b84a", "navy": "#1d2a44",
                                       "red": "#b3202a"}},
        },
        "layers": [
            {"type": "image", "name": "scene", "source": "scene.jpg"},
            {"type": "artwork", "name": "print",
             "cylinder": {"left": round(cx - R, 1), "right": round(cx + R, 1), "top": round(p_top, 1),
                          "bottom": round(p_bot, 1), "ellipse": round(ell, 1), "wrap": 160,
                          "rotation": -6},
             "fit": "contain",
             "shading": {"source": "shading.jpg", "strength": 1, "neutral": 0.9}},
            # the customer's name along the foot of the print, bending
            # with the mug and lit as the print is
            {"type": "text", "name": "name", "slot": "artwork", "text": {"parameter": "name"},
             "font": "DejaVu Sans Bold", "size": 0.16, "color": {"parameter": "name_color"},
             "valign": "bottom",
             "outline": {"color": "#1d2a44", "width": 0.012},
             "shading": {"source": "shading.jpg", "strength": 1, "neutral": 0.9}},
            {"type": "image", "name": "gloss", "source": "gloss.jpg", "blend": "screen", "opacity": 0.85},
            {"type": "image", "name": "handle", "source": "handle.png"},
        ],
    }


def rounded_rect_local(w, h, r, n=10):
    """A rounded rectangle centred on the origin, as (a, b) points with b
    up, counter-clockwise seen from above."""
    pts = []
    for (ca, cb, a0) in ((w / 2 - r, h / 2 - r, 0.0), (-w / 2 + r, h / 2 - r, 0.5 * math.pi),
                         (-w / 2 + r, -h / 2 + r, math.pi), (w / 2 - r, -h / 2 + r, 1.5 * math.pi)):
        for t in np.linspace(a0, a0 + 0.5 * math.pi, n):
            pts.append((ca + r * math.cos(t), cb + r * math.sin(t)))
    return np.array(pts)


@template
def phone(folder):
    W, H = 2400, 1600
    cam = Camera(eye=(-3.0, 27.0, 16.0), target=(0.4, 0.0, -0.8), focal=2250, width=W, height=H)
    nd = Noise("phone/desk")

    def desk(x, z):
        grain = nd.fbm(x * 0.08, z * 1.6, 5)
        figure = nd.fbm(x * 0.02 + 9, z * 0.25, 3)
        c = rgb("#7a5a40") * (1 + 0.14 * grain + 0.12 * figure)[..., None]
        spot = 0.8 + 0.3 * np.exp(-(((x + 12) / 30) ** 2 + ((z + 10) / 30) ** 2))
        return c * spot[..., None]

    rays = cam.rays()
    t = cam.hit_plane(rays, (0.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    t = np.where(np.isfinite(t), t, 1e4)
    e = cam.eye.astype(np.float32)
    img = desk(e[0] + rays[..., 0] * t, e[2] + rays[..., 2] * t)

    def world(points_ab, y, centre, theta):
        c, s = math.cos(theta), math.sin(theta)
        R = np.array([c, 0.0, s])
        U = np.array([s, 0.0, -c])
        p = np.asarray(points_ab, np.float64)
        return centre + p[:, :1] * R + p[:, 1:2] * U + np.array([0.0, y, 0.0])

    shade = np.ones((H, W), np.float32)

    # a notebook, open flat, and a pen
    nb_c, nb_t = np.array([-12.5, 0.0, -1.0]), 0.12
    page = world(rounded_rect_local(15, 21, 0.3, 3), 0.6, nb_c, nb_t)
    under = world(rounded_rect_local(15.4, 21.4, 0.3, 3), 0.0, nb_c + [0.25, 0, 0.25], nb_t)
    shade *= 1 - 0.4 * blur(poly_mask(H, W, [cam.project(under)]), 18)
    img *= shade[..., None]
    shade[:] = 1
    over(img, rgb("#d9d4c8"), poly_mask(H, W, [cam.project(world(rounded_rect_local(15.2, 21.2, 0.3, 3), 0.3, nb_c, nb_t))]))
    pm = poly_mask(H, W, [cam.project(page)])
    over(img, rgb("#f4f1ea"), pm)
    for k in range(1, 26):
        b = -10.5 + k * 0.8
        line = world([(-6.8, b - 0.02), (7.2, b - 0.02), (7.2, b + 0.02), (-6.8, b + 0.02)], 0.61, nb_c, nb_t)
        over(img, rgb("#a9c1d6"), poly_mask(H, W, [cam.project(line)]) * pm)
    margin = world([(-5.6, -10.6), (-5.55, -10.6), (-5.55, 10.6), (-5.6, 10.6)], 0.61, nb_c, nb_t)
    over(img, rgb("#e39a9a"), poly_mask(H, W, [cam.project(margin)]) * pm)
    # handwriting: a few wavy strokes
    rng = rng_for("phone/writing")
    for k in range(3, 14):
        if k in (7, 8):
            continue
        b = -10.5 + k * 0.8 + 0.35
        x0 = -5.0
        x1 = x0 + rng.uniform(5, 11.5)
        a = np.linspace(x0, x1, 120)
        wave = 0.05 * np.sin(a * 14.0 + k) * (0.6 + 0.4 * np.sin(a * 3.1 + k))
        top = np.stack([a, b + wave + 0.025], 1)
        bot = np.stack([a[::-1], (b + wave - 0.025)[::-1]], 1)
        stroke = world(np.concatenate([top, bot]), 0.62, nb_c, nb_t)
        over(img, rgb("#2b3a67"), poly_mask(H, W, [cam.project(stroke)]) * 0.9)
    pen_a = world([(8.6, -8.0), (8.6, 6.0)], 0.45, nb_c, nb_t)
    pen = cam.project(pen_a)
    d = pen[1] - pen[0]
    nrm = np.array([-d[1], d[0]]) / np.hypot(*d)
    wpx = 0.45 * cam.focal / np.linalg.norm(cam.eye - pen_a.mean(axis=0)) * 0.5
    body_p = np.array([pen[0] + nrm * wpx, pen[1] + nrm * wpx, pen[1] - nrm * wpx, pen[0] - nrm * wpx])
    shadow_p = body_p + [14, 10]
    shade *= 1 - 0.35 * blur(poly_mask(H, W, [shadow_p]), 6)
    img *= shade[..., None]
    shade[:] = 1
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    across = ((xs - pen[0][0]) * nrm[0] + (ys - pen[0][1]) * nrm[1]) / wpx
    pen_col = rgb("#1d3557")[None, None] * (0.6 + 0.5 * np.exp(-((across - 0.4) / 0.35) ** 2))[..., None]
    over(img, pen_col, poly_mask(H, W, [body_p]))
    tip = np.array([pen[0] + nrm * wpx, pen[0] - nrm * wpx, pen[0] - d / np.hypot(*d) * wpx * 3])
    over(img, rgb("#c0c4c8"), poly_mask(H, W, [tip]))

    # a cup of coffee, top right, seen from above
    cc = np.array([13.5, 0.0, -8.5])
    for r_, y_, col in ((5.6, 0.3, "#e9e6e0"), (3.9, 5.5, "#f2f0eb")):
        ring = np.array([cc + [r_ * math.cos(a), y_, r_ * math.sin(a)] for a in np.linspace(0, 2 * math.pi, 120)])
        if y_ > 1:
            sh = np.array([cc + [r_ * 1.05 * math.cos(a) + 2.0, 0.01, r_ * 1.05 * math.sin(a) + 1.5]
                           for a in np.linspace(0, 2 * math.pi, 120)])
            shade *= 1 - 0.4 * blur(poly_mask(H, W, [cam.project(sh)]), 25)
            img *= shade[..., None]
            shade[:] = 1
            side = np.array([cc + [r_ * math.cos(a), y_ * (k_ == 1), r_ * math.sin(a)]
                             for k_ in (0, 1) for a in np.linspace(0, 2 * math.pi, 120)])
            pr = cam.project(side)
            angles = np.linspace(0, 2 * math.pi, 120)
            for i in range(119):
                a_ = (angles[i] + angles[i + 1]) / 2
                normal = np.array([math.cos(a_), 0.0, math.sin(a_)])
                if np.dot(normal, cam.eye - (cc + r_ * normal + [0, y_ / 2, 0])) <= 0:
                    continue
                q = np.array([pr[i], pr[i + 1], pr[120 + i + 1], pr[120 + i]])
                tone = 0.62 + 0.38 * max(0.0, math.cos(angles[i] - 2.4))
                over(img, rgb("#ece9e3") * tone, poly_mask(H, W, [q], 2))
        over(img, rgb(col), poly_mask(H, W, [cam.project(ring)]))
    inner = np.array([cc + [3.5 * math.cos(a), 5.0, 3.5 * math.sin(a)] for a in np.linspace(0, 2 * math.pi, 120)])
    cof_m = poly_mask(H, W, [cam.project(inner)])
    cpt = cam.project([cc + [0, 5.0, 0]])[0]
    over(img, rgb("#4a2c18")[None, None] * (0.8 + 0.5 * np.exp(-(((xs - cpt[0] + 40) / 60) ** 2 + ((ys - cpt[1] + 20) / 30) ** 2)))[..., None], cof_m)

    # the phone: 7.2 × 15 cm, 0.8 cm thick, turned 16 degrees
    pc, th, thick = np.array([0.6, 0.0, -0.5]), -0.28, 0.8
    body_ab = rounded_rect_local(7.2, 15.0, 1.05, 14)
    top_w = world(body_ab, thick, pc, th)
    bot_w = world(body_ab * 0.985, 0.0, pc, th)
    # its shadow
    sh = world(body_ab * 1.02, 0.0, pc + np.array([0.9, 0, 0.7]), th)
    shade *= 1 - 0.55 * blur(poly_mask(H, W, [cam.project(sh)]), 28)
    shade *= 1 - 0.5 * blur(poly_mask(H, W, [cam.project(bot_w)]), 6)
    img *= shade[..., None]
    # the metal band around it
    pt, pb = cam.project(top_w), cam.project(bot_w)
    n = len(body_ab)
    band = np.zeros((H, W, 3), np.float32)
    band_m = np.zeros((H, W), np.float32)
    for i in range(n):
        j = (i + 1) % n
        q = np.array([pt[i], pt[j], pb[j], pb[i]])
        mid = (body_ab[i] + body_ab[j]) / 2
        ang = math.atan2(mid[1], mid[0] * 2.0) + th
        tone = 0.35 + 0.45 * max(0.0, math.cos(ang - 2.2)) + 0.25 * max(0.0, math.cos(ang + 1.2)) ** 8
        m = poly_mask(H, W, [q], 2)
        over(band, rgb("#8e939a") * tone, m)
        band_m = np.maximum(band_m, m)
    over(img, band, band_m)
    glass_m = poly_mask(H, W, [pt])
    over(img, rgb("#101215"), glass_m)
    # a thin highlight along the glass edge
    edge_pts = world(rounded_rect_local(7.05, 14.85, 0.95, 14), thick + 0.001, pc, th)
    ring = glass_m - poly_mask(H, W, [cam.project(edge_pts)])
    over(img, rgb("#5c6066"), np.clip(ring, 0, 1))
    # the screen: inset 0.32 cm, corners of 0.8 cm
    sw, sh_ = 7.2 - 0.64, 15.0 - 0.64
    screen_ab = rounded_rect_local(sw, sh_, 0.8, 14)
    screen_m = poly_mask(H, W, [cam.project(world(screen_ab, thick + 0.002, pc, th))])
    over(img, rgb("#050607"), screen_m)

    img = add_grain(vignette(img, 0.25), "phone")
    save_jpeg(os.path.join(folder, "desk.jpg"), img)
    save_png(os.path.join(folder, "screen-mask.png"), np.ones((H, W, 3)), screen_m)

    # glare on the glass: a broad diagonal sheen and a window's reflection
    c = cam.project(world([(0.0, 0.0)], thick, pc, th))[0]
    u = ((xs - c[0]) * 0.7 - (ys - c[1]) * 0.7) / 400.0
    g = 0.35 * np.exp(-((u + 0.55) / 0.35) ** 2) + 0.12 * np.clip(0.4 - u, 0, 1)
    win_ab = np.array([(0.6, 2.5), (3.4, 2.5), (3.4, 6.6), (0.6, 6.6)])
    win = blur(poly_mask(H, W, [cam.project(world(win_ab, thick, pc, th))]), 10)
    g = g + 0.16 * win
    glare = np.clip(g * blur(screen_m, 1.0), 0, 1)[..., None] * rgb("#f2f6ff")
    save_jpeg(os.path.join(folder, "glare.jpg"), glare)

    # the front camera, in a pill at the top of the screen
    pill_ab = rounded_rect_local(2.0, 0.6, 0.3, 10) + [0.0, sh_ / 2 - 0.65]
    island = poly_mask(H, W, [cam.project(world(pill_ab, thick + 0.003, pc, th))])
    lens_ab = ellipse_pts(0.6, sh_ / 2 - 0.65, 0.16, 0.16, 40)
    lens = poly_mask(H, W, [cam.project(world(lens_ab, thick + 0.004, pc, th))])
    top_img = np.zeros((H, W, 3), np.float32)
    over(top_img, rgb("#1d2a3a"), lens)
    save_png(os.path.join(folder, "camera.png"), top_img, island)

    quad = cam.project(world([(-sw / 2, sh_ / 2), (sw / 2, sh_ / 2), (sw / 2, -sh_ / 2),
                              (-sw / 2, -sh_ / 2)], thick + 0.002, pc, th))
    return {
        "$schema": "../../mockup-template.schema.json",
        "format": 1,
        "id": "phone",
        "name": "Phone on a desk",
        "_comment": "Generated by data/generate-samples.py (CC0-1.0). The quad is the screen's "
                    "rectangle; the mask rounds its corners. The glare is screen-blended over the "
                    "artwork, limited to the glass by the same mask.",
        "layers": [
            {"type": "image", "name": "desk", "source": "desk.jpg"},
            {"type": "artwork", "name": "screen", "quad": pts_json(quad), "fit": "cover",
             "align": "top", "aspect": round(sw / sh_, 4),
             "mask": {"source": "screen-mask.png", "mode": "alpha"}},
            {"type": "image", "name": "glare", "source": "glare.jpg", "blend": "screen",
             "opacity": 0.7, "mask": {"source": "screen-mask.png", "mode": "alpha"}},
            {"type": "image", "name": "front camera", "source": "camera.png"},
        ],
    }


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def write_manifest(folder, manifest):
    with open(os.path.join(folder, "template.json"), "w", encoding="utf-8") as f:
        f.write(dump_json(manifest) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="Writes the sample templates and artworks of mockup-glib.")
    parser.add_argument("--out", default=here, help="the data folder (default: this script's)")
    parser.add_argument("--only", nargs="*", help="templates to write (default: all, and the artworks)")
    args = parser.parse_args()

    names = args.only if args.only else ["artwork"] + list(TEMPLATES)
    for name in names:
        if name == "artwork":
            folder = os.path.join(args.out, "artwork")
            os.makedirs(folder, exist_ok=True)
            make_artwork_portrait(os.path.join(folder, "sample-artwork.png"))
            make_artwork_landscape(os.path.join(folder, "sample-artwork-landscape.jpg"))
            print("artwork")
            continue
        folder = os.path.join(args.out, "templates", name)
        os.makedirs(folder, exist_ok=True)
        manifest = TEMPLATES[name](folder)
        write_manifest(folder, manifest)
        print(name)


if __name__ == "__main__":
    main()
