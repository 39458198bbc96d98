#!/usr/bin/env node
// Generation speed of the built-in backend through Loadout vs node-llama-cpp in this process, on the
// same model with the same context, threads, prompt and sampling (greedy).
//   node bench/builtin-tokens.mjs [--model FILE.gguf] [--tokens 200] [--runs 5] [--threads 1] [--ctx 1024]
// Tokens/s counts from the first generated token to the last, so model loading and prompt processing
// are left out on both sides: what remains is generation plus, for Loadout, the child process, the
// built-in backend's HTTP server, the router and SSE. Goal: within 5 % of in-process.
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fmt, flag, httpOk, main, median, mono, REPO_ROOT, requireBuild, SERVE, startChild, table, tempDir } from './lib.mjs';

const MODEL = flag('model', join(REPO_ROOT, 'test', 'fixtures', 'gguf', 'tiny-spm.gguf'));
const TOKENS = flag('tokens', 200);
const RUNS = flag('runs', 5);
const THREADS = flag('threads', 1);
const CTX = flag('ctx', 1024);
const PROMPT = 'Write a long story about a lighthouse keeper.';

/** node-llama-cpp in this process: tokens/s of each run. */
async function inProcess() {
  const lib = await import('node-llama-cpp');
  const llama = await lib.getLlama({ gpu: 'auto', build: 'never', maxThreads: THREADS, progressLogs: false, logLevel: lib.LlamaLogLevel.warn });
  const model = await llama.loadModel({ modelPath: MODEL });
  const context = await model.createContext({ contextSize: CTX, sequences: 1, threads: THREADS });
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  const wrapper = template ? new lib.JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer }) : lib.resolveChatWrapper(model);
  const rates = [];
  for (let run = 0; run <= RUNS; run++) {
    const chat = new lib.LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper, autoDisposeSequence: true });
    let first = 0;
    let tokens = 0;
    await chat.generateResponse([{ type: 'user', text: PROMPT }, { type: 'model', response: [] }], {
      maxTokens: TOKENS,
      temperature: 0,
      onToken: (t) => {
        if (tokens === 0) first = mono();
        tokens += t.length;
      },
    });
    const rate = (tokens - 1) / ((mono() - first) / 1000);
    chat.dispose();
    if (run > 0) rates.push(rate); // run 0 warms up
  }
  await context.dispose();
  await model.dispose();
  return rates;
}

/** One streamed chat through Loadout: tokens/s from the first content chunk to the last. */
function streamOnce(url) {
  return new Promise((resolve, reject) => {
    const u = new URL('/v1/chat/completions', url);
    const body = JSON.stringify({ model: 'bench', stream: true, stream_options: { include_usage: true }, max_tokens: TOKENS, temperature: 0, messages: [{ role: 'user', content: PROMPT }] });
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let first = 0;
      let last = 0;
      let buf = '';
      let tokens = 0;
      res.setEncoding('utf8');
      res.on('data', (c) => {
        const now = mono();
        buf += c;
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const data = buf.slice(6, cut);
          buf = buf.slice(cut + 2);
          if (data === '[DONE]') continue;
          const chunk = JSON.parse(data);
          if (chunk.usage) tokens = chunk.usage.completion_tokens;
          if (chunk.choices[0]?.delta?.content) {
            if (!first) first = now;
            last = now;
          }
        }
      });
      res.on('end', () => resolve((tokens - 1) / ((last - first) / 1000)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function throughLoadout() {
  const dir = tempDir('builtin');
  const q = JSON.stringify;
  const config = join(dir.path, 'config.yaml');
  writeFileSync(config, ['listen: 127.0.0.1:0', `state_dir: ${q(join(dir.path, 'state'))}`, 'watchdog:', '  idle_check: false', '  health_timeout: 120s', 'models:', '  bench:', '    backend: builtin', `    model: ${q(MODEL)}`, `    args: ${q(`-c ${CTX} -t ${THREADS} -np 1`)}`, ''].join('\n'));
  const engine = await startChild(SERVE, [config]);
  try {
    const view = JSON.parse((await httpOk(`${engine.url}/api/models/bench/load`, { method: 'POST', timeoutMs: 120_000 })).body);
    const rates = { router: [], backend: [] };
    for (let run = 0; run <= RUNS; run++) {
      const viaRouter = await streamOnce(engine.url);
      // The same backend without the router in between: splits the cost between the two.
      const direct = await streamOnce(`http://127.0.0.1:${view.port}`);
      if (run > 0) {
        rates.router.push(viaRouter);
        rates.backend.push(direct);
      }
    }
    return rates;
  } finally {
    await engine.stop();
    dir.remove();
  }
}

export async function run() {
  requireBuild();
  // One after the other, never side by side: both would compete for the same cores.
  const direct = median(await inProcess());
  const rates = await throughLoadout();
  const loadout = median(rates.router);
  const backend = median(rates.backend);
  const pct = (v) => `${fmt((v / direct) * 100, 1)} %`;
  table(`built-in backend: ${TOKENS} tokens, ${RUNS} runs, ${THREADS} thread(s), median tokens/s`, ['path', 'tokens/s', 'ratio'], [
    ['node-llama-cpp in-process', fmt(direct, 1), '100 %'],
    ['built-in backend, direct (SSE)', fmt(backend, 1), pct(backend)],
    ['through Loadout (router + built-in)', fmt(loadout, 1), pct(loadout)],
  ]);
  console.log(`\nratio Loadout / in-process: ${fmt(loadout / direct, 3)} (goal ≥ 0.95)`);
  return { direct, backend, loadout, ratio: loadout / direct, tokens: TOKENS, runs: RUNS, threads: THREADS, model: MODEL };
}

await main(import.meta.url, run);
