import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file or folder under test/fixtures/gpu/. */
export function gpuFixture(name = ''): string {
  return fileURLToPath(new URL(`../../fixtures/gpu/${name}`, import.meta.url));
}

export function readGpuFixture(name: string): string {
  return readFileSync(gpuFixture(name), 'utf8');
}
