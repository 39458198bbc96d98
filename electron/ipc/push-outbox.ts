import type { Push } from '../../shared/push.js';

/** The slice of `WebContents` the outbox needs. */
export interface PushTarget {
  readonly id: number;
  send(channel: string, push: Push): void;
  isDestroyed(): boolean;
}

interface Box {
  ready: boolean;
  queue: Push[];
}

/**
 * Holds pushes for a renderer until it says it is ready (it has loaded its snapshot and subscribed),
 * then forwards them in order. Sending earlier loses them: the page has no listener yet, and an
 * event between the snapshot and the first push would be gone for good (electron/fiddle does the same).
 * The queue is bounded so a window that never becomes ready cannot grow main's memory; the oldest
 * pushes go first, since a renderer that waited that long reads a fresh snapshot anyway.
 */
export class PushOutbox {
  private readonly boxes = new Map<number, Box>();
  private dropped = 0;

  constructor(
    private readonly channel: string,
    private readonly maxQueued = 1000,
  ) {}

  deliver(target: PushTarget, push: Push): void {
    if (target.isDestroyed()) {
      this.boxes.delete(target.id);
      return;
    }
    const box = this.box(target.id);
    if (box.ready) {
      target.send(this.channel, push);
      return;
    }
    box.queue.push(push);
    if (box.queue.length > this.maxQueued) {
      box.queue.shift();
      this.dropped++;
    }
  }

  /** The renderer subscribed: flush what waited, then send directly. */
  markReady(target: PushTarget): void {
    const box = this.box(target.id);
    const queued = box.queue;
    box.queue = [];
    box.ready = true;
    if (target.isDestroyed()) return;
    for (const push of queued) target.send(this.channel, push);
  }

  /** The page reloads: its listeners are gone until it signals ready again. */
  reset(targetId: number): void {
    this.boxes.set(targetId, { ready: false, queue: [] });
  }

  forget(targetId: number): void {
    this.boxes.delete(targetId);
  }

  isReady(targetId: number): boolean {
    return this.boxes.get(targetId)?.ready ?? false;
  }

  /** How many pushes were dropped because a queue was full (for diagnostics and tests). */
  droppedCount(): number {
    return this.dropped;
  }

  private box(id: number): Box {
    let box = this.boxes.get(id);
    if (!box) {
      box = { ready: false, queue: [] };
      this.boxes.set(id, box);
    }
    return box;
  }
}
