#!/usr/bin/env node
// The built-in backend: a child process that loads one GGUF model with node-llama-cpp and serves it
// like llama-server does. A process of its own, so unloading a model gives its memory back and a
// crash in llama.cpp takes down this model only. Loadout runs it with its own Node (Electron's, with
// ELECTRON_RUN_AS_NODE=1, in the desktop app).
//
//   server.js --port N -m FILE [--host H] [--alias NAME] [-c N] [-ngl N] [-t N] [-np N] [--embeddings] ...
import { createOpenAiServer } from '../openai/openai-server.js';
import { LlamaRuntime } from './llama-runtime.js';
import { parseServerArgs } from './server-args.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

const parsed = parseServerArgs(process.argv.slice(2));
if (!parsed.ok) {
  log(`error: ${parsed.error}`);
  process.exit(2);
}
const args = parsed.args;
const runtime = new LlamaRuntime({ modelPath: args.model, name: args.name, llama: args.llama, log });
const server = createOpenAiServer(runtime, {
  onError: (route, err) => log(`srv  ${route}: ${err instanceof Error ? err.message : String(err)}`),
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`srv  received ${signal}, shutting down`);
  server.close();
  server.closeAllConnections();
  await runtime.dispose();
  process.exit(0);
}
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void shutdown(sig));

// Listen first, so health answers 503 "Loading model" while the weights load, as llama-server does.
server.listen(args.port, args.host, () => {
  log(`main: server is listening on http://${args.host}:${args.port} - loading ${args.model}`);
  runtime.load().then(
    () => log(`srv  load_model: loaded ${args.model} as ${args.name}; all slots are idle`),
    (err: unknown) => {
      log(`main: error: failed to load model '${args.model}': ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
});
server.on('error', (err) => {
  log(`main: error: ${err.message}`);
  process.exit(1);
});
