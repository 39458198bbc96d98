import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../../helpers/cli.js';
import { TestDir } from '../../helpers/loadout.js';

// `loadout config schema` and `loadout config check FILE`, as a user runs them.

let dir: TestDir;
beforeAll(() => assertBuilt());
afterEach(async () => dir.cleanup());

describe('loadout config', () => {
  it('`config schema` prints the JSON Schema of the config file', async () => {
    dir = new TestDir();
    const r = await runCli(['config', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['listen', 'ollama_listen', 'ollama', 'watchdog', 'backends', 'models']));
  });

  it('`config check` exits 0 for a valid file, 1 with file:line:column and the key for an invalid one, 2 for a missing one', async () => {
    dir = new TestDir();
    dir.write({ models: { m: {} } });
    const ok = await runCli(['config', 'check', dir.configFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe(`${dir.configFile}: ok (1 model)`);

    const text = dir.yaml({ models: { m: {} } }).replace('  interval: "100ms"', '  interval: "soon"');
    writeFileSync(dir.configFile, text);
    const line = text.split('\n').findIndex((l) => l.includes('interval: "soon"')) + 1;
    const bad = await runCli(['config', 'check', dir.configFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`${dir.configFile}:${line}:13: watchdog.interval: expected a duration such as 500ms, 10s, 15m, 1h or a number of seconds`);

    const missing = await runCli(['config', 'check', join(dir.path, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/file not found/);
    expect((await runCli(['config', 'frobnicate'])).code).toBe(2);
  });
});
