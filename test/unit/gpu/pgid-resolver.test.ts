import { describe, expect, it } from 'vitest';
import { PgidResolver } from '../../../electron/engine/gpu/pgid-resolver.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { gpuFixture } from './fixture-path.js';

describe('PgidResolver', () => {
  it('answers from /proc after a refresh, and forgets answers once they are stale', async () => {
    const clock = new FakeClock();
    const r = new PgidResolver({ clock, procRoot: gpuFixture('proc'), platform: 'linux', ttlMs: 1000 });
    expect(r.pgidOf(4242)).toBeNull();
    await r.refresh([4242, 4250, 999999]);
    expect(r.pgidOf(4242)).toBe(4240);
    expect(r.pgidOf(4250)).toBe(4250);
    expect(r.pgidOf(999999)).toBeNull();
    clock.advance(1000);
    expect(r.pgidOf(4242)).toBeNull();
  });

  it('knows no process groups on Windows', async () => {
    const r = new PgidResolver({ clock: new FakeClock(), procRoot: gpuFixture('proc'), platform: 'win32' });
    await r.refresh([4242]);
    expect(r.pgidOf(4242)).toBeNull();
  });
});
