import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fakeElectron = fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Generous limits: a hang still fails, but a busy machine importing a large graph does not.
          testTimeout: 30_000,
          hookTimeout: 30_000,
          alias: { electron: fakeElectron },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          alias: { electron: fakeElectron },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // Main's composition root runs in Node against the fake (desktop-in-chromium.test.ts).
          alias: { electron: fakeElectron },
        },
      },
    ],
  },
});
