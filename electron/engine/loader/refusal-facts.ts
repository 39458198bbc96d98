import type { PlanMemory, RefusalFacts } from '../../../shared/plan-text.js';
import type { EngineContext } from '../context.js';
import { freeBytes } from '../gpu/memory-oracle.js';
import type { ModelSlot } from '../model-slot.js';

/**
 * What a load needs and what is free, with GPU data: the numbers behind "needs 14 GiB, 9 GiB free".
 * Null without GPU data or without a known need (then memory decides nothing, see Loader.planMemory).
 */
export function memoryFacts(ctx: EngineContext, slot: ModelSlot): PlanMemory | null {
  const oracle = ctx.memory();
  const info = oracle?.info();
  if (!oracle || !info || info.kind !== 'gpu') return null;
  const need = oracle.needOf(slot.config);
  if (need === null) return null;
  let pinned = 0;
  for (const other of ctx.slots.values()) {
    if (other !== slot && other.config.pinned && other.live) pinned += ctx.vramOf(other.name) ?? 0;
  }
  return { need_bytes: need, free_bytes: freeBytes(info, oracle.devicesOf(slot.config), ctx.settings().vramHeadroomBytes), pinned_bytes: pinned };
}

/** The facts `refusalHint` words a refusal from: who blocks, in which groups, pinned or not. */
export function refusalFacts(ctx: EngineContext, slot: ModelSlot, code: RefusalFacts['code'], blocking: readonly string[]): RefusalFacts {
  return {
    model: slot.name,
    code,
    groups: slot.config.groups,
    blocking: blocking.map((name) => {
      const b = ctx.slots.get(name);
      return { name, groups: b?.config.groups ?? [], pinned: b?.config.pinned ?? false, bytes: ctx.vramOf(name) };
    }),
    maxActive: ctx.settings().maxActive,
    memory: memoryFacts(ctx, slot),
  };
}
