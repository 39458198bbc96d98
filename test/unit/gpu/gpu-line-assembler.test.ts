import { describe, expect, it } from 'vitest';
import { GpuLineAssembler } from '../../../electron/engine/gpu/gpu-line-assembler.js';

const line = (index: number, used: number) => `${index}, GPU-${index}, NVIDIA GeForce RTX 4090, 24564, ${used}`;
const usedOf = (samples: { used_bytes: number | null }[][]) => samples.map((s) => s.map((r) => (r.used_bytes ?? 0) / 1024 ** 2));

describe('GpuLineAssembler', () => {
  it('learns the device count from the first index reset, then completes each tick on its last line', () => {
    const a = new GpuLineAssembler();
    expect(a.push(line(0, 10))).toEqual([]);
    expect(a.push(line(1, 11))).toEqual([]);
    expect(usedOf(a.push(line(0, 20)))).toEqual([[10, 11]]);
    expect(usedOf(a.push(line(1, 21)))).toEqual([[20, 21]]);
    expect(usedOf(a.push(line(0, 30)))).toEqual([]);
    expect(usedOf(a.push(line(1, 31)))).toEqual([[30, 31]]);
  });

  it('completes a tick at a blank line', () => {
    const a = new GpuLineAssembler();
    a.push(line(0, 1));
    expect(usedOf(a.push(''))).toEqual([[1]]);
    expect(usedOf(a.push(line(0, 2)))).toEqual([[2]]);
  });

  it('follows a device count change (a GPU fell off the bus)', () => {
    const a = new GpuLineAssembler();
    a.push(line(0, 1));
    a.push(line(1, 1));
    a.push(line(0, 2)); // completes [1,1]
    expect(usedOf(a.push(line(1, 2)))).toEqual([[2, 2]]);
    expect(a.push(line(0, 3))).toEqual([]);
    // The reset closes the short tick and the new count (1) closes this line's tick at once.
    expect(usedOf(a.push(line(0, 4)))).toEqual([[3], [4]]);
    expect(usedOf(a.push(line(0, 5)))).toEqual([[5]]);
  });

  it('ignores lines that are not device rows and drops a partial tick on reset', () => {
    const a = new GpuLineAssembler();
    a.push(line(0, 1));
    a.push(line(1, 1));
    a.push(line(0, 2));
    a.push('Unable to determine the device handle for GPU0000:65:00.0: Unknown Error');
    a.reset();
    expect(usedOf(a.push(line(0, 3)))).toEqual([]);
    expect(usedOf(a.push(line(1, 3)))).toEqual([[3, 3]]);
  });
});
