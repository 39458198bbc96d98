import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { ConfigError, LoadoutConfig } from '../../../electron/engine/config/types.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

async function load(text: string, env: Record<string, string | undefined> = {}): Promise<{ config: LoadoutConfig; warnings: string[] }> {
  const r = await loadConfig(await tmp.write('config.yaml', text), { homeDir: '/home/u', env, platform: 'linux' });
  if (!r.ok) throw new Error(`expected a valid config, got ${JSON.stringify(r.error)}`);
  return { config: r.config, warnings: r.warnings };
}

async function error(text: string, env: Record<string, string | undefined> = {}): Promise<ConfigError> {
  const r = await loadConfig(await tmp.write('config.yaml', text), { homeDir: '/home/u', env, platform: 'linux' });
  if (r.ok) throw new Error('expected an invalid config');
  return r.error;
}

const model = (c: LoadoutConfig, name: string) => c.models.find((m) => m.name === name)!;

// In the style of llama-swap's docs/config.example.yaml.
const EXAMPLE = `# llama-swap YAML configuration example
healthCheckTimeout: 500
logLevel: info
metricsMaxInMemory: 1000
startPort: 10001
globalTTL: 300

macros:
  "latest-llama": >
    /path/to/llama-server/llama-server-ec9e0301
    --port \${PORT}
  "default_ctx": 4096
  "ctx-cmd": "--ctx-size \${default_ctx}"

models:
  "llama":
    macros:
      "default_ctx": 16384
    cmd: |
      \${latest-llama}
      # comments in cmd are dropped
      --model path/to/llama-8B-Q4_K_M.gguf
      \${ctx-cmd}
      --alias \${MODEL_ID}
    name: "llama 3.1 8B"
    description: "A small but capable model used for quick testing"
    env:
      - "CUDA_VISIBLE_DEVICES=0,1,2"
    proxy: http://127.0.0.1:\${PORT}
    aliases:
      - "gpt-4o-mini"
      - "gpt-3.5-turbo"
    checkEndpoint: /custom-endpoint
    ttl: 60
    useModelName: "qwen:qwq"
    filters:
      stripParams: "temperature, top_p, top_k, model"
      setParams:
        "max_tokens?": 512
        seed: 42
        model: ignored
    concurrencyLimit: 4
    metadata:
      port: \${PORT}

  "qwen-unlisted":
    unlisted: true
    cmd: llama-server --port \${PORT} -m Llama-3.2-1B-Instruct-Q4_K_M.gguf -ngl 0

  "docker-llama":
    proxy: "http://127.0.0.1:\${PORT}"
    cmd: |
      docker run --name dockertest
      --init --rm -p \${PORT}:8080 -v /mnt/nvme/models:/models
      ghcr.io/ggml-org/llama.cpp:server
      --model '/models/Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf'
    cmdStop: docker stop dockertest
    checkEndpoint: none

  "fixed-port":
    cmd: my-server --port 9999
    proxy: http://127.0.0.1:9999
    cmdStop: kill -TERM \${PID}

  "forever-a":
    cmd: server-a --port \${PORT}
  "forever-b":
    cmd: server-b --port \${PORT}
  "modelA":
    cmd: server-c --port \${PORT}
  "modelB":
    cmd: server-d --port \${PORT}
  "lonely":
    cmd: server-e --port \${PORT}

groups:
  "group1":
    swap: true
    exclusive: true
    members: ["llama", "qwen-unlisted"]
  "group2":
    swap: false
    exclusive: false
    members: ["docker-llama", "modelA", "modelB"]
  "forever":
    persistent: true
    swap: false
    exclusive: false
    members: ["forever-a", "forever-b", "fixed-port"]

hooks:
  on_startup:
    preload:
      - "gpt-4o-mini"

apiKeys:
  - "sk-one"
  - "sk-two"
globalConcurrencyLimit: 8
`;

describe('a llama-swap config.yaml', () => {
  it('is read as is: macros, env, aliases, filters, limits, names, ttl, health and stop commands', async () => {
    const { config: c } = await load(EXAMPLE);
    const llama = model(c, 'llama');
    expect(llama.cmd).toBe(
      '/path/to/llama-server/llama-server-ec9e0301 --port ${PORT}\n\n--model path/to/llama-8B-Q4_K_M.gguf\n--ctx-size 16384\n--alias llama',
    );
    expect(llama.env).toEqual({ CUDA_VISIBLE_DEVICES: '0,1,2' });
    expect(llama.aliases).toEqual(['gpt-4o-mini', 'gpt-3.5-turbo']);
    expect(llama.health).toBe('/custom-endpoint');
    expect(llama.ttlMs).toBe(60_000);
    expect(llama.displayName).toBe('llama 3.1 8B');
    expect(llama.description).toContain('quick testing');
    expect(llama.requests).toEqual({ useModelName: 'qwen:qwq', concurrencyLimit: 4, stripParams: ['temperature', 'top_k', 'top_p'], setParams: { 'max_tokens?': 512, seed: 42 } });
    expect(llama.preload).toBe(true);
    expect(llama.launch?.port).toBe(10004); // startPort, counted over the sorted ids that use ${PORT}
    expect(llama.launch?.proxy).toBeUndefined(); // the default upstream
    expect(model(c, 'qwen-unlisted').unlisted).toBe(true);

    const docker = model(c, 'docker-llama');
    expect(docker.launch).toMatchObject({ stopCmd: 'docker stop dockertest', healthCheck: false, port: 10001 });
    const fixed = model(c, 'fixed-port');
    expect(fixed.launch).toMatchObject({ proxy: 'http://127.0.0.1:9999', stopCmd: 'kill -TERM ${PID}' });
    expect(fixed.launch?.port).toBeUndefined();

    expect(c.watchdog.healthTimeoutMs).toBe(500_000);
    expect(c.watchdog.idleTimeoutMs).toBe(300_000);
    expect(c.apiKeys).toEqual(['sk-one', 'sk-two']);
    expect(c.globalConcurrencyLimit).toBe(8);
    expect(c.listAliases).toBe(false);
  });

  it('maps swap, exclusive and persistent groups onto concurrency groups', async () => {
    const { config: c } = await load(EXAMPLE);
    const groups = Object.fromEntries(c.models.map((m) => [m.name, m.groups]));
    const conflict = (a: string, b: string) => groups[a]!.some((g) => groups[b]!.includes(g));
    // swap: one member of group1 at a time; group2 (swap: false) members run together.
    expect(conflict('llama', 'qwen-unlisted')).toBe(true);
    expect(conflict('modelA', 'modelB')).toBe(false);
    // exclusive group1 unloads group2 and the default group ("lonely" is in no group).
    expect(conflict('llama', 'modelA')).toBe(true);
    expect(conflict('lonely', 'modelB')).toBe(true);
    // persistent: nothing unloads "forever", and its members (swap: false) run together.
    for (const other of ['llama', 'qwen-unlisted', 'modelA', 'docker-llama', 'lonely', 'forever-b']) expect(conflict('forever-a', other)).toBe(false);
    // two non-exclusive groups leave each other alone.
    expect(groups['fixed-port']).toEqual([]);
  });

  it('puts every model in one swap group when there are no groups, as llama-swap does', async () => {
    const { config: c } = await load('models:\n  a:\n    cmd: a --port ${PORT}\n    checkEndpoint: /health\n  b:\n    cmd: b --port ${PORT}\n');
    expect(model(c, 'a').groups).toEqual(['(default)']);
    expect(model(c, 'b').groups).toEqual(['(default)']);
    expect(c.watchdog.idleTimeoutMs).toBe(0); // globalTTL defaults to never
  });

  it('reads groups under routing.router.settings', async () => {
    const { config: c } = await load(`models:
  a: { cmd: "a --port \${PORT}", checkEndpoint: /health }
  b: { cmd: "b --port \${PORT}" }
routing:
  router:
    use: group
    settings:
      groups:
        both: { swap: false, members: [a, b] }
`);
    expect(model(c, 'a').groups).toEqual([]);
  });

  it('warns once, listing every key it does not use', async () => {
    const { warnings } = await load(EXAMPLE);
    const mine = warnings.filter((w) => w.includes('llama-swap'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('ignoring logLevel, metricsMaxInMemory, models.llama.metadata');
  });

  it('expands ${env.VAR} and refuses an unset one, naming the key', async () => {
    const text = 'models:\n  a:\n    cmd: ${env.SERVER} --port ${PORT}\n    checkEndpoint: /health\n';
    expect(model((await load(text, { SERVER: '/opt/server' })).config, 'a').cmd).toBe('/opt/server --port ${PORT}');
    const e = await error(text);
    expect(e).toMatchObject({ line: 3, key: 'models.a.cmd' });
    expect(e.message).toContain("environment variable 'SERVER' is not set");
  });

  it('refuses an unknown macro, as llama-swap does, with file, line and key', async () => {
    const e = await error('macros:\n  known: x\nmodels:\n  a:\n    cmd: server --port ${PORT} ${unknown}\n    checkEndpoint: /health\n');
    expect(e).toMatchObject({ line: 5, key: 'models.a.cmd' });
    expect(e.message).toContain("unknown macro '${unknown}'");
  });

  it('refuses ${PID} outside cmdStop, reserved macro names and a proxy ${PORT} without one in cmd', async () => {
    expect((await error('models:\n  a:\n    cmd: s --port ${PORT} ${PID}\n    checkEndpoint: none\n')).message).toContain("'${PID}'");
    expect((await error('macros:\n  PORT: 1\nmodels:\n  a:\n    cmd: s --port ${PORT}\n    checkEndpoint: none\n')).key).toBe('macros.PORT');
    expect((await error('models:\n  a:\n    cmd: s --port 80\n    proxy: http://127.0.0.1:${PORT}\n    checkEndpoint: /health\n')).key).toBe('models.a.proxy');
  });

  it('refuses a malformed env entry and a model in two groups', async () => {
    expect((await error('models:\n  a:\n    cmd: s --port ${PORT}\n    env: ["NOEQUALS"]\n')).key).toBe('models.a.env[0]');
    const two = await error('models:\n  a: { cmd: "s --port ${PORT}" }\ngroups:\n  g1: { members: [a] }\n  g2: { members: [a] }\n');
    expect(two.key).toBe('groups.g2.members[0]');
    expect(two.message).toContain('two groups');
  });

  it('keeps Loadout keys written into it (pinned, watchdog) so pinning and settings can be saved there', async () => {
    const { config: c } = await load('models:\n  a:\n    cmd: s --port ${PORT}\n    checkEndpoint: /health\n    pinned: true\nwatchdog:\n  max_active: 2\n');
    expect(model(c, 'a').pinned).toBe(true);
    expect(c.watchdog.maxActive).toBe(2);
  });

  it('leaves a Loadout config alone', async () => {
    const { config: c } = await load('models:\n  a:\n    cmd: s --port ${PORT}\n    ttl: 60\n');
    expect(model(c, 'a').groups).toEqual([]);
    expect(c.watchdog.idleTimeoutMs).toBe(15 * 60_000);
  });
});
