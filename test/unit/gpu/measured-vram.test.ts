import { describe, expect, it } from 'vitest';
import { MeasuredVram, peakKey } from '../../../electron/engine/gpu/measured-vram.js';
import { model } from '../engine/harness.js';

describe('measured VRAM peaks', () => {
  it('keeps a peak per way of running a model: a changed -c plans afresh, the same launch finds it', () => {
    const peaks = new MeasuredVram(null);
    const big = model('m', { args: '-c 32768' });
    peaks.record(peakKey(big), 14 * 1024 ** 3);
    expect(peaks.get(peakKey(model('m', { args: '-c 32768' })))).toBe(14 * 1024 ** 3);
    expect(peaks.get(peakKey(model('m', { args: '-c 4096' })))).toBeNull();
    expect(peaks.get(peakKey(model('m', { args: '-c 32768', env: { CUDA_VISIBLE_DEVICES: '1' } })))).toBeNull();
    expect(peakKey(model('other', { args: '-c 32768' }))).not.toBe(peakKey(big));
  });
});
