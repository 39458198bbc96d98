import { afterEach, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import { SseClient, teardown, TestDir, TestService } from '../../helpers/loadout.js';

// CONTRACT §5: seq, GET /api/events?after=, SSE with Last-Event-ID, persistence across restarts.

let dir: TestDir;
let svc: TestService | null = null;
const streams: SseClient[] = [];

afterEach(async () => {
  streams.splice(0).forEach((s) => s.close());
  const left = await teardown(svc, dir);
  svc = null;
  expect(left, 'backend processes that survived the service').toEqual([]);
});

async function boot(): Promise<TestService> {
  dir = new TestDir();
  svc = await TestService.start(dir, { models: { a: {}, b: {} } });
  return svc;
}

async function allEvents(s: TestService, after = 0): Promise<LoadoutEvent[]> {
  const r = await s.req<{ events: LoadoutEvent[] }>('GET', `/api/events?after=${after}`);
  expect(r.status).toBe(200);
  return r.json.events;
}

async function someActivity(s: TestService): Promise<void> {
  expect((await s.load('a')).status).toBe(200);
  expect((await s.load('b')).status).toBe(200);
  expect((await s.unload('a')).status).toBe(200);
  await s.waitType('model_stopped', 'a');
}

describe('events', () => {
  it('numbers events with a seq that increases by one, oldest first', async () => {
    const s = await boot();
    await someActivity(s);
    const events = await allEvents(s);
    expect(events.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBe(events[i - 1]!.seq + 1);
    for (const e of events) {
      expect(typeof e.message).toBe('string');
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['model_starting', 'model_ready', 'model_stopped']));
    expect(s.of('model_starting', 'a')[0]!.data).toMatchObject({ trigger: 'api' });
    expect(s.of('model_ready', 'a')[0]!.data).toMatchObject({ pid: expect.any(Number), port: expect.any(Number), load_ms: expect.any(Number) });
  });

  it('GET /api/events?after=N returns exactly the events with seq > N; limit caps the page', async () => {
    const s = await boot();
    await someActivity(s);
    const events = await allEvents(s);
    const mid = events[2]!.seq;
    const after = await allEvents(s, mid);
    expect(after.map((e) => e.seq)).toEqual(events.filter((e) => e.seq > mid).map((e) => e.seq));
    const page = await s.req<{ events: LoadoutEvent[] }>('GET', `/api/events?after=${mid}&limit=2`);
    expect(page.json.events.map((e) => e.seq)).toEqual([mid + 1, mid + 2]);
    expect(await allEvents(s, events[events.length - 1]!.seq)).toEqual([]);
  });

  it('SSE /api/events/stream with Last-Event-ID resumes exactly after that id, then streams live events', async () => {
    const s = await boot();
    await someActivity(s);
    const events = await allEvents(s);
    const from = events[1]!.seq;
    const sse = new SseClient(s.url, '/api/events/stream', { 'last-event-id': String(from) });
    streams.push(sse);
    expect(await sse.opened).toBe(200);
    const expected = events.filter((e) => e.seq > from).map((e) => e.seq);
    await sse.waitFor(() => sse.events().length >= expected.length);
    expect(sse.events().map((e) => e.seq)).toEqual(expected);
    for (const m of sse.messages) {
      expect(m.event).toBe((JSON.parse(m.data) as LoadoutEvent).type);
      expect(m.id).toBe(String((JSON.parse(m.data) as LoadoutEvent).seq));
    }
    // live: a new event arrives with the next seq
    expect((await s.unload('b')).status).toBe(200);
    const last = events[events.length - 1]!.seq;
    await sse.waitFor(() => sse.events().some((e) => e.type === 'model_stopped' && e.model === 'b'));
    const seqs = sse.events().map((e) => e.seq);
    expect(seqs.slice(expected.length)[0]).toBe(last + 1);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it('keeps seq across a service restart with the same state_dir', async () => {
    const s = await boot();
    await someActivity(s);
    const before = await allEvents(s);
    const lastSeq = before[before.length - 1]!.seq;
    await s.stop();
    const s2 = await TestService.start(dir);
    svc = s2;
    const list = await allEvents(s2);
    // the old log is still there (shutdown events included), and numbering continues after it
    expect(list.slice(0, before.length).map((e) => e.seq)).toEqual(before.map((e) => e.seq));
    const top = list[list.length - 1]!.seq;
    expect(top).toBeGreaterThanOrEqual(lastSeq);
    expect((await s2.load('a')).status).toBe(200);
    const starting = await s2.waitType('model_starting', 'a');
    expect(starting.seq).toBe(top + 1);
    const all = await allEvents(s2);
    expect(new Set(all.map((e) => e.seq)).size).toBe(all.length);
  });
});
