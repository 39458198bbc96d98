import { describe, expect, it } from 'vitest';
import { memoryLevel, MEMORY_LEVEL_LABEL, worstMemoryLevel } from '../../../renderer/lib/memory-level.js';
import { parsePixels } from '../../../renderer/lib/parse-pixels.js';

const GIB = 1024 ** 3;

describe('memoryLevel', () => {
  it('is normal below 85 % of the device', () => {
    expect(memoryLevel(0, 24 * GIB)).toBe('normal');
    expect(memoryLevel(0.8499 * 24 * GIB, 24 * GIB)).toBe('normal');
  });

  it('warns from 85 % and turns critical from 95 %', () => {
    const total = 20 * GIB;
    expect(memoryLevel(17 * GIB, total)).toBe('warning');
    expect(memoryLevel(19 * GIB - 1, total)).toBe('warning');
    expect(memoryLevel(19 * GIB, total)).toBe('critical');
    expect(memoryLevel(total, total)).toBe('critical');
  });

  it('treats a device that reports no total as normal rather than dividing by zero', () => {
    expect(memoryLevel(5 * GIB, 0)).toBe('normal');
  });

  it('labels the upper levels in words and the normal level not at all', () => {
    expect(MEMORY_LEVEL_LABEL).toEqual({ normal: '', warning: 'High', critical: 'Critical' });
  });
});

describe('worstMemoryLevel', () => {
  it('reports the fullest device, so a full GPU is not averaged away by an empty one', () => {
    const devices = [
      { used_bytes: 1 * GIB, total_bytes: 24 * GIB },
      { used_bytes: 23.5 * GIB, total_bytes: 24 * GIB },
    ];
    expect(worstMemoryLevel(devices)).toBe('critical');
    expect(worstMemoryLevel([devices[0]!, { used_bytes: 21 * GIB, total_bytes: 24 * GIB }])).toBe('warning');
    expect(worstMemoryLevel([])).toBe('normal');
  });
});

describe('parsePixels', () => {
  it('reads a pixel length as the stylesheet writes it', () => {
    expect(parsePixels('44px', 40)).toBe(44);
    expect(parsePixels(' 156px', 40)).toBe(156);
    expect(parsePixels('12.5px', 40)).toBe(12.5);
  });

  it('falls back on an unset, zero or non-pixel value', () => {
    expect(parsePixels('', 40)).toBe(40);
    expect(parsePixels('0px', 40)).toBe(40);
    expect(parsePixels('3em', 40)).toBe(40);
  });
});
