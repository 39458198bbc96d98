#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
import('../dist/electron/cli.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
    // Backends are stopped by now; don't let a stray handle keep a finished CLI alive.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
