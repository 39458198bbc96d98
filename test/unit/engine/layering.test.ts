import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The engine (and the backends in it) runs in plain Node under any front end: it may import shared/
// and itself, never the API layer, the desktop shell or Electron.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ENGINE = join(ROOT, 'electron', 'engine');
const ELECTRON = join(ROOT, 'electron');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|cts)$/.test(e.name) ? [p] : [];
  });
}

/** Every module a source text imports or re-exports, as written. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

/** What `file` (under electron/, with source `text`) imports that it must not: Electron, or electron/* outside engine/. */
function forbiddenImports(file: string, text: string): string[] {
  return specifiers(text).filter((spec) => {
    if (spec === 'electron' || spec.startsWith('electron/')) return true;
    if (!spec.startsWith('.')) return false;
    const target = resolve(dirname(file), spec);
    const inElectron = !relative(ELECTRON, target).startsWith('..');
    const inEngine = !relative(ENGINE, target).startsWith('..');
    return inElectron && !inEngine;
  });
}

describe('engine layering', () => {
  it('finds a forbidden import when there is one (the check can fail)', () => {
    const file = join(ENGINE, 'backends', 'openai', 'example.ts');
    const text = [
      "import { sendJson } from '../../../api/http/respond.js';",
      "import { LoadoutError } from '../../../../shared/errors.js';",
      "import { readJson } from '../../platform/http-json.js';",
      "import { app } from 'electron';",
      "export { x } from '../../../tray/tray.js';",
      "import { z } from 'zod';",
      "const lib = await import('../../../desktop/thing.js');",
    ].join('\n');
    expect(forbiddenImports(file, text)).toEqual(['../../../api/http/respond.js', 'electron', '../../../tray/tray.js', '../../../desktop/thing.js']);
  });

  it('no engine or backend module imports the API layer, the desktop shell or Electron', () => {
    const files = sources(ENGINE);
    expect(files.length).toBeGreaterThan(50);
    const bad = files.flatMap((f) => forbiddenImports(f, readFileSync(f, 'utf8')).map((spec) => `${relative(ROOT, f)} imports ${spec}`));
    expect(bad).toEqual([]);
  });
});
