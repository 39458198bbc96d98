import { describe, expect, it } from 'vitest';
import { SlotPool } from '../../../electron/engine/backends/builtin/slot-pool.js';

describe('SlotPool', () => {
  it('hands out free slots at once and queues the rest in arrival order', async () => {
    const pool = new SlotPool(['a', 'b']);
    const never = new AbortController().signal;
    expect(await pool.acquire(never)).toBe('a');
    expect(await pool.acquire(never)).toBe('b');
    const got: string[] = [];
    const third = pool.acquire(never).then((s) => got.push(`third:${s}`));
    const fourth = pool.acquire(never).then((s) => got.push(`fourth:${s}`));
    expect(pool.queued).toBe(2);
    pool.release('b');
    pool.release('a');
    await Promise.all([third, fourth]);
    expect(got).toEqual(['third:b', 'fourth:a']);
    expect(pool.idle).toBe(0);
  });

  it('drops an aborted waiter from the queue, so the slot goes to the next one', async () => {
    const pool = new SlotPool(['only']);
    const never = new AbortController().signal;
    await pool.acquire(never);
    const gone = new AbortController();
    const aborted = pool.acquire(gone.signal);
    const next = pool.acquire(never);
    gone.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');
    pool.release('only');
    expect(await next).toBe('only');
    expect(pool.queued).toBe(0);
  });

  it('gives the slot back however the work ends', async () => {
    const pool = new SlotPool([1]);
    const never = new AbortController().signal;
    await expect(pool.use(never, () => Promise.reject(new Error('generation failed')))).rejects.toThrow('generation failed');
    expect(pool.idle).toBe(1);
    expect(await pool.use(never, async (slot) => slot + 1)).toBe(2);
    expect(pool.idle).toBe(1);
  });
});
