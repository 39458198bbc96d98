import { describe, expect, it } from 'vitest';
import { planAdmission, type Resident } from '../../../electron/engine/loader/admission.js';

// Scenarios from LocalAI's watchdog tests (spec §10.1) that still apply, restated for the pure policy.
let t = 0;
const r = (name: string, o: Partial<Resident> = {}): Resident => ({ name, instance: ++t, pinned: false, groups: [], inflight: 0, lastUsedAt: t * 1000, state: 'ready', ...o });
const names = (plan: ReturnType<typeof planAdmission>) => (plan.kind === 'admit' ? plan.evict.map((e) => e.name) : []);
const rules = (maxActive: number, force = false) => ({ maxActive, force });

describe('LRU cap', () => {
  it('admits without evicting while under the cap', () => {
    expect(planAdmission({ name: 'new', groups: [] }, [r('m1')], rules(2))).toEqual({ kind: 'admit', evict: [] });
  });

  it('evicts the least recently used when the cap is reached (limit 2, two loaded → 1)', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { lastUsedAt: 1 }), r('m2', { lastUsedAt: 2 })], rules(2));
    expect(names(plan)).toEqual(['m1']);
    expect(plan.kind === 'admit' && plan.evict[0]!.reason).toBe('lru');
  });

  it('evicts everything when the cap is 1 (single backend mode)', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { lastUsedAt: 1 }), r('m2', { lastUsedAt: 2 }), r('m3', { lastUsedAt: 3 })], rules(1));
    expect(names(plan)).toEqual(['m1', 'm2', 'm3']);
  });

  it('orders by last use, not by load time (a re-used older model survives)', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { lastUsedAt: 30 }), r('m2', { lastUsedAt: 10 }), r('m3', { lastUsedAt: 20 })], rules(3));
    expect(names(plan)).toEqual(['m2']);
  });

  it('does nothing when the cap is 0 (unlimited)', () => {
    expect(planAdmission({ name: 'new', groups: [] }, [r('a'), r('b'), r('c')], rules(0))).toEqual({ kind: 'admit', evict: [] });
  });

  it('skips a busy model and evicts the next idle one', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { lastUsedAt: 1, inflight: 1 }), r('m2', { lastUsedAt: 2 })], rules(2));
    expect(names(plan)).toEqual(['m2']);
  });

  it('waits when only busy models could make room', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { inflight: 1 }), r('m2', { inflight: 2 })], rules(2));
    expect(plan).toEqual({ kind: 'wait', blocking: ['m1', 'm2'] });
  });

  it('evicts a busy model when force_eviction_when_busy is set', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { lastUsedAt: 1, inflight: 1 }), r('m2', { lastUsedAt: 2, inflight: 1 })], rules(2, true));
    expect(names(plan)).toEqual(['m1']);
  });

  it('counts starting models against the cap but never evicts them', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('m1', { state: 'starting' })], rules(1));
    expect(plan).toEqual({ kind: 'wait', blocking: ['m1'] });
  });

  it('never evicts pinned models and refuses when only pinned models hold the cap', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('p1', { pinned: true }), r('p2', { pinned: true })], rules(1));
    expect(plan).toEqual({ kind: 'refuse', code: 'pinned_conflict', blocking: ['p1', 'p2'] });
  });

  it('evicts the unpinned model when an older one is pinned', () => {
    const plan = planAdmission({ name: 'new', groups: [] }, [r('p', { pinned: true, lastUsedAt: 1 }), r('m2', { lastUsedAt: 2 })], rules(2));
    expect(names(plan)).toEqual(['m2']);
  });

  it('does not count the target itself', () => {
    expect(planAdmission({ name: 'm1', groups: [] }, [r('m1'), r('m2')], rules(2))).toEqual({ kind: 'admit', evict: [] });
  });
});

describe('concurrency groups', () => {
  it('evicts nothing when the target has no groups', () => {
    expect(planAdmission({ name: 'x', groups: [] }, [r('a', { groups: ['heavy'] })], rules(0))).toEqual({ kind: 'admit', evict: [] });
  });

  it('evicts nothing when no group is shared', () => {
    expect(planAdmission({ name: 'x', groups: ['heavy'] }, [r('a', { groups: ['vision'] })], rules(0))).toEqual({ kind: 'admit', evict: [] });
  });

  it('evicts every loaded model sharing any group, naming the group', () => {
    const plan = planAdmission({ name: 'c', groups: ['y', 'z'] }, [r('a', { groups: ['x', 'y'] }), r('b', { groups: ['z'] }), r('d', { groups: ['w'] })], rules(0));
    expect(plan.kind === 'admit' && plan.evict.map((e) => [e.name, e.reason, e.group])).toEqual([
      ['a', 'group', 'y'],
      ['b', 'group', 'z'],
    ]);
  });

  it('refuses at once when a pinned model holds the group (no 30 s retry as in LocalAI)', () => {
    expect(planAdmission({ name: 'b', groups: ['heavy'] }, [r('a', { groups: ['heavy'], pinned: true })], rules(0))).toEqual({ kind: 'refuse', code: 'pinned_conflict', blocking: ['a'] });
  });

  it('waits for a busy group member, and evicts it when forced', () => {
    const busy = [r('a', { groups: ['heavy'], inflight: 1 })];
    expect(planAdmission({ name: 'b', groups: ['heavy'] }, busy, rules(0))).toEqual({ kind: 'wait', blocking: ['a'] });
    expect(names(planAdmission({ name: 'b', groups: ['heavy'] }, busy, rules(0, true)))).toEqual(['a']);
  });

  it('applies groups before the cap, so a group eviction also makes room under the cap', () => {
    const plan = planAdmission({ name: 'b', groups: ['heavy'] }, [r('a', { groups: ['heavy'], lastUsedAt: 50 }), r('c', { lastUsedAt: 1 })], rules(2));
    expect(names(plan)).toEqual(['a']);
  });
});
