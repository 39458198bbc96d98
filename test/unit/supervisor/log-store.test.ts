import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { LogStore, MAX_LINE_CHARS } from '../../../electron/engine/supervisor/log-store.js';
import type { LogLine } from '../../../shared/commands.js';

function store(capacity?: number) {
  const clock = new FakeClock();
  return { clock, logs: new LogStore({ capacity, clock }) };
}

describe('LogStore', () => {
  it('keeps lines of all instances of a model in the order they arrived', () => {
    const { clock, logs } = store();
    logs.append('qwen', 0, 'stderr', 'r0-line-1\n');
    clock.advance(2);
    logs.append('qwen', 1, 'stderr', 'r1-line-1\n');
    clock.advance(2);
    logs.append('qwen', 0, 'stdout', 'r0-line-2\n');
    logs.append('other', 0, 'stderr', 'other-line\n');

    expect(logs.tail('qwen').map((l) => l.text)).toEqual(['r0-line-1', 'r1-line-1', 'r0-line-2']);
    expect(logs.tail('qwen')[2]).toEqual({ at: '2026-11-26T21:00:00.004Z', stream: 'stdout', text: 'r0-line-2' });
    expect(logs.tailInstance('qwen', 0, 10)).toEqual(['r0-line-1', 'r0-line-2']);
    expect(logs.tail('qwen', 2).map((l) => l.text)).toEqual(['r1-line-1', 'r0-line-2']);
    expect(logs.tail('never-loaded')).toEqual([]);
  });

  it('holds a partial line per instance and stream until its newline arrives', () => {
    const { logs } = store();
    logs.append('m', 0, 'stdout', 'hel');
    logs.append('m', 0, 'stderr', 'err-');
    logs.append('m', 1, 'stdout', 'other ');
    expect(logs.tail('m')).toEqual([]);
    logs.append('m', 0, 'stdout', 'lo\nwor');
    logs.append('m', 0, 'stderr', 'part\r\n');
    logs.append('m', 1, 'stdout', 'instance\n');
    expect(logs.tail('m').map((l) => l.text)).toEqual(['hello', 'err-part', 'other instance']);
    logs.flush('m', 0);
    expect(logs.tail('m').map((l) => l.text)).toEqual(['hello', 'err-part', 'other instance', 'wor']);
  });

  it('keeps only the newest lines up to its capacity', () => {
    const { logs } = store(3);
    logs.append('m', 0, 'stdout', ['a', 'b', 'c', 'd', 'e'].join('\n') + '\n');
    expect(logs.tail('m').map((l) => l.text)).toEqual(['c', 'd', 'e']);
    expect(logs.tail('m', 1).map((l) => l.text)).toEqual(['e']);
  });

  it('defaults to 1000 lines per model', () => {
    const { logs } = store();
    for (let i = 0; i < 1500; i++) logs.append('m', 0, 'stdout', `line ${i}\n`);
    const lines = logs.tail('m');
    expect(lines).toHaveLength(1000);
    expect(lines[0]?.text).toBe('line 500');
  });

  it('cuts a line longer than 8 KiB, even one that arrives without a newline for a long time', () => {
    const { logs } = store();
    for (let i = 0; i < 100; i++) logs.append('m', 0, 'stderr', 'x'.repeat(1000));
    logs.append('m', 0, 'stderr', '\nshort\n');
    const [long, short] = logs.tail('m');
    expect(long?.text.length).toBeLessThanOrEqual(MAX_LINE_CHARS + 1);
    expect(long?.text.startsWith('xxxx')).toBe(true);
    expect(short?.text).toBe('short');
  });

  it('delivers new lines to subscribers until they unsubscribe', () => {
    const { logs } = store();
    const seen: LogLine[] = [];
    const unsubscribe = logs.subscribe('m', (l) => seen.push(l));
    logs.append('m', 0, 'stdout', 'one\n');
    logs.append('x', 0, 'stdout', 'not mine\n');
    unsubscribe();
    logs.append('m', 0, 'stdout', 'two\n');
    expect(seen.map((l) => l.text)).toEqual(['one']);
  });

  it('gives a subscriber of the bare model the lines of instances started after it subscribed', () => {
    const { logs } = store();
    const seen: string[] = [];
    logs.subscribe('m', (l) => seen.push(l.text));
    logs.append('m', 7, 'stderr', 'from a later instance\n');
    logs.append('m', 8, 'stderr', 'and the next one\n');
    expect(seen).toEqual(['from a later instance', 'and the next one']);
  });

  it('keeps delivering to other subscribers when one throws', () => {
    const { logs } = store();
    const seen: string[] = [];
    logs.subscribe('m', () => {
      throw new Error('socket closed');
    });
    logs.subscribe('m', (l) => seen.push(l.text));
    expect(() => logs.append('m', 0, 'stdout', 'a\nb\n')).not.toThrow();
    expect(seen).toEqual(['a', 'b']);
    expect(logs.tail('m')).toHaveLength(2);
  });

  it('lists models with lines and clears one while keeping its subscribers', () => {
    const { logs } = store();
    logs.append('model-b', 0, 'stdout', 'x\n');
    logs.append('model-a', 1, 'stdout', 'y\n');
    logs.append('model-c', 0, 'stdout', 'partial only');
    expect(logs.models()).toEqual(['model-a', 'model-b']);
    const seen: string[] = [];
    logs.subscribe('model-a', (l) => seen.push(l.text));
    logs.clear('model-a');
    expect(logs.tail('model-a')).toEqual([]);
    logs.append('model-a', 1, 'stdout', 'after clear\n');
    expect(seen).toEqual(['after clear']);
    expect(logs.tail('model-a').map((l) => l.text)).toEqual(['after clear']);
  });

  it('finds the last non-empty line of an instance on a stream', () => {
    const { logs } = store();
    logs.append('m', 0, 'stderr', 'error: model file not found\n\n');
    logs.append('m', 0, 'stdout', 'something else\n');
    logs.append('m', 1, 'stderr', 'other instance\n');
    expect(logs.lastLine('m', 0, 'stderr')).toBe('error: model file not found');
    expect(logs.lastLine('m', 2, 'stderr')).toBeNull();
  });
});
