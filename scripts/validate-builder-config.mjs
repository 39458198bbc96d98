#!/usr/bin/env node
// Validates electron-builder.yml against electron-builder's own schema without building anything
// (packaging needs downloads; the schema does not). Unknown or misspelt keys fail here, not at release.
// Usage: node scripts/validate-builder-config.mjs [config-file]
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves to the loaded configuration; rejects with electron-builder's message when invalid. */
export async function validateBuilderConfig(configFile = join(projectDir, 'electron-builder.yml')) {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const { DebugLogger } = require('builder-util');
  const config = await getConfig(projectDir, resolve(configFile), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  validateBuilderConfig(file).then(
    (config) => console.log(`electron-builder config ok: ${config.appId} (${file ?? 'electron-builder.yml'})`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
