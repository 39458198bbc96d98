import type { EngineContext } from '../context.js';
import type { ModelSlot } from '../model-slot.js';
import type { Instance } from './instance.js';

/** A request counted in flight on one instance until `release()`. */
export interface Lease {
  model: string;
  instance: Instance;
  /** Ends the request (idempotent). A failed request does not count as use for the idle timeout. */
  release(outcome?: 'ok' | 'failed'): void;
}

/** Counts a request on `inst` now, synchronously: nothing can evict the instance between ready and counted. */
export function openLease(ctx: EngineContext, slot: ModelSlot, inst: Instance): Lease {
  const end = inst.begin(ctx.clock.now());
  ctx.notify(slot);
  return {
    model: slot.name,
    instance: inst,
    release: (outcome = 'ok') => {
      if (!end(ctx.clock.now(), outcome === 'ok')) return;
      ctx.notify(slot);
      ctx.changed.fire();
    },
  };
}

/** Someone waiting for the model's next ready instance: a request (wants a lease) or a load. */
export interface Waiter {
  lease: boolean;
  since: number;
  grant(inst: Instance): void;
  fail(err: unknown): void;
}
