import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFiles } from '../../../electron/engine/supervisor/log-files.js';
import { Harness, waitForLine } from './harness.js';

// Backend output on disk (issue 10 item 7): per model, bounded, rotated, timestamped, one separator per run.

let h: Harness;
let dir: string;
afterEach(async () => {
  await h.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const MAX = 64 * 1024;
const KEEP = 2;
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (out|err) /;
const SEPARATOR = /^── instance (\d+) started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(pid (\d+)\) ──$/;

function setup(): LogFiles {
  dir = mkdtempSync(join(tmpdir(), 'loadout-logfiles-'));
  const files = new LogFiles({ dir, maxBytes: MAX, keep: KEEP });
  h = new Harness({ sink: files });
  return files;
}

const read = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => l !== '');

describe('LogFiles with a real backend', () => {
  it('keeps a flooding backend to maxBytes per file and `keep` rotated files, every line timestamped', async () => {
    const files = setup();
    const b = await h.backend(['--flood-logs', '20000']);
    expect((await b.start()).ok).toBe(true);
    await waitForLine(h.logs, 'fake', /flood line 19999/);
    await files.flush();

    expect(readdirSync(dir).sort()).toEqual(['fake.log', 'fake.log.1', 'fake.log.2']);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(MAX);
    const current = read('fake.log');
    // The newest flood line is in the current file (the backend's own lines on stderr, such as its
    // listening line, may come before or after it: two pipes, read as they come).
    expect(current.filter((l) => / out flood line /.test(l)).at(-1)).toMatch(/ out flood line 19999$/);
    for (const f of ['fake.log', 'fake.log.1', 'fake.log.2']) {
      for (const l of read(f)) expect(l).toMatch(l.startsWith('──') ? /line\(s\) not written/ : LINE);
    }
    // The oldest lines were rotated away: the files hold the newest, in order.
    const numbers = [...read('fake.log.2'), ...read('fake.log.1'), ...current]
      .map((l) => /flood line (\d+)$/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(numbers[0]).toBeGreaterThan(0);
    expect(numbers.at(-1)).toBe(19999);
    expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!)).toBe(true);
  });

  it('writes a separator naming the instance and pid at each start of the model', async () => {
    const files = setup();
    const first = await h.backend([]);
    expect((await first.start()).ok).toBe(true);
    const firstPid = first.pid!;
    await first.stop();
    const second = await h.backend([]);
    expect((await second.start()).ok).toBe(true);
    await waitForLine(h.logs, 'fake', /all slots are idle/);
    await files.flush();

    const lines = read('fake.log');
    const separators = lines.filter((l) => l.startsWith('──')).map((l) => SEPARATOR.exec(l));
    expect(separators.map((m) => m && [Number(m[1]), Number(m[2])])).toEqual([
      [first.spec.instance, firstPid],
      [second.spec.instance, second.pid],
    ]);
    expect(lines[0]).toMatch(SEPARATOR);
    const between = lines.slice(1, lines.indexOf(lines.find((l, i) => i > 0 && SEPARATOR.test(l))!));
    expect(between.some((l) => l.includes(`build: fake-backend`))).toBe(true);
    for (const l of lines.filter((x) => !x.startsWith('──'))) expect(l).toMatch(LINE);
  });
});
