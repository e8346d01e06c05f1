// generate-psd.mjs: writes PSDs with smart objects for the import-psd
// tests, with ag-psd (a PSD writer nobody here wrote, so the placements it
// stores are read back as another program wrote them).
//
//   node generate-psd.mjs SPEC.json OUT.psd
//
// SPEC: { "width", "height", "background": [r, g, b],
//         "layers": [ { "name", "content": "file.png" (bytes sent along
//                       as base64 in "data"), "contentWidth", "contentHeight",
//                       "transform": [8 numbers], "nonAffineTransform": [8],
//                       "warp": [16 points [x, y]] (optional),
//                       "warpStyle": a preset such as "arc" (optional),
//                       "blendMode", "opacity", "hidden" } ],
//         "nest": N (optional: the smart objects inside N nested groups) }
// A layer with "kind": "pixels" is a pixel layer instead: "rgba" (base64
// of width × height × 4 bytes), "width", "height", "left", "top",
// "blendMode", "opacity", "fillOpacity", "clipping", "hidden", and an
// optional "mask": { "rgba", "width", "height", "left", "top",
// "defaultColor" }.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { writePsdBuffer } = require('ag-psd');

const [specPath, outPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));

function solid(width, height, rgb) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  return { width, height, data };
}

const linkedFiles = [];
const smartObjects = [];
const children = [
  { name: 'Background', imageData: solid(spec.width, spec.height, spec.background ?? [255, 255, 255]) },
];
function pixels(item) {
  return { width: item.width, height: item.height, data: new Uint8ClampedArray(Buffer.from(item.rgba, 'base64')) };
}

spec.layers.forEach((layer, index) => {
  if (layer.kind === 'pixels') {
    const out = {
      name: layer.name,
      left: layer.left ?? 0,
      top: layer.top ?? 0,
      imageData: pixels(layer),
      blendMode: layer.blendMode ?? 'normal',
      opacity: layer.opacity ?? 1,
      fillOpacity: layer.fillOpacity ?? 1,
      clipping: layer.clipping ?? false,
      hidden: layer.hidden ?? false,
    };
    if (layer.mask) {
      out.mask = {
        left: layer.mask.left, top: layer.mask.top,
        right: layer.mask.left + layer.mask.width, bottom: layer.mask.top + layer.mask.height,
        defaultColor: layer.mask.defaultColor ?? 0,
        imageData: pixels(layer.mask),
      };
    }
    smartObjects.push(out);
    return;
  }
  const id = `00000000-0000-0000-0000-${String(index + 1).padStart(12, '0')}`;
  linkedFiles.push({ id, name: layer.content, data: Buffer.from(layer.data, 'base64') });
  const w = layer.contentWidth, h = layer.contentHeight;
  const placed = {
    id,
    placed: id,
    type: 'raster',
    transform: layer.transform,
    nonAffineTransform: layer.nonAffineTransform ?? layer.transform,
    width: w,
    height: h,
    resolution: { units: 'Density', value: 72 },
  };
  if (layer.warp || layer.warpStyle) {
    placed.warp = {
      style: layer.warpStyle ?? 'custom',
      value: 0,
      perspective: 0,
      perspectiveOther: 0,
      rotate: 'horizontal',
      bounds: {
        top: { units: 'Pixels', value: 0 },
        left: { units: 'Pixels', value: 0 },
        bottom: { units: 'Pixels', value: h },
        right: { units: 'Pixels', value: w },
      },
      uOrder: 4,
      vOrder: 4,
    };
    if (layer.warp) {
      placed.warp.customEnvelopeWarp = { meshPoints: layer.warp.map(([x, y]) => ({ x, y })) };
    } else {
      placed.warp.value = 30;
    }
  }
  smartObjects.push({
    name: layer.name,
    blendMode: layer.blendMode ?? 'normal',
    opacity: layer.opacity ?? 1,
    hidden: layer.hidden ?? false,
    placedLayer: placed,
  });
});

let top = smartObjects;
for (let level = (spec.nest ?? 0) - 1; level >= 0; level--) {
  top = [{ name: `group ${level}`, opened: true, children: top }];
}
children.push(...top);

const psd = { width: spec.width, height: spec.height, children, linkedFiles };
writeFileSync(outPath, writePsdBuffer(psd, { noBackground: false }));
