import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock, type Timer } from '../platform/clock.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { discoverModels, type DiscoveryResult, type HeaderCache } from './discover-models.js';

export interface DiscoveryOptions {
  /** Called after a rescan that was triggered by a change on disk. */
  onChange: (result: DiscoveryResult) => void;
  /** Downloads and copies write in many steps; one rescan follows the burst. */
  debounceMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Keeps the models found in the discover folders current: scans on `setFolders`, watches each
 * folder (recursively) and rescans after changes settle. A folder that is missing or vanishes is
 * a warning in the result; its parent is watched instead, so the folder coming (back) is noticed.
 */
export class Discovery {
  private folders: string[] = [];
  private result: DiscoveryResult = { models: [], warnings: [], missing: [] };
  private readonly cache: HeaderCache = new Map();
  private watchers: FSWatcher[] = [];
  private timer: Timer | null = null;
  private scanning: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly debounceMs: number;

  constructor(private readonly opts: DiscoveryOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    this.debounceMs = opts.debounceMs ?? 300;
  }

  current(): DiscoveryResult {
    return this.result;
  }

  /** Scans `folders` now when they differ from the last ones (or always with `force`). */
  async setFolders(folders: readonly string[], force = false): Promise<DiscoveryResult> {
    const same = folders.length === this.folders.length && folders.every((f, i) => f === this.folders[i]);
    if (same && !force) return this.result;
    this.folders = [...folders];
    await this.rescan();
    return this.result;
  }

  /** Rescans, one scan at a time; resolves when this one is done. */
  rescan(): Promise<void> {
    this.scanning = this.scanning.then(async () => {
      if (this.disposed) return;
      this.result = await discoverModels(this.folders, this.cache);
      this.rewatch();
    });
    return this.scanning;
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.timer = null;
    this.closeWatchers();
  }

  private schedule(): void {
    if (this.disposed) return;
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.rescan()
        .then(() => {
          if (!this.disposed) this.opts.onChange(this.result);
        })
        .catch((e: unknown) => this.log.error('model discovery failed', { error: String(e) }));
    }, this.debounceMs);
  }

  private rewatch(): void {
    this.closeWatchers();
    const missing = new Set(this.result.missing);
    for (const folder of this.folders) {
      const w = missing.has(folder) ? this.watchOne(path.dirname(folder), false) : this.watchOne(folder, true);
      if (w) this.watchers.push(w);
    }
  }

  private watchOne(dir: string, recursive: boolean): FSWatcher | null {
    try {
      const w = watch(dir, { persistent: false, recursive }, () => this.schedule());
      // A watched folder that is deleted ends its watch with an error on some platforms: rescan, which re-watches.
      w.on('error', (e) => {
        this.log.warn('discover folder watch ended', { dir, error: String(e) });
        this.schedule();
      });
      return w;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return null;
      throw e;
    }
  }

  private closeWatchers(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
