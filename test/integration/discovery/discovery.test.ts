import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { ModelView } from '../../../shared/model-view.js';
import { llamaMetadata, writeGguf } from '../../helpers/gguf-writer.js';
import { taggedPids, teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';

// `loadout serve` with a discover folder of tiny GGUF files: listed with their facts, loaded with
// one call (the fake backend stands in for llama.cpp), added to the config with its comments kept,
// rescanned when the folder changes, and a vanished folder is a warning, not a crash.

let dir: TestDir;
let svc: TestService;
let models: string;
let other: string;

const q = JSON.stringify;

function configText(d: TestDir, folders: string[]): string {
  const base = d.yaml({ models: { configured: {} } });
  return base.replace('\nwatchdog:', `\ndiscover: [${folders.map((f) => q(f)).join(', ')}]   # found models\ndiscover_backend: fake\n\nwatchdog:`);
}

async function list(): Promise<ModelView[]> {
  return (await svc.req<{ models: ModelView[] }>('GET', '/api/models')).json.models;
}

beforeAll(async () => {
  dir = new TestDir();
  models = join(dir.path, 'lmstudio');
  other = join(dir.path, 'hf-cache');
  writeGguf(join(models, 'org', 'Tiny-Q4_K_M.gguf'), { metadata: llamaMetadata({ 'llama.context_length': 2048 }), tensors: [{ name: 'w', shape: [64, 4] }] });
  writeGguf(join(models, 'org', 'mmproj-Tiny-f16.gguf'), { metadata: { 'general.architecture': 'clip' } });
  for (let i = 1; i <= 2; i++) writeGguf(join(models, 'split', `Big-Q8_0-0000${i}-of-00002.gguf`), { metadata: llamaMetadata({ 'general.file_type': 7, 'split.count': 2 }), tensors: [{ name: `t${i}`, shape: [100] }] });
  writeGguf(join(other, 'Extra.gguf'), { metadata: llamaMetadata() });
  svc = await TestService.start(dir, configText(dir, [models, other]));
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

describe('discovered models', () => {
  it('lists every GGUF model found, with source discovered and the facts from its header', async () => {
    const all = await list();
    expect(all.map((m) => [m.name, m.source])).toEqual([
      ['Big-Q8_0', 'discovered'],
      ['configured', 'config'],
      ['Extra', 'discovered'],
      ['Tiny-Q4_K_M', 'discovered'],
    ]);
    const tiny = all.find((m) => m.name === 'Tiny-Q4_K_M')!;
    expect(tiny.gguf).toMatchObject({ architecture: 'llama', parameters: 256, quantization: 'Q4_K_M', context_length: 2048 });
    expect(tiny.mmproj).toBe(join(models, 'org', 'mmproj-Tiny-f16.gguf'));
    expect(tiny.backend).toBe('fake');
    expect(tiny.vram_estimate_bytes).toBeGreaterThan(tiny.gguf!.size_bytes - 1024); // weights + KV cache
    const big = all.find((m) => m.name === 'Big-Q8_0')!;
    expect(big.gguf).toMatchObject({ quantization: 'Q8_0', parameters: 200 });
    expect(big.gguf!.files).toHaveLength(2);
  });

  it('loads a discovered model with one call and routes requests to it', async () => {
    const r = await svc.load('Tiny-Q4_K_M');
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('ready');
    expect(r.json.pid).toBeGreaterThan(0);
    expect((await svc.chat('Tiny-Q4_K_M')).status).toBe(200);
  });

  it('adds a discovered model to the config file, keeping its comments; the running backend stays', async () => {
    const before = await svc.model('Tiny-Q4_K_M');
    const r = await svc.req<ModelView>('POST', '/api/models/Tiny-Q4_K_M/add');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'Tiny-Q4_K_M', source: 'config', state: 'ready', pid: before.pid });
    const text = dir.readConfig();
    expect(text).toContain('# Loadout test config: these comments must survive write-backs.');
    expect(text).toContain('# found models');
    // The projector is kept in the entry; the fake template cannot take it, which is reported, not dropped.
    expect(text).toContain(`  Tiny-Q4_K_M:\n    backend: fake\n    model: ${join(models, 'org', 'Tiny-Q4_K_M.gguf')}\n    mmproj: ${join(models, 'org', 'mmproj-Tiny-f16.gguf')}\n`);
    const again = await svc.req<{ error: { code: string } }>('POST', '/api/models/Tiny-Q4_K_M/add');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_configured');
  });

  it('pins a discovered model by adding it to the config, pinned', async () => {
    const r = await svc.req<ModelView>('PUT', '/api/models/Big-Q8_0/pinned', { pinned: true });
    expect(r.status).toBe(200);
    expect(r.json.pinned).toBe(true);
    expect(dir.readConfig()).toContain(`  Big-Q8_0:\n    backend: fake\n    model: ${join(models, 'split', 'Big-Q8_0-00001-of-00002.gguf')}\n    pinned: true\n`);
    await svc.waitModel('Big-Q8_0', (m) => m.source === 'config' && m.pinned);
  });

  it('answers 404 for adding a model that does not exist', async () => {
    expect((await svc.req('POST', '/api/models/nope/add')).status).toBe(404);
  });

  it('rescans when a folder changes: a new file appears, a removed one goes', async () => {
    writeGguf(join(models, 'new', 'Fresh.gguf'), { metadata: llamaMetadata() });
    await waitUntil(async () => (await list()).some((m) => m.name === 'Fresh'), 8000, 'Fresh listed');
    rmSync(join(models, 'new'), { recursive: true });
    await waitUntil(async () => !(await list()).some((m) => m.name === 'Fresh'), 8000, 'Fresh gone');
  });

  it('warns, and keeps serving, when a discover folder vanishes; lists it again when it returns', async () => {
    const moved = `${other}-moved`;
    renameSync(other, moved);
    const warning = await svc.waitEvent((e: LoadoutEvent) => e.type === 'config_warning' && e.message.includes(`${other} does not exist`), 8000, 'config_warning');
    expect((warning.data as { warnings: string[] }).warnings).toContainEqual(`discover: ${other} does not exist; no models found there`);
    expect((await list()).some((m) => m.name === 'Extra')).toBe(false);
    expect((await svc.req('GET', '/healthz')).status).toBe(200);
    const snap = await svc.req<{ config_warnings: string[] }>('GET', '/api/snapshot');
    expect(snap.json.config_warnings).toContainEqual(expect.stringContaining(other));
    renameSync(moved, other);
    await waitUntil(async () => (await list()).some((m) => m.name === 'Extra'), 8000, 'Extra back');
    const later = (e: LoadoutEvent) => e.seq > warning.seq && e.type === 'config_warning' && !(e.data as { warnings: string[] }).warnings.some((w) => w.includes(other));
    await svc.waitEvent(later, 8000, 'the warning withdrawn');
  });
});

describe('discover: edited live', () => {
  it('scans a folder added to discover: without a restart', async () => {
    const third = join(dir.path, 'llama-cache');
    writeGguf(join(third, 'Cached-Q4_0.gguf'), { metadata: llamaMetadata({ 'general.file_type': 2 }) });
    const text = dir.readConfig();
    const line = text.split('\n').find((l) => l.startsWith('discover: ['))!;
    writeFileSync(dir.configFile, text.replace(line, line.replace(']', `, ${q(third)}]`)));
    await waitUntil(async () => (await list()).some((m) => m.name === 'Cached-Q4_0' && m.gguf?.quantization === 'Q4_0'), 8000, 'Cached-Q4_0 listed');
  });
});

describe('bad model files fail the load before anything is spawned', () => {
  let bad: TestDir;
  let badSvc: TestService;

  beforeAll(async () => {
    bad = new TestDir();
    const files = join(bad.path, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'page.gguf'), '<html>Not Found</html>');
    writeGguf(join(files, 'cut.gguf'), { metadata: llamaMetadata(), tensors: [{ name: 'w', shape: [128, 128] }], truncateTo: 4000 });
    writeGguf(join(files, 'mmproj.gguf'), { metadata: { 'general.architecture': 'clip' } });
    const yaml = bad.yaml({ models: { missing: {}, notgguf: {}, truncated: {}, projector: {} } })
      .replace('  missing:\n    backend: fake\n', `  missing:\n    backend: fake\n    model: ${q(join(files, 'absent.gguf'))}\n`)
      .replace('  notgguf:\n    backend: fake\n', `  notgguf:\n    backend: fake\n    model: ${q(join(files, 'page.gguf'))}\n`)
      .replace('  truncated:\n    backend: fake\n', `  truncated:\n    backend: fake\n    model: ${q(join(files, 'cut.gguf'))}\n`)
      .replace('  projector:\n    backend: fake\n', `  projector:\n    backend: fake\n    model: ${q(join(files, 'mmproj.gguf'))}\n`);
    badSvc = await TestService.start(bad, yaml);
  });

  afterAll(async () => {
    const left = await teardown(badSvc, bad);
    expect(left).toEqual([]);
  });

  it.each([
    ['missing', /model file not found: .*absent\.gguf/],
    ['notgguf', /page\.gguf is not a GGUF file/],
    ['truncated', /cut\.gguf is truncated/],
    ['projector', /multimodal projector/],
  ])('%s: 502 model_file_invalid with the reason, a model_failed event saying so, no process', async (name, reason) => {
    const r = await badSvc.load(name);
    expect(r.status).toBe(502);
    expect(r.json.error.code).toBe('model_file_invalid');
    expect(r.json.error.message).toMatch(reason);
    const failed = await badSvc.waitType('model_failed', name);
    expect(failed.message).toMatch(reason);
    expect(failed.reason).toBe('model_file_invalid');
    expect(failed.data).toMatchObject({ code: 'model_file_invalid' });
    expect((await badSvc.model(name)).error).toMatchObject({ code: 'model_file_invalid' });
    expect((await badSvc.model(name)).state).toBe('failed');
    expect(badSvc.of('model_ready')).toEqual([]);
    expect(taggedPids(bad.tag)).toEqual([]);
  });
});
