import type { GpuDevice, GpuSource } from '../../../shared/gpu.js';

export interface RamFacts {
  totalmem: number;
  freemem: number;
  platform: NodeJS.Platform;
  arch: string;
}

/**
 * The fallback "device" when no GPU can be read: system memory. On Apple Silicon it is the real
 * pool (unified memory), so it is labelled as such; elsewhere it is the CPU backend's budget.
 * Pure: callers pass os.totalmem()/os.freemem().
 */
export function ramDevice(facts: RamFacts): { source: GpuSource; device: GpuDevice } {
  const unified = facts.platform === 'darwin' && facts.arch === 'arm64';
  return {
    source: unified ? 'unified' : 'ram',
    device: {
      index: 0,
      name: unified ? 'Apple unified memory' : 'System memory',
      vendor: unified ? 'apple' : 'system',
      total_bytes: facts.totalmem,
      used_bytes: Math.max(0, facts.totalmem - facts.freemem),
    },
  };
}
