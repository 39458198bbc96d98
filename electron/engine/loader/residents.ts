import type { EngineContext } from '../context.js';
import type { Resident } from './admission.js';

/**
 * What holds room now, for the admission and memory policies: every starting or ready instance, and
 * (with `reserved`) each model admission has reserved room for but not started yet (instance -1).
 */
export function residentsOf(ctx: EngineContext, opts: { reserved: boolean }): Resident[] {
  const out: Resident[] = [];
  for (const slot of ctx.slots.values()) {
    const inst = slot.live;
    if (inst) {
      out.push({ name: slot.name, instance: inst.id, pinned: slot.config.pinned, groups: slot.config.groups, inflight: inst.inflight, lastUsedAt: inst.lastUsedAt, state: inst.state === 'ready' ? 'ready' : 'starting' });
    } else if (opts.reserved && slot.reserved) {
      out.push({ name: slot.name, instance: -1, pinned: slot.config.pinned, groups: slot.config.groups, inflight: 0, lastUsedAt: ctx.clock.now(), state: 'starting' });
    }
  }
  return out;
}
