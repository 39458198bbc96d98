import { describe, expect, it } from 'vitest';
import type { Push } from '../../../../shared/push.js';
import { PushOutbox } from '../../../../electron/ipc/push-outbox.js';
import { model } from '../fixtures.js';

const push = (name: string): Push => ({ type: 'model', model: model(name) });

function target(id = 1) {
  const sent: string[] = [];
  return { id, sent, destroyed: false, send: (_ch: string, p: Push) => void sent.push((p as { model: { name: string } }).model.name), isDestroyed() { return this.destroyed; } };
}

describe('PushOutbox', () => {
  it('queues until ready, then flushes in order and sends directly', () => {
    const box = new PushOutbox('ch');
    const t = target();
    box.deliver(t, push('a'));
    box.deliver(t, push('b'));
    expect(t.sent).toEqual([]);
    box.markReady(t);
    box.deliver(t, push('c'));
    expect(t.sent).toEqual(['a', 'b', 'c']);
  });

  it('keeps only the newest pushes when the queue is full', () => {
    const box = new PushOutbox('ch', 2);
    const t = target();
    for (const n of ['a', 'b', 'c', 'd']) box.deliver(t, push(n));
    box.markReady(t);
    expect(t.sent).toEqual(['c', 'd']);
    expect(box.droppedCount()).toBe(2);
  });

  it('queues again after the page reloads', () => {
    const box = new PushOutbox('ch');
    const t = target();
    box.markReady(t);
    box.reset(t.id);
    box.deliver(t, push('a'));
    expect(t.sent).toEqual([]);
    expect(box.isReady(t.id)).toBe(false);
  });

  it('never sends to destroyed contents', () => {
    const box = new PushOutbox('ch');
    const t = target();
    box.markReady(t);
    t.destroyed = true;
    box.deliver(t, push('a'));
    expect(t.sent).toEqual([]);
  });
});
