import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const resources = path.resolve(import.meta.dirname, '../../../../resources');

function png(file: string) {
  const buf = readFileSync(path.join(resources, file));
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  // Concatenate IDAT chunks and unfilter only filter 0 rows (what scripts/make-icons.mjs writes).
  const idat: Buffer[] = [];
  for (let o = 8; o < buf.length; ) {
    const len = buf.readUInt32BE(o);
    if (buf.toString('ascii', o + 4, o + 8) === 'IDAT') idat.push(buf.subarray(o + 8, o + 8 + len));
    o += len + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = (x: number, y: number) => raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4);
  return { width, height, colourType: buf[25], pixels };
}

describe('icons', () => {
  it.each([
    ['icon.png', 512],
    ['tray/tray.png', 22],
    ['tray/tray@2x.png', 44],
    ['tray/trayTemplate.png', 16],
    ['tray/trayTemplate@2x.png', 32],
  ])('%s is a %i px RGBA PNG', (file, size) => {
    const p = png(file);
    expect([p.width, p.height, p.colourType]).toEqual([size, size, 6]);
  });

  it('macOS template images are black and alpha only', () => {
    for (const file of ['tray/trayTemplate.png', 'tray/trayTemplate@2x.png']) {
      const p = png(file);
      let opaque = 0;
      for (let y = 0; y < p.height; y++) {
        for (let x = 0; x < p.width; x++) {
          const [r, g, b, a] = p.pixels(x, y);
          expect([r, g, b]).toEqual([0, 0, 0]);
          if ((a ?? 0) > 0) opaque++;
        }
      }
      expect(opaque).toBeGreaterThan(p.width); // a glyph, not an empty image
    }
  });

  it.each([
    ['tray/tray.ico', [16, 20, 24, 32, 48, 256]],
    ['icon.ico', [16, 24, 32, 48, 64, 128, 256]],
  ])('%s holds PNG images of the sizes Windows asks for', (file, sizes) => {
    const buf = readFileSync(path.join(resources, file));
    expect([buf.readUInt16LE(0), buf.readUInt16LE(2)]).toEqual([0, 1]);
    const count = buf.readUInt16LE(4);
    const found = Array.from({ length: count }, (_, i) => {
      const e = 6 + i * 16;
      const offset = buf.readUInt32LE(e + 12);
      expect(buf.subarray(offset, offset + 4).toString('hex')).toBe('89504e47');
      return buf[e] === 0 ? 256 : buf[e];
    });
    expect(found).toEqual(sizes);
  });
});
