import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ModelConfig } from '../config/types.js';
import { writeJsonSync } from '../platform/write-json-sync.js';

/**
 * A peak belongs to one way of running a model: its command, file, args and environment. Lowering
 * `-c` or changing `-ngl` starts a new record instead of planning on the old peak.
 */
export function peakKey(m: Pick<ModelConfig, 'name' | 'cmd' | 'model' | 'args' | 'env'>): string {
  const launch = createHash('sha256').update(JSON.stringify([m.cmd, m.model, m.args, m.env])).digest('hex').slice(0, 16);
  return `${m.name}#${launch}`;
}

/**
 * What each model really used the last time it ran (its peak), remembered across restarts in
 * `<stateDir>/vram.json`: the best predictor of its next load, better than any estimate.
 */
export class MeasuredVram {
  private readonly peaks = new Map<string, number>();
  private dirty = false;

  constructor(private readonly file: string | null) {
    if (!file) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [k, v] of Object.entries(data)) if (typeof v === 'number' && v > 0) this.peaks.set(k, v);
    } catch {
      // no file yet, or unreadable: start empty; it is rewritten on the next measurement
    }
  }

  static inStateDir(stateDir: string): MeasuredVram {
    return new MeasuredVram(join(stateDir, 'vram.json'));
  }

  get(model: string): number | null {
    return this.peaks.get(model) ?? null;
  }

  record(model: string, bytes: number): void {
    if (bytes <= (this.peaks.get(model) ?? 0)) return;
    this.peaks.set(model, bytes);
    this.dirty = true;
  }

  /** Writes atomically when something changed (called on sample ticks, cheap when clean). */
  flush(): void {
    if (!this.dirty || !this.file) return;
    this.dirty = false;
    writeJsonSync(this.file, Object.fromEntries(this.peaks));
  }
}
