import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../shared/events.js';
import { EventLog, flushEventLogs } from '../../../electron/engine/events/event-log.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { useTempDir } from '../config/temp-dir.js';

// Issue 8: a torn last line of events.jsonl must never swallow the next event; seq never repeats or stalls.

const tmp = useTempDir();
const clock = new FakeClock();
const ev = (message: string): NewEvent => ({ type: 'config_reloaded', model: null, reason: null, message, data: {} }) as NewEvent;
const open = () => new EventLog(tmp.dir(), clock, silentLogger);
const file = () => path.join(tmp.dir(), 'events.jsonl');

function lines(): string[] {
  return readFileSync(file(), 'utf8').split('\n').filter((l) => l !== '');
}

describe('EventLog persistence', () => {
  it('keeps the event written after a torn last line across the next restart', () => {
    const first = open();
    for (const m of ['one', 'two', 'three']) first.append(ev(m));
    first.close(); // then a later run crashed mid-write:
    const whole = JSON.stringify({ ...ev('four'), seq: 4, at: new Date(clock.now()).toISOString() });
    appendFileSync(file(), whole.slice(0, 30)); // a crash cut this write short: no seq, no newline

    const second = open();
    expect(second.lastSeq).toBe(3);
    expect(second.append(ev('after the crash')).seq).toBe(4);
    second.close();

    const third = open();
    expect(third.lastSeq).toBe(4);
    expect(third.list(0).map((e) => e.message)).toEqual(['one', 'two', 'three', 'after the crash']);
    expect(lines().every((l) => JSON.parse(l) !== null)).toBe(true);
    expect(third.append(ev('five')).seq).toBe(5);
    third.close();
    expect(lines()).toHaveLength(5);
  });

  it('never reuses a number that a torn line still shows', () => {
    const first = open();
    first.append(ev('one'));
    first.close(); // then a later run crashed mid-write:
    const whole = JSON.stringify({ ...ev('two'), seq: 2, at: new Date(clock.now()).toISOString() });
    appendFileSync(file(), whole.slice(0, whole.length - 5));

    const second = open();
    expect(second.lastSeq).toBe(2);
    expect(second.append(ev('three')).seq).toBe(3);
    second.close();
    expect(open().list(0).map((e) => e.seq)).toEqual([1, 3]);
  });

  it('keeps a whole last event that only lacks its newline', () => {
    const whole = JSON.stringify({ ...ev('one'), seq: 1, at: new Date(clock.now()).toISOString() });
    writeFileSync(file(), whole);
    const log = open();
    expect(log.append(ev('two')).seq).toBe(2);
    log.flush();
    expect(open().list(0).map((e) => e.message)).toEqual(['one', 'two']);
  });

  it('continues numbering past events glued together by an older version', () => {
    const a = JSON.stringify({ ...ev('a'), seq: 7, at: 'x' });
    const b = JSON.stringify({ ...ev('b'), seq: 8, at: 'y' });
    writeFileSync(file(), `${a.slice(0, 20)}${b}\n`);
    expect(open().append(ev('c')).seq).toBe(9);
  });
});

describe('EventLog writes', () => {
  it('tells listeners and queries at once, and writes a turn\'s events in order after the turn', async () => {
    const log = open();
    const heard: number[] = [];
    log.subscribe((e) => heard.push(e.seq));
    for (const m of ['ready', 'evicted', 'stopped']) log.append(ev(m));
    expect(heard).toEqual([1, 2, 3]);
    expect(log.list(0).map((e) => e.message)).toEqual(['ready', 'evicted', 'stopped']);
    expect(existsSync(file())).toBe(false); // the step that appended them is not held up by the disk
    await new Promise((r) => setImmediate(r));
    expect(lines().map((l) => (JSON.parse(l) as { seq: number; message: string }).message)).toEqual(['ready', 'evicted', 'stopped']);
    log.append(ev('next turn'));
    await new Promise((r) => setImmediate(r));
    expect(open().list(0).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('writes what is pending when the process exits before the turn ends', () => {
    const log = open();
    log.append(ev('last words'));
    flushEventLogs(); // what the process 'exit' hook runs
    expect(lines().map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['last words']);
    log.flush(); // nothing left: no second copy
    expect(lines()).toHaveLength(1);
  });

  it('never hands out again the numbers of events a kill lost before they were written', async () => {
    const killed = open();
    for (const m of ['a', 'b', 'c']) killed.append(ev(m));
    // Killed within the turn: nothing reached events.jsonl, but the reservation did.
    expect(existsSync(file())).toBe(false);
    const next = open();
    const after = next.append(ev('after the restart'));
    expect(after.seq).toBeGreaterThan(3);
    // (the first log's pending write still runs in this process; let it, then leave the dir)
    await new Promise((r) => setImmediate(r));
  });

  it('numbers on without a gap after a clean stop, and reserves ahead again', () => {
    const first = open();
    for (const m of ['a', 'b']) first.append(ev(m));
    first.close();
    expect(readFileSync(path.join(tmp.dir(), 'events.seq'), 'utf8')).toBe('2');
    const second = open();
    expect(second.append(ev('c')).seq).toBe(3);
    expect(Number(readFileSync(path.join(tmp.dir(), 'events.seq'), 'utf8'))).toBeGreaterThan(3);
    second.close();
    expect(open().lastSeq).toBe(3);
  });

  it('ignores an unreadable events.seq and numbers on from the events', () => {
    const first = open();
    first.append(ev('a'));
    first.close();
    writeFileSync(path.join(tmp.dir(), 'events.seq'), 'garbage');
    expect(open().append(ev('b')).seq).toBe(2);
  });
});
