import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { LoadPlanView, ModelView } from '../../../shared/model-view.js';
import { llamaMetadata, writeGguf } from '../../helpers/gguf-writer.js';
import { teardown, TestDir, TestService, waitUntil, type ErrorJson } from '../../helpers/loadout.js';

// Adding models without YAML (issue 10): `POST /api/models {path, name?}` writes a GGUF file into the
// config file as a model (comments kept) after the same checks a load makes; bad input is a 400 that
// names the field. Refused loads carry a hint that names the rule and the way out.

let dir: TestDir;
let svc: TestService;
let found: string;
let elsewhere: string;

beforeAll(async () => {
  dir = new TestDir();
  found = join(dir.path, 'found');
  elsewhere = join(dir.path, 'elsewhere');
  writeGguf(join(found, 'Found-Q4_K_M.gguf'), { metadata: llamaMetadata() });
  writeGguf(join(elsewhere, 'Picked-Q8_0.gguf'), { metadata: llamaMetadata({ 'general.file_type': 7 }) });
  writeGguf(join(elsewhere, 'model.gguf'), { metadata: llamaMetadata({ 'general.name': 'Tiny Chat', 'general.file_type': 7 }) });
  writeGguf(join(elsewhere, 'mmproj-x-f16.gguf'), { metadata: { 'general.architecture': 'clip' } });
  mkdirSync(elsewhere, { recursive: true });
  writeFileSync(join(elsewhere, 'notes.gguf'), 'not a GGUF file at all');
  const base = dir.yaml({ models: { holder: { pinned: true, groups: ['big'] }, other: { groups: ['big'] } } });
  svc = await TestService.start(dir, base.replace('\nwatchdog:', `\ndiscover: [${JSON.stringify(found)}]   # found models\ndiscover_backend: fake\n\nwatchdog:`));
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

function addFile(body: unknown) {
  return svc.req<ModelView & ErrorJson>('POST', '/api/models', body);
}

describe('POST /api/models (models.addFile)', () => {
  it('adds a GGUF file by path under the name discovery would give it, keeping the comments', async () => {
    const file = join(elsewhere, 'Picked-Q8_0.gguf');
    const r = await addFile({ path: file });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'Picked-Q8_0', source: 'config', model_file: file, state: 'stopped' });
    const text = dir.readConfig();
    expect(text).toContain('# Loadout test config: these comments must survive write-backs.');
    expect(text).toContain('# found models');
    expect(text).toContain('  # the other model\n');
    expect(text).toContain(`  Picked-Q8_0:\n    backend: fake\n    model: ${file}\n`);
    const loaded = await svc.load('Picked-Q8_0');
    expect(loaded.status).toBe(200);
    expect(loaded.json.state).toBe('ready');
  });

  it('names a generic file from its header, or takes the name given', async () => {
    const r = await addFile({ path: join(elsewhere, 'model.gguf') });
    expect(r.status).toBe(200);
    expect(r.json.name).toBe('Tiny-Chat-Q8_0');
    const again = await addFile({ path: join(elsewhere, 'model.gguf'), name: 'chat' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('already configured as "Tiny-Chat-Q8_0"');
  });

  it('makes a discovered file a configured model', async () => {
    const r = await addFile({ path: join(found, 'Found-Q4_K_M.gguf') });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'Found-Q4_K_M', source: 'config' });
  });

  it('answers 400 naming `path` for a missing, relative, non-GGUF or projector file', async () => {
    const cases: unknown[] = [{}, { path: '' }, { path: 'models/x.gguf' }, { path: join(elsewhere, 'absent.gguf') }, { path: join(elsewhere, 'notes.gguf') }, { path: join(elsewhere, 'mmproj-x-f16.gguf') }];
    const before = dir.readConfig();
    for (const body of cases) {
      const r = await addFile(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.field, JSON.stringify(body)).toBe('path');
      expect(r.json.error.message, JSON.stringify(body)).toMatch(/^path: /);
    }
    expect(dir.readConfig(), 'a refused add leaves the file alone').toBe(before);
  });

  it('answers 409 naming `name` when a model already has the name, 400 for unknown fields', async () => {
    writeGguf(join(elsewhere, 'other.gguf'), { metadata: llamaMetadata() });
    const taken = await addFile({ path: join(elsewhere, 'other.gguf') });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatchObject({ code: 'already_configured', field: 'name' });
    const unknown = await addFile({ path: join(elsewhere, 'other.gguf'), backend: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.field).toBe('backend');
  });
});

describe('refused loads', () => {
  it('409 carries a hint naming the shared group, the pinned holder and the way out; the plan says the same', async () => {
    await waitUntil(async () => (await svc.model('holder')).state === 'ready', 10_000, 'the pinned model loaded at start');
    const hint = 'other and holder share group big, and holder is pinned: unpin it or take one out of the group';
    const plan = await svc.req<LoadPlanView>('GET', '/api/models/other/plan');
    expect(plan.json).toMatchObject({ action: 'refuse', code: 'pinned_conflict', hint });
    const r = await svc.load('other');
    expect(r.status).toBe(409);
    expect(r.json.error).toMatchObject({ code: 'pinned_conflict', blocking: ['holder'], hint });
    const refused = svc.events.filter((e): e is Extract<LoadoutEvent, { type: 'load_refused' }> => e.type === 'load_refused' && e.model === 'other');
    expect(refused.at(-1)?.data).toMatchObject({ blocking: ['holder'], hint });
    const other = await svc.model('other');
    expect(other.error, 'a refusal is not the model\'s last error').toBeNull();
    expect(other.state).toBe('stopped');
  });
});
