import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import { DEFAULT_WATCHDOG, type ConfigResult, type LoadoutConfig } from '../../../electron/engine/config/types.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();
const HOME = '/home/user';

async function load(text: string, env: Record<string, string | undefined> = {}, llamaServerOnPath = true): Promise<LoadoutConfig> {
  const r = await loadConfig(await tmp.write('config.yaml', text), { homeDir: HOME, env, platform: 'linux', llamaServerOnPath, execPath: '/usr/bin/node' });
  if (!r.ok) throw new Error(`expected a valid config, got ${JSON.stringify(r.error)}`);
  return r.config;
}

function model(config: LoadoutConfig, name: string) {
  const m = config.models.find((x) => x.name === name);
  if (!m) throw new Error(`no model ${name}`);
  return m;
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty file', async () => {
    const c = await load('');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 11500 });
    expect(c.stateDir).toBe('/home/user/.local/state/loadout');
    expect(c.modelsDir).toBeNull();
    expect(c.apiKey).toBeNull();
    expect(c.watchdog).toEqual(DEFAULT_WATCHDOG);
    expect(c.models).toEqual([]);
    expect(Object.keys(c.backends)).toEqual(['llama-server', 'builtin']);
  });

  it('uses the platform state directory when state_dir is not set', async () => {
    const file = await tmp.write('config.yaml', '');
    const mac = (await loadConfig(file, { homeDir: '/Users/u', platform: 'darwin', env: {} })) as Extract<ConfigResult, { ok: true }>;
    expect(mac.config.stateDir).toBe('/Users/u/Library/Application Support/loadout/state');
    const win = (await loadConfig(file, { homeDir: 'C:\\Users\\u', platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' } })) as Extract<ConfigResult, { ok: true }>;
    expect(win.config.stateDir).toBe('C:\\Users\\u\\AppData\\Local\\loadout\\state');
  });

  it('reads the CONTRACT example: templates, macros, durations, sizes, groups', async () => {
    const c = await load(`
listen: 127.0.0.1:11501
state_dir: ~/state
models_dir: null
api_key: sk-local
watchdog:
  interval: 250ms
  idle_timeout: 10m
  max_active: 2
  vram_headroom: 1GiB
  stop_timeout: 3
backends:
  llama-server:
    cmd: llama-server --host 127.0.0.1 --port \${PORT} -m \${MODEL} \${ARGS}
    health: /health
models:
  qwen3-8b:
    backend: llama-server
    model: ~/models/Qwen3-8B-Q4_K_M.gguf
    args: -c 8192 -ngl 99
    pinned: true
    concurrency_groups: [" big", big, "", small]
    ttl: 30m
    vram: 6GiB
  embedder:
    cmd: my-server --port \${PORT}
    health: /healthz
    env: { CUDA_VISIBLE_DEVICES: "1" }
    aliases: [text-embedding-3-small, " ", embedder]
    unlisted: true
`);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 11501 });
    expect(c.stateDir).toBe('/home/user/state');
    expect(c.apiKey).toBe('sk-local');
    expect(c.watchdog).toEqual({ ...DEFAULT_WATCHDOG, intervalMs: 250, idleTimeoutMs: 600_000, maxActive: 2, vramHeadroomBytes: 1024 ** 3, stopTimeoutMs: 3000 });
    expect(c.models.map((m) => m.name)).toEqual(['embedder', 'qwen3-8b']);
    expect(model(c, 'qwen3-8b')).toMatchObject({
      backend: 'llama-server',
      cmd: 'llama-server --host 127.0.0.1 --port ${PORT} -m ${MODEL} ${ARGS}',
      health: '/health',
      model: '/home/user/models/Qwen3-8B-Q4_K_M.gguf',
      args: '-c 8192 -ngl 99',
      pinned: true,
      groups: ['big', 'small'],
      ttlMs: 1_800_000,
      vramBytes: 6 * 1024 ** 3,
      contextSize: 8192,
      sourceKind: 'main',
      sourceFile: path.join(tmp.dir(), 'config.yaml'),
    });
    expect(model(c, 'embedder')).toMatchObject({
      backend: null,
      cmd: 'my-server --port ${PORT}',
      health: '/healthz',
      model: null,
      env: { CUDA_VISIBLE_DEVICES: '1' },
      aliases: ['text-embedding-3-small'],
      unlisted: true,
      pinned: false,
      ttlMs: null,
      contextSize: null,
    });
  });

  it('offers the built-in llama-server template without a backends: section', async () => {
    const c = await load('models:\n  m:\n    backend: llama-server\n    model: m.gguf\n');
    expect(model(c, 'm')).toMatchObject({ cmd: 'llama-server --host 127.0.0.1 --port ${PORT} -m ${MODEL} --alias ${NAME} ${ARGS}', health: '/health' });
  });

  it('uses llama-server for a model that names only a model file when llama-server is installed', async () => {
    const c = await load('models:\n  m:\n    model: /m.gguf\n');
    expect(model(c, 'm').backend).toBe('llama-server');
  });

  it('uses the built-in backend for a model that names only a model file when llama-server is not installed', async () => {
    const c = await load('models:\n  m:\n    model: /m.gguf\n    args: -c 2048 -np 2\n', {}, false);
    expect(model(c, 'm')).toMatchObject({ backend: 'builtin', protocol: 'http', contextSize: 2048, env: { ELECTRON_RUN_AS_NODE: '1' } });
    expect(model(c, 'm').cmd).toMatch(/^\/usr\/bin\/node \S+\/builtin\/server\.js --host 127\.0\.0\.1 --port \$\{PORT\} -m \$\{MODEL\} --alias \$\{NAME\} \$\{ARGS\}$/);
  });

  it('looks llama-server up on PATH to choose the default backend', async () => {
    const bin = await tmp.write('bin/llama-server', '#!/bin/sh\n');
    const { chmod } = await import('node:fs/promises');
    await chmod(bin, 0o755);
    const file = await tmp.write('config.yaml', 'models:\n  m:\n    model: /m.gguf\n');
    const found = await loadConfig(file, { homeDir: HOME, env: { PATH: path.dirname(bin) }, platform: 'linux' });
    const missing = await loadConfig(file, { homeDir: HOME, env: { PATH: '/nonexistent' }, platform: 'linux' });
    expect(found.ok && found.config.models[0]!.backend).toBe('llama-server');
    expect(missing.ok && missing.config.models[0]!.backend).toBe('builtin');
  });

  it('reads protocol: grpc from a backend template and lets a model override it', async () => {
    const c = await load(`
backends:
  localai:
    cmd: /opt/localai/llama-cpp --addr 127.0.0.1:\${PORT}
    protocol: grpc
models:
  a:
    backend: localai
    model: /a.gguf
  b:
    cmd: my-server --port \${PORT}
    protocol: grpc
  c:
    model: /c.gguf
`);
    expect(c.models.map((m) => [m.name, m.protocol])).toEqual([['a', 'grpc'], ['b', 'grpc'], ['c', 'http']]);
  });

  it('warns that a health path means nothing to a gRPC backend, and takes its args as LoadModel options without a warning', async () => {
    const file = await tmp.write('config.yaml', 'models:\n  g:\n    cmd: b --addr 127.0.0.1:${PORT}\n    protocol: grpc\n    health: /healthz\n    args: -c 2048\n');
    const r = await loadConfig(file, { homeDir: HOME, env: {}, llamaServerOnPath: true });
    expect(r.ok && r.warnings).toEqual([`${file}: models.g.health: ignored, a gRPC backend is checked with its gRPC Health call`]);
  });

  it('resolves relative model paths against the config file directory', async () => {
    const c = await load('models:\n  m:\n    model: weights/m.gguf\n');
    expect(model(c, 'm').model).toBe(path.join(tmp.dir(), 'weights/m.gguf'));
  });

  it('merges template env under model env', async () => {
    const c = await load(`
backends:
  t:
    cmd: srv --port \${PORT}
    env: { A: from-template, B: from-template }
models:
  m:
    backend: t
    env: { B: from-model }
`);
    expect(model(c, 'm').env).toEqual({ A: 'from-template', B: 'from-model' });
    expect(model(c, 'm').health).toBe('/health');
  });

  it('takes the context size from --ctx-size in args, or context_size when given', async () => {
    const c = await load(`
models:
  a: { model: /a.gguf, args: "--ctx-size=4096 -ngl 10" }
  b: { model: /b.gguf, args: "--ctx-size 2048" }
  c: { model: /c.gguf, args: "-c 1024", context_size: 512 }
`);
    expect(c.models.map((m) => m.contextSize)).toEqual([4096, 2048, 512]);
  });

  it('accepts args as a list and keeps each item one argument', async () => {
    const c = await load('models:\n  m:\n    model: /m.gguf\n    args: ["--chat-template", "a b", -c, 128]\n');
    expect(model(c, 'm').args).toBe("--chat-template 'a b' -c 128");
    expect(model(c, 'm').contextSize).toBe(128);
  });

  it('parses a bracketed IPv6 listen address', async () => {
    expect((await load('listen: "[::1]:9000"\n')).listen).toEqual({ host: '::1', port: 9000 });
  });

  it('reads allowed_hosts lower-cased and de-duplicated; absent means none', async () => {
    expect((await load('allowed_hosts: [host.docker.internal, Host.Docker.Internal, "[fd00::1]", my_webui]\n')).allowedHosts).toEqual(['host.docker.internal', '[fd00::1]', 'my_webui']);
    expect((await load('')).allowedHosts).toBeUndefined();
  });

  it('warns when listening beyond loopback without an api_key', async () => {
    const r = await loadConfig(await tmp.write('config.yaml', 'listen: 0.0.0.0:11500\n'), { homeDir: HOME, env: {} });
    expect(r.ok && r.warnings.join('\n')).toMatch(/api_key is not set/);
  });

  it('reads the Ollama listener and keep_alive policy, warning for a listener beyond loopback without an api_key', async () => {
    const r = await loadConfig(await tmp.write('config.yaml', 'ollama_listen: 0.0.0.0:11434\nollama:\n  keep_alive: honour\n'), { homeDir: HOME, env: {} });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.config.ollamaListen).toEqual({ host: '0.0.0.0', port: 11434 });
    expect(r.config.ollama).toEqual({ keepAlive: 'honour' });
    expect(r.warnings.join('\n')).toMatch(/ollama_listen 0\.0\.0\.0:11434 is reachable from other machines/);
  });

  it('accepts ${env.VAR} when the variable is set in the environment or the model env', async () => {
    const c = await load('models:\n  m:\n    cmd: srv --port ${PORT} --key ${env.KEY} --dev ${env.DEV}\n    env: { DEV: "0" }\n', { KEY: 'k' });
    expect(model(c, 'm').cmd).toContain('${env.KEY}');
  });
});
