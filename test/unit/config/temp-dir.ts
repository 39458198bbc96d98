import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh directory per test, removed afterwards; `write` puts a file in it and returns its path. */
export function useTempDir(): { dir: () => string; write: (name: string, text: string) => Promise<string> } {
  let current: string | null = null;
  beforeEach(async () => {
    current = await mkdtemp(path.join(os.tmpdir(), 'loadout-config-'));
  });
  afterEach(async () => {
    if (current) await rm(current, { recursive: true, force: true });
    current = null;
  });
  const dir = () => {
    if (!current) throw new Error('useTempDir() is only usable inside a test');
    return current;
  };
  return {
    dir,
    write: async (name, text) => {
      const file = path.join(dir(), name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
  };
}
