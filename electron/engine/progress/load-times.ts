import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../config/types.js';
import { peakKey } from '../gpu/measured-vram.js';
import type { Logger } from '../platform/logger.js';
import { writeJsonSync } from '../platform/write-json-sync.js';
import { appendDuration, estimateLoadMs } from './load-eta.js';

/**
 * Each model's last successful load durations, remembered across restarts in `<stateDir>/load-times.json`
 * and keyed like the measured VRAM peaks: a changed command, file, args or env starts a new history
 * (a smaller `-c` or fewer GPU layers loads at a different speed).
 */
export class LoadTimes {
  private readonly byKey = new Map<string, number[]>();
  /** peakKey hashes the launch; a config object is immutable, so its key is computed once. */
  private readonly keys = new WeakMap<ModelConfig, string>();
  private writeQueued = false;

  constructor(
    private readonly file: string | null,
    private readonly logger: Logger,
  ) {
    if (!file) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [k, v] of Object.entries(data)) {
        if (Array.isArray(v)) this.byKey.set(k, v.filter((d): d is number => typeof d === 'number' && Number.isFinite(d) && d >= 0));
      }
    } catch {
      // no file yet, or unreadable: start empty; it is rewritten after the next successful load
    }
  }

  static inStateDir(stateDir: string, logger: Logger): LoadTimes {
    return new LoadTimes(join(stateDir, 'load-times.json'), logger);
  }

  /** The expected duration of the model's next load, or null before its first successful one. */
  etaMs(model: ModelConfig): number | null {
    return estimateLoadMs(this.byKey.get(this.key(model)) ?? []);
  }

  /**
   * A successful load took `ms`. Known at once in memory; written to the file in the next turn of the
   * event loop, after the load's callers got their answer (an atomic rewrite costs ~0.5 ms, most of a
   * load's own budget). Records of the same turn share one write.
   */
  record(model: ModelConfig, ms: number): void {
    const key = this.key(model);
    this.byKey.set(key, appendDuration(this.byKey.get(key) ?? [], ms));
    if (!this.file || this.writeQueued) return;
    this.writeQueued = true;
    setImmediate(() => this.persist(model.name));
  }

  private persist(model: string): void {
    this.writeQueued = false;
    if (!this.file) return;
    try {
      writeJsonSync(this.file, Object.fromEntries(this.byKey));
    } catch (err) {
      // A read-only state dir costs the estimate, not the load.
      this.logger.warn('cannot remember the load time', { model, file: this.file, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private key(model: ModelConfig): string {
    let k = this.keys.get(model);
    if (k === undefined) this.keys.set(model, (k = peakKey(model)));
    return k;
  }
}
