import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { peakKey } from '../../../electron/engine/gpu/measured-vram.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { appendDuration, estimateLoadMs, LOAD_HISTORY } from '../../../electron/engine/progress/load-eta.js';
import { LoadTimes } from '../../../electron/engine/progress/load-times.js';
import { model } from '../engine/harness.js';

describe('estimateLoadMs', () => {
  it('has no estimate before the first successful load', () => {
    expect(estimateLoadMs([])).toBeNull();
  });

  it('is the median of the last five loads, so one cold start does not swing it', () => {
    expect(estimateLoadMs([4000])).toBe(4000);
    expect(estimateLoadMs([4000, 6000])).toBe(5000);
    expect(estimateLoadMs([4000, 90_000, 4200])).toBe(4200);
    // Only the last five count: the early slow loads are forgotten.
    expect(estimateLoadMs([60_000, 60_000, 60_000, 3000, 3100, 2900, 3300, 3200])).toBe(3100);
  });

  it('keeps the last LOAD_HISTORY durations, oldest first', () => {
    let d: number[] = [];
    for (let i = 1; i <= LOAD_HISTORY + 2; i++) d = appendDuration(d, i * 1000);
    expect(d).toEqual([3000, 4000, 5000, 6000, 7000]);
  });
});

/** Resolves after the current turn of the event loop (and its setImmediate callbacks) is over. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LoadTimes', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('remembers load times across restarts, per way of running the model', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-load-times-'));
    const q8k = model('qwen', { args: '-c 8192' });
    const first = LoadTimes.inStateDir(dir, silentLogger);
    first.record(q8k, 4000);
    first.record(q8k, 6000);
    first.record(q8k, 5000);
    await nextTurn();
    const again = LoadTimes.inStateDir(dir, silentLogger);
    expect(again.etaMs(q8k)).toBe(5000);
    expect(again.etaMs({ ...q8k })).toBe(5000); // a reloaded config with the same launch
    // Another context size is another launch: no estimate borrowed from the old one.
    expect(again.etaMs(model('qwen', { args: '-c 2048' }))).toBeNull();
    const file = JSON.parse(readFileSync(join(dir, 'load-times.json'), 'utf8')) as Record<string, number[]>;
    expect(Object.values(file)).toEqual([[4000, 6000, 5000]]);
  });

  it('knows a load time at once and writes it after the caller\'s turn, one write for a burst', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-load-times-'));
    const file = join(dir, 'load-times.json');
    const times = LoadTimes.inStateDir(dir, silentLogger);
    times.record(model('a'), 2000);
    times.record(model('b'), 3000);
    // The load that recorded it is answered before any file is touched.
    expect(times.etaMs(model('a'))).toBe(2000);
    expect(existsSync(file)).toBe(false);
    await nextTurn();
    expect(Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[]>)).toEqual([[2000], [3000]]);
    times.record(model('a'), 4000);
    await nextTurn();
    expect(LoadTimes.inStateDir(dir, silentLogger).etaMs(model('a'))).toBe(3000);
  });

  it('starts empty from a damaged file and skips values that are not durations', () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-load-times-'));
    writeFileSync(join(dir, 'load-times.json'), '{ not json');
    expect(LoadTimes.inStateDir(dir, silentLogger).etaMs(model('a'))).toBeNull();
    const a = model('a');
    writeFileSync(join(dir, 'load-times.json'), JSON.stringify({ [peakKey(a)]: [2000, 'x', -5, null, 4000] }));
    expect(LoadTimes.inStateDir(dir, silentLogger).etaMs(a)).toBe(3000);
  });

  it('keeps loading when the state dir cannot be written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-load-times-'));
    writeFileSync(join(dir, 'a-file'), '');
    const warnings: string[] = [];
    const times = new LoadTimes(join(dir, 'a-file', 'load-times.json'), { ...silentLogger, warn: (msg: string) => warnings.push(msg) });
    times.record(model('a'), 2500);
    expect(times.etaMs(model('a'))).toBe(2500);
    await nextTurn();
    expect(warnings).toEqual(['cannot remember the load time']);
  });
});
