import type { LoadPlanView } from './model-view.js';
import { humanBytes } from './units.js';

/**
 * The words for what a load will do and why one is refused (issue 10 item 2). Pure: the engine puts
 * `refusalHint` into 409/503 bodies and `load_refused` events, the dashboard shows `planLine` on each
 * Load control, so a refusal reads the same wherever it shows.
 */

/** A model standing in the way of a load. */
export interface Blocker {
  name: string;
  groups: string[];
  pinned: boolean;
  /** What it holds in memory now, when known. */
  bytes: number | null;
}

/** Memory facts for a load, with GPU data. */
export interface PlanMemory {
  /** What the model needs (configured `vram`, last measured, or the GGUF estimate). */
  need_bytes: number;
  /** Free on its devices after `vram_headroom`. */
  free_bytes: number;
  /** Held by pinned models now. */
  pinned_bytes: number;
}

export interface RefusalFacts {
  model: string;
  code: 'pinned_conflict' | 'no_memory' | 'busy';
  /** The target's concurrency groups. */
  groups: string[];
  blocking: Blocker[];
  /** `watchdog.max_active` (0 = unlimited). */
  maxActive: number;
  memory: PlanMemory | null;
}

/** `a`, `a and b`, `a, b and c`. */
export function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Names the rule that refuses the load and the way out of it. */
export function refusalHint(f: RefusalFacts): string {
  if (f.code === 'busy') {
    const names = f.blocking.map((b) => b.name);
    return `${listOf(names)} ${names.length === 1 ? 'is' : 'are'} busy and hold${names.length === 1 ? 's' : ''} what ${f.model} needs: wait for ${names.length === 1 ? 'its' : 'their'} requests to finish, or turn on force_eviction_when_busy`;
  }
  if (f.code === 'no_memory') {
    const m = f.memory;
    const facts = m ? `${f.model} needs ${humanBytes(m.need_bytes)}, ${humanBytes(Math.max(0, m.free_bytes))} free${m.pinned_bytes > 0 ? `, pinned models hold ${humanBytes(m.pinned_bytes)}` : ''}` : `${f.model} does not fit in free memory`;
    const pinned = f.blocking.filter((b) => b.pinned).map((b) => b.name);
    const way = pinned.length > 0 ? `unpin ${pinned.length === 1 ? pinned[0] : `one of ${listOf(pinned)}`} or lower its context` : 'unload a model or lower its context';
    return `${facts}: ${way}`;
  }
  const target = new Set(f.groups);
  const sharing = f.blocking.map((b) => ({ b, group: b.groups.find((g) => target.has(g)) })).filter((x) => x.group !== undefined);
  if (sharing.length > 0) {
    const first = sharing[0]!;
    const names = sharing.map((x) => x.b.name);
    const groups = [...new Set(sharing.map((x) => x.group!))];
    const one = names.length === 1;
    return `${listOf([f.model, ...names])} share group${groups.length > 1 ? 's' : ''} ${listOf(groups)}, and ${one ? `${first.b.name} is` : 'they are'} pinned: unpin ${one ? 'it' : 'them'} or take one out of the group`;
  }
  const names = f.blocking.map((b) => b.name);
  const held = names.length ? `pinned models hold all ${f.maxActive} places (${listOf(names)})` : `pinned models hold all ${f.maxActive} places`;
  return `max_active is ${f.maxActive} and ${held}: unpin one or raise max_active`;
}

/** One line for a Load control: what clicking it will do now. */
export function planLine(plan: LoadPlanView): string {
  if (plan.action === 'ready') return 'Already loaded';
  if (plan.action === 'refuse') return `Will be refused: ${plan.hint ?? plan.message}`;
  if (plan.waits) return `Will wait for ${listOf(plan.blocked_by)} (busy, starting or stopping)`;
  if (plan.evict.length === 0) {
    const m = plan.memory;
    return m ? `Fits: needs ${humanBytes(m.need_bytes)}, ${humanBytes(Math.max(0, m.free_bytes))} free` : 'Will start; nothing else is unloaded';
  }
  const parts = plan.evict.map((e) => {
    if (e.reason === 'group') return `${e.name}: same group ${e.group ?? ''}`.trimEnd();
    if (e.reason === 'lru') return `${e.name}: least recently used`;
    return e.name;
  });
  const memory = plan.evict.filter((e) => e.reason === 'memory');
  const m = plan.memory;
  if (memory.length > 0 && m) {
    const others = parts.filter((_, i) => plan.evict[i]!.reason !== 'memory');
    const rest = others.length ? `; will unload ${others.join(', ')}` : '';
    return `Needs ${humanBytes(m.need_bytes)}, ${humanBytes(Math.max(0, m.free_bytes))} free: will unload ${listOf(memory.map((e) => e.name))}${rest}`;
  }
  return `Will unload ${parts.join(', ')}`;
}
