/**
 * Memory decisions as pure functions (issue: fit before load, memory reclaimer). Both speak of bytes on
 * the devices a model uses; "other" memory (another application on the GPU) is simply part of `used`,
 * so it counts, as it should.
 */

export interface MemResident {
  name: string;
  instance: number;
  pinned: boolean;
  inflight: number;
  lastUsedAt: number;
  state: 'starting' | 'ready';
  /** Measured bytes on the devices in question (or the estimate while nothing is measured). */
  vram: number | null;
}

export interface MemEviction {
  name: string;
  instance: number;
  frees: number;
}

export type FitPlan =
  | { kind: 'fits' }
  | { kind: 'evict'; evict: MemEviction[] }
  | { kind: 'wait'; blocking: string[] }
  | { kind: 'refuse'; blocking: string[]; shortBy: number };

export interface FitInput {
  need: number;
  /** total − used − headroom on the model's devices, now. */
  free: number;
  /** Bytes already being released by the evictions admission chose (groups, LRU). */
  freeing: number;
  residents: MemResident[];
  force: boolean;
  /** Bytes starting models are about to allocate (their need minus what already shows as used). */
  reserved?: number;
  /** Models being stopped and the bytes they still hold: a load that fits once they are gone waits. */
  stopping?: { name: string; bytes: number }[];
}

const lru = <T extends { lastUsedAt: number; name: string }>(l: T[]) => [...l].sort((a, b) => a.lastUsedAt - b.lastUsedAt || a.name.localeCompare(b.name));

/** Whether a model of `need` bytes fits; if not, which idle unpinned models (LRU first) make it fit. */
export function planFit(i: FitInput): FitPlan {
  let free = i.free + i.freeing - (i.reserved ?? 0);
  if (i.need <= free) return { kind: 'fits' };
  const evict: MemEviction[] = [];
  let waitable = 0;
  const waiting: string[] = [];
  for (const s of i.stopping ?? []) {
    waiting.push(s.name);
    waitable += s.bytes;
  }
  for (const r of lru(i.residents)) {
    if (free >= i.need) break;
    if (r.pinned || !r.vram) continue;
    if (r.state === 'starting') {
      // Someone waits for it: never evicted while starting, but it may be evicted once ready and idle.
      waiting.push(r.name);
      waitable += r.vram;
      continue;
    }
    if (r.inflight === 0 || i.force) {
      evict.push({ name: r.name, instance: r.instance, frees: r.vram });
      free += r.vram;
    } else {
      waiting.push(r.name);
      waitable += r.vram;
    }
  }
  if (free >= i.need) return { kind: 'evict', evict };
  if (waiting.length && free + waitable >= i.need) return { kind: 'wait', blocking: waiting };
  const holders = [...i.residents].filter((r) => (r.vram ?? 0) > 0).sort((a, b) => (b.vram ?? 0) - (a.vram ?? 0)).map((r) => r.name);
  return { kind: 'refuse', blocking: holders, shortBy: i.need - free };
}

/**
 * The reclaimer: above the threshold, the least recently used idle unpinned model goes, one at a time.
 * `confirmations` consecutive fresh samples above the threshold are required, so one spike does not
 * evict (hysteresis); the caller also waits for the released memory to show before asking again.
 */
export function pickReclaimVictim(usage: number, threshold: number, residents: MemResident[], force: boolean): MemResident | null {
  if (threshold <= 0 || usage <= threshold) return null;
  return lru(residents).find((r) => r.state === 'ready' && !r.pinned && (r.inflight === 0 || force)) ?? null;
}
