import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import { formatConfigError, type ConfigError } from '../../../electron/engine/config/types.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

async function error(text: string, env: Record<string, string | undefined> = {}): Promise<ConfigError> {
  const r = await loadConfig(await tmp.write('config.yaml', text), { homeDir: '/home/user', env });
  if (r.ok) throw new Error('expected the config to be rejected');
  expect(r.error.file).toBe(path.join(tmp.dir(), 'config.yaml'));
  return r.error;
}

type Case = [title: string, text: string, line: number, column: number, key: string | null, message: RegExp];

const cases: Case[] = [
  ['a YAML syntax error', 'listen: 127.0.0.1:1\nmodels:\n  m:\n    args: "unclosed\n', 4, 19, 'models.m.args', /closing/i],
  ['a duplicate key', 'models:\n  m:\n    cmd: a ${PORT}\n    cmd: b\n', 4, 5, 'models.m.cmd', /unique/],
  ['an unknown top-level key', 'listen: 127.0.0.1:1\nlisten_addr: x\n', 2, 1, 'listen_addr', /unknown key "listen_addr"/],
  ['an unknown model key', 'models:\n  qwen3-8b:\n    model: /m.gguf\n    tll: 5m\n', 4, 5, 'models.qwen3-8b.tll', /unknown key "tll"/],
  ['an unknown watchdog key', 'watchdog:\n  idle_timeot: 5m\n', 2, 3, 'watchdog.idle_timeot', /unknown key/],
  ['a bad duration', 'models:\n  qwen3-8b:\n    model: /m.gguf\n    ttl: forever\n', 4, 10, 'models.qwen3-8b.ttl', /duration/],
  // Issue 8: a duration past what timers and dates hold fired at once, or broke every model view.
  ['a ttl longer than a year', 'models:\n  m:\n    model: /m.gguf\n    ttl: 3000000000h\n', 4, 10, 'models.m.ttl', /at most 8760h/],
  ['a watchdog timeout longer than a year', 'watchdog:\n  health_timeout: 9000h\n', 2, 19, 'watchdog.health_timeout', /at most 8760h/],
  ['a bad size', 'models:\n  m:\n    model: /m.gguf\n    vram: lots\n', 4, 11, 'models.m.vram', /size/],
  ['a bad watchdog value', 'watchdog:\n  max_active: -1\n', 2, 15, 'watchdog.max_active', /./],
  ['a watchdog interval below 50ms', 'watchdog:\n  interval: 10ms\n', 2, 13, 'watchdog.interval', /at least 50ms/],
  ['a malformed listen', 'listen: localhost\n', 1, 9, 'listen', /HOST:PORT/],
  ['a port out of range', 'listen: 127.0.0.1:70000\n', 1, 9, 'listen', /HOST:PORT/],
  ['a malformed ollama_listen', 'ollama_listen: 11434\n', 1, 16, 'ollama_listen', /HOST:PORT/],
  ['an unknown keep_alive policy', 'ollama:\n  keep_alive: always\n', 2, 15, 'ollama.keep_alive', /honour|ignore/],
  ['an unknown ollama key', 'ollama:\n  keepalive: honour\n', 2, 3, 'ollama.keepalive', /unknown key/],
  ['a non-string env value', 'models:\n  m:\n    cmd: s ${PORT}\n    env: { CUDA_VISIBLE_DEVICES: 1 }\n', 4, 34, 'models.m.env.CUDA_VISIBLE_DEVICES', /quote/],
  ['an unknown backend', 'models:\n  m:\n    backend: vllm\n    model: /m\n', 3, 14, 'models.m.backend', /unknown backend "vllm"/],
  ['both backend and cmd', 'models:\n  m:\n    backend: llama-server\n    cmd: x\n', 4, 10, 'models.m.cmd', /either/],
  ['an unknown macro in a model cmd', 'models:\n  m:\n    cmd: srv --port ${PROT}\n', 3, 10, 'models.m.cmd', /unknown macro \$\{PROT\}/],
  ['an unknown macro in a template', 'backends:\n  t:\n    cmd: srv ${FOO}\n', 3, 10, 'backends.t.cmd', /unknown macro/],
  ['an unterminated quote in cmd', "models:\n  m:\n    cmd: srv --name 'x\n", 3, 10, 'models.m.cmd', /unterminated/],
  ['an unterminated quote in args', 'models:\n  m:\n    model: /m\n    args: "--x \'y"\n', 4, 11, 'models.m.args', /unterminated/],
  ['${ARGS} inside args', 'models:\n  m:\n    model: /m\n    args: --a ${ARGS}\n', 4, 11, 'models.m.args', /ARGS/],
  ['an unset ${env.VAR}', 'models:\n  m:\n    cmd: srv --key ${env.NOPE}\n', 3, 10, 'models.m.cmd', /NOPE is not set/],
  ['a missing model for ${MODEL}', 'models:\n  m:\n    backend: llama-server\n', 2, 3, 'models.m.model', /uses \$\{MODEL\}/],
  ['a model with no cmd and no model', 'models:\n  m:\n    pinned: true\n', 2, 3, 'models.m.model', /required/],
  ['an alias taken by another model', 'models:\n  a:\n    cmd: s\n  b:\n    cmd: s\n    aliases: [x, a]\n', 6, 18, 'models.b.aliases[1]', /"a" is already used by models.a/],
  ['an alias used twice', 'models:\n  a:\n    cmd: s\n    aliases: [x]\n  b:\n    cmd: s\n    aliases: [x]\n', 7, 15, 'models.b.aliases[0]', /already used/],
  ['a health path without a slash', 'models:\n  m:\n    cmd: s\n    health: healthz\n', 4, 13, 'models.m.health', /starting with \//],
  ['a concurrency_groups scalar', 'models:\n  m:\n    cmd: s\n    concurrency_groups: big\n', 4, 25, 'models.m.concurrency_groups', /./],
  ['a non-map document', '- a\n- b\n', 1, 1, null, /./],
  ['an unknown builtin argument', 'models:\n  m:\n    backend: builtin\n    model: /m.gguf\n    args: -c 2048 --flash\n', 5, 11, 'models.m.args', /unknown argument "--flash" \(the built-in backend takes/],
  ['a bad gRPC LoadModel option', 'models:\n  m:\n    cmd: b --addr ${PORT}\n    protocol: grpc\n    args: -np 0\n', 5, 11, 'models.m.args', /-np: expected a whole number above 0.*gRPC/],
  ['an allowed host with a port', 'allowed_hosts: [host.docker.internal:11500]\n', 1, 17, 'allowed_hosts[0]', /without scheme or port/],
  ['an unknown protocol', 'models:\n  m:\n    cmd: b ${PORT}\n    protocol: websocket\n', 4, 15, 'models.m.protocol', /./],
];

describe('loadConfig errors name file, line, column and key', () => {
  it.each(cases)('%s', async (_title, text, line, column, key, message) => {
    const e = await error(text);
    expect({ line: e.line, column: e.column, key: e.key }).toEqual({ line, column, key });
    expect(e.message).toMatch(message);
  });

  it('formats the error as file:line:column: key: message', async () => {
    const e = await error('models:\n  qwen3-8b:\n    model: /m\n    ttl: forever\n');
    expect(formatConfigError(e)).toBe(`${path.join(tmp.dir(), 'config.yaml')}:4:10: models.qwen3-8b.ttl: ${e.message}`);
  });

  it('reports an unreadable file without a position', async () => {
    const r = await loadConfig(path.join(tmp.dir(), 'missing.yaml'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ line: null, column: null, key: null, message: expect.stringMatching(/ENOENT/) });
  });
});
