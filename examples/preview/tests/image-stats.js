// image-stats.js: finds the tiles of a grid in a screenshot, from pixels
// alone, so that a test can tell a window full of previews from an empty
// or broken one.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

const CELL = 8;          // pixels a side of the cells the image is cut into
const DIFFERENT = 30;    // |dR|+|dG|+|dB| from the background that counts
const MIN_WIDTH = 100;   // the least a tile's picture measures
const MIN_HEIGHT = 70;

function pixelsOf(pixbuf) {
    return {
        data: pixbuf.get_pixels(),
        width: pixbuf.get_width(),
        height: pixbuf.get_height(),
        stride: pixbuf.get_rowstride(),
        channels: pixbuf.get_n_channels(),
    };
}

/**
 * The most common colour (to 3 bits a channel less), as [r, g, b].
 */
export function backgroundColor(pixbuf) {
    const {data, width, height, stride, channels} = pixelsOf(pixbuf);
    const counts = new Map();
    for (let y = 0; y < height; y += 2) {
        for (let x = 0; x < width; x += 2) {
            const i = y * stride + x * channels;
            const key = ((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3);
            counts.set(key, (counts.get(key) ?? 0) + 1);
        }
    }
    let best = 0, bestCount = -1;
    for (const [key, count] of counts) {
        if (count > bestCount) {
            best = key;
            bestCount = count;
        }
    }
    return [((best >> 10) & 31) * 8 + 4, ((best >> 5) & 31) * 8 + 4, (best & 31) * 8 + 4];
}

/** Mean luminance, 0–255. */
export function meanLuminance(pixbuf) {
    const {data, width, height, stride, channels} = pixelsOf(pixbuf);
    let sum = 0, n = 0;
    for (let y = 0; y < height; y += 2) {
        for (let x = 0; x < width; x += 2) {
            const i = y * stride + x * channels;
            sum += 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
            n++;
        }
    }
    return sum / n;
}

/**
 * Finds the picture-like regions of a screenshot: connected blocks of
 * cells that differ from the background, big enough for a thumbnail and
 * not of one flat colour, then groups them into rows by their tops.
 *
 * @param {GdkPixbuf.Pixbuf} pixbuf - the screenshot
 * @param {number[]} [background] - the window's colour, if the most
 *   common one is not it (a picture filling the window)
 * @returns {{background: number[], regions: Array<{x, y, width, height, stddev}>,
 *            rows: Array<Array<object>>}}
 */
export function findGrid(pixbuf, background = null) {
    const {data, width, height, stride, channels} = pixelsOf(pixbuf);
    const bg = background ?? backgroundColor(pixbuf);
    const cols = Math.floor(width / CELL), rowsN = Math.floor(height / CELL);
    const content = new Uint8Array(cols * rowsN);

    for (let cy = 0; cy < rowsN; cy++) {
        for (let cx = 0; cx < cols; cx++) {
            let differing = 0;
            for (let y = cy * CELL; y < (cy + 1) * CELL; y += 2) {
                for (let x = cx * CELL; x < (cx + 1) * CELL; x += 2) {
                    const i = y * stride + x * channels;
                    const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) +
                        Math.abs(data[i + 2] - bg[2]);
                    if (d > DIFFERENT)
                        differing++;
                }
            }
            content[cy * cols + cx] = differing * 2 > (CELL / 2) * (CELL / 2) ? 1 : 0;
        }
    }

    // connected components, 4-neighbourhood
    const label = new Int32Array(cols * rowsN).fill(-1);
    const regions = [];
    for (let start = 0; start < content.length; start++) {
        if (!content[start] || label[start] >= 0)
            continue;
        const id = regions.length;
        let minX = cols, minY = rowsN, maxX = -1, maxY = -1;
        const stack = [start];
        label[start] = id;
        while (stack.length) {
            const c = stack.pop();
            const cx = c % cols, cy = (c - cx) / cols;
            minX = Math.min(minX, cx);
            maxX = Math.max(maxX, cx);
            minY = Math.min(minY, cy);
            maxY = Math.max(maxY, cy);
            for (const [nx, ny] of [[cx - 1, cy], [cx + 1, cy], [cx, cy - 1], [cx, cy + 1]]) {
                if (nx < 0 || ny < 0 || nx >= cols || ny >= rowsN)
                    continue;
                const n = ny * cols + nx;
                if (content[n] && label[n] < 0) {
                    label[n] = id;
                    stack.push(n);
                }
            }
        }
        regions.push({x: minX * CELL, y: minY * CELL,
            width: (maxX - minX + 1) * CELL, height: (maxY - minY + 1) * CELL});
    }

    const pictures = regions.filter(r =>
        r.width >= MIN_WIDTH && r.height >= MIN_HEIGHT && r.width < width * 0.9);
    for (const r of pictures) {
        let sum = 0, sum2 = 0, n = 0;
        for (let y = r.y; y < r.y + r.height; y += 3) {
            for (let x = r.x; x < r.x + r.width; x += 3) {
                const i = y * stride + x * channels;
                const l = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
                sum += l;
                sum2 += l * l;
                n++;
            }
        }
        r.stddev = Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2));
    }
    const varied = pictures.filter(r => r.stddev > 12);

    // rows: regions whose tops are within a tile's margin of each other
    const sorted = [...varied].sort((a, b) => a.y - b.y || a.x - b.x);
    const rows = [];
    for (const r of sorted) {
        const row = rows.find(rw => Math.abs(rw[0].y - r.y) <= 40 ||
            Math.abs((rw[0].y + rw[0].height / 2) - (r.y + r.height / 2)) <= 24);
        if (row)
            row.push(r);
        else
            rows.push([r]);
    }
    for (const row of rows)
        row.sort((a, b) => a.x - b.x);
    return {background: bg, regions: varied, rows};
}
