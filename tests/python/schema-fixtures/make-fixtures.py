#!/usr/bin/env python3
# make-fixtures.py: the small images that test_schema.py's manifests name
#
# Run from anywhere; writes next to itself. Deterministic (no randomness).
#
# SPDX-License-Identifier: CC0-1.0

import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 64, 48

y, x = np.mgrid[0:H, 0:W].astype(np.float32)

# a "photo": a warm gradient with a darker square
photo = np.dstack([180 + 60 * x / W, 150 + 40 * y / H, 120 + 0 * x]).astype(np.uint8)
photo[12:36, 20:44] //= 2
Image.fromarray(photo, "RGB").save(os.path.join(HERE, "photo.jpg"), quality=90)

# an overlay with transparency: an opaque dark border, a clear middle
overlay = np.zeros((H, W, 4), np.uint8)
border = (x < 6) | (x >= W - 6) | (y < 6) | (y >= H - 6)
overlay[border] = (40, 30, 20, 255)
Image.fromarray(overlay, "RGBA").save(os.path.join(HERE, "overlay.png"))

# a greyscale mask: white disc on black
mask = (np.hypot(x - W / 2, y - H / 2) < 18).astype(np.uint8) * 255
Image.fromarray(mask, "L").save(os.path.join(HERE, "mask.png"))

# a shading map: left dark, right light
Image.fromarray((64 + 191 * x / (W - 1)).astype(np.uint8), "L").save(os.path.join(HERE, "shading.png"))

# a displacement map: a gentle wave in red, neutral green
disp = np.dstack([128 + 40 * np.sin(y / 5.0), 128 + 0 * x, 128 + 0 * x]).astype(np.uint8)
Image.fromarray(disp, "RGB").save(os.path.join(HERE, "displacement.png"))
