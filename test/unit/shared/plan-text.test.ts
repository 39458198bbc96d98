import { describe, expect, it } from 'vitest';
import type { LoadPlanView } from '../../../shared/model-view.js';
import { listOf, planLine, refusalHint, type RefusalFacts } from '../../../shared/plan-text.js';

const GiB = 1024 ** 3;

function facts(over: Partial<RefusalFacts>): RefusalFacts {
  return { model: 'qwen3-8b', code: 'pinned_conflict', groups: [], blocking: [], maxActive: 0, memory: null, ...over };
}

function plan(over: Partial<LoadPlanView>): LoadPlanView {
  return { model: 'qwen3-8b', action: 'load', evict: [], blocked_by: [], waits: false, code: null, message: 'qwen3-8b would start', cooldown_until: null, hint: null, memory: null, ...over };
}

describe('refusalHint', () => {
  it('names the shared group, the pinned model and the way out', () => {
    const hint = refusalHint(facts({ groups: ['big'], blocking: [{ name: 'gemma3-27b', groups: ['big'], pinned: true, bytes: null }] }));
    expect(hint).toBe('qwen3-8b and gemma3-27b share group big, and gemma3-27b is pinned: unpin it or take one out of the group');
  });

  it('speaks of several pinned group holders in the plural', () => {
    const hint = refusalHint(facts({ groups: ['big', 'gpu0'], blocking: [{ name: 'a', groups: ['big'], pinned: true, bytes: null }, { name: 'b', groups: ['gpu0'], pinned: true, bytes: null }] }));
    expect(hint).toBe('qwen3-8b, a and b share groups big and gpu0, and they are pinned: unpin them or take one out of the group');
  });

  it('names max_active when pinned models hold every place of the cap', () => {
    const hint = refusalHint(facts({ maxActive: 2, blocking: [{ name: 'a', groups: [], pinned: true, bytes: null }, { name: 'b', groups: [], pinned: true, bytes: null }] }));
    expect(hint).toBe('max_active is 2 and pinned models hold all 2 places (a and b): unpin one or raise max_active');
  });

  it('gives the memory need, what is free and what pinned models hold', () => {
    const hint = refusalHint(facts({ code: 'no_memory', blocking: [{ name: 'gemma3-27b', groups: [], pinned: true, bytes: 12 * GiB }], memory: { need_bytes: 14 * GiB, free_bytes: 9 * GiB, pinned_bytes: 12 * GiB } }));
    expect(hint).toBe('qwen3-8b needs 14.0 GiB, 9.0 GiB free, pinned models hold 12.0 GiB: unpin gemma3-27b or lower its context');
  });

  it('without pinned blockers, a memory refusal suggests unloading instead of unpinning', () => {
    const hint = refusalHint(facts({ code: 'no_memory', blocking: [], memory: { need_bytes: 14 * GiB, free_bytes: -GiB, pinned_bytes: 0 } }));
    expect(hint).toBe('qwen3-8b needs 14.0 GiB, 0 B free: unload a model or lower its context');
  });

  it('tells a busy refusal to wait or to allow forced evictions', () => {
    expect(refusalHint(facts({ code: 'busy', blocking: [{ name: 'embedder', groups: [], pinned: false, bytes: null }] }))).toBe(
      'embedder is busy and holds what qwen3-8b needs: wait for its requests to finish, or turn on force_eviction_when_busy',
    );
  });
});

describe('planLine', () => {
  it('says a load fits, with the numbers, when nothing must go', () => {
    expect(planLine(plan({ memory: { need_bytes: 4 * GiB, free_bytes: 9 * GiB, pinned_bytes: 0 } }))).toBe('Fits: needs 4.0 GiB, 9.0 GiB free');
    expect(planLine(plan({}))).toBe('Will start; nothing else is unloaded');
  });

  it('names the model a group rule unloads and the group', () => {
    expect(planLine(plan({ evict: [{ name: 'gemma3-27b', reason: 'group', group: 'big', detail: '' }] }))).toBe('Will unload gemma3-27b: same group big');
  });

  it('gives need and free memory when memory makes it unload', () => {
    const p = plan({ evict: [{ name: 'embedder', reason: 'memory', group: null, detail: '' }], memory: { need_bytes: 14 * GiB, free_bytes: 9 * GiB, pinned_bytes: 0 } });
    expect(planLine(p)).toBe('Needs 14.0 GiB, 9.0 GiB free: will unload embedder');
  });

  it('shows the refusal hint for a refused load, else its message', () => {
    expect(planLine(plan({ action: 'refuse', code: 'pinned_conflict', hint: 'unpin it', message: 'm' }))).toBe('Will be refused: unpin it');
    expect(planLine(plan({ action: 'refuse', code: 'pinned_conflict', message: 'pinned models hold it' }))).toBe('Will be refused: pinned models hold it');
  });

  it('says what it waits for and when it is loaded already', () => {
    expect(planLine(plan({ waits: true, blocked_by: ['a', 'b'] }))).toBe('Will wait for a and b (busy, starting or stopping)');
    expect(planLine(plan({ action: 'ready' }))).toBe('Already loaded');
  });
});

describe('listOf', () => {
  it('joins names as a sentence does', () => {
    expect([listOf([]), listOf(['a']), listOf(['a', 'b']), listOf(['a', 'b', 'c'])]).toEqual(['', 'a', 'a and b', 'a, b and c']);
  });
});
