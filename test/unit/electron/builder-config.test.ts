import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Validator {
  validateBuilderConfig(file?: string): Promise<Record<string, unknown>>;
}

const repo = path.resolve(import.meta.dirname, '../../..');
const load = async (): Promise<Validator> => (await import(path.join(repo, 'scripts/validate-builder-config.mjs'))) as Validator;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    const { validateBuilderConfig } = await load();
    const config = await validateBuilderConfig();
    expect(config).toMatchObject({ appId: 'dev.loadout.app', productName: 'Loadout', asar: true, publish: null });
  }, 30_000);

  it('fails on an unknown key', async () => {
    const { validateBuilderConfig } = await load();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loadout-builder-'));
    const file = path.join(dir, 'electron-builder.yml');
    writeFileSync(file, `${readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')}\nnotAnOption: true\n`);
    await expect(validateBuilderConfig(file)).rejects.toThrow(/unknown property 'notAnOption'/);
  }, 30_000);

  it('ships the tray icons, hides the Dock icon, recommends AppIndicator and sets the fuses', () => {
    const config = parse(readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8'));
    expect(config.extraResources).toEqual([{ from: 'resources/tray', to: 'tray', filter: ['**/*'] }]);
    expect(config.mac.extendInfo).toEqual({ LSUIElement: true });
    expect(config.deb).toEqual({ recommends: ['gnome-shell-extension-appindicator'] });
    expect(config.files).toEqual(['dist/**', 'package.json', 'bin/**', '!**/*.map']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false });
    expect(config.electronFuses).toMatchObject({ onlyLoadAppFromAsar: true, enableNodeCliInspectArguments: false });
  });

  it('lets the built-in backend run under the app’s own Node, with node-llama-cpp’s native files outside the archive', () => {
    const config = parse(readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8'));
    expect(config.electronFuses.runAsNode).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['dist/electron/engine/backends/builtin/**', 'node_modules/node-llama-cpp/**', 'node_modules/@node-llama-cpp/**']));
  });
});
