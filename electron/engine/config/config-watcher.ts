import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock, type Timer } from '../platform/clock.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import type { ConfigResult } from './types.js';

export interface ConfigWatcherOptions {
  load: (file: string) => Promise<ConfigResult>;
  onChange: (result: ConfigResult) => void;
  /** Editors save in several steps (truncate, write, rename); one reload follows the burst. */
  debounceMs?: number;
  modelsDir?: string | null;
  clock?: Clock;
  logger?: Logger;
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Reports the config whenever what is on disk changes (CONTRACT §2: edits are picked up live).
 * It watches the config's directory, not the file: editors and our own write-back save by
 * renaming a temp file over it, which silently ends a watch on the old inode. It reports every
 * result, valid or not; keeping the last good config is the engine's decision. A content hash of
 * the config and models_dir files stops an unchanged file (a touch, a no-op save) being reported.
 * A symlinked config is watched at both ends: the link's directory (the link may be re-pointed) and
 * its target's directory (edits there are what the user makes; issue 8), re-resolved on every check.
 */
export class ConfigWatcher {
  private readonly file: string;
  private readonly debounceMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private modelsDir: string | null;
  private configWatch: FSWatcher | null = null;
  private modelsWatch: FSWatcher | null = null;
  /** Where a symlinked config really lives, and the watch on that directory. */
  private target: string | null = null;
  private targetWatch: FSWatcher | null = null;
  private timer: Timer | null = null;
  private lastHash: string | null = null;
  private running: Promise<boolean> | null = null;
  private again = false;
  private disposed = false;

  constructor(file: string, private readonly opts: ConfigWatcherOptions) {
    this.file = path.resolve(file);
    this.debounceMs = opts.debounceMs ?? 100;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    this.modelsDir = opts.modelsDir ?? null;
  }

  /** Takes the current content as already reported (the caller loaded it), then starts watching. */
  async start(): Promise<void> {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    this.configWatch = this.watchDir(dir, (name) => name === null || name === base);
    await this.followTarget();
    this.watchModelsDir();
    this.lastHash = await this.hash();
  }

  /** Follows a changed `models_dir` (also done on its own after each valid reload). */
  setModelsDir(dir: string | null): void {
    if (dir === this.modelsDir) return;
    this.modelsDir = dir;
    this.watchModelsDir();
  }

  /** Re-reads now; resolves true when a changed content was reported. */
  refresh(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.check().finally(() => {
      this.running = null;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.timer = null;
    this.configWatch?.close();
    this.modelsWatch?.close();
    this.targetWatch?.close();
    this.configWatch = this.modelsWatch = this.targetWatch = null;
  }

  private async check(): Promise<boolean> {
    await this.followTarget();
    if (this.disposed) return false;
    const hash = await this.hash();
    if (this.disposed || hash === this.lastHash) return false;
    const result = await this.opts.load(this.file);
    if (this.disposed) return false;
    this.lastHash = hash;
    if (result.ok && result.config.modelsDir !== this.modelsDir) {
      this.setModelsDir(result.config.modelsDir);
      // The hash now covers the new models_dir too, so its files are not reported a second time.
      this.lastHash = await this.hash();
      if (this.disposed) return false;
    }
    this.opts.onChange(result);
    return true;
  }

  private schedule(): void {
    if (this.disposed) return;
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.refresh().catch((e: unknown) => this.log.error('config reload failed', { file: this.file, error: String(e) }));
    }, this.debounceMs);
  }

  /** Watches the directory of the config's symlink target; follows the link when it is re-pointed. */
  private async followTarget(): Promise<void> {
    const real = await realpath(this.file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return this.file;
      throw e;
    });
    const target = real === this.file ? null : real;
    if (this.disposed || target === this.target) return;
    this.targetWatch?.close();
    this.target = target;
    const base = target && path.basename(target);
    this.targetWatch = target ? this.watchDir(path.dirname(target), (name) => name === null || name === base) : null;
  }

  private watchModelsDir(): void {
    this.modelsWatch?.close();
    this.modelsWatch = this.modelsDir ? this.watchDir(this.modelsDir, (name) => name === null || YAML_FILE.test(name)) : null;
  }

  private watchDir(dir: string, relevant: (name: string | null) => boolean): FSWatcher | null {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (relevant(name === null ? null : String(name))) this.schedule();
      });
      w.on('error', (e) => this.log.warn('config watch failed', { dir, error: String(e) }));
      return w;
    } catch (e) {
      // A models_dir that does not exist yet is a normal state; loadConfig warns about it.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** What a reload would read: the config and every models_dir YAML, in name order. */
  private async hash(): Promise<string> {
    const h = createHash('sha256');
    h.update(await readOrMissing(this.file));
    if (this.modelsDir) {
      const names = (await readdir(this.modelsDir).catch(missingAsEmpty)).filter((n) => YAML_FILE.test(n)).sort();
      for (const n of names) h.update(`\0${n}\0`).update(await readOrMissing(path.join(this.modelsDir, n)));
    }
    return h.digest('hex');
  }
}

async function readOrMissing(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '\0missing';
    throw e;
  }
}

function missingAsEmpty(e: NodeJS.ErrnoException): string[] {
  if (e.code === 'ENOENT') return [];
  throw e;
}
