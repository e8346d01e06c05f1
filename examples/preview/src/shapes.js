// shapes.js: the geometry of a template's slots, as the engine draws them.
//
// A slot is one of
//   {kind: 'quad', quad: [[x, y] × 4]}              top-left, top-right, bottom-right, bottom-left
//   {kind: 'mesh', mesh: [[[x, y] × cols] × rows]}  a bicubic Catmull-Rom surface through the points
//   {kind: 'cylinder', cylinder: {left, right, top, bottom, ellipse, wrap, rotation}}
// in photo pixels (fractions allowed). Nothing here touches GTK: the canvas
// draws these outlines, the photo maps take them as regions, and the test
// checks them without a display.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

/** Mesh sizes the editor offers: 3×3 up to 8×8 points. */
export const MESH_MIN = 3;
export const MESH_MAX = 8;

/** Aspect presets: width / height of what the slot represents. */
export const ASPECT_PRESETS = [
    {id: 'auto', label: 'From the Shape', aspect: null},
    {id: 'a-portrait', label: 'A-Series Poster, Portrait', aspect: 1 / Math.SQRT2},
    {id: 'a-landscape', label: 'A-Series Poster, Landscape', aspect: Math.SQRT2},
    {id: 'square', label: 'Square', aspect: 1},
    {id: 'screen', label: '16:9 Screen', aspect: 16 / 9},
    {id: 'screen-portrait', label: '9:16 Screen', aspect: 9 / 16},
    {id: 'photo', label: '4:3', aspect: 4 / 3},
];

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** A quad centred in a photo, a third of its size, with the given aspect. */
export function defaultQuad(width, height, aspect = null) {
    let w = width / 3, h = height / 3;
    if (aspect)
        [w, h] = w / h > aspect ? [h * aspect, h] : [w, w / aspect];
    const x0 = (width - w) / 2, y0 = (height - h) / 2;
    return [[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]];
}

/** A flat mesh of rows × cols points over the quad's bilinear surface. */
export function meshFromQuad(quad, rows, cols) {
    const [a, b, c, d] = quad;
    const mesh = [];
    for (let r = 0; r < rows; r++) {
        const v = r / (rows - 1);
        const row = [];
        for (let k = 0; k < cols; k++) {
            const u = k / (cols - 1);
            row.push([0, 1].map(i =>
                (1 - v) * ((1 - u) * a[i] + u * b[i]) + v * ((1 - u) * d[i] + u * c[i])));
        }
        mesh.push(row);
    }
    return mesh;
}

/** The mesh resampled to another number of rows and columns, same surface. */
export function resampleMesh(mesh, rows, cols) {
    const out = [];
    for (let r = 0; r < rows; r++) {
        const row = [];
        for (let k = 0; k < cols; k++)
            row.push(meshEval(mesh, k / (cols - 1), r / (rows - 1)));
        out.push(row);
    }
    return out;
}

/** A cylinder in the middle of a photo. */
export function defaultCylinder(width, height) {
    return {
        left: width * 0.35, right: width * 0.65, top: height * 0.35, bottom: height * 0.65,
        ellipse: height * 0.03, wrap: 180, rotation: 0,
    };
}

/** A new slot of a kind, placed in the middle of a photo. */
export function defaultShape(kind, width, height, aspect = null) {
    switch (kind) {
    case 'quad':
        return {kind, quad: defaultQuad(width, height, aspect)};
    case 'mesh':
        return {kind, mesh: meshFromQuad(defaultQuad(width, height, aspect), 4, 4)};
    case 'cylinder':
        return {kind, cylinder: defaultCylinder(width, height)};
    }
    throw new Error(`unknown slot kind ${kind}`);
}

// ---- the mesh: mockup-mesh.c's surface, point for point ----------------

function catmullRomWeights(t) {
    const t2 = t * t, t3 = t2 * t;
    return [
        0.5 * (-t + 2 * t2 - t3),
        0.5 * (2 - 5 * t2 + 3 * t3),
        0.5 * (t + 4 * t2 - 3 * t3),
        0.5 * (-t2 + t3),
    ];
}

// control point (r, c), extended linearly past the border as the engine does
function controlPoint(mesh, r, c) {
    const rows = mesh.length, cols = mesh[0].length;
    const r0 = clamp(r, 0, rows - 1), c0 = clamp(c, 0, cols - 1);
    const p = mesh[r0][c0];
    let x = p[0], y = p[1];
    if (r !== r0) {
        const q = mesh[r < 0 ? 1 : rows - 2][c0];
        x += (p[0] - q[0]) * Math.abs(r - r0);
        y += (p[1] - q[1]) * Math.abs(r - r0);
    }
    if (c !== c0) {
        const rr = clamp(r, 0, rows - 1);
        const a = mesh[rr][c0], b = mesh[rr][c < 0 ? 1 : cols - 2];
        x += (a[0] - b[0]) * Math.abs(c - c0);
        y += (a[1] - b[1]) * Math.abs(c - c0);
    }
    return [x, y];
}

/** The mesh surface at (u, v), each 0 to 1: mockup_mesh_eval(). */
export function meshEval(mesh, u, v) {
    const rows = mesh.length, cols = mesh[0].length;
    const s = clamp(u, 0, 1) * (cols - 1), t = clamp(v, 0, 1) * (rows - 1);
    const c = Math.min(Math.floor(s), cols - 2), r = Math.min(Math.floor(t), rows - 2);
    const wu = catmullRomWeights(s - c), wv = catmullRomWeights(t - r);
    let x = 0, y = 0;
    for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
            const w = wu[i] * wv[j];
            const [px, py] = controlPoint(mesh, r - 1 + j, c - 1 + i);
            x += w * px;
            y += w * py;
        }
    }
    return [x, y];
}

// ---- outlines ----------------------------------------------------------

/**
 * The slot's outline on the photo, as the engine fills it: the quad's
 * corners, the mesh's border curve, the cylinder's visible print.
 *
 * @param {object} slot
 * @param {number} [steps] - points per curved edge
 * @returns {number[][]} [x, y] points, a closed polygon
 */
export function outline(slot, steps = 24) {
    if (slot.kind === 'quad')
        return slot.quad.map(p => [...p]);
    if (slot.kind === 'mesh') {
        const pts = [];
        const n = steps * (slot.mesh[0].length - 1), m = steps * (slot.mesh.length - 1);
        for (let i = 0; i < n; i++)
            pts.push(meshEval(slot.mesh, i / n, 0));
        for (let i = 0; i < m; i++)
            pts.push(meshEval(slot.mesh, 1, i / m));
        for (let i = n; i > 0; i--)
            pts.push(meshEval(slot.mesh, i / n, 1));
        for (let i = m; i > 0; i--)
            pts.push(meshEval(slot.mesh, 0, i / m));
        return pts;
    }
    const {left, right, top, bottom, ellipse = 0, wrap = 180, rotation = 0} = slot.cylinder;
    const cx = (left + right) / 2, r = (right - left) / 2;
    const rad = Math.PI / 180;
    const phi0 = Math.max(-Math.PI / 2, (rotation - wrap / 2) * rad);
    const phi1 = Math.min(Math.PI / 2, (rotation + wrap / 2) * rad);
    const n = Math.max(8, steps * 2);
    const edge = y => {
        const pts = [];
        for (let i = 0; i <= n; i++) {
            const phi = phi0 + (phi1 - phi0) * i / n;
            pts.push([cx + r * Math.sin(phi), y + ellipse * (Math.cos(phi) - 1)]);
        }
        return pts;
    };
    return [...edge(top), ...edge(bottom).reverse()];
}

/** The outline as the photo maps want it: a flat x, y array. */
export function region(slot) {
    return outline(slot).flat();
}

/** Whether a point lies inside a polygon (even-odd). */
export function pointInPolygon(polygon, x, y) {
    let inside = false;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
        const [xi, yi] = polygon[i], [xj, yj] = polygon[j];
        if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            inside = !inside;
    }
    return inside;
}

/** The outline's bounding box: [x0, y0, x1, y1]. */
export function bounds(slot) {
    const pts = outline(slot, 8);
    const xs = pts.map(p => p[0]), ys = pts.map(p => p[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

// ---- handles -----------------------------------------------------------

/**
 * The points a person drags: {id, x, y}. A quad's are its corners 0–3, a
 * mesh's 'r,c', a cylinder's 'left', 'right' (mid-height of the
 * silhouette), 'top', 'bottom' (front line), 'ellipse' (the top edge at
 * the left silhouette) and 'wrap' (on the bottom edge, further out the
 * more the print wraps).
 */
export function handles(slot) {
    if (slot.kind === 'quad')
        return slot.quad.map(([x, y], i) => ({id: `${i}`, x, y}));
    if (slot.kind === 'mesh') {
        const out = [];
        slot.mesh.forEach((row, r) => row.forEach(([x, y], c) => out.push({id: `${r},${c}`, x, y})));
        return out;
    }
    const {left, right, top, bottom, ellipse = 0, wrap = 180} = slot.cylinder;
    const cx = (left + right) / 2, mid = (top + bottom) / 2;
    return [
        {id: 'left', x: left, y: mid},
        {id: 'right', x: right, y: mid},
        {id: 'top', x: cx, y: top},
        {id: 'bottom', x: cx, y: bottom},
        {id: 'ellipse', x: left, y: top - ellipse},
        {id: 'wrap', x: cx + (right - left) / 2 * wrap / 360, y: bottom},
    ];
}

/** The slot with one handle moved to (x, y), as a new object. */
export function moveHandle(slot, id, x, y) {
    const next = structuredCloneSlot(slot);
    if (slot.kind === 'quad') {
        next.quad[Number(id)] = [x, y];
    } else if (slot.kind === 'mesh') {
        const [r, c] = id.split(',').map(Number);
        next.mesh[r][c] = [x, y];
    } else {
        const cyl = next.cylinder;
        switch (id) {
        case 'left': cyl.left = Math.min(x, cyl.right - 1); break;
        case 'right': cyl.right = Math.max(x, cyl.left + 1); break;
        case 'top': cyl.top = Math.min(y, cyl.bottom - 1); break;
        case 'bottom': cyl.bottom = Math.max(y, cyl.top + 1); break;
        case 'ellipse': cyl.ellipse = clamp(cyl.top - y, -1e6, 1e6); break;
        case 'wrap': {
            const half = (cyl.right - cyl.left) / 2;
            cyl.wrap = clamp(Math.round(360 * (x - (cyl.left + half)) / half * 10) / 10, 1, 360);
            break;
        }
        }
    }
    return next;
}

/** The slot moved by (dx, dy), as a new object. */
export function translate(slot, dx, dy) {
    const next = structuredCloneSlot(slot);
    if (slot.kind === 'quad') {
        next.quad = slot.quad.map(([x, y]) => [x + dx, y + dy]);
    } else if (slot.kind === 'mesh') {
        next.mesh = slot.mesh.map(row => row.map(([x, y]) => [x + dx, y + dy]));
    } else {
        const c = next.cylinder;
        c.left += dx;
        c.right += dx;
        c.top += dy;
        c.bottom += dy;
    }
    return next;
}

export function structuredCloneSlot(slot) {
    return JSON.parse(JSON.stringify(slot));
}

/**
 * The shape's own width / height, as the engine estimates it: the mean of
 * opposite quad sides, the mesh's middle row and column, the cylinder's
 * radius × wrap / height.
 */
export function estimateAspect(slot) {
    const d = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    if (slot.kind === 'quad') {
        const [a, b, c, e] = slot.quad;
        return (d(a, b) + d(e, c)) / Math.max(1e-6, d(a, e) + d(b, c));
    }
    if (slot.kind === 'mesh') {
        const path = (f, n) => {
            let len = 0, prev = f(0);
            for (let i = 1; i <= n; i++) {
                const p = f(i / n);
                len += d(prev, p);
                prev = p;
            }
            return len;
        };
        const w = path(u => meshEval(slot.mesh, u, 0.5), 64);
        const h = path(v => meshEval(slot.mesh, 0.5, v), 64);
        return w / Math.max(1e-6, h);
    }
    const c = slot.cylinder;
    return (c.right - c.left) / 2 * (c.wrap ?? 180) * Math.PI / 180 / Math.max(1e-6, c.bottom - c.top);
}

/**
 * A quad made rectangular-looking at an aspect: keeps the top edge and
 * moves the bottom corners so that height = mean width / aspect. For the
 * "make the shape this aspect" preset on flat slots.
 */
export function quadWithAspect(quad, aspect) {
    const [a, b] = quad;
    const w = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const h = w / aspect;
    // the normal of the top edge, pointing down the picture
    const nx = -(b[1] - a[1]) / w, ny = (b[0] - a[0]) / w;
    return [a, b, [b[0] + nx * h, b[1] + ny * h], [a[0] + nx * h, a[1] + ny * h]];
}
