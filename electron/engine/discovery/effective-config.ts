import type { LoadoutConfig } from '../config/types.js';
import type { Discovery } from './discovery.js';
import { mergeDiscovered, type MergeOptions } from './merge-discovered.js';

export interface Effective {
  config: LoadoutConfig;
  /** The file's warnings, discovery's and the merge's, in that order. */
  warnings: string[];
}

/**
 * The config the engine runs on: the last valid file config plus the models found by discovery
 * (configured ones win). `set` follows a (re)loaded file, rescanning when its folders changed;
 * `compose` recombines after discovery saw a change on disk.
 */
export class EffectiveConfig {
  private base: LoadoutConfig | null = null;
  private baseWarnings: string[] = [];

  constructor(
    private readonly discovery: Discovery,
    private readonly opts: MergeOptions,
  ) {}

  async set(config: LoadoutConfig, warnings: string[]): Promise<Effective> {
    this.base = config;
    this.baseWarnings = warnings;
    await this.discovery.setFolders(config.discover ?? []);
    return this.compose();
  }

  compose(): Effective {
    if (!this.base) throw new Error('EffectiveConfig.compose before set');
    const found = this.discovery.current();
    const merged = mergeDiscovered(this.base, found.models, this.opts);
    return { config: merged.config, warnings: [...this.baseWarnings, ...found.warnings, ...merged.warnings] };
  }
}
