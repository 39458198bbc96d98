import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../electron/engine/gpu/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items, oldest first', () => {
    const b = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) b.push(i);
    expect(b.toArray()).toEqual([3, 4, 5]);
    expect(b.length).toBe(3);
  });

  it('returns what it has before it is full', () => {
    const b = new RingBuffer<string>(3);
    b.push('a');
    expect(b.toArray()).toEqual(['a']);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
