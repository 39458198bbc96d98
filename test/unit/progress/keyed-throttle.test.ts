import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { KeyedThrottle } from '../../../electron/engine/progress/keyed-throttle.js';

describe('KeyedThrottle', () => {
  it('fires the first change at once and folds a burst into one call per interval', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const t = new KeyedThrottle<string>(clock, 250, (k) => fired.push(`${k}@${clock.now() - start}`));
    const start = clock.now();
    t.request('a');
    for (let i = 0; i < 50; i++) t.request('a');
    expect(fired).toEqual(['a@0']);
    clock.advance(100);
    t.request('a');
    expect(fired).toEqual(['a@0']);
    clock.advance(150);
    expect(fired).toEqual(['a@0', 'a@250']);
    clock.advance(1000);
    t.request('a');
    expect(fired).toEqual(['a@0', 'a@250', 'a@1250']);
  });

  it('throttles each key on its own', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const t = new KeyedThrottle<string>(clock, 250, (k) => fired.push(k));
    t.request('a');
    t.request('b');
    t.request('a');
    expect(fired).toEqual(['a', 'b']);
  });

  it('drops calls still due when disposed', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const t = new KeyedThrottle<string>(clock, 250, (k) => fired.push(k));
    t.request('a');
    t.request('a');
    t.dispose();
    clock.advance(1000);
    expect(fired).toEqual(['a']);
  });
});
