import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { ModelView } from '../../../shared/model-view.js';
import { llamaMetadata, writeGguf } from '../../helpers/gguf-writer.js';
import { teardown, TestDir, TestService } from '../../helpers/loadout.js';

// A LocalAI model file with keys Loadout does not use loads, and each ignored key is reported
// (log, config_warning event, snapshot for the dashboard banner) by file and key.

let dir: TestDir;
let svc: TestService;
let file: string;

beforeAll(async () => {
  dir = new TestDir();
  const modelsDir = join(dir.path, 'models');
  writeGguf(join(modelsDir, 'chat-Q4_K_M.gguf'), { metadata: llamaMetadata() });
  file = join(modelsDir, 'chat.yaml');
  writeFileSync(file, [
    'name: chat',
    'backend: fake',
    'parameters:',
    '  model: chat-Q4_K_M.gguf',
    '  temperature: 0.7',
    'template:',
    '  chat: chatml',
    'stopwords: ["<|im_end|>"]',
    '',
  ].join('\n'));
  writeFileSync(join(modelsDir, 'off.yaml'), 'name: off\ndisabled: true\nbackend: fake\nparameters: { model: chat-Q4_K_M.gguf }\n');
  const yaml = dir.yaml({ models: {} }).replace('\nwatchdog:', `\nmodels_dir: ${JSON.stringify(modelsDir)}\n\nwatchdog:`);
  svc = await TestService.start(dir, yaml);
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

describe('LocalAI model files', () => {
  it('reports every ignored key by file and key, in an event and the snapshot', async () => {
    const expected = [
      `${file}: template: ignored, Loadout does not use this LocalAI key`,
      `${file}: stopwords: ignored, Loadout does not use this LocalAI key`,
      `${file}: parameters.temperature: ignored, request defaults are not applied (clients send their own)`,
    ];
    // Recorded while the service started, so read from the event log.
    const events = (await svc.req<{ events: LoadoutEvent[] }>('GET', '/api/events')).json.events.filter((e) => e.type === 'config_warning');
    expect(events.map((e) => (e.data as { warnings: string[] }).warnings)).toEqual([expected]);
    const snap = await svc.req<{ config_warnings: string[] }>('GET', '/api/snapshot');
    expect(snap.json.config_warnings).toEqual(expected);
  });

  it('loads the model despite them; the disabled one is not there; its GGUF is not listed twice', async () => {
    const r = await svc.load('chat');
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('ready');
    const names = (await svc.req<{ models: ModelView[] }>('GET', '/api/models')).json.models.map((m) => [m.name, m.source]);
    expect(names).toEqual([['chat', 'models_dir']]);
  });
});
