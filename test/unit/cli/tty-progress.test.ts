import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../../shared/load-progress.js';
import { loadDuration, PlainProgress, progressFrame, TtyProgress } from '../../../electron/cli/tty-progress.js';

const p = (o: Partial<LoadProgress> = {}): LoadProgress => ({ percent: null, elapsedMs: 12_000, etaMs: 40_000, waitingFor: [], ...o });

/** A terminal stream that records what was written. */
function fakeTty(columns = 80) {
  const chunks: string[] = [];
  return { chunks, stream: { columns, write: (c: string) => void chunks.push(c) } };
}

describe('progressFrame', () => {
  it('draws a bar with the percentage, elapsed time and estimate', () => {
    expect(progressFrame('qwen3-8b', p({ percent: 45 }), 0)).toBe('⠋ qwen3-8b [#########-----------] 45 % · 12 s of ~40 s');
  });

  it('spins without a bar where the backend reports no percentage', () => {
    expect(progressFrame('qwen3-8b', p(), 1)).toBe('⠙ qwen3-8b 12 s of ~40 s');
  });

  it('says what the load waits for', () => {
    expect(progressFrame('qwen3-8b', p({ waitingFor: ['gemma3-27b'] }), 2)).toBe('⠹ qwen3-8b waiting for gemma3-27b · 12 s');
  });

  it('never draws wider than the terminal, so the line can be redrawn in place', () => {
    const line = progressFrame('a-model-with-a-very-long-name-indeed', p({ percent: 10 }), 0, 40);
    expect(line.length).toBeLessThan(40);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('TtyProgress', () => {
  it('redraws one line in place and erases it when done, never starting a new line', () => {
    const t = fakeTty();
    const bar = new TtyProgress(t.stream);
    bar.draw('m', p({ percent: 10 }));
    bar.draw('m', p({ percent: 20 }));
    bar.clear();
    expect(t.chunks).toHaveLength(3);
    for (const c of t.chunks) expect(c.startsWith('\r\x1b[2K')).toBe(true);
    expect(t.chunks.join('')).not.toContain('\n');
    expect(t.chunks[1]).toContain('20 %');
    expect(t.chunks[2]).toBe('\r\x1b[2K');
  });

  it('writes nothing on clear when nothing was drawn', () => {
    const t = fakeTty();
    new TtyProgress(t.stream).clear();
    expect(t.chunks).toEqual([]);
  });
});

describe('PlainProgress', () => {
  it('prints a line per change worth one: what it waits for, then each new percentage', () => {
    const lines: string[] = [];
    const plain = new PlainProgress((l) => lines.push(l));
    plain.draw('m', p({ waitingFor: ['x'] }));
    plain.draw('m', p({ waitingFor: ['x'], elapsedMs: 13_000 }));
    plain.draw('m', p());
    plain.draw('m', p({ percent: 30 }));
    plain.draw('m', p({ percent: 30, elapsedMs: 14_000 }));
    plain.draw('m', p({ percent: 60 }));
    expect(lines).toEqual(['m waits for x', 'm 30 %', 'm 60 %']);
  });
});

describe('loadDuration', () => {
  it('gives a tenth of a second below a minute', () => {
    expect(loadDuration(4230)).toBe('4.2 s');
    expect(loadDuration(95_000)).toBe('1 min 35 s');
  });
});
