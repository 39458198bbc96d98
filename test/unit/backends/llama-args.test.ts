import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../../../electron/engine/backends/builtin/server-args.js';
import { parseLlamaArgs } from '../../../electron/engine/backends/llama-args.js';

describe('parseLlamaArgs', () => {
  it('reads llama-server’s model options in short, long and --flag=value spellings', () => {
    const r = parseLlamaArgs(['-c', '4096', '--n-gpu-layers=20', '-t', '6', '--parallel', '4', '-b', '256', '--embeddings', '--mmproj', '/m/proj.gguf', '--mlock', '--no-mmap', '--alias', 'chat']);
    expect(r).toEqual({
      ok: true,
      options: { contextSize: 4096, gpuLayers: 20, threads: 6, parallel: 4, batchSize: 256, embeddings: true, mmproj: '/m/proj.gguf', mlock: true, noMmap: true, alias: 'chat', options: [] },
    });
  });

  it('takes -c8192, --ctx-size=N, -ngl all, and key:value backend options', () => {
    const r = parseLlamaArgs(['-c8192', '-ngl', 'all', 'use_jinja:true', 'cache_type_k:q8_0']);
    expect(r.ok && r.options).toMatchObject({ contextSize: 8192, gpuLayers: -1, options: ['use_jinja:true', 'cache_type_k:q8_0'] });
    expect(parseLlamaArgs(['--ctx-size=512']).ok && parseLlamaArgs(['--ctx-size=512'])).toMatchObject({ options: { contextSize: 512 } });
  });

  it('leaves unset options null, so each backend applies its own default', () => {
    expect(parseLlamaArgs([])).toEqual({
      ok: true,
      options: { contextSize: null, gpuLayers: null, threads: null, parallel: null, batchSize: null, embeddings: false, mmproj: null, mlock: false, noMmap: false, alias: null, options: [] },
    });
  });

  it.each([
    [['--temperature', '0.5'], 'unknown argument "--temperature"'],
    [['-np', '0'], '-np: expected a whole number above 0, got "0"'],
    [['-c', 'big'], '-c: expected a whole number, got "big"'],
    [['-t'], '-t: expected a whole number, got nothing'],
    [['--mmproj'], '--mmproj: expected a value'],
  ])('refuses %j naming the argument', (argv, error) => {
    expect(parseLlamaArgs(argv)).toEqual({ ok: false, error });
  });
});

describe('parseServerArgs (the built-in backend’s command line)', () => {
  it('takes llama-server’s --host/--port/-m and names the model by --alias, else by its file', () => {
    const r = parseServerArgs(['--host', '127.0.0.1', '--port', '4000', '-m', '/models/Qwen3-8B.gguf', '-c', '2048']);
    expect(r.ok && r.args).toMatchObject({ host: '127.0.0.1', port: 4000, model: '/models/Qwen3-8B.gguf', name: 'Qwen3-8B', llama: { contextSize: 2048 } });
    const aliased = parseServerArgs(['--port', '4000', '-m', '/m.gguf', '--alias', 'chat']);
    expect(aliased.ok && aliased.args.name).toBe('chat');
  });

  it.each([
    [['-m', '/m.gguf'], '--port: expected a port number'],
    [['--port', '70000', '-m', '/m.gguf'], '--port: expected a port number'],
    [['--port', '4000'], '-m: the model file is required'],
    [['--port', '4000', '-m', '/m.gguf', '--bogus'], 'unknown argument "--bogus"'],
  ])('refuses %j with a reason', (argv, error) => {
    expect(parseServerArgs(argv)).toEqual({ ok: false, error });
  });
});
