import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchemaText } from '../../../electron/engine/config/config-json-schema.js';
import { DEFAULT_CONFIG_TEXT, defaultConfigPath, ensureConfigFile, refreshSchemaFile, schemaFileFor } from '../../../electron/engine/config/default-config.js';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import { DEFAULT_WATCHDOG } from '../../../electron/engine/config/types.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

describe('default config', () => {
  it('creates the file and its directories once, then leaves it alone', async () => {
    const file = path.join(tmp.dir(), 'a', 'b', 'config.yaml');
    expect(await ensureConfigFile(file)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(DEFAULT_CONFIG_TEXT);
    await tmp.write('a/b/config.yaml', 'listen: 127.0.0.1:1\n');
    expect(await ensureConfigFile(file)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('listen: 127.0.0.1:1\n');
  });

  it('writes the JSON Schema its first line names next to a config it creates', async () => {
    const file = path.join(tmp.dir(), 'config.yaml');
    await ensureConfigFile(file);
    expect(await readFile(schemaFileFor(file), 'utf8')).toBe(configJsonSchemaText());
    expect(schemaFileFor(file)).toBe(path.join(tmp.dir(), 'config.schema.json'));
  });

  it('refreshes a schema file that is out of date, and creates none where there was none', async () => {
    const file = await tmp.write('config.yaml', 'listen: 127.0.0.1:1\n');
    await refreshSchemaFile(file);
    await expect(stat(schemaFileFor(file))).rejects.toThrow();
    await tmp.write('config.schema.json', '{"old": true}\n');
    await refreshSchemaFile(file);
    expect(await readFile(schemaFileFor(file), 'utf8')).toBe(configJsonSchemaText());
  });

  it('creates the file readable by its owner only (it may come to hold api_key)', async () => {
    const file = path.join(tmp.dir(), 'config.yaml');
    await ensureConfigFile(file);
    expect((await stat(file)).mode & 0o077).toBe(0);
  });

  it('loads as a valid loopback config with the default watchdog and no models', async () => {
    const file = await tmp.write('config.yaml', DEFAULT_CONFIG_TEXT);
    const r = await loadConfig(file, { homeDir: '/home/user', env: {} });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.config.listen).toEqual({ host: '127.0.0.1', port: 11500 });
    expect(r.config.watchdog).toEqual(DEFAULT_WATCHDOG);
    expect(r.config.models).toEqual([]);
    expect(r.config.ollama).toEqual({ keepAlive: 'ignore' });
    expect(r.config.ollamaListen).toBeNull();
    expect(r.warnings).toEqual([]);
  });

  it('has a commented example that loads when uncommented', async () => {
    const uncommented = DEFAULT_CONFIG_TEXT.split('\n')
      .map((l, i, all) => (i > all.indexOf('models:') && l.startsWith('#   ') ? l.slice(2) : l))
      .join('\n');
    const r = await loadConfig(await tmp.write('config.yaml', uncommented), { homeDir: '/home/user', env: {}, llamaServerOnPath: true });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.config.models.map((m) => [m.name, m.backend, m.groups])).toEqual([['qwen3-8b', 'llama-server', ['big']]]);
  });
});

describe('defaultConfigPath', () => {
  it('prefers $LOADOUT_CONFIG', () => {
    expect(defaultConfigPath({ LOADOUT_CONFIG: '/etc/l.yaml', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/etc/l.yaml');
  });
  it('uses XDG_CONFIG_HOME, else ~/.config, on Linux', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/loadout/config.yaml');
    expect(defaultConfigPath({}, 'linux', '/home/u')).toBe('/home/u/.config/loadout/config.yaml');
  });
  it('uses Application Support on macOS', () => {
    expect(defaultConfigPath({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/loadout/config.yaml');
  });
  it('uses %APPDATA% on Windows', () => {
    expect(defaultConfigPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\loadout\\config.yaml');
  });
});
