#!/usr/bin/env node
// Files the compiled engine reads at run time that tsc does not emit: copied next to their modules in dist/.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = ['electron/engine/backends/grpc/backend.proto'];
for (const file of assets) cpSync(join(root, file), join(root, 'dist', file));
