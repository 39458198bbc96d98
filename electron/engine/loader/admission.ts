/**
 * Admission (CONTRACT §4), as a pure function of what is loaded. The loader asks it before a model
 * starts; it never acts. Rules, in order:
 *   1. concurrency groups: every loaded model sharing a group with the target must go (reason `group`);
 *   2. LRU cap: while loaded + starting + 1 > max_active, the least recently used goes (reason `lru`);
 *   3. pinned models are never chosen; busy ones (requests in flight) and starting ones are waited for,
 *      unless `force` (force never interrupts a start: someone is waiting for it);
 *   4. a plan that cannot be met without breaking a rule is refused (`pinned_conflict`) instead.
 * Unlike LocalAI (spec §3.6 step 7), a shortfall caused by pinned models is a refusal, not a silent
 * over-commit, and a pinned group holder is refused at once rather than retried for 30 s (§3.7).
 */

export interface Resident {
  name: string;
  instance: number;
  pinned: boolean;
  groups: string[];
  inflight: number;
  /** ms epoch; a model never used counts from its load. */
  lastUsedAt: number;
  state: 'starting' | 'ready';
}

export interface Eviction {
  name: string;
  instance: number;
  reason: 'group' | 'lru';
  group: string | null;
}

export type AdmissionPlan =
  | { kind: 'admit'; evict: Eviction[] }
  | { kind: 'wait'; blocking: string[] }
  | { kind: 'refuse'; code: 'pinned_conflict'; blocking: string[] };

export interface AdmissionRules {
  maxActive: number;
  force: boolean;
}

export function planAdmission(target: { name: string; groups: string[] }, residents: Resident[], rules: AdmissionRules): AdmissionPlan {
  const others = residents.filter((r) => r.name !== target.name);
  const evict: Eviction[] = [];
  const waiting: string[] = [];
  const pinnedBlockers: string[] = [];

  const movable = (r: Resident) => r.state === 'ready' && (rules.force || r.inflight === 0);

  // 1. groups
  const targetGroups = new Set(target.groups);
  for (const r of byLeastRecentlyUsed(others)) {
    const shared = r.groups.find((g) => targetGroups.has(g));
    if (shared === undefined) continue;
    if (r.pinned) pinnedBlockers.push(r.name);
    else if (movable(r)) evict.push({ name: r.name, instance: r.instance, reason: 'group', group: shared });
    else waiting.push(r.name);
  }
  if (pinnedBlockers.length > 0) return { kind: 'refuse', code: 'pinned_conflict', blocking: pinnedBlockers };

  // 2. LRU cap, counting starting models and ignoring what the group rule already removes
  if (rules.maxActive > 0) {
    const leaving = new Set([...evict.map((e) => e.name), ...waiting]);
    const staying = others.filter((r) => !leaving.has(r.name));
    let excess = staying.length + 1 - rules.maxActive;
    const lruWaiting: string[] = [];
    for (const r of byLeastRecentlyUsed(staying)) {
      if (excess <= 0) break;
      if (r.pinned) continue;
      if (movable(r)) {
        evict.push({ name: r.name, instance: r.instance, reason: 'lru', group: null });
        excess--;
      } else lruWaiting.push(r.name);
    }
    if (excess > 0) {
      // Only busy/starting models could make room: wait for them. If even they would not suffice,
      // the rest of the cap is held by pinned models.
      if (lruWaiting.length < excess) {
        const pinned = staying.filter((r) => r.pinned).map((r) => r.name);
        return { kind: 'refuse', code: 'pinned_conflict', blocking: pinned };
      }
      waiting.push(...lruWaiting);
    }
  }

  if (waiting.length > 0) return { kind: 'wait', blocking: waiting };
  return { kind: 'admit', evict };
}

/** Oldest first; ties broken by name so plans are deterministic. */
export function byLeastRecentlyUsed<T extends { lastUsedAt: number; name: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.lastUsedAt - b.lastUsedAt || a.name.localeCompare(b.name));
}
