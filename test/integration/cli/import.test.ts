import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { LoadoutConfig } from '../../../electron/engine/config/types.js';
import { assertBuilt, runCli } from '../../helpers/cli.js';
import { FAKE_BACKEND, REPO_ROOT } from '../../helpers/loadout.js';

// `loadout import` as a user runs it: the printed config loads, and means what the original meant.

const SWAP = join(REPO_ROOT, 'test', 'fixtures', 'llama-swap', 'config.yaml');
const ENV = { NODE: process.execPath, FAKE_BACKEND, WRITER_DELAY_MS: '10' };
let dir: string;

beforeAll(() => assertBuilt());
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function load(file: string): Promise<LoadoutConfig> {
  const r = await loadConfig(file, { env: ENV });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.config;
}

const comparable = (c: LoadoutConfig) => ({
  watchdog: c.watchdog,
  apiKeys: c.apiKeys,
  listAliases: c.listAliases,
  models: c.models.map(({ sourceFile: _f, ...m }) => m),
});

describe('loadout import', () => {
  it('llama-swap: prints a commented Loadout config equal to reading the file as is', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-import-'));
    const r = await runCli(['import', 'llama-swap', SWAP], ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Loadout config imported from the llama-swap config /);
    expect(r.stdout).toContain('# Not carried over: logLevel, logToStdout');
    const out = join(dir, 'config.yaml');
    writeFileSync(out, r.stdout);
    expect(comparable(await load(out))).toEqual(comparable(await load(SWAP)));
  });

  it('llama-cpp-preset: writes --out, and the result loads', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-import-'));
    const ini = join(dir, 'models.ini');
    writeFileSync(ini, '[*]\nc = 4096\n\n[tiny]\nm = tiny.gguf\nngl = 0\nload-on-startup = true\nalias = small\n');
    const out = join(dir, 'loadout.yaml');
    const r = await runCli(['import', 'llama-cpp-preset', ini, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(`wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toContain(`# Loadout config imported from the llama.cpp router preset ${ini}`);
    const tiny = (await load(out)).models[0]!;
    expect(tiny).toMatchObject({ name: 'tiny', model: join(dir, 'tiny.gguf'), preload: true, aliases: ['small'], contextSize: 4096 });
    expect(tiny.args).toBe('-c 4096 -ngl 0');
  });

  it('refuses a preset section without a model source, naming it, and writes nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-import-'));
    const ini = join(dir, 'models.ini');
    writeFileSync(ini, '[nothing]\nngl = 99\n');
    const r = await runCli(['import', 'llama-cpp-preset', ini, '--out', join(dir, 'out.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`loadout import: ${ini}:1: [nothing]: no model source; set model (or m), hf-repo (hf), model-url or docker-repo`);
    expect(r.stdout).toBe('');
  });

  it('names the key of an unknown llama-swap macro, and exits 2 on bad usage', async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadout-import-'));
    const file = join(dir, 'swap.yaml');
    writeFileSync(file, 'models:\n  a:\n    cmd: server --port ${PORT} ${nope}\n    checkEndpoint: /health\n');
    const r = await runCli(['import', 'llama-swap', file]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`loadout import: ${file}:3:10: models.a.cmd: unknown macro '\${nope}' in a.cmd`);
    expect((await runCli(['import', 'ollama', file])).code).toBe(2);
  });
});
