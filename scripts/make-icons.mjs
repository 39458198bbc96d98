#!/usr/bin/env node
// Draws the app and tray icons as PNG/ICO with nothing but node:zlib, so they can be regenerated on any
// machine: `node scripts/make-icons.mjs`. The glyph is three stacked "rack units" (models kept loaded),
// each with a status light cut out; it stays readable down to 16 px.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels (Uint8Array, row-major) → PNG bytes (colour type 6, 8 bits, no interlace). */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** PNG-in-ICO (Vista+): one directory entry per size, each image a PNG. */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const { size, png } of pngs) {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

const BARS = [0.2, 0.43, 0.66];
/** The glyph in unit coordinates (0..1 across the glyph box). */
function inGlyph(x, y) {
  for (const top of BARS) {
    if (!inRoundRect(x, y, 0.1, top, 0.9, top + 0.15, 0.05)) continue;
    const light = (x - 0.23) ** 2 + (y - (top + 0.075)) ** 2 <= 0.04 ** 2;
    return !light;
  }
  return false;
}

/** Anti-aliased by 4x4 supersampling: `paint(u, v)` returns [r,g,b,a] (0..255) or null. */
function render(size, paint) {
  const out = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!c) continue;
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a); out[i + 1] = Math.round(g / a); out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round(a / (n * n));
    }
  }
  return out;
}

/** Colour icon: white glyph on an indigo rounded square (app icon, Linux/Windows tray). */
function colourIcon(size) {
  const pad = size >= 64 ? 0.06 : 0.02;
  return render(size, (u, v) => {
    if (!inRoundRect(u, v, pad, pad, 1 - pad, 1 - pad, 0.2)) return null;
    const g = (u - pad) / (1 - 2 * pad);
    const h = (v - pad) / (1 - 2 * pad);
    const inset = 0.14;
    if (inGlyph((g - inset) / (1 - 2 * inset), (h - inset) / (1 - 2 * inset))) return [255, 255, 255, 255];
    const t = v; // top-to-bottom gradient
    return [Math.round(76 - 24 * t), Math.round(110 - 40 * t), Math.round(245 - 45 * t), 255];
  });
}

/** macOS template: black glyph on transparency; the system recolours it for light and dark bars. */
function templateIcon(size) {
  return render(size, (u, v) => (inGlyph(u, v) ? [0, 0, 0, 255] : null));
}

function write(rel, bytes) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  console.log(`${rel} (${bytes.length} bytes)`);
}

const png = (size, draw) => encodePng(size, draw(size));

write('resources/icon.png', png(512, colourIcon));
write('resources/icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: png(size, colourIcon) }))));
write('resources/tray/tray.png', png(22, colourIcon));
write('resources/tray/tray@2x.png', png(44, colourIcon));
write('resources/tray/trayTemplate.png', png(16, templateIcon));
write('resources/tray/trayTemplate@2x.png', png(32, templateIcon));
write('resources/tray/tray.ico', encodeIco([16, 20, 24, 32, 48, 256].map((size) => ({ size, png: png(size, colourIcon) }))));
