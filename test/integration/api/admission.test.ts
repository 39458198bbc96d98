import { describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import { alive, perTestService } from '../../helpers/loadout.js';

// CONTRACT §4 admission, against real backends through the HTTP API.

const boot = perTestService();

/** Replays start/stop events: the largest number of models live at once (starting counts). */
function maxConcurrentlyLive(events: LoadoutEvent[]): number {
  const live = new Set<string>();
  let max = 0;
  for (const e of events) {
    if (e.type === 'model_starting') live.add(e.model!);
    else if (e.type === 'model_stopped' || e.type === 'model_failed') live.delete(e.model!);
    max = Math.max(max, live.size);
  }
  return max;
}

describe('admission (CONTRACT §4)', () => {
  it('evicts every loaded model that shares a concurrency group, with reason group, data.for and data.group', async () => {
    const s = await boot({ models: { a: { groups: ['big'] }, b: { groups: ['big', 'other'] }, c: { groups: ['small'] } } });
    const a = await s.load('a');
    expect(a.status).toBe(200);
    expect((await s.load('c')).status).toBe(200);
    const b = await s.load('b');
    expect(b.status).toBe(200);
    const evicted = s.of('model_evicted', 'a');
    expect(evicted).toHaveLength(1);
    expect(evicted[0]).toMatchObject({ reason: 'group', data: { for: 'b', group: 'big' } });
    expect(s.of('model_stopped', 'a')[0]).toMatchObject({ reason: 'evicted' });
    expect((await s.model('a')).state).toBe('stopped');
    expect((await s.model('c')).state).toBe('ready'); // no shared group: untouched
    expect(alive(a.json.pid!)).toBe(false);
  });

  it('evicts the least recently used model (reason lru) when max_active is reached; requests update recency', async () => {
    const s = await boot({ watchdog: { max_active: 2 }, models: { a: {}, b: {}, c: {} } });
    expect((await s.load('a')).status).toBe(200);
    expect((await s.load('b')).status).toBe(200);
    // a is now used after b: b is the least recently used.
    expect((await s.chat('a')).status).toBe(200);
    expect((await s.load('c')).status).toBe(200);
    const evicted = s.of('model_evicted');
    expect(evicted.map((e) => e.model)).toEqual(['b']);
    expect(evicted[0]).toMatchObject({ reason: 'lru', data: { for: 'c' } });
    expect((await s.model('a')).state).toBe('ready');
    expect((await s.model('b')).state).toBe('stopped');
    // and the other way round: use c, then load b again -> a goes
    expect((await s.chat('c')).status).toBe(200);
    expect((await s.load('b')).status).toBe(200);
    expect(s.of('model_evicted').map((e) => e.model)).toEqual(['b', 'a']);
  });

  it('counts starting models against max_active: two concurrent loads of different models never run both', async () => {
    const s = await boot({ watchdog: { max_active: 1 }, models: { a: { args: '--loading-ms 300' }, b: { args: '--loading-ms 300' } } });
    const [ra, rb] = await Promise.all([s.load('a'), s.load('b')]);
    // One of them waited for the other to finish starting, then evicted it.
    expect([ra.status, rb.status].sort()).toEqual([200, 200]);
    expect(maxConcurrentlyLive(s.events)).toBe(1);
    const starts = s.of('model_starting').map((e) => e.model);
    expect(starts).toHaveLength(2);
    const [first, second] = starts as [string, string];
    expect(s.of('model_evicted', first)[0]).toMatchObject({ reason: 'lru', data: { for: second } });
    const models = (await s.req<{ models: { name: string; state: string }[] }>('GET', '/api/models')).json.models;
    expect(models.filter((m) => m.state === 'ready').map((m) => m.name)).toEqual([second]);
  });

  it('never evicts a pinned model for a group: 409 pinned_conflict naming the blocker, load_refused with data.blocking', async () => {
    const s = await boot({ models: { keep: { pinned: true, groups: ['gpu0'] }, other: { groups: ['gpu0'] } } });
    const keep = await s.load('keep');
    expect(keep.status).toBe(200);
    const r = await s.load('other');
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('pinned_conflict');
    expect(r.json.error.message).toContain('keep');
    expect(r.json.error.blocking).toEqual(['keep']);
    const refused = await s.waitType('load_refused', 'other');
    expect(refused).toMatchObject({ reason: 'pinned_conflict', data: { blocking: ['keep'] } });
    expect((await s.model('keep')).state).toBe('ready');
    expect(alive(keep.json.pid!)).toBe(true);
    expect(s.of('model_starting', 'other')).toEqual([]);
  });

  it('never evicts a pinned model for the LRU cap: 409 pinned_conflict', async () => {
    const s = await boot({ watchdog: { max_active: 1 }, models: { keep: { pinned: true }, other: {} } });
    expect((await s.load('keep')).status).toBe(200);
    const r = await s.load('other');
    expect(r.status).toBe(409);
    expect(r.json.error).toMatchObject({ code: 'pinned_conflict', blocking: ['keep'] });
    expect((await s.waitType('load_refused', 'other')).data).toMatchObject({ blocking: ['keep'] });
    expect((await s.model('keep')).state).toBe('ready');
  });

  it('waits for a busy model to finish its request, then evicts it', async () => {
    const s = await boot({ watchdog: { max_active: 1, eviction_retries: 50 }, models: { a: { args: '--request-delay 400' }, b: {} } });
    expect((await s.load('a')).status).toBe(200);
    const chat = s.chat('a');
    await s.waitModel('a', (m) => m.inflight === 1);
    const rb = await s.load('b');
    expect(rb.status).toBe(200);
    const done = await chat;
    expect(done.status).toBe(200); // the request finished before a went
    expect(s.of('model_evicted', 'a')[0]).toMatchObject({ reason: 'lru', data: { for: 'b' } });
  });

  it('answers 503 busy with Retry-After and the blocking models when the wait for a busy model runs out', async () => {
    // a's turn ends after max_turn; the retry budget (5 × 100ms) counts from then.
    const s = await boot({ watchdog: { max_active: 1, eviction_retries: 5, max_turn: '200ms' }, models: { a: { args: '--request-delay 4000' }, b: {} } });
    expect((await s.load('a')).status).toBe(200);
    const chat = s.chat('a');
    await s.waitModel('a', (m) => m.inflight === 1);
    const rb = await s.load('b');
    expect(rb.status).toBe(503);
    expect(rb.json.error.code).toBe('busy');
    expect(rb.json.error.blocking).toEqual(['a']);
    expect(rb.json.error.message).toContain('a');
    expect(Number(rb.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await s.waitType('load_refused', 'b')).data).toMatchObject({ blocking: ['a'] });
    expect(s.of('load_refused', 'b')[0]!.reason).toBe('busy');
    expect(s.of('model_starting', 'b')).toEqual([]);
    expect((await s.model('a')).state).toBe('ready');
    expect((await chat).status).toBe(200); // the busy request was never disturbed
  });

  it('evicts a busy model when force_eviction_when_busy is set', async () => {
    const s = await boot({ watchdog: { max_active: 1, force_eviction_when_busy: true }, models: { a: { args: '--request-delay 5000' }, b: {} } });
    const ra = await s.load('a');
    const chat = s.chat('a');
    await s.waitModel('a', (m) => m.inflight === 1);
    const rb = await s.load('b');
    expect(rb.status).toBe(200);
    expect(s.of('model_evicted', 'a')[0]).toMatchObject({ reason: 'lru', data: { for: 'b' } });
    expect(alive(ra.json.pid!)).toBe(false);
    const c = await chat.catch(() => null); // the cut request fails one way or another
    expect(c === null || c.status >= 500).toBe(true);
    await s.waitModel('a', (m) => m.state !== 'ready' && m.inflight === 0);
  });

  it('starts exactly one process for concurrent loads of the same model; every caller gets the same pid', async () => {
    const s = await boot({ models: { a: { args: '--loading-ms 300' } } });
    const [loads, chats] = await Promise.all([Promise.all([s.load('a'), s.load('a'), s.load('a')]), Promise.all([s.chat('a'), s.chat('a')])]);
    expect([...loads, ...chats].map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const pids = new Set(loads.map((r) => r.json.pid));
    expect(pids.size).toBe(1);
    const pid = [...pids][0]!;
    for (const r of chats) expect(r.json.choices[0]!.message.content).toBe(`hello from a pid ${pid}`);
    expect(s.of('model_starting', 'a')).toHaveLength(1);
    expect(s.of('model_ready', 'a')).toHaveLength(1);
  });

  it('starts exactly one process for loads of the same model issued in the same tick (HTTP, IPC and tray share one engine)', async () => {
    const s = await boot({ models: { a: { args: '--loading-ms 200' } } });
    const load = s.service.commands['models.load'];
    const answers = await Promise.all([load({ name: 'a' }, { origin: 'ui' }), load({ name: 'a' }, { origin: 'tray' }), load({ name: 'a' }, { origin: 'api' }), s.load('a').then((r) => r.json)]);
    expect(new Set(answers.map((m) => m.pid)).size).toBe(1);
    expect(answers.every((m) => m.state === 'ready')).toBe(true);
    expect(s.of('model_starting', 'a')).toHaveLength(1);
  });

  it('gives every concurrent caller the failure of a failed leader, and lets the next caller retry', async () => {
    const s = await boot({ models: { a: { args: '--start-delay 100 --exit-at-start 7 --message "bad gguf"' } } });
    const answers = await Promise.all([s.load('a'), s.load('a'), s.load('a')]);
    expect(answers.map((r) => r.status)).toEqual([502, 502, 502]);
    expect(s.of('model_starting', 'a')).toHaveLength(1);
    expect(s.of('model_failed', 'a')).toHaveLength(1);
    // Fix the model on disk; the next load starts a new process.
    s.dir.write({ models: { a: {} } });
    await s.waitType('config_reloaded');
    const again = await s.load('a');
    expect(again.status).toBe(200);
    expect(s.of('model_starting', 'a')).toHaveLength(2);
  });

  it('refuses a load still waiting for room when the service shuts down, and starts nothing for it', async () => {
    const s = await boot({ watchdog: { max_active: 1, eviction_retries: 100 }, models: { a: { args: '--request-delay 20000' }, b: {} } });
    expect((await s.load('a')).status).toBe(200);
    const chat = s.chat('a').catch(() => null);
    await s.waitModel('a', (m) => m.inflight === 1);
    const rb = s.load('b').catch(() => null);
    await s.waitModel('b', (m) => m.state === 'starting'); // in admission, waiting for a
    await s.stop();
    const answer = await rb;
    expect(answer === null || answer.status === 503, `b answered ${answer?.status} ${answer?.text}`).toBe(true);
    expect(s.of('model_starting', 'b'), s.events.map((e) => `${e.seq} ${e.type} ${e.model} ${e.reason}`).join('\n')).toEqual([]);
    await chat;
  });
});
