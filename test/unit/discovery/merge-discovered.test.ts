import { describe, expect, it } from 'vitest';
import type { DiscoveredModel } from '../../../electron/engine/discovery/discover-models.js';
import { mergeDiscovered } from '../../../electron/engine/discovery/merge-discovered.js';
import type { LoadoutConfig } from '../../../electron/engine/config/types.js';
import { config, model } from '../engine/harness.js';

const LLAMA = { cmd: 'llama-server --port ${PORT} -m ${MODEL} --alias ${NAME} ${ARGS}', health: '/health', env: {}, protocol: 'http' as const };
const BUILTIN = { cmd: 'loadout-builtin --port ${PORT} -m ${MODEL}', health: '/health', env: {}, protocol: 'http' as const };

function found(name: string, file: string, mmproj: string | null = null): DiscoveredModel {
  return { name, file, mmproj, facts: { files: [file], sizeBytes: 1, architecture: 'llama', parameterCount: 1, quantization: 'Q4_K_M', contextLength: 4096 } };
}

function withBackends(c: LoadoutConfig, backends: LoadoutConfig['backends']): LoadoutConfig {
  return { ...c, backends };
}

describe('mergeDiscovered', () => {
  it('adds discovered models as ordinary models with source discovered and their facts', () => {
    const base = withBackends(config([model('configured')]), { 'llama-server': LLAMA });
    const { config: c, warnings } = mergeDiscovered(base, [found('Tiny', '/m/Tiny.gguf', '/m/mmproj.gguf')], { llamaServerOnPath: true });
    expect(warnings).toEqual([]);
    expect(c.models.map((m) => m.name)).toEqual(['Tiny', 'configured']);
    expect(c.models[0]).toMatchObject({
      cmd: LLAMA.cmd, backend: 'llama-server', model: '/m/Tiny.gguf', args: '--mmproj /m/mmproj.gguf', mmproj: '/m/mmproj.gguf',
      sourceKind: 'discovered', sourceFile: '/m/Tiny.gguf', pinned: false, gguf: { architecture: 'llama', quantization: 'Q4_K_M' },
    });
  });

  it('lets a configured model for the same file win', () => {
    const base = withBackends(config([model('mine', { model: '/m/Tiny.gguf' })]), { 'llama-server': LLAMA });
    expect(mergeDiscovered(base, [found('Tiny', '/m/Tiny.gguf')], { llamaServerOnPath: true }).config.models.map((m) => m.name)).toEqual(['mine']);
  });

  it('gives a discovered model whose name is taken by a configured name or alias a suffix', () => {
    const base = withBackends(config([model('Tiny', { aliases: ['Tiny-2'] })]), { 'llama-server': LLAMA });
    const names = mergeDiscovered(base, [found('Tiny', '/m/Tiny.gguf')], { llamaServerOnPath: true }).config.models.map((m) => m.name);
    expect(names).toEqual(['Tiny', 'Tiny-3']);
  });

  it('uses the built-in backend when llama-server is not on PATH, passing the projector as llama-server does', () => {
    const base = withBackends(config([]), { 'llama-server': LLAMA, builtin: BUILTIN });
    const [m] = mergeDiscovered(base, [found('Tiny', '/m/Tiny.gguf', '/m/p.gguf')], { llamaServerOnPath: false }).config.models;
    expect(m).toMatchObject({ backend: 'builtin', cmd: BUILTIN.cmd, args: '--mmproj /m/p.gguf', mmproj: '/m/p.gguf' });
  });

  it('uses discover_backend when set', () => {
    const base = { ...withBackends(config([]), { 'llama-server': LLAMA, mine: BUILTIN }), discoverBackend: 'mine' };
    expect(mergeDiscovered(base, [found('Tiny', '/m/Tiny.gguf')], { llamaServerOnPath: true }).config.models[0]?.backend).toBe('mine');
  });

  it('warns, and falls back to llama-server, when the wanted backend does not exist', () => {
    const base = withBackends(config([]), { 'llama-server': LLAMA });
    const r = mergeDiscovered(base, [found('Tiny', '/m/Tiny.gguf')], { llamaServerOnPath: false });
    expect(r.config.models[0]?.backend).toBe('llama-server');
    expect(r.warnings).toEqual([expect.stringContaining('no "builtin" backend is available')]);
  });
});
